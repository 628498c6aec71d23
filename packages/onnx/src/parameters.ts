import type { Variable } from '@recur/autograd';
import { formatShape, RecurError } from '@recur/tensor';

/**
 * Reads a model's weights by their saved names (`model.parameters()`), checking each one's
 * shape against what its config implies, so a model whose parameters do not match its config
 * is refused by name instead of producing a file that fails inside a runtime.
 */
export class ParameterReader {
  readonly #owner: string;
  readonly #parameters: Record<string, Variable>;

  constructor(owner: string, parameters: Record<string, Variable>) {
    this.#owner = owner;
    this.#parameters = parameters;
  }

  /** The values of parameter `name`, row-major, after checking its shape. */
  read(name: string, shape: readonly number[]): Float32Array {
    const p = this.#parameters[name];
    if (!p) {
      throw new RecurError(
        'FORMAT',
        `${this.#owner}: the model has no parameter '${name}' ${formatShape(shape)}, which its config implies`,
      );
    }
    if (p.shape.length !== shape.length || p.shape.some((d, i) => d !== shape[i])) {
      throw new RecurError(
        'FORMAT',
        `${this.#owner}: parameter '${name}' is ${formatShape(p.shape)}; its config implies ${formatShape(shape)}`,
      );
    }
    if (p.value.dtype !== 'float32') {
      throw new RecurError(
        'DTYPE',
        `${this.#owner}: parameter '${name}' is ${p.value.dtype}; expected float32`,
      );
    }
    return p.value.data() as Float32Array; // a copy (read back from the GPU if it lives there)
  }
}
