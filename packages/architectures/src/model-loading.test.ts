import { RecurrentLayer } from '@recur/cells';
import { memory, RecurError, tensor } from '@recur/tensor';
import { describe, expect, it } from 'vitest';
import { checkWeightsForConfig } from './check-weights.js';
import { LanguageModel } from './language-model.js';
import {
  disposeModel,
  loadModel,
  type Model,
  modelFromWeights,
  saveModelFiles,
  saveRecurModel,
} from './model-io.js';
import { recurrentLayerSpecs } from './parameter-specs.js';
import { SequenceClassifier } from './sequence-classifier.js';
import {
  fileBody,
  signedFile,
  signedPair,
  splitFile,
  withChecksum,
} from './testing/model-files.js';

/** Runs `fn`, expects a RecurError FORMAT matching `pattern`, and returns how long it took. */
function expectFormat(fn: () => unknown, pattern: RegExp): number {
  const started = performance.now();
  let caught: unknown;
  try {
    fn();
  } catch (error) {
    caught = error;
  }
  const elapsed = performance.now() - started;
  expect(caught).toBeInstanceOf(RecurError);
  expect((caught as RecurError).code).toBe('FORMAT');
  expect((caught as RecurError).message).toMatch(pattern);
  return elapsed;
}

/** A small LanguageModel (about 18 KB on disk) to tamper with. */
const small = () =>
  new LanguageModel({ vocabularySize: 20, hiddenSize: 16, cell: 'lstm', seed: 1 });

describe('loading refuses hostile configs before allocating', () => {
  const model = small();
  const bytes = saveRecurModel(model);
  const files = saveModelFiles(model);
  const { header, data } = splitFile(bytes);
  const withConfig = (patch: Record<string, unknown>) => ({
    single: signedFile({ ...header, config: { ...header.config, ...patch } }, data),
    pair: signedPair(
      { ...JSON.parse(files.json), config: { ...header.config, ...patch } },
      files.weights,
    ),
  });
  const hostile: [string, Record<string, unknown>, RegExp][] = [
    ['hiddenSize 3000 beside 18 KB of weights', { hiddenSize: 3000 }, /implies float32/],
    ['numLayers 200000', { numLayers: 200000 }, /numLayers must be an integer in \[1, 256\]/],
    ['hiddenSize 1e6', { hiddenSize: 1e6 }, /implies float32|parameter elements/],
    ['hiddenSize 1e9', { hiddenSize: 1e9 }, /hiddenSize must be an integer/],
    ['a fractional size', { hiddenSize: 2.5 }, /hiddenSize must be an integer/],
    ['a size given as a string', { vocabularySize: '20' }, /vocabularySize must be an integer/],
    ['an unknown option', { hiddenSzie: 16 }, /unknown option 'hiddenSzie'.*hiddenSize/],
    ['an unknown input kind', { input: { kind: 'wide', size: 4 } }, /input: kind is "wide"/],
    ['a nested unknown option', { input: { kind: 'onehot', size: 4 } }, /unknown option 'size'/],
    ['a bad cell', { cell: 'transformer' }, /cell is "transformer"/],
    ['a null size', { numLayers: null }, /numLayers must be an integer/],
    ['dropout 2', { dropout: 2 }, /dropout must be in \[0, 1\)/],
    ['a __proto__ architecture', { architecture: '__proto__' }, /architecture/],
  ];
  for (const [what, patch, pattern] of hostile) {
    it(`${what}: FORMAT naming the file and field, fast, nothing left allocated`, () => {
      const { single, pair } = withConfig(patch);
      const before = memory().numTensors;
      const t1 = expectFormat(() => loadModel(single, { name: 'evil.recur' }), pattern);
      const t2 = expectFormat(() => loadModel(pair), pattern);
      expect(() => loadModel(single, { name: 'evil.recur' })).toThrow(/evil\.recur/);
      expect(memory().numTensors).toBe(before);
      expect(Math.max(t1, t2)).toBeLessThan(250); // on main: 23.8 s for hiddenSize 3000
    });
  }

  it('a weight named __proto__ is a name like any other: FORMAT, not a TypeError', () => {
    const renamed = structuredClone(header);
    renamed.weights[0]!.name = '__proto__';
    const before = memory().numTensors;
    expectFormat(() => loadModel(signedFile(renamed, data)), /unexpected __proto__/);
    const v1 = fileBody(renamed, data, { version: 1 });
    expectFormat(() => loadModel(v1), /unexpected __proto__/);
    expect(memory().numTensors).toBe(before);
  });

  it('a top-level __proto__ key or an unknown header field is refused', () => {
    const text = JSON.stringify(header).replace('{"config"', '{"__proto__":{"x":1},"config"');
    expectFormat(() => loadModel(signedFile(text, data)), /unknown field "__proto__"/);
    expectFormat(() => loadModel(signedFile({ ...header, extra: 1 }, data)), /unknown field/);
  });
});

/** A tiny model (a few hundred bytes) for exhaustive byte-by-byte tests. */
const tiny = () =>
  new LanguageModel({ vocabularySize: 4, hiddenSize: 3, input: { kind: 'onehot' }, cell: 'rnn' });

describe('format version 2: checksums and an exact layout', () => {
  const model = tiny();
  const bytes = saveRecurModel(model);
  const files = saveModelFiles(model);

  it('refuses every single-byte change and every truncation of a single file', () => {
    const before = memory().numTensors;
    let refused = 0;
    for (let i = 0; i < bytes.length; i++) {
      const changed = bytes.slice();
      changed[i] = changed[i]! ^ (1 << (i % 8));
      expect(() => loadModel(changed)).toThrow(RecurError);
      refused++;
    }
    for (let n = 0; n < bytes.length; n++) {
      expect(() => loadModel(bytes.subarray(0, n))).toThrow(RecurError);
      refused++;
    }
    expect(refused).toBe(2 * bytes.length);
    expect(memory().numTensors).toBe(before);
  });

  it('refuses every single-byte change of model.bin and of model.json, and any change of length', () => {
    for (let i = 0; i < files.weights.length; i++) {
      const weights = files.weights.slice();
      weights[i] = weights[i]! ^ 0x10;
      expectFormat(() => loadModel({ json: files.json, weights }), /checksum/);
    }
    const json = new TextEncoder().encode(files.json);
    for (let i = 0; i < json.length; i++) {
      const changed = json.slice();
      changed[i] = changed[i]! ^ 0x01;
      expect(() =>
        loadModel({ json: new TextDecoder().decode(changed), weights: files.weights }),
      ).toThrow(RecurError);
    }
    expectFormat(
      () => loadModel({ json: files.json, weights: files.weights.subarray(0, 100) }),
      /model\.bin is 100 bytes/,
    );
  });

  const layouts: [string, (w: Record<string, unknown>[]) => void, RegExp][] = [
    ['overlapping', (w) => (w[1]!.offset = 0), /overlaps the previous weight/],
    ['unaligned', (w) => (w[1]!.offset = (w[1]!.offset as number) + 4), /not a multiple of 8/],
    ['gapped', (w) => (w[1]!.offset = (w[1]!.offset as number) + 8), /leaves a gap/],
    ['out-of-range', (w) => (w[2]!.offset = 1e9), /leaves a gap|outside/],
    ['negative', (w) => (w[0]!.offset = -8), /expected a non-negative integer/],
  ];
  for (const [what, edit, pattern] of layouts) {
    it(`${what} offsets are refused (version 2 signed, and version 1)`, () => {
      const { header, data } = splitFile(bytes);
      edit(header.weights);
      expectFormat(() => loadModel(signedFile(header, data)), pattern);
      expectFormat(() => loadModel(fileBody(header, data, { version: 1 })), pattern);
    });
  }

  it('trailing garbage and non-zero padding are refused', () => {
    const { header, data } = splitFile(bytes);
    const longer = new Uint8Array(data.length + 8);
    longer.set(data);
    expectFormat(() => loadModel(signedFile(header, longer)), /trailing or missing bytes/);
    expectFormat(() => loadModel(fileBody(header, longer, { version: 1 })), /trailing/);
    // Header padding: pad the JSON text so that 4 padding bytes follow it, then dirty one.
    let text = JSON.stringify(header);
    while ((16 + text.length) % 8 !== 4) text += ' ';
    const body = fileBody(text, data);
    body[16 + text.length] = 1;
    expectFormat(() => loadModel(withChecksum(body)), /header: padding byte/);
    // Weight padding: b_o of 3 floats (12 bytes) is followed by 4 padding bytes.
    const odd = new SequenceClassifier({
      input: { kind: 'features', size: 2 },
      hiddenSize: 2,
      outputSize: 3,
    });
    const split = splitFile(saveRecurModel(odd));
    const last = split.header.weights.at(-1) as { offset: number; byteLength: number };
    expect(last.byteLength % 8).toBe(4);
    split.data[last.offset + last.byteLength] = 7;
    expectFormat(() => loadModel(signedFile(split.header, split.data)), /padding byte/);
    disposeModel(odd);
  });

  it('a header length beyond the file is refused before decoding', () => {
    const { header, data } = splitFile(bytes);
    const huge = fileBody(header, data, { version: 1, headerLength: 0xffffffff });
    expectFormat(() => loadModel(huge), /runs past the end/);
    const signed = withChecksum(fileBody(header, data, { headerLength: 0xfffffff0 }));
    expectFormat(() => loadModel(signed), /runs past the end/);
  });

  it('version-1 files (no checksum) still load, identically', () => {
    const v1 = bytes.slice(0, bytes.length - 4);
    new DataView(v1.buffer).setUint32(8, 1, true);
    const loaded = loadModel(v1) as LanguageModel;
    const a = model.parameters();
    for (const [name, p] of Object.entries(loaded.parameters()))
      expect(Array.from(p.value.data())).toEqual(Array.from(a[name]!.value.data()));
    disposeModel(loaded);
    const { format, version, config, weights } = JSON.parse(files.json);
    const pair = {
      json: JSON.stringify({ format, version: 1, config, weights }),
      weights: files.weights,
    };
    void format;
    void version;
    disposeModel(loadModel(pair));
  });
});

describe('checkWeightsForConfig', () => {
  const model = new SequenceClassifier({
    input: { kind: 'embedding', vocabularySize: 9, size: 4 },
    hiddenSize: 5,
    numLayers: 2,
    bidirectional: true,
    outputSize: 3,
    seed: 1,
  });
  const directory = Object.entries(model.parameters()).map(([name, p]) => ({
    name,
    shape: p.shape,
    dtype: p.value.dtype,
  }));

  it('accepts the directory a model of that config has, and returns the config with defaults', () => {
    const plan = checkWeightsForConfig(model.config, directory, 'ckpt');
    expect(plan.config).toEqual(model.config);
    expect(plan.parameters.map((p) => p.name).sort()).toEqual(directory.map((d) => d.name).sort());
  });

  it('names the source and the weight that differs, the missing and the unexpected ones', () => {
    const wrong = directory.map((d, i) => (i === 1 ? { ...d, shape: [1, 1] } : d));
    expectFormat(() => checkWeightsForConfig(model.config, wrong, 'ckpt'), /^ckpt: weight rnn/);
    expectFormat(
      () => checkWeightsForConfig(model.config, directory.slice(1), 'ckpt'),
      /missing embedding; unexpected none/,
    );
    expectFormat(
      () => checkWeightsForConfig(model.config, [...directory, directory[0]!], 'ckpt'),
      /appears twice/,
    );
    const asInt = directory.map((d, i) => (i === 0 ? { ...d, dtype: 'int32' } : d));
    expectFormat(() => checkWeightsForConfig(model.config, asInt, 'ckpt'), /is int32/);
    expectFormat(() => checkWeightsForConfig([], directory, 'ckpt'), /config must be an object/);
  });

  it('modelFromWeights builds a model holding the given tensors, and frees what it made on a mismatch', () => {
    const weights = Object.fromEntries(
      Object.entries(model.parameters()).map(([n, p]) => [
        n,
        tensor(p.value.data().slice(), p.shape, p.value.dtype),
      ]),
    );
    const before = memory().numTensors;
    const rebuilt = modelFromWeights(model.config, weights, 'ckpt') as SequenceClassifier;
    expect(memory().numTensors).toBe(before); // it took the tensors over, made none of its own
    const ids = tensor([1, 2, 3, 4, 5, 6], [2, 3], 'int32');
    expect(Array.from(rebuilt.predict(ids))).toEqual(Array.from(model.predict(ids)));
    disposeModel(rebuilt);
    ids.dispose();
    const again = memory().numTensors;
    expectFormat(() => modelFromWeights({ ...model.config, hiddenSize: 6 }, {}, 'ckpt'), /ckpt/);
    expect(memory().numTensors).toBe(again);
  });

  it('describes exactly the parameters a RecurrentLayer makes, for every cell', () => {
    for (const cell of ['rnn', 'irnn', 'lstm', 'gru'] as const) {
      for (const bidirectional of [false, true]) {
        const layer = new RecurrentLayer({
          cell,
          inputSize: 3,
          hiddenSize: 4,
          numLayers: 2,
          bidirectional,
          seed: 1,
        });
        const built = Object.entries(layer.parameters()).map(([name, p]) => [name, p.shape]);
        const specs = recurrentLayerSpecs({
          cell,
          inputSize: 3,
          hiddenSize: 4,
          numLayers: 2,
          bidirectional,
        });
        expect(specs.map((s) => [s.name, s.shape])).toEqual(built);
        layer.dispose();
      }
    }
  });
});

describe('a failed load or construction leaves no tensors', () => {
  const model = small();
  const bytes = saveRecurModel(model);
  const { header, data } = splitFile(bytes);

  it('loadModel failing in several ways', () => {
    const failures: (() => Model)[] = [
      () => loadModel(bytes.subarray(0, 40)),
      () =>
        loadModel(signedFile({ ...header, config: { ...header.config, hiddenSize: 17 } }, data)),
      () => loadModel(signedFile({ ...header, weights: header.weights.slice(1) }, data)),
      () => loadModel(fileBody({ ...header, weights: [] }, data, { version: 1 })),
      () => loadModel({ json: '{"format":"recur-model","version":2}', weights: new Uint8Array() }),
      () => loadModel({ json: 'not json', weights: new Uint8Array() }),
    ];
    const before = memory().numTensors;
    for (const fail of failures) expect(fail).toThrow(RecurError);
    expect(memory().numTensors).toBe(before);
  });
});
