/** What a malformed byte decodes to (one per byte, so every position is known exactly). */
export const REPLACEMENT = 0xfffd;

/**
 * The code point starting at `bytes[i]` and its length in bytes, written to `out` (`[codePoint,
 * length]`). A byte that does not start a well-formed sequence (a stray continuation byte, an
 * overlong form, a surrogate, a sequence cut short) decodes to U+FFFD with length 1. Returns
 * false when the sequence runs past `end` and more input may follow (`final` false): the caller
 * then keeps the bytes from `i` for the next block.
 */
export function decodeAt(
  bytes: Uint8Array,
  i: number,
  end: number,
  final: boolean,
  out: [number, number],
): boolean {
  const b = bytes[i]!;
  if (b < 0x80) {
    out[0] = b;
    out[1] = 1;
    return true;
  }
  const n =
    b >= 0xc2 && b <= 0xdf ? 2 : b >= 0xe0 && b <= 0xef ? 3 : b >= 0xf0 && b <= 0xf4 ? 4 : 0;
  if (n === 0) {
    out[0] = REPLACEMENT;
    out[1] = 1;
    return true;
  }
  if (i + n > end && !final) {
    // Only a cut if the bytes present so far continue the sequence.
    let partial = true;
    for (let k = 1; i + k < end; k++) if ((bytes[i + k]! & 0xc0) !== 0x80) partial = false;
    if (partial) return false;
  }
  let cp = b & (n === 2 ? 0x1f : n === 3 ? 0x0f : 0x07);
  for (let k = 1; k < n; k++) {
    const c = i + k < end ? bytes[i + k]! : -1;
    if ((c & 0xc0) !== 0x80 || c < 0) {
      out[0] = REPLACEMENT;
      out[1] = 1;
      return true;
    }
    cp = (cp << 6) | (c & 0x3f);
  }
  const min = n === 2 ? 0x80 : n === 3 ? 0x800 : 0x10000;
  if (cp < min || (cp >= 0xd800 && cp <= 0xdfff) || cp > 0x10ffff) {
    out[0] = REPLACEMENT;
    out[1] = 1;
    return true;
  }
  out[0] = cp;
  out[1] = n;
  return true;
}
