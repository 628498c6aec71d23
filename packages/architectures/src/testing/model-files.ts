import { crc32 } from '@recur/train';
import type { ModelFiles } from '../serialization.js';

/**
 * Test support (not exported): writers for crafted model files that follow the documented
 * format (written from its description, not by calling the library's writer), with correct
 * checksums — so a test reaches the checks behind the CRC (config, directory, layout) with a
 * hostile file an attacker could also produce.
 */

const hex = (n: number): string => n.toString(16).padStart(8, '0');
const PLACEHOLDER = '"headerCrc32": "00000000"';

/**
 * A version-2 pair from a parsed `model.json` object (its own `weightsByteLength`,
 * `weightsCrc32` and `headerCrc32` are replaced by the right values for `weights`).
 */
export function signedPair(json: Record<string, unknown>, weights: Uint8Array): ModelFiles {
  const { headerCrc32: _, ...rest } = json;
  const body = JSON.stringify(
    {
      ...rest,
      weightsByteLength: weights.byteLength,
      weightsCrc32: hex(crc32(weights)),
      headerCrc32: '00000000',
    },
    null,
    2,
  );
  const crc = hex(crc32(new TextEncoder().encode(body)));
  return { json: body.replace(PLACEHOLDER, `"headerCrc32": "${crc}"`), weights };
}

/** Appends the version-2 trailer (the CRC-32 of every byte before it) to `body`. */
export function withChecksum(body: Uint8Array): Uint8Array {
  const out = new Uint8Array(body.byteLength + 4);
  out.set(body);
  new DataView(out.buffer).setUint32(body.byteLength, crc32(body), true);
  return out;
}

/**
 * A single `.recur` file body (no trailer): the preamble with `version`, `header` as JSON (or
 * raw text), zero padding to 8, then `data`. `headerLength` overrides the recorded length.
 */
export function fileBody(
  header: unknown,
  data: Uint8Array,
  options: { version?: number; headerLength?: number } = {},
): Uint8Array {
  const text = new TextEncoder().encode(
    typeof header === 'string' ? header : JSON.stringify(header),
  );
  const start = Math.ceil((16 + text.byteLength) / 8) * 8;
  const out = new Uint8Array(start + data.byteLength);
  out.set(new TextEncoder().encode('RECURMDL'));
  const view = new DataView(out.buffer);
  view.setUint32(8, options.version ?? 2, true);
  view.setUint32(12, options.headerLength ?? text.byteLength, true);
  out.set(text, 16);
  out.set(data, start);
  return out;
}

/** A signed version-2 `.recur` file from a header object and weight data. */
export function signedFile(header: unknown, data: Uint8Array): Uint8Array {
  return withChecksum(fileBody(header, data));
}

/** The header and data of a single file written by `saveModel` (version 2), for re-writing. */
export function splitFile(bytes: Uint8Array): {
  header: { config: Record<string, unknown>; weights: Record<string, unknown>[] };
  data: Uint8Array;
} {
  const length = new DataView(bytes.buffer, bytes.byteOffset).getUint32(12, true);
  const header = JSON.parse(new TextDecoder().decode(bytes.subarray(16, 16 + length)));
  const start = Math.ceil((16 + length) / 8) * 8;
  return { header, data: bytes.slice(start, bytes.byteLength - 4) };
}
