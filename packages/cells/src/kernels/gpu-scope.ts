import type { Backend, DataId, KernelOutput, Shape, TensorInfo } from '@recur/tensor';
import {
  divFloor,
  kernelSource,
  type Program,
  type ProgramRunner,
  programRunner,
} from '@recur/tensor/gpu-kernels';

/**
 * The working set of one fused GPU sequence kernel: runs programs and primitive kernels on the
 * gpu.js backend at the storage level (no tensors, no autograd), remembers every texture it
 * made, and frees all of them except the outputs it hands back with {@link keep}.
 *
 * ```ts
 * const gpu = new GpuScope('rnnSequenceForward', backend);
 * try {
 *   const a = gpu.run(program, [x, a0], [B, H], [t]);
 *   return [gpu.keep(a)];
 * } finally {
 *   gpu.dispose();
 * }
 * ```
 */
export class GpuScope {
  readonly #backend: Backend & ProgramRunner;
  readonly #kernel: string;
  readonly #temps = new Set<DataId>();

  constructor(kernel: string, backend: Backend) {
    this.#kernel = kernel;
    this.#backend = programRunner(kernel, backend);
  }

  #own(dataId: DataId, shape: Shape): TensorInfo {
    this.#temps.add(dataId);
    return { dataId, shape, dtype: 'float32' };
  }

  /** Runs `program` (inputs `x0…`, run-time `scalars`); its output has `shape`. */
  run(program: Program, inputs: readonly TensorInfo[], shape: Shape, scalars: number[] = []) {
    const [out] = this.#backend.runProgram(this.#kernel, program, inputs, scalars);
    return this.#own(out!, shape);
  }

  /** `op(a) · op(b)` for 2-D operands. */
  matmul(a: TensorInfo, b: TensorInfo, transposeA = false, transposeB = false): TensorInfo {
    const m = transposeA ? a.shape[1]! : a.shape[0]!;
    const n = transposeB ? b.shape[0]! : b.shape[1]!;
    return this.#own(this.#backend.matmul(a, b, transposeA, transposeB, [m, n]), [m, n]);
  }

  /** Joins `parts` along `axis` (every other dimension equal). */
  concat(parts: readonly TensorInfo[], axis: number): TensorInfo {
    const shape = [...parts[0]!.shape];
    shape[axis] = parts.reduce((total, p) => total + p.shape[axis]!, 0);
    return this.#own(this.#backend.concat(parts, axis, shape), shape);
  }

  /** Per-step `[B, W]` results, in time order, as one `[B, T, W]` sequence. */
  stackSteps(steps: readonly TensorInfo[]): TensorInfo {
    const [B, W] = steps[0]!.shape as [number, number];
    return this.concat(
      steps.map((s) => this.reshape(s, [B, 1, W])),
      1,
    );
  }

  /** Columns `[from, from + width)` of a 2-D matrix. */
  columns(x: TensorInfo, from: number, width: number): TensorInfo {
    const rows = x.shape[0]!;
    return this.#own(this.#backend.slice(x, [0, from], [rows, width]), [rows, width]);
  }

  /** Σ over the rows of a 2-D matrix: `[R, C] → [C]`. */
  sumRows(x: TensorInfo): TensorInfo {
    const cols = x.shape[1]!;
    return this.#own(this.#backend.reduce('sum', x, [0], [cols]), [cols]);
  }

  unary(op: 'tanh', x: TensorInfo): TensorInfo {
    return this.#own(this.#backend.unary(op, x), x.shape);
  }

  zeros(shape: Shape): TensorInfo {
    return this.#own(this.#backend.fill(shape, 0, 'float32'), shape);
  }

  /** The same storage seen with another shape of the same size (a row-major reshape). */
  reshape(x: TensorInfo, shape: Shape): TensorInfo {
    return { dataId: x.dataId, shape, dtype: x.dtype };
  }

  /** Hands `x` out as a kernel output: {@link dispose} will not free it. */
  keep(x: TensorInfo, shape: Shape = x.shape): KernelOutput {
    this.#temps.delete(x.dataId);
    return { dataId: x.dataId, shape, dtype: 'float32' };
  }

  /** Frees every texture this scope made and did not {@link keep}. */
  dispose(): void {
    for (const dataId of this.#temps) this.#backend.dispose(dataId);
    this.#temps.clear();
  }
}

/** Runs `body` with a fresh {@link GpuScope}, freeing its temporaries however it ends. */
export function withGpuScope<R>(kernel: string, backend: Backend, body: (gpu: GpuScope) => R): R {
  const gpu = new GpuScope(kernel, backend);
  try {
    return body(gpu);
  } finally {
    gpu.dispose();
  }
}

/**
 * A program computing one element per thread (`lines` see `i`, the flat output index) of an
 * output of `size` elements. Its texture parameters are `x0 … xN`, N the highest one `lines`
 * read, then `scalars`. The backend derives its cache key from the source, the sizes and the
 * inputs (`programKey`), so no literal baked into the source can be left out of the key.
 */
export function program(
  name: string,
  lines: readonly string[],
  size: number,
  scalars: readonly string[] = [],
): Program {
  const body = ['const i = this.thread.x;', ...lines];
  const read = body.flatMap((line) => [...line.matchAll(/\bx(\d+)\[/g)].map((m) => Number(m[1])));
  const params = [
    ...Array.from({ length: Math.max(-1, ...read) + 1 }, (_, k) => `x${k}`),
    ...scalars,
  ];
  const source = kernelSource(params, body);
  return { name: `cells.${name}[${size}]`, source, size };
}

/** Declares `row` and `j`: the row and column of element `i` in a `[rows, width]` output. */
export function rowAndColumn(width: number): string[] {
  return [...divFloor('row', 'i', width), `const j = i - row * ${width};`];
}

/**
 * `if (<step t of row is padded>) { <then> }` for a `[B, T]` mask in texture `mask`, at the time
 * index held in `step`; nothing when there is no mask.
 */
export function ifPadded(mask: string | null, T: number, then: string): string[] {
  return mask === null ? [] : [`if (${mask}[row * ${T} + step] == 0) { ${then} }`];
}

/**
 * The state each step started from, `[B, T, H]`: the previous step's output in processing order,
 * or the initial state `[B, H]` where the recurrence begins. One launch.
 */
export function previousStates(
  gpu: GpuScope,
  outputs: TensorInfo,
  initial: TensorInfo,
  reverse: boolean,
): TensorInfo {
  const [B, T, H] = outputs.shape as [number, number, number];
  const first = reverse ? T - 1 : 0;
  const lines = [
    ...divFloor('bt', 'i', H),
    `const j = i - bt * ${H};`,
    ...divFloor('b', 'bt', T),
    `const t = bt - b * ${T};`,
    `if (t == ${first}) { return x1[b * ${H} + j]; }`,
    `return x0[i ${reverse ? '+' : '-'} ${H}];`,
  ];
  return gpu.run(program('previousStates', lines, B * T * H), [outputs, initial], [B, T, H]);
}

/**
 * The gradients formed after the BPTT loop from every step's `dZ [B·T, G]`, one product each:
 * `dx = dZ W_xᵀ` (zeros when x needs no gradient), `dW_x = xᵀ dZ`, `db = Σ dZ` (as on the CPU).
 */
export function inputSideGradients(
  gpu: GpuScope,
  dZ: TensorInfo,
  x: TensorInfo,
  wx: TensorInfo,
  skipInputGradient = false,
): { dx: KernelOutput; dWx: KernelOutput; db: KernelOutput } {
  const [B, T, I] = x.shape as [number, number, number];
  const x2d = gpu.reshape(x, [B * T, I]);
  const dx = skipInputGradient ? gpu.zeros([B * T, I]) : gpu.matmul(dZ, wx, false, true);
  return {
    dx: gpu.keep(dx, [B, T, I]),
    dWx: gpu.keep(gpu.matmul(x2d, dZ, true, false)),
    db: gpu.keep(gpu.sumRows(dZ)),
  };
}
