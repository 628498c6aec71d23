/** The .wat text compiled to wasm bytes (SIMD, bulk memory, saturating conversions). */
export function compileWat(name: string, text: string): Promise<Buffer>;
/** The TypeScript module that embeds `bytes` as `export const <constant>`. */
export function renderModule(bytes: Buffer, options: { source: string; constant: string }): string;
