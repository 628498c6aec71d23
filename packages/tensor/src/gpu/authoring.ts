/**
 * @packageDocumentation
 * Writing fused kernels for the gpu.js backend from another package (e.g. `@recur/cells`'
 * sequence kernels) without loading gpu.js: the {@link Program} type, the source helpers the
 * backend's own kernels are written with, and {@link programRunner}, which finds the backend's
 * `runProgram`. Nothing here imports gpu.js, so a package can use it in its main entry and still
 * run where gpu.js is not installed.
 *
 * ```ts
 * import { defineKernel } from '@recur/tensor';
 * import { divFloor, kernelSource, programRunner } from '@recur/tensor/gpu-kernels';
 *
 * const addRows = defineKernel<Record<string, never>>({
 *   name: 'addRows',
 *   backends: {
 *     gpu: (backend, [x, row]) => {
 *       const gpu = programRunner('addRows', backend);
 *       const [rows, cols] = x!.shape as [number, number];
 *       const lines = ['const i = this.thread.x;', ...divFloor('r', 'i', cols), `return x0[i] + x1[i - r * ${cols}];`];
 *       const program = { name: `addRows[${rows},${cols}]`, source: kernelSource(['x0', 'x1'], lines), size: rows * cols };
 *       const [out] = gpu.runProgram('addRows', program, [x!, row!]);
 *       return [{ dataId: out!, shape: x!.shape, dtype: 'float32' }];
 *     },
 *   },
 * });
 * ```
 */
import type { Backend, DataId, TensorInfo } from '../backend.js';
import { RecurError } from '../errors.js';
import type { Program } from './codegen.js';

export {
  divFloor,
  INF,
  kernelSource,
  LOOP_BUDGET,
  NAN,
  nanTest,
  ONE,
  type Program,
  programKey,
  sigmoidInto,
  tanhInto,
} from './codegen.js';

/** A backend that runs {@link Program}s: the gpu.js backend (`GpuBackend`). */
export interface ProgramRunner {
  /**
   * Runs `program` with `inputs` as its texture parameters `x0`, `x1`, … (in order) and
   * `scalars` as its run-time scalar parameters; returns the storage of its output (then of each
   * sub-kernel output), `program.size` elements each. At most 8 inputs run everywhere (WebGL's
   * guaranteed texture units).
   */
  runProgram(
    op: string,
    program: Program,
    inputs: readonly TensorInfo[],
    scalars?: readonly number[],
  ): DataId[];
}

/** `backend` as a {@link ProgramRunner}, or a `RecurError('BACKEND')` naming `kernel`. */
export function programRunner(kernel: string, backend: Backend): Backend & ProgramRunner {
  const candidate = backend as Backend & Partial<ProgramRunner>;
  if (typeof candidate.runProgram !== 'function') {
    throw new RecurError(
      'BACKEND',
      `${kernel}: the '${backend.name}' backend cannot run gpu programs (it has no runProgram); use the gpu.js backend from @recur/tensor/gpu`,
    );
  }
  return candidate as Backend & ProgramRunner;
}
