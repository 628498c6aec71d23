/**
 * The .wat text compiled to wasm bytes (SIMD, bulk memory, saturating conversions; `threads`
 * adds shared memory and atomics, `relaxed` relaxed SIMD).
 */
export function compileWat(
  name: string,
  text: string,
  options?: { threads?: boolean; relaxed?: boolean },
): Promise<Buffer>;
/** Each `c + a·b` accumulation (f32x4.add of f32x4.mul) as one f32x4.relaxed_madd. */
export function relaxedSimdVariant(text: string): string;
/** The module's own exported memory replaced by an imported shared one (for worker threads). */
export function sharedMemoryVariant(text: string): string;
/** The TypeScript module that embeds `bytes` as `export const <constant>`. */
export function renderModule(bytes: Buffer, options: { source: string; constant: string }): string;
