import {
  CpuBackend,
  checkShape,
  eye,
  formatShape,
  RecurError,
  Rng,
  type Tensor,
  tensor,
} from '@recur/tensor';

/**
 * Where an initializer's random numbers come from: a `seed` (a fresh generator) or a shared
 * {@link Rng} (draws advance it, so consecutive initializers differ). One of them is required,
 * so every run is reproducible.
 */
export interface InitOptions {
  seed?: number;
  rng?: Rng;
}

/** Picks the generator from `options`, or throws naming `op`. */
export function rngFrom(op: string, options: InitOptions): Rng {
  if (options.rng) return options.rng;
  if (options.seed === undefined) {
    throw new RecurError(
      'ARGUMENT',
      `${op}: give a seed or an rng (e.g. { seed: 42 }) so the run is reproducible`,
    );
  }
  return new Rng(options.seed);
}

function checkMatrixShape(op: string, shape: readonly number[]): void {
  if (
    !Array.isArray(shape) ||
    shape.length < 1 ||
    shape.some((d) => !Number.isInteger(d) || d < 1)
  ) {
    throw new RecurError('SHAPE', `${op}: shape ${formatShape(shape)} must hold positive integers`);
  }
  checkShape(op, 'shape', shape); // at most MAX_TENSOR_SIZE elements, before allocating
}

function size(shape: readonly number[]): number {
  return shape.reduce((p, d) => p * d, 1);
}

/** Fan-in and fan-out of a weight `[in, out]` (a vector counts as `[1, n]`, like Keras). */
export function fans(shape: readonly number[]): { fanIn: number; fanOut: number } {
  if (shape.length === 1) return { fanIn: shape[0]!, fanOut: shape[0]! };
  const fanOut = shape[shape.length - 1]!;
  return { fanIn: size(shape) / fanOut, fanOut };
}

/** Uniform draws in `[-limit, limit)`. */
export function uniform(shape: readonly number[], limit: number, options: InitOptions): Tensor {
  checkMatrixShape('uniform', shape);
  if (!(limit > 0) || !Number.isFinite(limit)) {
    throw new RecurError('RANGE', `uniform: limit must be a positive finite number, got ${limit}`);
  }
  const rng = rngFrom('uniform', options);
  const values = new Float32Array(size(shape));
  for (let i = 0; i < values.length; i++) values[i] = rng.uniform(-limit, limit);
  return tensor(values, shape);
}

/**
 * Uniform in `±1/√H` for a cell with `hiddenSize` H — PyTorch's default for every RNN, LSTM and
 * GRU weight and bias.
 */
export function uniformHidden(
  shape: readonly number[],
  hiddenSize: number,
  options: InitOptions,
): Tensor {
  if (!Number.isInteger(hiddenSize) || hiddenSize < 1) {
    throw new RecurError(
      'RANGE',
      `uniformHidden: hiddenSize must be a positive integer, got ${hiddenSize}`,
    );
  }
  return uniform(shape, 1 / Math.sqrt(hiddenSize), options);
}

/** Glorot (Xavier) uniform: `±√(6 / (fanIn + fanOut))` — Keras's default input kernel. */
export function glorotUniform(shape: readonly number[], options: InitOptions): Tensor {
  checkMatrixShape('glorotUniform', shape);
  const { fanIn, fanOut } = fans(shape);
  return uniform(shape, Math.sqrt(6 / (fanIn + fanOut)), options);
}

/** Normal draws N(mean, std²); IRNN input weights use `std: 0.001`. */
export function normal(
  shape: readonly number[],
  options: InitOptions & { mean?: number; std?: number },
): Tensor {
  checkMatrixShape('normal', shape);
  const { mean = 0, std = 1 } = options;
  if (!(std >= 0) || !Number.isFinite(std) || !Number.isFinite(mean)) {
    throw new RecurError(
      'RANGE',
      `normal: std must be finite and ≥ 0 and mean finite, got std ${std}, mean ${mean}`,
    );
  }
  const rng = rngFrom('normal', options);
  const values = new Float32Array(size(shape));
  for (let i = 0; i < values.length; i++) values[i] = rng.normal(mean, std);
  return tensor(values, shape);
}

/** The `n × n` identity matrix times `gain` (the IRNN's `W_ah`). */
export function identity(n: number, gain = 1): Tensor {
  if (!Number.isInteger(n) || n < 1)
    throw new RecurError('RANGE', `identity: n must be a positive integer, got ${n}`);
  if (!Number.isFinite(gain))
    throw new RecurError('RANGE', `identity: gain must be finite, got ${gain}`);
  return eye(n, gain);
}

/**
 * A random orthogonal matrix (Saxe et al. 2014), times `gain`, drawn from the Haar measure: a
 * Gaussian matrix orthonormalised by block Gram–Schmidt (which equals its QR factor with a
 * positive-diagonal R: block Gram–Schmidt with reorthogonalisation) with the bulk of the work in the CPU
 * backend's wasm GEMM, whatever backend is active. For `[rows, cols]` the shorter side is orthonormal: with
 * rows ≤ cols the rows are, otherwise the columns. Higher-rank shapes are flattened to
 * `[prod(leading), last]`, as in Keras.
 */
export function orthogonal(
  shape: readonly number[],
  options: InitOptions & { gain?: number },
): Tensor {
  checkMatrixShape('orthogonal', shape);
  if (shape.length < 2) {
    throw new RecurError(
      'SHAPE',
      `orthogonal: shape ${formatShape(shape)} must have at least 2 dimensions`,
    );
  }
  const { gain = 1 } = options;
  const rng = rngFrom('orthogonal', options);
  const cols = shape[shape.length - 1]!;
  const rows = size(shape) / cols;
  // Orthonormalise k vectors of length n, stored as rows (contiguous inner loops).
  const k = Math.min(rows, cols);
  const n = Math.max(rows, cols);
  const q = orthonormalRows(k, n, rng);
  const out = new Float32Array(rows * cols);
  if (rows <= cols) {
    for (let i = 0; i < q.length; i++) out[i] = gain * q[i]!;
  } else {
    // q is [cols, rows]: the matrix is its transpose.
    for (let i = 0; i < rows; i++)
      for (let j = 0; j < cols; j++) out[i * cols + j] = gain * q[j * n + i]!;
  }
  return tensor(out, shape);
}

/** Rows orthonormalised together: their projections on earlier rows are two GEMMs. */
const BLOCK = 32;

let gemmBackend: CpuBackend | null = null;

/**
 * `k` orthonormal rows of length `n` (k ≤ n) from Gaussian draws: the Q of their QR
 * factorisation with a positive-diagonal R (so Haar-distributed), by block classical
 * Gram–Schmidt with reorthogonalisation (BCGS2, Barlow & Smoktunowicz 2013). Each block of
 * {@link BLOCK} rows, twice: loses its components along the rows already done (two float32
 * GEMMs on the CPU backend's wasm SIMD path — the bulk of the `4k²n` flops), then is
 * orthonormalised within itself (modified Gram–Schmidt in float64). The second round
 * starts from unit rows, so float32 rounding is not amplified where a row's residual is small;
 * the result is orthonormal to float32 resolution (|QQᵀ − I| ≈ 1e-6 at n = 1024).
 */
export function orthonormalRows(k: number, n: number, rng: Rng): Float32Array {
  const q = new Float32Array(k * n);
  for (let i = 0; i < q.length; i++) q[i] = rng.normal();
  gemmBackend ??= new CpuBackend();
  const cpu = gemmBackend;
  const block = new Float64Array(BLOCK * n);
  for (let b0 = 0; b0 < k; b0 += BLOCK) {
    const nb = Math.min(BLOCK, k - b0);
    const rows = q.subarray(b0 * n, (b0 + nb) * n);
    const done = q.subarray(0, b0 * n);
    for (let round = 0; round < 2; round++) {
      if (b0 > 0) {
        const coefficients = cpu.gemm(rows, done, nb, b0, n, false, true); // V Qᵀ  [nb, b0]
        const along = cpu.gemm(coefficients, done, nb, n, b0); // (V Qᵀ) Q  [nb, n]
        for (let i = 0; i < rows.length; i++) rows[i]! -= along[i]!;
      }
      for (let i = 0; i < nb * n; i++) block[i] = rows[i]!;
      orthonormaliseRows(block, nb, n);
      for (let i = 0; i < nb * n; i++) rows[i] = block[i]!;
    }
  }
  return q;
}

/** Modified Gram–Schmidt over the first `count` rows of length `n` of `rows`. */
function orthonormaliseRows(rows: Float64Array, count: number, n: number): void {
  for (let i = 0; i < count; i++) {
    const vi = i * n;
    for (let j = 0; j < i; j++) {
      const vj = j * n;
      let dot = 0;
      for (let p = 0; p < n; p++) dot += rows[vi + p]! * rows[vj + p]!;
      for (let p = 0; p < n; p++) rows[vi + p]! -= dot * rows[vj + p]!;
    }
    let norm = 0;
    for (let p = 0; p < n; p++) norm += rows[vi + p]! * rows[vi + p]!;
    norm = Math.sqrt(norm);
    if (!(norm > 0))
      throw new RecurError('RANGE', 'orthogonal: a Gaussian draw was degenerate; use another seed');
    for (let p = 0; p < n; p++) rows[vi + p]! /= norm;
  }
}
