import { readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { dispose, memory, type Tensor, tensor, tidy } from '@recur/tensor';
import { describe, expect, it } from 'vitest';
import type { LanguageModel } from './language-model.js';
import { disposeModel, loadModel, type Model, modelFromPyTorch } from './model-io.js';
import { readSafetensors, safetensorsValues } from './safetensors.js';
import type { Seq2Seq } from './seq2seq.js';
import type { SequenceClassifier } from './sequence-classifier.js';

/**
 * recur against PyTorch, both ways, on fixtures made by `scripts/make-pytorch-fixtures.py`
 * (torch, run by hand; README "PyTorch fixtures"): `torch-*` are state dicts of PyTorch modules
 * with torch's logits, imported with `modelFromPyTorch`; `recur-*` are files `saveModel` wrote
 * that PyTorch loaded (`load_state_dict(strict=True)`) and ran. No Python runs here.
 */

const directory = fileURLToPath(new URL('../fixtures/pytorch/', import.meta.url));
const TOLERANCE = 1e-5;

/** A fixture's inputs and torch's logits (`NAME.io.safetensors`), and the recur config of torch-made ones. */
interface Fixture {
  config?: Record<string, unknown>;
  inputs: Record<string, Tensor>;
  logits: ArrayLike<number>;
  shape: readonly number[];
}

function readFixture(name: string): Fixture {
  const file = readSafetensors(new Uint8Array(readFileSync(`${directory}${name}.io.safetensors`)));
  const inputs: Record<string, Tensor> = {};
  let logits: ArrayLike<number> = [];
  let shape: readonly number[] = [];
  for (const e of file.entries) {
    const values = safetensorsValues(file, e);
    if (e.name === 'logits') {
      logits = values;
      shape = e.shape;
    } else inputs[e.name] = tensor(values, [...e.shape], e.dtype);
  }
  const config = file.metadata.config;
  return { ...(config ? { config: JSON.parse(config) } : {}), inputs, logits, shape };
}

function logitsOf(
  model: Model,
  t: Record<string, Tensor>,
): { data: Float32Array; shape: number[] } {
  return tidy(() => {
    const out =
      model.config.architecture === 'LanguageModel'
        ? (model as LanguageModel).forward(t.inputs!).logits
        : model.config.architecture === 'SequenceClassifier'
          ? (model as SequenceClassifier).forward(t.inputs!)
          : (model as Seq2Seq).forward({
              source: t.source!,
              decoderInput: t.decoderInput!,
              decoderTarget: t.decoderInput!,
            });
    return { data: out.value.data().slice() as Float32Array, shape: [...out.shape] };
  });
}

const names = readdirSync(directory)
  .filter((f) => f.endsWith('.io.safetensors'))
  .map((f) => f.slice(0, -'.io.safetensors'.length))
  .sort();

describe('recur and PyTorch compute the same logits', () => {
  it('the fixtures are there, both ways, and small', () => {
    expect(names.filter((n) => n.startsWith('torch-')).length).toBeGreaterThanOrEqual(4);
    expect(names.filter((n) => n.startsWith('recur-')).length).toBeGreaterThanOrEqual(4);
    const total = readdirSync(directory).reduce(
      (n, f) => n + readFileSync(`${directory}${f}`).length,
      0,
    );
    expect(total).toBeLessThan(256 * 1024);
  });

  for (const name of names) {
    const direction = name.startsWith('torch-') ? 'PyTorch → recur' : 'recur → PyTorch';
    it(`${direction}: ${name} within ${TOLERANCE}`, () => {
      const bytes = new Uint8Array(readFileSync(`${directory}${name}.safetensors`));
      const before = memory().numTensors;
      const fixture = readFixture(name);
      const model = fixture.config
        ? modelFromPyTorch(bytes, fixture.config, { name })
        : loadModel(bytes, { name });
      const { data, shape } = logitsOf(model, fixture.inputs);
      disposeModel(model);
      dispose(Object.values(fixture.inputs));
      expect(memory().numTensors).toBe(before);
      expect(shape).toEqual(fixture.shape);
      let worst = 0;
      for (let i = 0; i < data.length; i++)
        worst = Math.max(worst, Math.abs(data[i]! - fixture.logits[i]!));
      console.info(`${direction} ${name}: max |recur − torch| = ${worst.toExponential(2)}`);
      expect(worst).toBeLessThanOrEqual(TOLERANCE);
    });
  }
});
