import { RecurError } from '../../errors.js';
import { decodeBase64, type WasmKernels } from './wasm-kernels.js';

/**
 * A WebAssembly SIMD module of another package, to be linked to the CPU backend's kernels with
 * `CpuBackend.linkWasm` — how a package adds a fused CPU kernel of its own (e.g. `@recur/cells`'
 * LSTM gate pass) without the tensor package knowing about it. Declare it once, as a module
 * constant: the linked instance is cached per source object.
 *
 * The module imports, from `recur`:
 * - `memory`: the CPU kernels' one growable memory (`(import "recur" "memory" (memory 1))`);
 * - `exp4`, `sigmoid4`, `tanh4`: `(func (param v128) (result v128))`, the vector math of the
 *   backend's own `exp`/`sigmoid`/`tanh` (Cephes polynomials, NaN propagates), so a fused
 *   kernel gets the same values as the unfused ops.
 *
 * `recur-build-wasm` (from `@recur/tooling`) compiles a `.wat` file into such a source.
 */
export interface WasmModuleSource {
  /** For messages, e.g. `'@recur/cells lstm-cell'`. */
  readonly name: string;
  /** The module's bytes in base64. */
  readonly base64: string;
}

/**
 * A module linked to the CPU backend's kernels: its exports, and the memory it shares with
 * them. A call copies its operands in (from byte 0: the memory is scratch space, nothing lives
 * there between calls), runs, and copies its results out, all synchronously.
 */
export interface WasmExtension<Exports> {
  readonly exports: Exports;
  /**
   * Grows the shared memory to at least `bytes` and returns a view of all of it, or null where
   * it cannot grow that far (the caller then runs its TypeScript path). Growing detaches earlier
   * views: take the view after the last `reserve` of a call.
   */
  reserve(bytes: number): Float32Array | null;
}

const linked = new WeakMap<WasmModuleSource, WasmExtension<unknown>>();

/** `source` linked to `kernels` (once per source); a `FORMAT` error if it does not compile or link. */
export function linkWasmExtension<Exports>(
  kernels: WasmKernels,
  source: WasmModuleSource,
): WasmExtension<Exports> {
  const cached = linked.get(source);
  if (cached) return cached as WasmExtension<Exports>;
  let extension: WasmExtension<Exports>;
  try {
    extension = kernels.link<Exports>(new WebAssembly.Module(decodeBase64(source.base64)));
  } catch (error) {
    throw new RecurError(
      'FORMAT',
      `CpuBackend.linkWasm: the module '${source.name}' does not link to the CPU kernels ` +
        `(expected imports recur.memory, recur.exp4/sigmoid4/tanh4): ${(error as Error).message}`,
    );
  }
  linked.set(source, extension);
  return extension;
}
