import { RecurError } from '@recur/tensor';

/** One weight of a TF.js weights manifest: `{ name, shape, dtype }` (TF.js `WeightsManifestEntry`). */
export interface TfjsWeightSpec {
  name: string;
  shape: number[];
  dtype: 'float32';
}

/** One group of a `model.json`'s `weightsManifest`: the shard files and the weights they hold, in order. */
export interface TfjsWeightsGroup {
  paths: string[];
  weights: TfjsWeightSpec[];
}

/** A checked weight: where its bytes lie in the concatenated weight data. */
export interface WeightSlice {
  readonly name: string;
  readonly shape: readonly number[];
  /** Byte offset in the weight data. */
  readonly offset: number;
  /** Elements (4 bytes each). */
  readonly size: number;
}

/** The most elements one weight file may describe (2³⁰, 4 GiB of float32; a model is bounded again by its config). */
export const MAX_WEIGHT_ELEMENTS = 2 ** 30;

const isRecord = (v: unknown): v is Record<string, unknown> =>
  v !== null && typeof v === 'object' && !Array.isArray(v);

/**
 * The weight specs of a `model.json` (`weightsManifest`: groups of `paths` + `weights`, read in
 * order) or of in-memory model artifacts (`weightSpecs`, as `tf.io.withSaveHandler` receives
 * them). Only data is read; every spec is checked: a string name (unique), a shape of
 * non-negative integers, dtype `float32` (others, and quantized weights, refused by name).
 */
export function weightSpecsOf(
  modelJson: Record<string, unknown>,
  source: string,
): TfjsWeightSpec[] {
  let specs: unknown[];
  if (modelJson.weightSpecs !== undefined) {
    if (!Array.isArray(modelJson.weightSpecs)) {
      throw new RecurError('FORMAT', `${source}: weightSpecs must be an array`);
    }
    specs = modelJson.weightSpecs;
  } else {
    const manifest = modelJson.weightsManifest;
    if (!Array.isArray(manifest)) {
      throw new RecurError(
        'FORMAT',
        `${source}: the model JSON has neither weightsManifest nor weightSpecs`,
      );
    }
    specs = [];
    manifest.forEach((group, g) => {
      if (!isRecord(group) || !Array.isArray(group.weights)) {
        throw new RecurError('FORMAT', `${source}: weightsManifest[${g}].weights must be an array`);
      }
      specs.push(...group.weights);
    });
  }
  const seen = new Set<string>();
  let total = 0;
  return specs.map((spec, i) => {
    if (!isRecord(spec) || typeof spec.name !== 'string') {
      throw new RecurError('FORMAT', `${source}: weight ${i} has no name`);
    }
    const { name, shape, dtype } = spec;
    if (seen.has(name)) throw new RecurError('FORMAT', `${source}: weight ${name} appears twice`);
    seen.add(name);
    if (spec.quantization !== undefined && spec.quantization !== null) {
      throw new RecurError(
        'FORMAT',
        `${source}: weight ${name} is quantized; only float32 weights are read (convert without --quantize_*)`,
      );
    }
    if (dtype !== 'float32') {
      throw new RecurError(
        'FORMAT',
        `${source}: weight ${name} has dtype ${JSON.stringify(dtype)}; only float32 weights are read`,
      );
    }
    if (
      !Array.isArray(shape) ||
      shape.length > 8 ||
      !shape.every((d) => Number.isSafeInteger(d) && d >= 0)
    ) {
      throw new RecurError(
        'FORMAT',
        `${source}: weight ${name} has shape ${JSON.stringify(shape)}; expected at most 8 non-negative integers`,
      );
    }
    const size = shape.reduce((a: number, b: number) => a * b, 1);
    total += size;
    if (total > MAX_WEIGHT_ELEMENTS) {
      throw new RecurError(
        'FORMAT',
        `${source}: the weights describe more than ${MAX_WEIGHT_ELEMENTS} elements (at ${name})`,
      );
    }
    return { name, shape: [...shape], dtype };
  });
}

/**
 * Lays the specs over the weight data (their bytes follow each other in spec order, 4 per
 * element), refusing a byte length other than the specs imply — before anything is read.
 */
export function sliceWeights(
  specs: readonly TfjsWeightSpec[],
  byteLength: number,
  source: string,
): Map<string, WeightSlice> {
  const slices = new Map<string, WeightSlice>();
  let offset = 0;
  for (const spec of specs) {
    const size = spec.shape.reduce((a, b) => a * b, 1);
    slices.set(spec.name, { name: spec.name, shape: spec.shape, offset, size });
    offset += 4 * size;
  }
  if (offset !== byteLength) {
    throw new RecurError(
      'FORMAT',
      `${source}: the weight specs describe ${offset} bytes of float32 data; the weight data holds ${byteLength}`,
    );
  }
  return slices;
}

/** The float32 values of one slice, read little-endian whatever the platform. */
export function readSlice(data: Uint8Array, slice: WeightSlice): Float32Array {
  const view = new DataView(data.buffer, data.byteOffset + slice.offset, 4 * slice.size);
  const out = new Float32Array(slice.size);
  for (let i = 0; i < slice.size; i++) out[i] = view.getFloat32(4 * i, true);
  return out;
}

/** The weight data's parts, checked: TF.js gives an ArrayBuffer, or one per shard. */
export function weightParts(
  data: Uint8Array | ArrayBuffer | readonly (Uint8Array | ArrayBuffer)[],
  source: string,
): Uint8Array[] {
  const parts = Array.isArray(data) ? data : [data];
  return parts.map((p, i) => {
    if (p instanceof Uint8Array) return p;
    if (p instanceof ArrayBuffer) return new Uint8Array(p);
    throw new RecurError(
      'ARGUMENT',
      `${source}: weightData${Array.isArray(data) ? `[${i}]` : ''} must be a Uint8Array or an ArrayBuffer, got ${p === null ? 'null' : typeof p}`,
    );
  });
}

/** The parts as one byte array (the part itself when there is one). */
export function joinParts(parts: readonly Uint8Array[]): Uint8Array {
  if (parts.length === 1) return parts[0]!;
  const out = new Uint8Array(parts.reduce((n, b) => n + b.byteLength, 0));
  let at = 0;
  for (const b of parts) {
    out.set(b, at);
    at += b.byteLength;
  }
  return out;
}
