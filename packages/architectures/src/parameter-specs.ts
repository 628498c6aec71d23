import type { Variable } from '@recur/autograd';
import { CELLS, type CellKind } from '@recur/cells';
import { type DType, formatShape, RecurError, shapesEqual, tidy } from '@recur/tensor';
import type { AttentionScore } from './attention.js';
import { CONFIG_LIMITS } from './config.js';

/** One parameter a configuration implies: its name, shape and dtype (nothing allocated). */
export interface ParameterSpec {
  readonly name: string;
  readonly shape: readonly number[];
  readonly dtype: DType;
}

const float = (name: string, shape: number[]): ParameterSpec => ({
  name,
  shape,
  dtype: 'float32',
});

/** `specs` with `prefix` before each name. */
export function prefixed(prefix: string, specs: readonly ParameterSpec[]): ParameterSpec[] {
  return specs.map((s) => ({ ...s, name: `${prefix}${s.name}` }));
}

/** A {@link Dense} layer: `W [in, out]`, `b [out]`. */
export function denseSpecs(
  inputSize: number,
  outputSize: number,
  [w, b]: readonly [string, string] = ['W', 'b'],
): ParameterSpec[] {
  return [float(w, [inputSize, outputSize]), float(b, [outputSize])];
}

/** An {@link Embedding} table `[vocabularySize, embeddingSize]`. */
export function embeddingSpecs(
  name: string,
  vocabularySize: number,
  embeddingSize: number,
): ParameterSpec[] {
  return [float(name, [vocabularySize, embeddingSize])];
}

/**
 * The parameters `@recur/cells`' `RecurrentLayer` makes, named as its `parameters()` names them
 * (`layer0.forward.W_x`, …). Tests check this against a built layer for every cell kind.
 */
export function recurrentLayerSpecs(options: {
  cell: CellKind;
  inputSize: number;
  hiddenSize: number;
  numLayers: number;
  bidirectional?: boolean;
}): ParameterSpec[] {
  const { cell, inputSize, hiddenSize: H, numLayers, bidirectional = false } = options;
  // The fused `[I, gH]` / `[H, gH]` / `[gH]` layout, named by role as the registry names them.
  const { parameters: roles, gates } = CELLS[cell];
  const names = [roles.input, roles.recurrent, roles.bias] as const;
  const directions = bidirectional ? ['forward', 'backward'] : ['forward'];
  const out: ParameterSpec[] = [];
  for (let l = 0; l < numLayers; l++) {
    const I = l === 0 ? inputSize : directions.length * H;
    for (const d of directions) {
      const at = `layer${l}.${d}.`;
      out.push(
        float(at + names[0], [I, gates * H]),
        float(at + names[1], [H, gates * H]),
        float(at + names[2], [gates * H]),
      );
    }
  }
  return out;
}

/** An {@link Attention}'s parameters: none (`dot`), `W_a` (`general`), `W_k, W_q, v` (`additive`). */
export function attentionSpecs(options: {
  score: AttentionScore;
  querySize: number;
  valueSize: number;
  attentionSize?: number;
}): ParameterSpec[] {
  const { score, querySize, valueSize } = options;
  if (score === 'dot') return [];
  if (score === 'general') return [float('W_a', [valueSize, querySize])];
  const A = options.attentionSize ?? querySize;
  return [float('W_k', [valueSize, A]), float('W_q', [querySize, A]), float('v', [A])];
}

/**
 * Refuses a model whose parameters together exceed {@link CONFIG_LIMITS}.parameterElements,
 * before anything is drawn.
 */
export function checkParameterBudget(owner: string, specs: readonly ParameterSpec[]): void {
  let total = 0;
  for (const s of specs) total += s.shape.reduce((a, b) => a * b, 1);
  if (total > CONFIG_LIMITS.parameterElements) {
    throw new RecurError(
      'ARGUMENT',
      `${owner}: the configuration implies ${total} parameter elements; at most ${CONFIG_LIMITS.parameterElements} are allowed`,
    );
  }
}

/** Anything that owns parameters: a layer, a cell stack, a decoder. */
export interface ParameterOwner {
  parameters(): Record<string, Variable>;
}

/**
 * Runs `make`, which creates a model's parts, passing each part through `own` as it is made,
 * so that nothing leaks if construction throws part-way: every part owned so far is freed (and
 * every temporary tensor, through `tidy`). On success the parameters `parametersOf` lists are
 * checked against `specs` — the same description a loader checks a file against, so the two
 * cannot drift apart.
 */
export function buildParameters<T>(
  owner: string,
  specs: readonly ParameterSpec[],
  make: (own: <P extends ParameterOwner>(part: P) => P) => T,
  parametersOf: (built: T) => Record<string, Variable>,
): T {
  const made: ParameterOwner[] = [];
  const own = <P extends ParameterOwner>(part: P): P => {
    made.push(part);
    return part;
  };
  try {
    return tidy(() => {
      const built = make(own);
      checkAgainstSpecs(owner, specs, parametersOf(built));
      return built;
    });
  } catch (error) {
    for (const part of made) for (const p of Object.values(part.parameters())) p.dispose();
    throw error;
  }
}

function checkAgainstSpecs(
  owner: string,
  specs: readonly ParameterSpec[],
  parameters: Record<string, Variable>,
): void {
  const names = Object.keys(parameters);
  const drift =
    names.length !== specs.length ||
    specs.some((s) => {
      const p = Object.hasOwn(parameters, s.name) ? parameters[s.name] : undefined;
      return !p || !shapesEqual(p.shape, s.shape) || p.value.dtype !== s.dtype;
    });
  if (drift) {
    throw new RecurError(
      'ARGUMENT',
      `${owner}: internal error: the parameters built (${names.join(', ')}) differ from those its configuration describes (${specs.map((s) => `${s.name} ${formatShape(s.shape)}`).join(', ')})`,
    );
  }
}

/**
 * What a model's static `describe(options)` returns: its checked configuration (defaults
 * filled in) and the parameters that configuration implies — computed without allocating, so a
 * loader can compare them with a file's weight directory before building anything.
 */
export interface ModelPlan<C> {
  config: C;
  parameters: ParameterSpec[];
}
