/**
 * Test support (not exported): safetensors files written from the format's description (not
 * by the library's writer), so a test can hand the reader hostile files an attacker could
 * also produce, and state dicts shaped as PyTorch tools write them (no recur metadata, no
 * checksum, data in name order).
 */

/** A header object (or raw text) and data as a safetensors file; `headerSize` overrides N. */
export function craftSafetensors(
  header: unknown,
  data: Uint8Array,
  options: { headerSize?: bigint; pad?: boolean } = {},
): Uint8Array {
  let text = typeof header === 'string' ? header : JSON.stringify(header);
  if (options.pad ?? true)
    while ((8 + new TextEncoder().encode(text).length) % 8 !== 0) text += ' ';
  const json = new TextEncoder().encode(text);
  const out = new Uint8Array(8 + json.length + data.length);
  new DataView(out.buffer).setBigUint64(0, options.headerSize ?? BigInt(json.length), true);
  out.set(json, 8);
  out.set(data, 8 + json.length);
  return out;
}

type Entry = { dtype: string; shape: number[]; data_offsets: [number, number] };

/** The parsed header and the data section of a safetensors file. */
export function splitSafetensors(bytes: Uint8Array): {
  header: Record<string, unknown>;
  data: Uint8Array;
} {
  const n = Number(new DataView(bytes.buffer, bytes.byteOffset).getBigUint64(0, true));
  const header = JSON.parse(new TextDecoder().decode(bytes.subarray(8, 8 + n)));
  return { header, data: bytes.slice(8 + n) };
}

/**
 * The same tensors as a PyTorch tool writes a state dict: no `__metadata__` (so no checksum),
 * header keys and data in name order, as the reference implementation sorts them.
 */
export function withoutMetadata(bytes: Uint8Array): Uint8Array {
  const { header, data } = splitSafetensors(bytes);
  const names = Object.keys(header)
    .filter((k) => k !== '__metadata__')
    .sort();
  const out: Record<string, Entry> = {};
  const chunks: Uint8Array[] = [];
  let offset = 0;
  for (const name of names) {
    const e = header[name] as Entry;
    const chunk = data.subarray(e.data_offsets[0], e.data_offsets[1]);
    out[name] = { dtype: e.dtype, shape: e.shape, data_offsets: [offset, offset + chunk.length] };
    chunks.push(chunk);
    offset += chunk.length;
  }
  const packed = new Uint8Array(offset);
  let at = 0;
  for (const c of chunks) {
    packed.set(c, at);
    at += c.length;
  }
  return craftSafetensors(out, packed);
}
