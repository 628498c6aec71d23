import {
  type Backend,
  CpuBackend,
  type KernelOutput,
  RecurError,
  type Tensor,
  type TensorInfo,
} from '@recur/tensor';

/**
 * Small helpers the fused CPU sequence kernels share: raw typed-array access to tensors, and
 * the input projection and after-the-loop gradients built on `CpuBackend.gemm` (the tensor
 * package's wasm SIMD GEMM on raw arrays), without going through tensors.
 */

/** The backend as a {@link CpuBackend}, or a clear error. */
export function cpuBackend(kernel: string, backend: Backend): CpuBackend {
  if (!(backend instanceof CpuBackend)) {
    throw new RecurError(
      'BACKEND',
      `${kernel}: the cpu implementation needs a CpuBackend, got '${backend.name}'`,
    );
  }
  return backend;
}

/** The float32 values of `t` without a copy (read-only by convention). */
export function f32(cpu: CpuBackend, t: TensorInfo): Float32Array {
  return cpu.values(t) as Float32Array;
}

/** Nonzero-means-valid mask values `[B, T]` (float32 or int32), or null when absent. */
export function maskValues(
  cpu: CpuBackend,
  mask: Tensor | undefined,
): Float32Array | Int32Array | null {
  return mask ? (cpu.values(mask) as Float32Array | Int32Array) : null;
}

/**
 * `x W_x + b` for every step: `rows` copies of the bias, then one accumulating product —
 * `[rows, width]` from x `[rows, inputs]` and W_x `[inputs, width]`.
 */
export function inputProjection(
  cpu: CpuBackend,
  x: Float32Array,
  wx: Float32Array,
  bias: Float32Array,
  rows: number,
  inputs: number,
): Float32Array {
  const width = bias.length;
  const out = new Float32Array(rows * width);
  for (let r = 0; r < rows; r++) out.set(bias, r * width);
  return cpu.gemm(x, wx, rows, width, inputs, false, false, out, true);
}

/** Columns `[from, from + width)` of a row-major `[rows, cols]` matrix, as a new matrix. */
export function columns(
  values: Float32Array,
  rows: number,
  cols: number,
  from: number,
  width: number,
): Float32Array {
  const out = new Float32Array(rows * width);
  for (let r = 0; r < rows; r++)
    out.set(values.subarray(r * cols + from, r * cols + from + width), r * width);
  return out;
}

/** Copies row `t` of each of the `B` sequences of `[B, T, width]` values into `out` `[B, width]`. */
export function rowsAt(
  values: Float32Array,
  t: number,
  dims: { B: number; T: number },
  width: number,
  out: Float32Array,
): Float32Array {
  for (let r = 0; r < dims.B; r++) {
    const from = (r * dims.T + t) * width;
    out.set(values.subarray(from, from + width), r * width);
  }
  return out;
}

/** Stores `values` as a kernel output of `shape`. */
export function output(
  cpu: CpuBackend,
  values: Float32Array,
  shape: readonly number[],
): KernelOutput {
  return { dataId: cpu.write(values), shape, dtype: 'float32' };
}

/**
 * Column sums of a row-major `[rows, cols]` matrix (the bias gradient Σ_B Σ_t dz), as the
 * product `1ᵀ · values` through the GEMM (wasm SIMD).
 */
export function columnSums(
  cpu: CpuBackend,
  values: Float32Array,
  rows: number,
  cols: number,
): Float32Array {
  return cpu.gemm(new Float32Array(rows).fill(1), values, 1, cols, rows);
}

/**
 * The gradients formed after the BPTT loop from every step's pre-activation gradient
 * `dZ [B·T, G]` (docs/notation.md), one product each: `dx = dZ W_xᵀ` (zeros when x needs no
 * gradient), `dW_x = xᵀ dZ`, `db = Σ_B Σ_t dZ`. `dW_a` differs per cell and stays with the cell.
 */
export function inputSideGradients(
  cpu: CpuBackend,
  dZ: Float32Array,
  x: Float32Array,
  wx: Float32Array,
  dims: { B: number; T: number; I: number; G: number },
  skipInputGradient = false,
): { dx: KernelOutput; dWx: KernelOutput; db: KernelOutput } {
  const { B, T, I, G } = dims;
  const dx = skipInputGradient
    ? new Float32Array(B * T * I)
    : cpu.gemm(dZ, wx, B * T, I, G, false, true);
  return {
    dx: output(cpu, dx, [B, T, I]),
    dWx: output(cpu, cpu.gemm(x, dZ, I, G, B * T, true, false), [I, G]),
    db: output(cpu, columnSums(cpu, dZ, B * T, G), [G]),
  };
}

/**
 * Carries the recurrent part of the gradient to step t−1: `da⟨t−1⟩ = dz W_aᵀ` (written into
 * `rec`), copied into `daNext` for every batch row whose step t is not padded (a padded row
 * keeps `daNext` as it was: the gradient passes through unchanged).
 */
export function carryRecurrentGradient(
  cpu: CpuBackend,
  dz: Float32Array,
  wa: Float32Array,
  rec: Float32Array,
  daNext: Float32Array,
  mask: Float32Array | Int32Array | null,
  t: number,
  dims: { B: number; T: number; H: number; G: number },
): void {
  const { B, T, H, G } = dims;
  cpu.gemm(dz, wa, B, H, G, false, true, rec);
  for (let r = 0; r < B; r++) {
    if (mask && mask[r * T + t] === 0) continue;
    daNext.set(rec.subarray(r * H, (r + 1) * H), r * H);
  }
}
