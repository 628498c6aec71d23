import type { DType } from '@recur/tensor';

/**
 * Saved weights are little-endian 4-byte values (float32 or int32), whatever the host's byte
 * order: these two helpers are the only place that knows.
 */
const hostIsLittleEndian = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;

function swap4(bytes: Uint8Array): void {
  for (let i = 0; i + 3 < bytes.length; i += 4) {
    const a = bytes[i]!;
    const b = bytes[i + 1]!;
    bytes[i] = bytes[i + 3]!;
    bytes[i + 1] = bytes[i + 2]!;
    bytes[i + 2] = b;
    bytes[i + 3] = a;
  }
}

/** A little-endian copy of `values`' bytes. */
export function littleEndianBytes(values: Float32Array | Int32Array): Uint8Array {
  const bytes = new Uint8Array(values.buffer, values.byteOffset, values.byteLength).slice();
  if (!hostIsLittleEndian) swap4(bytes);
  return bytes;
}

/**
 * The values of little-endian `bytes` (a copy; `bytes.length` a multiple of 4). The copy is
 * made with `set`, not `slice`: a Node `Buffer`'s `slice` shares memory with the (pooled)
 * buffer behind it, so its `.buffer` would hold other bytes.
 */
export function valuesFromLittleEndian(bytes: Uint8Array, dtype: DType): Float32Array | Int32Array {
  const copy = new Uint8Array(bytes.length);
  copy.set(bytes);
  if (!hostIsLittleEndian) swap4(copy);
  return dtype === 'int32' ? new Int32Array(copy.buffer) : new Float32Array(copy.buffer);
}
