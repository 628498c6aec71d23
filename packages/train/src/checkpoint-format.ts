import { type DType, RecurError, type TypedArray } from '@recur/tensor';
import { crc32 } from './crc32.js';

/**
 * # The recur checkpoint file, version 1
 *
 * One file; every number little-endian.
 *
 * | offset        | size | content                                                          |
 * |---------------|------|------------------------------------------------------------------|
 * | 0             | 8    | magic: the ASCII bytes `RECURCKP`                                |
 * | 8             | 4    | u32 format version (1)                                           |
 * | 12            | 4    | u32 H: byte length of the header                                 |
 * | 16            | H    | header: UTF-8 JSON (see {@link CheckpointFileHeader})            |
 * | 16 + H        | pad  | zero bytes up to the next multiple of 8: the data section D      |
 * | D             | N    | data: raw float32 / int32 arrays, each at an 8-aligned offset    |
 * | D + N         | 4    | u32 CRC-32 (IEEE) of every byte before it                        |
 *
 * The header's `tensors` directory lists each array: `name`, `shape`, `dtype` (`float32` or
 * `int32`), `offset` (from D) and `byteLength` (= 4 × elements); `dataLength` is N. Everything
 * else in the header is data for the caller (step, config, vocabulary, RNG and optimizer state).
 * Reading parses JSON and copies bytes: nothing in a file is ever executed.
 */
export const CHECKPOINT_MAGIC = 'RECURCKP';
/** The format version this code writes and reads. */
export const CHECKPOINT_VERSION = 1;

/** An array as stored in a checkpoint: shape, dtype and values (row-major). */
export interface TensorBlob {
  shape: readonly number[];
  dtype: DType;
  data: TypedArray;
}

/** One entry of the header's tensor directory. */
export interface TensorEntry {
  name: string;
  shape: number[];
  dtype: DType;
  /** Byte offset from the start of the data section (a multiple of 8). */
  offset: number;
  byteLength: number;
}

/** The JSON header: the caller's fields plus the tensor directory. */
export interface CheckpointFileHeader {
  [key: string]: unknown;
  tensors: TensorEntry[];
  dataLength: number;
}

const PREFIX = 16;
const littleEndianHost = new Uint8Array(new Uint32Array([1]).buffer)[0] === 1;

const align8 = (n: number): number => Math.ceil(n / 8) * 8;

function bytesOf(data: TypedArray): Uint8Array {
  if (littleEndianHost) return new Uint8Array(data.buffer, data.byteOffset, data.byteLength);
  const out = new Uint8Array(data.byteLength);
  const view = new DataView(out.buffer);
  for (let i = 0; i < data.length; i++) {
    if (data instanceof Float32Array) view.setFloat32(i * 4, data[i]!, true);
    else view.setInt32(i * 4, data[i]!, true);
  }
  return out;
}

function arrayOf(bytes: Uint8Array, dtype: DType): TypedArray {
  // A fresh, aligned buffer (Buffer.slice would share Node's pool).
  const copy = new Uint8Array(bytes.length);
  copy.set(bytes);
  if (littleEndianHost) {
    return dtype === 'int32' ? new Int32Array(copy.buffer) : new Float32Array(copy.buffer);
  }
  const n = copy.length / 4;
  const view = new DataView(copy.buffer);
  const out = dtype === 'int32' ? new Int32Array(n) : new Float32Array(n);
  for (let i = 0; i < n; i++)
    out[i] = dtype === 'int32' ? view.getInt32(i * 4, true) : view.getFloat32(i * 4, true);
  return out;
}

/**
 * Encodes a header (any JSON-able object; `tensors` and `dataLength` are reserved) and named
 * arrays into the bytes of one checkpoint file.
 */
export function encodeCheckpointFile(
  header: Record<string, unknown>,
  tensors: Readonly<Record<string, TensorBlob>>,
): Uint8Array {
  if ('tensors' in header || 'dataLength' in header) {
    throw new RecurError(
      'ARGUMENT',
      'encodeCheckpointFile: header fields `tensors` and `dataLength` are reserved',
    );
  }
  const entries: TensorEntry[] = [];
  let offset = 0;
  for (const [name, blob] of Object.entries(tensors)) {
    const size = blob.shape.reduce((a, b) => a * b, 1);
    if (blob.data.length !== size) {
      throw new RecurError(
        'SHAPE',
        `encodeCheckpointFile: tensor '${name}' has shape [${blob.shape.join(',')}] (${size} values) but ${blob.data.length} values`,
      );
    }
    entries.push({ name, shape: [...blob.shape], dtype: blob.dtype, offset, byteLength: size * 4 });
    offset = align8(offset + size * 4);
  }
  const full: CheckpointFileHeader = { ...header, tensors: entries, dataLength: offset };
  const json = new TextEncoder().encode(JSON.stringify(full));
  const dataStart = align8(PREFIX + json.length);
  const out = new Uint8Array(dataStart + offset + 4);
  const view = new DataView(out.buffer);
  for (let i = 0; i < 8; i++) out[i] = CHECKPOINT_MAGIC.charCodeAt(i);
  view.setUint32(8, CHECKPOINT_VERSION, true);
  view.setUint32(12, json.length, true);
  out.set(json, PREFIX);
  entries.forEach((entry, i) => {
    out.set(bytesOf(Object.values(tensors)[i]!.data), dataStart + entry.offset);
  });
  view.setUint32(out.length - 4, crc32(out.subarray(0, out.length - 4)), true);
  return out;
}

/** A decoded checkpoint file: the header and every array (fresh copies). */
export interface DecodedCheckpointFile {
  header: CheckpointFileHeader;
  tensors: Record<string, TensorBlob>;
}

/**
 * Decodes and verifies the bytes of a checkpoint file. Every problem — not a checkpoint, a newer
 * version, truncation, a bad header, a checksum mismatch — throws `RecurError('FORMAT')` whose
 * message names `source` (a file path, for instance) and what is wrong.
 */
export function decodeCheckpointFile(
  bytes: Uint8Array,
  source = 'checkpoint',
): DecodedCheckpointFile {
  const fail = (what: string): never => {
    throw new RecurError('FORMAT', `loadCheckpoint: ${source}: ${what}`);
  };
  if (bytes.length < PREFIX + 4)
    fail(`only ${bytes.length} bytes; not a recur checkpoint or truncated`);
  const magic = String.fromCharCode(...bytes.subarray(0, 8));
  if (magic !== CHECKPOINT_MAGIC) {
    fail(
      `not a recur checkpoint (the file starts with ${JSON.stringify(magic)}, expected "${CHECKPOINT_MAGIC}")`,
    );
  }
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const version = view.getUint32(8, true);
  if (version !== CHECKPOINT_VERSION) {
    fail(`format version ${version}; this recur reads version ${CHECKPOINT_VERSION}`);
  }
  const headerLength = view.getUint32(12, true);
  if (PREFIX + headerLength + 4 > bytes.length) {
    fail(
      `truncated: the header alone needs ${PREFIX + headerLength + 4} bytes but the file has ${bytes.length}`,
    );
  }
  let header: CheckpointFileHeader;
  try {
    header = JSON.parse(
      new TextDecoder('utf-8', { fatal: true }).decode(
        bytes.subarray(PREFIX, PREFIX + headerLength),
      ),
    );
  } catch (error) {
    return fail(`the header is not valid UTF-8 JSON (corrupt file): ${(error as Error).message}`);
  }
  if (header === null || typeof header !== 'object' || !Array.isArray(header.tensors)) {
    fail('the header has no tensor directory');
  }
  const dataLength = header.dataLength;
  if (!Number.isInteger(dataLength) || dataLength < 0)
    fail(`the header's dataLength is ${String(dataLength)}`);
  const dataStart = align8(PREFIX + headerLength);
  const expected = dataStart + dataLength + 4;
  if (bytes.length < expected)
    fail(`truncated: ${bytes.length} bytes, the header says ${expected}`);
  if (bytes.length > expected)
    fail(`${bytes.length - expected} unexpected bytes after the end (${expected} bytes)`);
  const stored = view.getUint32(bytes.length - 4, true);
  const computed = crc32(bytes.subarray(0, bytes.length - 4));
  if (stored !== computed) {
    fail(
      `checksum mismatch (stored CRC-32 ${stored.toString(16).padStart(8, '0')}, computed ${computed.toString(16).padStart(8, '0')}): the file is corrupt`,
    );
  }
  const directory = readDirectory(header.tensors as unknown[], dataLength, fail);
  const tensors: Record<string, TensorBlob> = Object.create(null);
  for (const entry of directory) {
    const start = dataStart + entry.offset;
    tensors[entry.name] = {
      shape: entry.shape,
      dtype: entry.dtype,
      data: arrayOf(bytes.subarray(start, start + entry.byteLength), entry.dtype),
    };
  }
  return { header, tensors };
}

/** Largest dimension a stored tensor may have (and the largest element count). */
const MAX_ELEMENTS = 2 ** 31 - 1;

/**
 * Checks the tensor directory against the data section before anything is allocated: names are
 * unique strings (never `__proto__`), dtypes known, shapes of non-negative integers, and the
 * blobs lie inside the data section at 8-aligned offsets without overlapping — as the writer
 * lays them out. Returns the entries sorted by offset.
 */
function readDirectory(
  entries: unknown[],
  dataLength: number,
  fail: (what: string) => never,
): TensorEntry[] {
  // Each entry takes at least 4 bytes of JSON, so the header's length bounds the count already;
  // an empty tensor takes no data bytes, so the data section does not.
  const seen = new Set<string>();
  const checked: TensorEntry[] = [];
  entries.forEach((entry, i) => {
    if (entry === null || typeof entry !== 'object' || Array.isArray(entry))
      fail(`tensors[${i}] is not an object`);
    const { name, shape, dtype, offset, byteLength } = entry as Record<string, unknown>;
    const label = `tensors[${i}] (${JSON.stringify(name)})`;
    if (typeof name !== 'string' || name === '__proto__' || name.length === 0)
      fail(`${label}: the name must be a non-empty string other than "__proto__"`);
    if (seen.has(name as string)) fail(`${label}: the name is repeated`);
    seen.add(name as string);
    if (dtype !== 'float32' && dtype !== 'int32')
      fail(`${label}: unknown dtype ${JSON.stringify(dtype)}`);
    if (
      !Array.isArray(shape) ||
      shape.length > 8 ||
      !shape.every((d) => Number.isInteger(d) && d >= 0 && d <= MAX_ELEMENTS)
    ) {
      fail(`${label}: bad shape ${JSON.stringify(shape)}`);
    }
    const size = (shape as number[]).reduce((a, b) => a * b, 1);
    if (size > MAX_ELEMENTS) fail(`${label}: shape [${shape}] has ${size} elements`);
    if (byteLength !== size * 4)
      fail(`${label}: byteLength ${String(byteLength)}, but shape [${shape}] needs ${size * 4}`);
    if (!Number.isSafeInteger(offset) || (offset as number) < 0 || (offset as number) % 8 !== 0)
      fail(`${label}: offset ${String(offset)} is not a non-negative multiple of 8`);
    if ((offset as number) + size * 4 > dataLength) {
      fail(
        `${label}: bytes [${offset}, ${(offset as number) + size * 4}) lie outside the ${dataLength} data bytes`,
      );
    }
    checked.push({
      name: name as string,
      shape: shape as number[],
      dtype: dtype as DType,
      offset: offset as number,
      byteLength: size * 4,
    });
  });
  const byOffset = [...checked].sort((a, b) => a.offset - b.offset);
  for (let i = 1; i < byOffset.length; i++) {
    const before = byOffset[i - 1]!;
    const entry = byOffset[i]!;
    if (entry.byteLength > 0 && before.offset + before.byteLength > entry.offset) {
      fail(
        `tensor ${JSON.stringify(entry.name)} at offset ${entry.offset} overlaps ${JSON.stringify(before.name)} (bytes [${before.offset}, ${before.offset + before.byteLength}))`,
      );
    }
  }
  return checked;
}
