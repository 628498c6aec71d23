import type { CpuBackend, WasmModuleSource } from '@recur/tensor';
import { LSTM_CELL_WASM_BASE64 } from './cell-pass-wasm.generated.js';

/**
 * One LSTM step's gate math on raw arrays, for the fused CPU kernel (`docs/notation.md`, gate
 * order u, f, c̃, o): `z` (`rows × 4h` pre-activations) is overwritten with the activations
 * `[Γu, Γf, c̃, Γo]`, then `c = Γf ⊙ cPrev + Γu ⊙ c̃` and `a = Γo ⊙ tanh(c)` are written
 * (`rows × h`).
 *
 * One WebAssembly SIMD pass (`wasm/lstm-cell.wat`, linked to the CPU backend's kernels with
 * `CpuBackend.linkWasm`) where the backend runs wasm, `h` is a multiple of 4 and the step is
 * large enough to pay; otherwise the backend's `unaryInto` for σ and tanh and TypeScript loops
 * for the rest. Both paths use the backend's own σ and tanh.
 */
export function lstmCellPass(
  cpu: CpuBackend,
  z: Float32Array,
  cPrev: Float32Array,
  c: Float32Array,
  a: Float32Array,
  rows: number,
  h: number,
  scratch: LstmCellScratch = lstmCellScratch(rows, h),
): void {
  if (!lstmCellWasm(cpu, z, cPrev, c, a, rows, h)) {
    lstmCellTs(cpu, z, cPrev, c, a, rows, h, scratch);
  }
}

/** Buffers of the TypeScript path, `rows × h` each: make them once per sequence, not per step. */
export interface LstmCellScratch {
  readonly candidate: Float32Array;
  readonly tanhC: Float32Array;
}

export function lstmCellScratch(rows: number, h: number): LstmCellScratch {
  return { candidate: new Float32Array(rows * h), tanhC: new Float32Array(rows * h) };
}

/** The module, declared once so that each backend links it once. */
const LSTM_CELL_WASM: WasmModuleSource = {
  name: '@recur/cells lstm-cell',
  base64: LSTM_CELL_WASM_BASE64,
};

/** `z` elements from which the wasm pass beats TypeScript (as for the backend's `sigmoid`). */
const WASM_MIN_ELEMENTS = 128;

interface LstmCellExports {
  lstmCell(z: number, cPrev: number, c: number, a: number, rows: number, h: number): void;
}

/**
 * The wasm path of {@link lstmCellPass}; false (having done nothing) where it does not run: no
 * wasm, `h % 4 ≠ 0`, a step below {@link WASM_MIN_ELEMENTS} (unless `wasmMode` is `'always'`),
 * or operands that do not fit in wasm memory.
 */
export function lstmCellWasm(
  cpu: CpuBackend,
  z: Float32Array,
  cPrev: Float32Array,
  c: Float32Array,
  a: Float32Array,
  rows: number,
  h: number,
): boolean {
  if (h % 4 !== 0 || z.length === 0) return false;
  if (cpu.wasmMode !== 'always' && z.length < WASM_MIN_ELEMENTS) return false;
  const wasm = cpu.linkWasm<LstmCellExports>(LSTM_CELL_WASM);
  if (!wasm) return false;
  // Every operand is a whole number of 16-byte vectors (h % 4 = 0), so they pack end to end.
  const cPrevAt = z.byteLength;
  const cAt = cPrevAt + cPrev.byteLength;
  const aAt = cAt + c.byteLength;
  const memory = wasm.reserve(aAt + a.byteLength);
  if (!memory) return false;
  memory.set(z, 0);
  memory.set(cPrev, cPrevAt >> 2);
  wasm.exports.lstmCell(0, cPrevAt, cAt, aAt, rows, h);
  z.set(memory.subarray(0, z.length));
  c.set(memory.subarray(cAt >> 2, (cAt >> 2) + c.length));
  a.set(memory.subarray(aAt >> 2, (aAt >> 2) + a.length));
  return true;
}

/** The TypeScript path of {@link lstmCellPass}. */
export function lstmCellTs(
  cpu: CpuBackend,
  z: Float32Array,
  cPrev: Float32Array,
  c: Float32Array,
  a: Float32Array,
  rows: number,
  h: number,
  { candidate, tanhC }: LstmCellScratch = lstmCellScratch(rows, h),
): void {
  const G = 4 * h;
  for (let r = 0; r < rows; r++) candidate.set(z.subarray(r * G + 2 * h, r * G + 3 * h), r * h);
  cpu.unaryInto('sigmoid', z, z); // Γu, Γf, Γo (the c̃ block is overwritten below)
  cpu.unaryInto('tanh', candidate, candidate); // c̃
  for (let r = 0; r < rows; r++) {
    const o = r * h;
    const ro = r * G;
    z.set(candidate.subarray(o, o + h), ro + 2 * h);
    for (let j = 0; j < h; j++) {
      c[o + j] = z[ro + h + j]! * cPrev[o + j]! + z[ro + j]! * candidate[o + j]!;
    }
  }
  cpu.unaryInto('tanh', c, tanhC);
  for (let r = 0; r < rows; r++) {
    const o = r * h;
    const ro = r * G + 3 * h;
    for (let j = 0; j < h; j++) a[o + j] = z[ro + j]! * tanhC[o + j]!;
  }
}
