import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SequenceClassifier } from '@recur/architectures';
import { memory, RecurError, tensor, tidy } from '@recur/tensor';
import { describe, expect, it } from 'vitest';
import { disposeModel } from '../test-support/tfjs.js';
import { loadTfjsModel, MAX_MODEL_JSON_BYTES, saveTfjsModel } from './tfjs-files.js';

const dir = () => mkdtempSync(join(tmpdir(), 'recur-tfjs-'));
const model = () =>
  new SequenceClassifier({
    input: { kind: 'embedding', vocabularySize: 7, size: 3 },
    hiddenSize: 4,
    outputSize: 2,
    cell: 'gru',
    seed: 5,
  });

function predict(m: SequenceClassifier): Float32Array {
  return tidy(() =>
    Float32Array.from(m.predict(tensor(Int32Array.from([1, 2, 3, 6]), [1, 4], 'int32'))),
  );
}

function refusal(path: string): string {
  const before = memory().numTensors;
  try {
    loadTfjsModel(path);
  } catch (error) {
    expect(error).toBeInstanceOf(RecurError);
    expect(memory().numTensors).toBe(before);
    return (error as Error).message;
  }
  throw new Error('loadTfjsModel accepted it');
}

describe('saveTfjsModel / loadTfjsModel', () => {
  it('write model.json + weights.bin and read them back (folder or file path) to the same model', () => {
    const out = dir();
    const original = model();
    const paths = saveTfjsModel(original, out);
    expect(paths).toEqual({
      modelJson: join(out, 'model.json'),
      weights: join(out, 'weights.bin'),
    });
    for (const path of [out, paths.modelJson]) {
      const loaded = loadTfjsModel(path) as SequenceClassifier;
      expect(predict(loaded)).toEqual(predict(original));
      disposeModel(loaded);
    }
    disposeModel(original);
  });

  it('refuses shard paths outside the folder, missing or wrong-sized shards, and oversized JSON', () => {
    const out = dir();
    const original = model();
    saveTfjsModel(original, out);
    disposeModel(original);
    const json = JSON.parse(readFileSync(join(out, 'model.json'), 'utf8'));
    const write = (edit: (j: typeof json) => void) => {
      const copy = structuredClone(json);
      edit(copy);
      writeFileSync(join(out, 'model.json'), JSON.stringify(copy));
      return out;
    };
    for (const p of ['../weights.bin', '/etc/passwd', 'a/../../x.bin']) {
      expect(
        refusal(
          write((j) => {
            j.weightsManifest[0].paths = [p];
          }),
        ),
      ).toMatch(/expected a relative file name inside the model's folder/);
    }
    expect(
      refusal(
        write((j) => {
          j.weightsManifest[0].paths = ['none.bin'];
        }),
      ),
    ).toMatch(/weight shard .*none\.bin cannot be read \(ENOENT\)/);
    writeFileSync(join(out, 'short.bin'), new Uint8Array(8));
    expect(
      refusal(
        write((j) => {
          j.weightsManifest[0].paths = ['short.bin'];
        }),
      ),
    ).toMatch(/shards hold 8 bytes; its weight specs describe \d+/);
    writeFileSync(join(out, 'model.json'), new Uint8Array(MAX_MODEL_JSON_BYTES + 1));
    expect(refusal(out)).toMatch(/a model\.json may be at most/);
    expect(refusal(join(out, 'missing'))).toMatch(/cannot be read/);
  });
});
