import { type DType, formatShape, RecurError } from '@recur/tensor';
import { crc32 } from '@recur/train';
import { littleEndianBytes, valuesFromLittleEndian } from './little-endian.js';

/**
 * The safetensors format (Hugging Face; what PyTorch tools read and write), dependency-free and
 * browser-safe (Uint8Array in and out):
 *
 * | bytes     | content                                                                     |
 * |-----------|-----------------------------------------------------------------------------|
 * | 0..7      | header size N, uint64 little-endian                                         |
 * | 8..8+N    | header: UTF-8 JSON object (the writer pads it with spaces to 8-byte alignment) |
 * | then      | data: every tensor's elements, little-endian, packed without gaps           |
 *
 * The header maps each tensor name to `{ dtype, shape, data_offsets: [begin, end] }` (offsets
 * into the data), plus an optional `__metadata__` object of string values.
 *
 * Reading is strict, and checks everything before a byte of tensor data is copied: N within
 * the file and below {@link SAFETENSORS_LIMITS}.headerBytes (100 MB, the reference
 * implementation's bound); valid UTF-8 JSON, an object; each entry exactly `dtype`, `shape`,
 * `data_offsets`; dtype `F32` or `I32` (any other is refused by name); shape at most 8
 * non-negative integers whose element count × 4 is the entry's byte length; the entries,
 * sorted by offset, tile the data exactly (no overlap, no gap, nothing after the last);
 * `__metadata__` string → string. Names become keys of null-prototype records, and a tensor or
 * metadata key `__proto__` is refused. Every refusal is a `RecurError` `FORMAT` naming the
 * source and the field.
 *
 * **Tamper evidence.** The writer stores a CRC-32 in `__metadata__` under
 * {@link SAFETENSORS_CHECKSUM_KEY} (8 hex digits), computed over a canonical form — the
 * directory (names, dtypes, shapes, sorted by name), the rest of the metadata (sorted by key),
 * then each tensor's bytes in name order — so a file re-saved by another tool with the same
 * tensors and metadata still verifies, and any changed value, name, shape or metadata entry is
 * refused. Files written by other tools carry no checksum: they are read with every structural
 * check, but a changed weight byte cannot be detected.
 */
export const SAFETENSORS_LIMITS = Object.freeze({ headerBytes: 100_000_000, rank: 8 });

/** The `__metadata__` key of recur's checksum (see {@link SAFETENSORS_LIMITS}). */
export const SAFETENSORS_CHECKSUM_KEY = 'recur.crc32';

const DTYPE_CODES: Record<DType, string> = { float32: 'F32', int32: 'I32' };
const DTYPES_BY_CODE: Record<string, DType> = { F32: 'float32', I32: 'int32' };
const ENTRY_KEYS = ['dtype', 'shape', 'data_offsets'];
const HEADER_SIZE = 8;
const ALIGN = 8;

/** One tensor of a safetensors file: its directory entry and where its bytes lie in the data. */
export interface SafetensorsEntry {
  readonly name: string;
  readonly dtype: DType;
  readonly shape: readonly number[];
  /** Byte range `[begin, end)` inside {@link SafetensorsFile.data}. */
  readonly begin: number;
  readonly end: number;
}

/** A checked safetensors file: its directory (in data order), metadata and data section. */
export interface SafetensorsFile {
  readonly entries: readonly SafetensorsEntry[];
  /** `__metadata__` (null-prototype; empty when absent). */
  readonly metadata: Readonly<Record<string, string>>;
  /** Whether the file carried recur's checksum (verified). */
  readonly checksummed: boolean;
  readonly data: Uint8Array;
}

/** One tensor to write: values in row-major order. */
export interface SafetensorsTensor {
  readonly name: string;
  readonly shape: readonly number[];
  readonly values: Float32Array | Int32Array;
}

function formatError(message: string): RecurError {
  return new RecurError('FORMAT', message);
}

const hex = (n: number): string => n.toString(16).padStart(8, '0');
const byName = (a: { name: string }, b: { name: string }): number =>
  a.name < b.name ? -1 : a.name > b.name ? 1 : 0;
const isObject = (v: unknown): v is Record<string, unknown> =>
  v !== null && typeof v === 'object' && !Array.isArray(v);
const kind = (v: unknown): string =>
  Array.isArray(v) ? 'an array' : v === null ? 'null' : typeof v;

/** The CRC-32 of the canonical form (see {@link SAFETENSORS_LIMITS}). */
function canonicalChecksum(
  entries: readonly SafetensorsEntry[],
  metadata: Readonly<Record<string, string>>,
  data: Uint8Array,
): number {
  const sorted = [...entries].sort(byName);
  const keys = Object.keys(metadata)
    .filter((k) => k !== SAFETENSORS_CHECKSUM_KEY)
    .sort();
  const directory = JSON.stringify({
    metadata: keys.map((k) => [k, metadata[k]]),
    tensors: sorted.map((e) => [e.name, DTYPE_CODES[e.dtype], e.shape]),
  });
  let c = crc32(new TextEncoder().encode(directory));
  for (const e of sorted) c = crc32(data.subarray(e.begin, e.end), c);
  return c;
}

/**
 * Writes `tensors` (in the order given) and `metadata` as one safetensors file, with recur's
 * checksum added to the metadata. Names must be distinct and non-empty; metadata values
 * strings.
 */
export function encodeSafetensors(
  tensors: readonly SafetensorsTensor[],
  metadata: Readonly<Record<string, string>> = {},
): Uint8Array {
  const fn = 'encodeSafetensors';
  const entries: SafetensorsEntry[] = [];
  const chunks: Uint8Array[] = [];
  const names = new Set<string>();
  let offset = 0;
  for (const t of tensors) {
    if (typeof t.name !== 'string' || t.name.length === 0 || t.name === '__metadata__')
      throw new RecurError(
        'ARGUMENT',
        `${fn}: tensor name ${JSON.stringify(t.name)} is not usable`,
      );
    if (names.has(t.name))
      throw new RecurError('ARGUMENT', `${fn}: tensor name ${t.name} appears twice`);
    names.add(t.name);
    const dtype: DType = t.values instanceof Int32Array ? 'int32' : 'float32';
    const size = t.shape.reduce((a, b) => a * b, 1);
    if (size !== t.values.length) {
      throw new RecurError(
        'SHAPE',
        `${fn}: ${t.name} has ${t.values.length} values; shape ${formatShape(t.shape)} needs ${size}`,
      );
    }
    const bytes = littleEndianBytes(t.values);
    entries.push({
      name: t.name,
      dtype,
      shape: [...t.shape],
      begin: offset,
      end: offset + bytes.length,
    });
    chunks.push(bytes);
    offset += bytes.length;
  }
  const data = new Uint8Array(offset);
  for (const [i, e] of entries.entries()) data.set(chunks[i]!, e.begin);
  const meta: Record<string, string> = { ...metadata };
  for (const [k, v] of Object.entries(meta))
    if (typeof v !== 'string')
      throw new RecurError('ARGUMENT', `${fn}: metadata ${k} is ${kind(v)}; expected a string`);
  meta[SAFETENSORS_CHECKSUM_KEY] = hex(canonicalChecksum(entries, meta, data));
  const header: Record<string, unknown> = { __metadata__: meta };
  for (const e of entries)
    header[e.name] = {
      dtype: DTYPE_CODES[e.dtype],
      shape: e.shape,
      data_offsets: [e.begin, e.end],
    };
  const json = new TextEncoder().encode(JSON.stringify(header));
  const headerLength = Math.ceil((HEADER_SIZE + json.length) / ALIGN) * ALIGN - HEADER_SIZE;
  const out = new Uint8Array(HEADER_SIZE + headerLength + data.length);
  const view = new DataView(out.buffer);
  view.setUint32(0, headerLength, true);
  view.setUint32(4, 0, true);
  out.set(json, HEADER_SIZE);
  out.fill(0x20, HEADER_SIZE + json.length, HEADER_SIZE + headerLength);
  out.set(data, HEADER_SIZE + headerLength);
  return out;
}

/**
 * Reads and checks a safetensors file (see {@link SAFETENSORS_LIMITS} for every check) without
 * copying any tensor data. `source` names the file in error messages.
 */
export function readSafetensors(bytes: Uint8Array, source = 'readSafetensors'): SafetensorsFile {
  if (!(bytes instanceof Uint8Array))
    throw new RecurError('ARGUMENT', `${source}: the file must be a Uint8Array`);
  if (bytes.length < HEADER_SIZE) {
    throw formatError(
      `${source}: the file is ${bytes.length} bytes; a safetensors file starts with an 8-byte header size`,
    );
  }
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const low = view.getUint32(0, true);
  const high = view.getUint32(4, true);
  const limit = SAFETENSORS_LIMITS.headerBytes;
  if (high !== 0 || low > limit) {
    throw formatError(
      `${source}: header size ${high * 2 ** 32 + low} exceeds the ${limit}-byte limit`,
    );
  }
  if (HEADER_SIZE + low > bytes.length) {
    throw formatError(
      `${source}: header size ${low} runs past the end of the ${bytes.length}-byte file`,
    );
  }
  const text = utf8(source, bytes.subarray(HEADER_SIZE, HEADER_SIZE + low));
  if (!text.startsWith('{')) throw formatError(`${source}: the header does not start with {`);
  let header: unknown;
  try {
    header = JSON.parse(text);
  } catch (error) {
    throw formatError(`${source}: the header is not valid JSON (${(error as Error).message})`);
  }
  if (!isObject(header))
    throw formatError(`${source}: the header is ${kind(header)}; expected an object`);
  const data = bytes.subarray(HEADER_SIZE + low);
  let metadata: Record<string, string> = Object.create(null);
  const entries: SafetensorsEntry[] = [];
  for (const [name, info] of Object.entries(header)) {
    if (name === '__metadata__') metadata = readMetadata(source, info);
    else entries.push(readEntry(source, name, info));
  }
  checkTiling(source, entries, data.length);
  const stored = metadata[SAFETENSORS_CHECKSUM_KEY];
  if (stored !== undefined) {
    if (!/^[0-9a-f]{8}$/.test(stored)) {
      throw formatError(
        `${source}: __metadata__.${SAFETENSORS_CHECKSUM_KEY} is ${JSON.stringify(stored)}; expected 8 lowercase hex digits`,
      );
    }
    const actual = hex(canonicalChecksum(entries, metadata, data));
    if (stored !== actual) {
      throw formatError(
        `${source}: checksum mismatch (__metadata__.${SAFETENSORS_CHECKSUM_KEY} ${stored}, computed ${actual}): the tensors or metadata were changed after recur wrote them (if on purpose, delete that key)`,
      );
    }
  }
  return { entries, metadata, checksummed: stored !== undefined, data };
}

function readMetadata(source: string, value: unknown): Record<string, string> {
  if (!isObject(value))
    throw formatError(`${source}: __metadata__ is ${kind(value)}; expected an object of strings`);
  const out: Record<string, string> = Object.create(null);
  for (const [key, v] of Object.entries(value)) {
    if (key === '__proto__') throw formatError(`${source}: __metadata__ key __proto__ is refused`);
    if (typeof v !== 'string')
      throw formatError(`${source}: __metadata__.${key} is ${kind(v)}; expected a string`);
    out[key] = v;
  }
  return out;
}

function readEntry(source: string, name: string, info: unknown): SafetensorsEntry {
  const at = `${source}: tensor ${JSON.stringify(name)}`;
  if (name === '__proto__' || name.length === 0) throw formatError(`${at}: the name is refused`);
  if (!isObject(info)) throw formatError(`${at} is ${kind(info)}; expected an object`);
  for (const key of Object.keys(info)) {
    if (!ENTRY_KEYS.includes(key)) {
      throw formatError(
        `${at}: unknown field ${JSON.stringify(key)}; expected only ${ENTRY_KEYS.join(', ')}`,
      );
    }
  }
  const { dtype: code, shape, data_offsets: offsets } = info;
  if (typeof code !== 'string' || !Object.hasOwn(DTYPES_BY_CODE, code)) {
    throw formatError(
      `${at}: dtype ${typeof code === 'string' ? code : kind(code)} is not supported; recur reads F32 and I32 (convert the tensor first, e.g. .float())`,
    );
  }
  const dtype = DTYPES_BY_CODE[code]!;
  if (
    !Array.isArray(shape) ||
    shape.length > SAFETENSORS_LIMITS.rank ||
    !shape.every((d) => Number.isSafeInteger(d) && d >= 0)
  ) {
    throw formatError(
      `${at}: shape is not an array of at most ${SAFETENSORS_LIMITS.rank} non-negative integers`,
    );
  }
  if (
    !Array.isArray(offsets) ||
    offsets.length !== 2 ||
    !offsets.every((d) => Number.isSafeInteger(d) && d >= 0) ||
    offsets[0] > offsets[1]
  ) {
    throw formatError(`${at}: data_offsets is not [begin, end] with 0 <= begin <= end (integers)`);
  }
  const [begin, end] = offsets as [number, number];
  let size = 1;
  for (const d of shape as number[]) size *= d;
  if (size * 4 !== end - begin) {
    throw formatError(
      `${at}: data_offsets [${begin}, ${end}] hold ${end - begin} bytes; ${code} ${formatShape(shape)} needs ${size * 4}`,
    );
  }
  return { name, dtype, shape: [...shape], begin, end };
}

/** Sorts `entries` by offset in place and checks that they tile `dataLength` bytes exactly. */
function checkTiling(source: string, entries: SafetensorsEntry[], dataLength: number): void {
  entries.sort((a, b) => a.begin - b.begin || a.end - b.end);
  let reached = 0;
  for (const e of entries) {
    const at = `${source}: tensor ${JSON.stringify(e.name)}`;
    if (e.begin < reached)
      throw formatError(
        `${at}: data_offsets [${e.begin}, ${e.end}] overlap the previous tensor (ending at ${reached})`,
      );
    if (e.begin > reached)
      throw formatError(
        `${at}: data_offsets [${e.begin}, ${e.end}] leave a gap after byte ${reached}`,
      );
    reached = e.end;
  }
  if (reached !== dataLength) {
    throw formatError(
      `${source}: the tensors cover ${reached} bytes; the data section is ${dataLength} (${reached < dataLength ? 'trailing' : 'missing'} bytes)`,
    );
  }
}

/** The values of one entry of a checked file (a copy). */
export function safetensorsValues(
  file: SafetensorsFile,
  entry: SafetensorsEntry,
): Float32Array | Int32Array {
  return valuesFromLittleEndian(file.data.subarray(entry.begin, entry.end), entry.dtype);
}

function utf8(source: string, bytes: Uint8Array): string {
  try {
    return new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch {
    throw formatError(`${source}: the header is not valid UTF-8`);
  }
}
