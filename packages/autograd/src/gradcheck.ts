import {
  checkOptions,
  formatShape,
  isTensor,
  RecurError,
  Rng,
  stridesOf,
  type Tensor,
  tensor,
  tidy,
  withBackend,
} from '@recur/tensor';
import { grad } from './backward.js';
import { noGrad } from './grad-mode.js';
import { isVariable, Variable } from './variable.js';

/** Tolerances of {@link gradcheck}. */
export interface GradcheckOptions {
  /** Central-difference step (default 1e-3, suited to float32 evaluation). */
  eps?: number;
  /** Absolute tolerance (default 1e-3). */
  atol?: number;
  /** Relative tolerance, against |numeric| (default 1e-2). */
  rtol?: number;
  /** Seed of the random projection used when `fn` returns more than one element (default 1). */
  seed?: number;
}

/** One compared gradient element. */
export interface GradcheckElement {
  /** Which input (position in `inputs`). */
  input: number;
  /** Flat, row-major index into that input. */
  index: number;
  /** The same position as one index per dimension. */
  multiIndex: number[];
  /** From backward. */
  analytic: number;
  /** From central differences. */
  numeric: number;
  absError: number;
  relError: number;
}

/** What {@link gradcheck} found. */
export interface GradcheckResult {
  /** Every element satisfied `|analytic − numeric| ≤ atol + rtol·|numeric|` (and is finite). */
  ok: boolean;
  maxAbsError: number;
  /** Largest `|analytic − numeric| / max(|analytic|, |numeric|)`. */
  maxRelError: number;
  /** The element furthest outside (or closest to) the tolerance; null when nothing was checked. */
  worst: GradcheckElement | null;
  /** How many elements were compared. */
  checked: number;
}

/**
 * Compares the gradients backward computes for `fn` at `inputs` with central finite
 * differences. For each float32 input element x: `(L(x + ε) − L(x − ε)) / (x₊ − x₋)`, where
 * the step, the sums and the difference are taken in float64 on the CPU and `x₊`, `x₋` are the
 * float32 values actually fed in. `fn` itself runs in float32 (the only float dtype of
 * `@recur/tensor`), which is why the defaults are loose: `eps` 1e-3, `atol` 1e-3, `rtol` 1e-2.
 *
 * `fn` may return any shape: a non-scalar output `y` is projected to `L = Σ r ⊙ y` with fixed
 * random `r` (seeded), so every output element is checked. int32 inputs are passed as
 * constants and not checked. `fn` must be deterministic (seed any dropout inside it). The
 * caller keeps ownership of `inputs`; everything gradcheck makes is freed.
 */
export function gradcheck(
  fn: (...xs: Variable[]) => Variable,
  inputs: readonly Tensor[],
  options: GradcheckOptions = {},
): GradcheckResult {
  checkOptions('gradcheck', options, ['eps', 'atol', 'rtol', 'seed']);
  const { eps = 1e-3, atol = 1e-3, rtol = 1e-2, seed = 1 } = options;
  if (typeof fn !== 'function')
    throw new RecurError('ARGUMENT', 'gradcheck: fn must be a function');
  if (!Array.isArray(inputs))
    throw new RecurError('ARGUMENT', 'gradcheck: inputs must be an array of Tensors');
  inputs.forEach((t, i) => {
    if (!isTensor(t)) throw new RecurError('ARGUMENT', `gradcheck: inputs[${i}] must be a Tensor`);
    t.assertAlive('gradcheck', `inputs[${i}]`);
  });
  if (!(eps > 0)) throw new RecurError('RANGE', `gradcheck: eps must be positive, got ${eps}`);
  const checked = inputs.map((t) => t.dtype === 'float32');

  const call = (
    values: readonly Tensor[],
    requiresGrad: boolean,
  ): { vars: Variable[]; out: Variable } => {
    const vars = values.map(
      (t, i) => new Variable(t.reshape(t.shape), { requiresGrad: requiresGrad && checked[i]! }),
    );
    const out = fn(...vars);
    if (!isVariable(out)) throw new RecurError('ARGUMENT', 'gradcheck: fn must return a Variable');
    return { vars, out };
  };

  let projection: Float64Array = new Float64Array(0);
  const analytic = tidy(() => {
    const { vars, out } = call(inputs, true);
    projection = new Float64Array(out.size);
    const rng = new Rng(seed);
    for (let i = 0; i < projection.length; i++)
      projection[i] = out.size === 1 ? 1 : Math.fround(rng.normal());
    const seedTensor = withBackend(out.value.backend, () =>
      tensor(Float32Array.from(projection), out.shape),
    );
    const targets = vars.filter((_, i) => checked[i]);
    const grads = grad(out, targets, { seed: seedTensor });
    return grads.map((g) => Float64Array.from(g.data()));
  });

  const objective = (values: readonly Tensor[]): number =>
    tidy(() =>
      noGrad(() => {
        const data = call(values, false).out.value.data();
        let total = 0;
        for (let i = 0; i < data.length; i++) total += projection[i]! * data[i]!;
        return total;
      }),
    );

  const result: GradcheckResult = {
    ok: true,
    maxAbsError: 0,
    maxRelError: 0,
    worst: null,
    checked: 0,
  };
  let worstScore = -1;
  let slot = 0;
  inputs.forEach((input, k) => {
    if (!checked[k]) return;
    const base = input.data() as Float32Array;
    const gradient = analytic[slot++]!;
    const strides = stridesOf(input.shape);
    for (let j = 0; j < base.length; j++) {
      const evaluate = (value: number): number => {
        const perturbed = Float32Array.from(base);
        perturbed[j] = value;
        const t = withBackend(input.backend, () => tensor(perturbed, input.shape));
        try {
          return objective(inputs.map((other, m) => (m === k ? t : other)));
        } finally {
          t.dispose();
        }
      };
      const x = base[j]!;
      const plus = Math.fround(x + eps);
      const minus = Math.fround(x - eps);
      const numeric = (evaluate(plus) - evaluate(minus)) / (plus - minus);
      const a = gradient[j]!;
      const absError = Math.abs(a - numeric);
      const scale = Math.max(Math.abs(a), Math.abs(numeric));
      const relError = scale === 0 ? 0 : absError / scale;
      const finite = Number.isFinite(a) && Number.isFinite(numeric);
      const score = finite
        ? absError / (atol + rtol * Math.abs(numeric))
        : Number.POSITIVE_INFINITY;
      result.checked++;
      if (!(score <= 1)) result.ok = false;
      result.maxAbsError = Math.max(
        result.maxAbsError,
        finite ? absError : Number.POSITIVE_INFINITY,
      );
      result.maxRelError = Math.max(
        result.maxRelError,
        finite ? relError : Number.POSITIVE_INFINITY,
      );
      if (score > worstScore) {
        worstScore = score;
        const multiIndex = strides.map((s, d) => Math.floor(j / s) % input.shape[d]!);
        result.worst = { input: k, index: j, multiIndex, analytic: a, numeric, absError, relError };
      }
    }
  });
  return result;
}

/** Thrown by {@link assertGradcheck}; carries the full result. */
export class GradcheckError extends Error {
  readonly result: GradcheckResult;

  constructor(message: string, result: GradcheckResult) {
    super(message);
    this.name = 'GradcheckError';
    this.result = result;
  }
}

/** Describes the worst element of a result, e.g. for a failure message. */
export function describeGradcheck(result: GradcheckResult, inputs?: readonly Tensor[]): string {
  const w = result.worst;
  if (!w) return 'gradcheck: no float32 input elements to check';
  const shape = inputs?.[w.input] ? ` ${formatShape(inputs[w.input]!.shape)}` : '';
  return (
    `gradcheck ${result.ok ? 'passed' : 'failed'}: worst element is input ${w.input}${shape} at ` +
    `index ${w.index} [${w.multiIndex.join(',')}]: analytic ${w.analytic.toPrecision(6)} vs numeric ${w.numeric.toPrecision(6)} ` +
    `(abs error ${w.absError.toExponential(3)}, rel error ${w.relError.toExponential(3)}; ` +
    `${result.checked} elements checked)`
  );
}

/** {@link gradcheck} that throws a {@link GradcheckError} naming the worst element on failure. */
export function assertGradcheck(
  fn: (...xs: Variable[]) => Variable,
  inputs: readonly Tensor[],
  options: GradcheckOptions = {},
): GradcheckResult {
  const result = gradcheck(fn, inputs, options);
  if (!result.ok) throw new GradcheckError(describeGradcheck(result, inputs), result);
  return result;
}
