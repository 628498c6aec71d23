import { type DType, formatShape, RecurError, type Tensor, tensor } from '@recur/tensor';
import { crc32 } from '@recur/train';
import { littleEndianBytes, valuesFromLittleEndian } from './little-endian.js';

/**
 * The legacy recur model format, version 2 (`saveRecurModel`, `saveModelFiles`; `saveModel`
 * writes safetensors, `model-safetensors.ts`, and `loadModel` reads both). Two layouts carry the
 * same information:
 *
 * **One file** (`.recur`):
 *
 * | bytes            | content                                                       |
 * |------------------|---------------------------------------------------------------|
 * | 0..7             | magic `RECURMDL` (ASCII)                                      |
 * | 8..11            | format version, uint32 little-endian (2)                      |
 * | 12..15           | header length N in bytes, uint32 little-endian                |
 * | 16..16+N         | header: UTF-8 JSON {@link ModelManifest}                      |
 * | then             | zero padding to a multiple of 8                               |
 * | then             | weight data: each tensor's elements, little-endian, packed in |
 * |                  | manifest order, each at the next multiple of 8 (zero padding) |
 * | last 4 bytes     | CRC-32 (uint32 LE) of every byte before it                    |
 *
 * **A pair**: `model.json` holds the same {@link ModelManifest} plus `format`, `version`,
 * `weightsByteLength` and `weightsCrc32` (the CRC-32 of `model.bin`, 8 hex digits) and
 * `headerCrc32`: the CRC-32 of the JSON text's UTF-8 bytes as written with `headerCrc32` set to
 * `"00000000"`. `model.bin` holds the weight data section alone (the TensorFlow.js layout).
 *
 * Reading checks, before any tensor is made: the magic and version; that the header lies inside
 * the file; every CRC (so any change of any byte, and any truncation or extension, is refused);
 * the JSON's structure (only known keys; names, dtypes, shapes); and that the weights tile the
 * data exactly as the writer packs them (no overlap, no gap, 8-byte alignment, zero padding, no
 * trailing bytes). Everything refused is a `RecurError` with code `FORMAT` naming the source and
 * the field. Decoding uses null-prototype objects and `Object.hasOwn`: a weight called
 * `__proto__` is just a name. Reading parses JSON and copies typed arrays: it never evaluates code.
 *
 * Version 1 (the same layouts without the CRCs and the pair's byte length) is still read, with
 * every structural check; it cannot detect a changed weight byte.
 */
export const FORMAT_VERSION = 2;

const MAGIC = 'RECURMDL';
const PREAMBLE = 16;
const CHECKSUM = 4;
const ALIGN = 8;
const CRC_KEY = '"headerCrc32": "';
const CRC_PLACEHOLDER = '00000000';

/** Where one tensor's bytes lie in the weight data. */
export interface WeightEntry {
  name: string;
  dtype: DType;
  shape: number[];
  /** Byte offset inside the weight data section (a multiple of 8). */
  offset: number;
  byteLength: number;
}

/** The JSON header of a saved model: its configuration and where each weight lies. */
export interface ModelManifest {
  /** The model's configuration, e.g. `{ architecture: 'LanguageModel', ... }`. */
  config: Record<string, unknown>;
  weights: WeightEntry[];
}

/** A saved model as a pair: JSON text and the weight bytes it indexes. */
export interface ModelFiles {
  json: string;
  weights: Uint8Array;
}

const padded = (n: number): number => Math.ceil(n / ALIGN) * ALIGN;
const hex = (n: number): string => n.toString(16).padStart(8, '0');

/** Packs named tensors into one little-endian buffer and the manifest entries that index it. */
export function encodeWeights(weights: Record<string, Tensor>): {
  entries: WeightEntry[];
  data: Uint8Array;
} {
  const entries: WeightEntry[] = [];
  const chunks: Uint8Array[] = [];
  let offset = 0;
  for (const [name, t] of Object.entries(weights)) {
    t.assertAlive('encodeWeights', name);
    const bytes = littleEndianBytes(t.data() as Float32Array | Int32Array);
    entries.push({
      name,
      dtype: t.dtype,
      shape: [...t.shape],
      offset,
      byteLength: bytes.byteLength,
    });
    chunks.push(bytes);
    offset = padded(offset + bytes.byteLength);
  }
  const data = new Uint8Array(offset);
  for (let i = 0; i < chunks.length; i++) data.set(chunks[i]!, entries[i]!.offset);
  return { entries, data };
}

function formatError(message: string): RecurError {
  return new RecurError('FORMAT', message);
}

const isPlainObject = (v: unknown): v is Record<string, unknown> =>
  v !== null && typeof v === 'object' && !Array.isArray(v);

function checkKeys(where: string, value: Record<string, unknown>, known: readonly string[]): void {
  for (const key of Object.keys(value)) {
    if (!known.includes(key)) {
      throw formatError(
        `${where}: unknown field ${JSON.stringify(key)}; expected only ${known.join(', ')}`,
      );
    }
  }
}

const MANIFEST_KEYS = ['config', 'weights'] as const;
const ENTRY_KEYS = ['name', 'dtype', 'shape', 'offset', 'byteLength'] as const;

/**
 * Checks a parsed manifest against its weight data: the structure (only known fields), every
 * entry's name, dtype, shape and byte length, and that the entries tile `data` exactly as
 * {@link encodeWeights} packs it (in order, each at the next multiple of 8 after the previous
 * one, zero padding, nothing after the last). Throws `FORMAT` naming `source` and the field.
 * `extraKeys` are further top-level fields the caller checks itself (the pair's `format`, …).
 */
export function validateManifest(
  value: unknown,
  data: Uint8Array,
  source = 'validateManifest',
  extraKeys: readonly string[] = [],
): ModelManifest {
  if (!isPlainObject(value)) {
    throw formatError(
      `${source}: the header is ${Array.isArray(value) ? 'an array' : value === null ? 'null' : typeof value}; expected an object`,
    );
  }
  checkKeys(`${source}: header`, value, [...MANIFEST_KEYS, ...extraKeys]);
  const { config, weights } = value;
  if (!isPlainObject(config)) throw formatError(`${source}: config is missing or not an object`);
  if (!Array.isArray(weights)) throw formatError(`${source}: weights is missing or not an array`);
  const names = new Set<string>();
  const entries: WeightEntry[] = [];
  let end = 0; // where the packed data reaches so far
  for (const [i, entry] of weights.entries()) {
    const where = `${source}: weights[${i}]`;
    if (!isPlainObject(entry)) throw formatError(`${where} is not an object`);
    checkKeys(where, entry, ENTRY_KEYS);
    const { name, dtype, shape, offset, byteLength } = entry;
    if (typeof name !== 'string' || name.length === 0)
      throw formatError(`${where}.name is not a non-empty string`);
    const at = `${where} (${JSON.stringify(name)})`;
    if (names.has(name)) throw formatError(`${at}: the name appears twice`);
    names.add(name);
    if (dtype !== 'float32' && dtype !== 'int32')
      throw formatError(`${at}: dtype is ${String(dtype)}; expected float32 or int32`);
    if (
      !Array.isArray(shape) ||
      shape.length > 8 ||
      !shape.every((d) => Number.isSafeInteger(d) && d >= 0)
    ) {
      throw formatError(`${at}: shape is not an array of at most 8 non-negative integers`);
    }
    const size = shape.reduce((a: number, b: number) => a * b, 1);
    if (byteLength !== size * 4) {
      throw formatError(
        `${at}: byteLength is ${String(byteLength)}; shape ${formatShape(shape)} needs ${size * 4}`,
      );
    }
    if (typeof offset !== 'number' || !Number.isSafeInteger(offset) || offset < 0)
      throw formatError(`${at}: offset is ${String(offset)}; expected a non-negative integer`);
    if (offset % ALIGN !== 0) throw formatError(`${at}: offset ${offset} is not a multiple of 8`);
    if (offset < end)
      throw formatError(`${at}: offset ${offset} overlaps the previous weight (ending at ${end})`);
    if (offset > end)
      throw formatError(
        `${at}: offset ${offset} leaves a gap after the previous weight (expected ${end})`,
      );
    if (offset + size * 4 > data.byteLength) {
      throw formatError(
        `${at}: bytes [${offset}, ${offset + size * 4}) lie outside the ${data.byteLength}-byte weight data`,
      );
    }
    end = padded(offset + size * 4);
    checkZeros(at, data, offset + size * 4, Math.min(end, data.byteLength));
    entries.push({ name, dtype, shape: [...shape], offset, byteLength: size * 4 });
  }
  if (data.byteLength !== end) {
    throw formatError(
      `${source}: the weight data is ${data.byteLength} bytes; the weights fill ${end} (trailing or missing bytes)`,
    );
  }
  return { config, weights: entries };
}

function checkZeros(where: string, bytes: Uint8Array, from: number, to: number): void {
  for (let i = from; i < to; i++) {
    if (bytes[i] !== 0) throw formatError(`${where}: padding byte ${i} is not zero`);
  }
}

/**
 * Makes the tensors a (validated) manifest indexes: copies of the bytes, the caller owns them,
 * in a null-prototype record (any name, `__proto__` included, is just a key).
 */
export function decodeWeights(
  entries: readonly WeightEntry[],
  data: Uint8Array,
): Record<string, Tensor> {
  const out: Record<string, Tensor> = Object.create(null);
  try {
    for (const e of entries) {
      const values = valuesFromLittleEndian(
        data.subarray(e.offset, e.offset + e.byteLength),
        e.dtype,
      );
      out[e.name] = tensor(values, e.shape, e.dtype);
    }
  } catch (error) {
    for (const t of Object.values(out)) t.dispose();
    throw error;
  }
  return out;
}

/** Writes a configuration and named weights as one `.recur` file (see {@link FORMAT_VERSION}). */
export function encodeModelFile(
  config: Record<string, unknown>,
  weights: Record<string, Tensor>,
): Uint8Array {
  const { entries, data } = encodeWeights(weights);
  const header = new TextEncoder().encode(JSON.stringify({ config, weights: entries }));
  const dataStart = padded(PREAMBLE + header.byteLength);
  const out = new Uint8Array(dataStart + data.byteLength + CHECKSUM);
  out.set(new TextEncoder().encode(MAGIC), 0);
  const view = new DataView(out.buffer);
  view.setUint32(8, FORMAT_VERSION, true);
  view.setUint32(12, header.byteLength, true);
  out.set(header, PREAMBLE);
  out.set(data, dataStart);
  view.setUint32(
    out.byteLength - CHECKSUM,
    crc32(out.subarray(0, out.byteLength - CHECKSUM)),
    true,
  );
  return out;
}

/**
 * Reads a `.recur` file (version 2, or 1): its manifest (checked) and the weight data section.
 * `source` names the file in error messages.
 */
export function decodeModelFile(
  bytes: Uint8Array,
  source = 'decodeModelFile',
): { manifest: ModelManifest; data: Uint8Array } {
  if (!(bytes instanceof Uint8Array))
    throw new RecurError('ARGUMENT', `${source}: the model file must be a Uint8Array`);
  if (bytes.byteLength < PREAMBLE || latin1(bytes.subarray(0, 8)) !== MAGIC) {
    throw formatError(
      `${source}: not a recur model file (expected the magic ${MAGIC} in the first 8 bytes)`,
    );
  }
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const version = view.getUint32(8, true);
  if (version !== 1 && version !== 2)
    throw formatError(`${source}: format version is ${version}; this reader knows 1 and 2`);
  let end = bytes.byteLength;
  if (version === 2) {
    if (end < PREAMBLE + CHECKSUM)
      throw formatError(`${source}: the file is ${end} bytes, too short for its checksum`);
    end -= CHECKSUM;
    const stored = view.getUint32(end, true);
    const actual = crc32(bytes.subarray(0, end));
    if (stored !== actual) {
      throw formatError(
        `${source}: checksum mismatch (stored CRC-32 ${hex(stored)}, computed ${hex(actual)}): the file is damaged or truncated`,
      );
    }
  }
  const headerLength = view.getUint32(12, true);
  const dataStart = padded(PREAMBLE + headerLength);
  if (dataStart > end) {
    throw formatError(
      `${source}: header length ${headerLength} runs past the end of the ${bytes.byteLength}-byte file`,
    );
  }
  checkZeros(`${source}: header`, bytes, PREAMBLE + headerLength, dataStart);
  const header = parseJson(source, utf8(source, bytes.subarray(PREAMBLE, PREAMBLE + headerLength)));
  const data = bytes.subarray(dataStart, end);
  return { manifest: validateManifest(header, data, source), data };
}

/** Writes a configuration and named weights as a pair: `model.json` text and `model.bin` bytes. */
export function encodeModelFiles(
  config: Record<string, unknown>,
  weights: Record<string, Tensor>,
): ModelFiles {
  const { entries, data } = encodeWeights(weights);
  const body = JSON.stringify(
    {
      format: 'recur-model',
      version: FORMAT_VERSION,
      weightsByteLength: data.byteLength,
      weightsCrc32: hex(crc32(data)),
      config,
      weights: entries,
      headerCrc32: CRC_PLACEHOLDER,
    },
    null,
    2,
  );
  const at = body.lastIndexOf(CRC_KEY) + CRC_KEY.length;
  const crc = hex(crc32(new TextEncoder().encode(body)));
  return { json: body.slice(0, at) + crc + body.slice(at + CRC_PLACEHOLDER.length), weights: data };
}

/**
 * Reads a pair written by {@link encodeModelFiles} (version 2, or 1). `source` names the pair
 * in error messages.
 */
export function decodeModelFiles(
  files: ModelFiles,
  source = 'decodeModelFiles',
): { manifest: ModelManifest; data: Uint8Array } {
  if (
    !isPlainObject(files) ||
    typeof files.json !== 'string' ||
    !(files.weights instanceof Uint8Array)
  ) {
    throw new RecurError(
      'ARGUMENT',
      `${source}: expected { json: string, weights: Uint8Array } (model.json text and model.bin bytes)`,
    );
  }
  const parsed = parseJson(source, files.json);
  if (!isPlainObject(parsed)) throw formatError(`${source}: model.json is not a JSON object`);
  if (parsed.format !== 'recur-model')
    throw formatError(`${source}: json.format is ${String(parsed.format)}; expected recur-model`);
  const version = parsed.version;
  if (version === 1)
    return {
      manifest: validateManifest(parsed, files.weights, source, ['format', 'version']),
      data: files.weights,
    };
  if (version !== 2)
    throw formatError(`${source}: json.version is ${String(version)}; this reader knows 1 and 2`);
  checkHeaderCrc(source, files.json, parsed.headerCrc32);
  const { weightsByteLength, weightsCrc32 } = parsed;
  if (weightsByteLength !== files.weights.byteLength) {
    throw formatError(
      `${source}: model.bin is ${files.weights.byteLength} bytes; model.json records ${String(weightsByteLength)}`,
    );
  }
  const actual = hex(crc32(files.weights));
  if (weightsCrc32 !== actual) {
    throw formatError(
      `${source}: model.bin checksum mismatch (model.json records CRC-32 ${String(weightsCrc32)}, computed ${actual}): the weights are damaged`,
    );
  }
  const keys = ['format', 'version', 'weightsByteLength', 'weightsCrc32', 'headerCrc32'];
  return { manifest: validateManifest(parsed, files.weights, source, keys), data: files.weights };
}

function checkHeaderCrc(source: string, json: string, stored: unknown): void {
  const at = json.indexOf(CRC_KEY);
  if (at < 0 || json.indexOf(CRC_KEY, at + 1) >= 0 || typeof stored !== 'string') {
    throw formatError(`${source}: model.json must hold exactly one "headerCrc32" field`);
  }
  const start = at + CRC_KEY.length;
  if (json.slice(start, start + 8) !== stored || json[start + 8] !== '"')
    throw formatError(`${source}: headerCrc32 must be written as 8 hex digits`);
  const text = json.slice(0, start) + CRC_PLACEHOLDER + json.slice(start + 8);
  const actual = hex(crc32(new TextEncoder().encode(text)));
  if (stored !== actual) {
    throw formatError(
      `${source}: model.json checksum mismatch (headerCrc32 ${stored}, computed ${actual}): the header is damaged`,
    );
  }
}

function latin1(bytes: Uint8Array): string {
  return String.fromCharCode(...bytes);
}

function utf8(source: string, bytes: Uint8Array): string {
  try {
    return new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch {
    throw formatError(`${source}: the header is not valid UTF-8`);
  }
}

function parseJson(source: string, text: string): unknown {
  try {
    return JSON.parse(text);
  } catch (error) {
    throw formatError(`${source}: the header is not valid JSON (${(error as Error).message})`);
  }
}
