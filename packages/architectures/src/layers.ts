import { add, gather, matmul, parameter, reshape, type Variable } from '@recur/autograd';
import { formatShape, RecurError, type Rng, type Tensor, tensor, zeros } from '@recur/tensor';

/** Glorot (Xavier) uniform draws `±√(6 / (fanIn + fanOut))` for a `[fanIn, fanOut]` weight. */
export function glorotWeight(fanIn: number, fanOut: number, rng: Rng): Tensor {
  const limit = Math.sqrt(6 / (fanIn + fanOut));
  const values = new Float32Array(fanIn * fanOut);
  for (let i = 0; i < values.length; i++) values[i] = rng.uniform(-limit, limit);
  return tensor(values, [fanIn, fanOut]);
}

function checkSize(owner: string, key: string, value: number): void {
  if (!Number.isInteger(value) || value < 1) {
    throw new RecurError('ARGUMENT', `${owner}: ${key} must be a positive integer, got ${value}`);
  }
}

/**
 * A fully connected layer `y = x W + b` (weights `[in, out]`, row vectors as in `docs/notation.md`).
 * `x` may be `[B, in]` or `[B, T, in]` (any leading dimensions): the product runs on the
 * flattened rows, so a whole sequence's outputs (`ŷ⟨t⟩ = a⟨t⟩ W_ao + b_o`) are one matmul.
 */
export class Dense {
  readonly inputSize: number;
  readonly outputSize: number;
  readonly W: Variable;
  readonly b: Variable;

  constructor(options: {
    inputSize: number;
    outputSize: number;
    rng: Rng;
    names?: [string, string];
  }) {
    checkSize('Dense', 'inputSize', options.inputSize);
    checkSize('Dense', 'outputSize', options.outputSize);
    this.inputSize = options.inputSize;
    this.outputSize = options.outputSize;
    const [wName, bName] = options.names ?? ['W', 'b'];
    this.W = parameter(glorotWeight(options.inputSize, options.outputSize, options.rng), wName);
    this.b = parameter(zeros([options.outputSize]), bName);
  }

  /** `x W + b` over the last axis of `x`. */
  apply(x: Variable | Tensor): Variable {
    const shape = x.shape;
    if (shape[shape.length - 1] !== this.inputSize) {
      throw new RecurError(
        'SHAPE',
        `Dense.apply: x is ${formatShape(shape)}; its last dimension must be inputSize ${this.inputSize}`,
      );
    }
    if (shape.length === 2) return add(matmul(x, this.W), this.b);
    const rows = shape.slice(0, -1).reduce((p, d) => p * d, 1);
    const y = add(matmul(reshape(x, [rows, this.inputSize]), this.W), this.b);
    return reshape(y, [...shape.slice(0, -1), this.outputSize]);
  }

  /** `{ W, b }` under the names given at construction. */
  parameters(): Record<string, Variable> {
    return { [this.W.name ?? 'W']: this.W, [this.b.name ?? 'b']: this.b };
  }
}

/**
 * A lookup table `[vocabularySize, embeddingSize]`: token ids (int32, any shape) → rows. Its
 * gradient is a scatter-add into the rows that were used, so a one-hot input times a weight
 * matrix and an embedding lookup learn the same thing; the lookup is cheaper.
 */
export class Embedding {
  readonly vocabularySize: number;
  readonly embeddingSize: number;
  readonly table: Variable;

  constructor(options: { vocabularySize: number; embeddingSize: number; rng: Rng; name?: string }) {
    checkSize('Embedding', 'vocabularySize', options.vocabularySize);
    checkSize('Embedding', 'embeddingSize', options.embeddingSize);
    this.vocabularySize = options.vocabularySize;
    this.embeddingSize = options.embeddingSize;
    const values = new Float32Array(options.vocabularySize * options.embeddingSize);
    for (let i = 0; i < values.length; i++) values[i] = options.rng.uniform(-0.05, 0.05); // Keras default
    this.table = parameter(
      tensor(values, [options.vocabularySize, options.embeddingSize]),
      options.name ?? 'embedding',
    );
  }

  /** `{ [name]: table }` under the name given at construction. */
  parameters(): Record<string, Variable> {
    return { [this.table.name ?? 'embedding']: this.table };
  }

  /** Rows of the table for int32 `ids` of any shape: `[...ids.shape, embeddingSize]`. */
  apply(ids: Tensor): Variable {
    if (ids.dtype !== 'int32') {
      throw new RecurError(
        'DTYPE',
        `Embedding.apply: ids must be int32 token indices, got ${ids.dtype}`,
      );
    }
    return gather(this.table, ids, 0);
  }
}
