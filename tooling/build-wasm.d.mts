/**
 * The .wat text compiled to wasm bytes (SIMD, bulk memory, saturating conversions; `threads`
 * adds shared memory and atomics).
 */
export function compileWat(
  name: string,
  text: string,
  options?: { threads?: boolean },
): Promise<Buffer>;
/** The module's own exported memory replaced by an imported shared one (for worker threads). */
export function sharedMemoryVariant(text: string): string;
/** The TypeScript module that embeds `bytes` as `export const <constant>`. */
export function renderModule(bytes: Buffer, options: { source: string; constant: string }): string;
