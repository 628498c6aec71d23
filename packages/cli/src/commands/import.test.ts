import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  disposeModel,
  encodeSafetensors,
  type LanguageModel,
  readSafetensors,
  safetensorsValues,
  saveRecurModel,
} from '@recur/architectures';
import { softmax, tensor, tidy } from '@recur/tensor';
import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { loadTrainedModel } from '../checkpoint.js';
import { recur, recurJson, tempDir } from '../testing/run-recur.js';

describe('recur export --to tfjs and recur import', () => {
  const dir = tempDir();
  const checkpoint = join(dir, 'lm.ckpt');
  const tokens = [3, 1, 4, 1, 5];
  let vocabulary: unknown;

  beforeAll(async () => {
    const text = join(dir, 'text.txt');
    writeFileSync(text, 'the quick brown fox jumps over the lazy dog. '.repeat(40));
    await recurJson(
      'train',
      '--file',
      text,
      '--steps',
      '2',
      '--hidden',
      '8',
      '--embedding',
      '4',
      '--cell',
      'gru',
      '--checkpoint',
      checkpoint,
    );
    const trained = loadTrainedModel('test', checkpoint, 'lm');
    vocabulary = trained.vocabulary;
    disposeModel(trained.model);
  });

  /** What `recur sample` prints greedily from a checkpoint. */
  const greedy = async (path: string) =>
    (
      await recurJson(
        'sample',
        '--checkpoint',
        path,
        '--temperature',
        '0',
        '--length',
        '40',
        '--prompt',
        'the ',
      )
    ).text;

  it("exports a TF.js folder that tf.loadLayersModel runs to the checkpoint's next-token probabilities", async () => {
    const out = join(dir, 'lm.tfjs');
    const report = await recurJson(
      'export',
      '--checkpoint',
      checkpoint,
      '--to',
      'tfjs',
      '--out',
      out,
    );
    expect((report.files as { path: string }[]).map((f) => f.path)).toEqual([
      join(out, 'model.json'),
      join(out, 'weights.bin'),
      join(out, 'vocabulary.json'),
    ]);
    const json = JSON.parse(readFileSync(join(out, 'model.json'), 'utf8'));
    const model = await tf.loadLayersModel(
      tf.io.fromMemory({
        modelTopology: json.modelTopology,
        weightSpecs: json.weightsManifest[0].weights,
        weightData: new Uint8Array(readFileSync(join(out, 'weights.bin'))).buffer,
      }),
    );
    const theirs = tf.tidy(() =>
      (model.predict(tf.tensor([tokens])) as tf.Tensor).dataSync().slice(),
    );
    model.dispose();
    const trained = loadTrainedModel('test', checkpoint, 'lm');
    const ours = tidy(() =>
      softmax(
        (trained.model as LanguageModel).forward(tensor(Int32Array.from(tokens), [1, 5], 'int32'))
          .logits.value,
        -1,
      )
        .data()
        .slice(),
    );
    disposeModel(trained.model);
    let difference = 0;
    for (let i = 0; i < ours.length; i++)
      difference = Math.max(difference, Math.abs(ours[i]! - theirs[i]!));
    expect(difference).toBeLessThan(1e-5);
  });

  it('imports the TF.js folder back (with its vocabulary.json) into a checkpoint recur sample reads', async () => {
    const out = join(dir, 'from-tfjs.ckpt');
    const report = await recurJson('import', join(dir, 'lm.tfjs'), '--out', out);
    expect(report).toEqual({
      command: 'import',
      source: join(dir, 'lm.tfjs'),
      checkpoint: out,
      architecture: 'lm',
    });
    expect(await greedy(out)).toBe(await greedy(checkpoint));
  });

  it("imports safetensors (recur export's, and a bare PyTorch state dict with --arch) and a legacy .recur file", async () => {
    const safetensors = join(dir, 'lm.safetensors');
    await recurJson('export', '--checkpoint', checkpoint, '--out', safetensors);
    const fromSafetensors = join(dir, 'from-safetensors.ckpt');
    await recurJson('import', safetensors, '--out', fromSafetensors);
    expect(await greedy(fromSafetensors)).toBe(await greedy(checkpoint));

    const vocabularyFile = join(dir, 'vocabulary.json');
    writeFileSync(vocabularyFile, JSON.stringify(vocabulary));
    const trained = loadTrainedModel('test', checkpoint, 'lm');
    const legacy = join(dir, 'lm.recur');
    writeFileSync(legacy, saveRecurModel(trained.model));
    disposeModel(trained.model);
    const fromLegacy = join(dir, 'from-legacy.ckpt');
    await recurJson('import', legacy, '--vocabulary', vocabularyFile, '--out', fromLegacy);
    expect(await greedy(fromLegacy)).toBe(await greedy(checkpoint));

    // A GRU keeps recur's names in safetensors; an LSTM checkpoint makes a PyTorch state dict.
    const lstm = join(dir, 'lstm.ckpt');
    const text = join(dir, 'text.txt');
    await recurJson(
      'train',
      '--file',
      text,
      '--steps',
      '1',
      '--hidden',
      '6',
      '--embedding',
      '4',
      '--checkpoint',
      lstm,
    );
    await recurJson('export', '--checkpoint', lstm, '--out', join(dir, 'lstm.safetensors'));
    const file = readSafetensors(readFileSync(join(dir, 'lstm.safetensors')), 'test');
    const bare = join(dir, 'state-dict.safetensors');
    writeFileSync(
      bare,
      encodeSafetensors(
        file.entries.map((e) => ({
          name: e.name,
          shape: e.shape,
          values: safetensorsValues(file, e),
        })),
      ),
    );
    const fromPyTorch = join(dir, 'from-pytorch.ckpt');
    const run = await recur('import', bare, '--out', fromPyTorch);
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(/recur\.naming|no vocabulary|config/);
    await recurJson(
      'import',
      bare,
      '--arch',
      'lm',
      '--vocabulary',
      vocabularyFile,
      '--out',
      fromPyTorch,
    );
    expect(await greedy(fromPyTorch)).toBe(await greedy(lstm));
  });

  it('round-trips a text classifier through TF.js: recur classify gives the same answers', async () => {
    const csv = join(dir, 'reviews.csv');
    const rows = Array.from({ length: 40 }, (_, i) =>
      i % 2 ? `"great, loved it ${i}",positive` : `"dull and slow ${i}",negative`,
    );
    writeFileSync(csv, `review,sentiment\n${rows.join('\n')}\n`);
    const original = join(dir, 'clf.ckpt');
    await recurJson(
      'train',
      '--arch',
      'classify',
      '--file',
      csv,
      '--steps',
      '2',
      '--hidden',
      '4',
      '--embedding',
      '4',
      '--batch',
      '8',
      '--show',
      '0',
      '--checkpoint',
      original,
    );
    await recurJson(
      'export',
      '--checkpoint',
      original,
      '--to',
      'tfjs',
      '--out',
      join(dir, 'clf-tfjs'),
    );
    const imported = join(dir, 'clf-imported.ckpt');
    await recurJson('import', join(dir, 'clf-tfjs'), '--out', imported);
    const texts = ['great, loved it', 'dull and slow', 'slow but great'];
    const classify = async (path: string) => recurJson('classify', '--checkpoint', path, ...texts);
    const [a, b] = [await classify(original), await classify(imported)];
    expect(a.results).toHaveLength(3);
    expect(b.results).toEqual(a.results);
  });

  it('refuses a source without a vocabulary, naming the flag', async () => {
    const trained = loadTrainedModel('test', checkpoint, 'lm');
    const legacy = join(dir, 'bare.recur');
    writeFileSync(legacy, saveRecurModel(trained.model));
    disposeModel(trained.model);
    const run = await recur('import', legacy, '--out', join(dir, 'x.ckpt'));
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(/carries no vocabulary; give --vocabulary <json>/);
  });
});
