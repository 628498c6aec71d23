import { type DType, formatShape, RecurError, type Tensor, tensor } from '@recur/tensor';

/**
 * The recur model format, version 1. Two layouts carry the same information:
 *
 * **One file** (`.recur`):
 *
 * | bytes            | content                                                       |
 * |------------------|---------------------------------------------------------------|
 * | 0..7             | magic `RECURMDL` (ASCII)                                      |
 * | 8..11            | format version, uint32 little-endian (1)                      |
 * | 12..15           | header length N in bytes, uint32 little-endian                |
 * | 16..16+N         | header: UTF-8 JSON {@link ModelManifest}                      |
 * | then             | zero padding to a multiple of 8                               |
 * | then             | weight data: each tensor's elements, little-endian, at the    |
 * |                  | `offset` its manifest entry gives (relative to this section)  |
 *
 * **A pair**: `model.json` holds the same {@link ModelManifest} (plus `format` and `version`),
 * `model.bin` holds the weight data section alone (the layout TensorFlow.js uses).
 *
 * Loading parses JSON and copies typed arrays: it never evaluates code. Every offset, length,
 * shape and dtype is checked against the data before a tensor is made.
 */
export const FORMAT_VERSION = 1;

const MAGIC = 'RECURMDL';
const PREAMBLE = 16;
const ALIGN = 8;

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

const littleEndian = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;

function bytesOf(values: Float32Array | Int32Array): Uint8Array {
  const bytes = new Uint8Array(values.buffer, values.byteOffset, values.byteLength).slice();
  if (!littleEndian) swap4(bytes);
  return bytes;
}

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

const padded = (n: number): number => Math.ceil(n / ALIGN) * ALIGN;

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
    const bytes = bytesOf(t.data() as Float32Array | Int32Array);
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

/** Checks a parsed manifest's structure; throws FORMAT errors naming what is wrong. */
export function validateManifest(value: unknown, dataLength: number): ModelManifest {
  const fn = 'validateManifest';
  if (value === null || typeof value !== 'object' || Array.isArray(value)) {
    throw formatError(
      `${fn}: the header is ${Array.isArray(value) ? 'an array' : typeof value}; expected an object`,
    );
  }
  const { config, weights } = value as { config?: unknown; weights?: unknown };
  if (config === null || typeof config !== 'object' || Array.isArray(config)) {
    throw formatError(`${fn}: config is missing or not an object`);
  }
  if (!Array.isArray(weights)) throw formatError(`${fn}: weights is missing or not an array`);
  const names = new Set<string>();
  for (const [i, entry] of weights.entries()) {
    const { name, dtype, shape, offset, byteLength } = (entry ?? {}) as Partial<WeightEntry>;
    const where = `${fn}: weights[${i}]`;
    if (typeof name !== 'string' || name.length === 0)
      throw formatError(`${where}.name is not a non-empty string`);
    if (names.has(name)) throw formatError(`${where}: the name ${name} appears twice`);
    names.add(name);
    if (dtype !== 'float32' && dtype !== 'int32')
      throw formatError(`${where} (${name}): dtype is ${String(dtype)}; expected float32 or int32`);
    if (!Array.isArray(shape) || !shape.every((d) => Number.isInteger(d) && d >= 0)) {
      throw formatError(`${where} (${name}): shape is not an array of non-negative integers`);
    }
    const size = shape.reduce((a: number, b: number) => a * b, 1);
    if (byteLength !== size * 4) {
      throw formatError(
        `${where} (${name}): byteLength is ${byteLength}; shape ${formatShape(shape)} needs ${size * 4}`,
      );
    }
    if (
      !Number.isInteger(offset) ||
      offset! < 0 ||
      offset! % 4 !== 0 ||
      offset! + byteLength > dataLength
    ) {
      throw formatError(
        `${where} (${name}): bytes [${offset}, ${Number(offset) + byteLength}) lie outside the ${dataLength}-byte weight data`,
      );
    }
  }
  return { config: config as Record<string, unknown>, weights: weights as WeightEntry[] };
}

/** Makes the tensors a manifest indexes (copies of the bytes; the caller owns them). */
export function decodeWeights(
  entries: readonly WeightEntry[],
  data: Uint8Array,
): Record<string, Tensor> {
  const out: Record<string, Tensor> = {};
  for (const e of entries) {
    const bytes = data.slice(e.offset, e.offset + e.byteLength);
    if (!littleEndian) swap4(bytes);
    const values =
      e.dtype === 'int32' ? new Int32Array(bytes.buffer) : new Float32Array(bytes.buffer);
    out[e.name] = tensor(values, e.shape, e.dtype);
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
  const out = new Uint8Array(dataStart + data.byteLength);
  out.set(new TextEncoder().encode(MAGIC), 0);
  const view = new DataView(out.buffer);
  view.setUint32(8, FORMAT_VERSION, true);
  view.setUint32(12, header.byteLength, true);
  out.set(header, PREAMBLE);
  out.set(data, dataStart);
  return out;
}

/** Reads a `.recur` file: its manifest (checked) and the weight data section. */
export function decodeModelFile(bytes: Uint8Array): { manifest: ModelManifest; data: Uint8Array } {
  const fn = 'decodeModelFile';
  if (!(bytes instanceof Uint8Array))
    throw new RecurError('ARGUMENT', `${fn}: bytes must be a Uint8Array`);
  if (bytes.byteLength < PREAMBLE || new TextDecoder().decode(bytes.subarray(0, 8)) !== MAGIC) {
    throw formatError(
      `${fn}: not a recur model file (expected the magic ${MAGIC} in the first 8 bytes)`,
    );
  }
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const version = view.getUint32(8, true);
  if (version !== FORMAT_VERSION)
    throw formatError(`${fn}: format version is ${version}; this reader knows ${FORMAT_VERSION}`);
  const headerLength = view.getUint32(12, true);
  if (PREAMBLE + headerLength > bytes.byteLength) {
    throw formatError(
      `${fn}: header length ${headerLength} runs past the end of the ${bytes.byteLength}-byte file`,
    );
  }
  const data = bytes.subarray(padded(PREAMBLE + headerLength));
  const manifest = validateManifest(
    parseJson(fn, new TextDecoder().decode(bytes.subarray(PREAMBLE, PREAMBLE + headerLength))),
    data.byteLength,
  );
  return { manifest, data };
}

/** Writes a configuration and named weights as a pair: `model.json` text and `model.bin` bytes. */
export function encodeModelFiles(
  config: Record<string, unknown>,
  weights: Record<string, Tensor>,
): ModelFiles {
  const { entries, data } = encodeWeights(weights);
  const json = JSON.stringify(
    { format: 'recur-model', version: FORMAT_VERSION, config, weights: entries },
    null,
    2,
  );
  return { json, weights: data };
}

/** Reads a pair written by {@link encodeModelFiles}. */
export function decodeModelFiles(files: ModelFiles): { manifest: ModelManifest; data: Uint8Array } {
  const fn = 'decodeModelFiles';
  const parsed = parseJson(fn, files.json) as { format?: unknown; version?: unknown };
  if (parsed?.format !== 'recur-model')
    throw formatError(`${fn}: json.format is ${String(parsed?.format)}; expected recur-model`);
  if (parsed.version !== FORMAT_VERSION)
    throw formatError(
      `${fn}: json.version is ${String(parsed.version)}; this reader knows ${FORMAT_VERSION}`,
    );
  return { manifest: validateManifest(parsed, files.weights.byteLength), data: files.weights };
}

function parseJson(fn: string, text: string): unknown {
  try {
    return JSON.parse(text);
  } catch (error) {
    throw formatError(`${fn}: the header is not valid JSON (${(error as Error).message})`);
  }
}
