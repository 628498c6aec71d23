import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { disposeModel, type LanguageModel, loadModelWithExtras } from '@recur/architectures';
import { memory, tensor, tidy } from '@recur/tensor';
import * as ort from 'onnxruntime-node';
import { beforeAll, describe, expect, it } from 'vitest';
import { loadTrainedModel } from '../checkpoint.js';
import { recur, recurJson, tempDir } from '../testing/run-recur.js';

describe('recur export', () => {
  const dir = tempDir();
  const checkpoint = join(dir, 'lm.ckpt');
  const tokens = [3, 1, 4, 1, 5];

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
      '--checkpoint',
      checkpoint,
    );
  });

  /** The checkpoint's own logits for `tokens`, as the CLI loads it. */
  function recurLogits(): Float32Array {
    const trained = loadTrainedModel('test', checkpoint, 'lm');
    try {
      const lm = trained.model as LanguageModel;
      return tidy(() =>
        Float32Array.from(
          lm.forward(tensor(Int32Array.from(tokens), [1, 5], 'int32')).logits.value.data(),
        ),
      );
    } finally {
      disposeModel(trained.model);
    }
  }

  it('writes safetensors that load back with the same weights and the vocabulary', async () => {
    const out = join(dir, 'lm.safetensors');
    const report = await recurJson('export', '--checkpoint', checkpoint, '--out', out);
    expect(report).toEqual({
      format: 'safetensors',
      files: [{ path: out, bytes: readFileSync(out).byteLength }],
    });
    const before = memory().numTensors;
    const { model, vocabulary } = loadModelWithExtras(readFileSync(out));
    const lm = model as LanguageModel;
    const logits = tidy(() =>
      Float32Array.from(
        lm.forward(tensor(Int32Array.from(tokens), [1, 5], 'int32')).logits.value.data(),
      ),
    );
    disposeModel(model);
    expect(memory().numTensors).toBe(before);
    expect(logits).toEqual(recurLogits());
    expect(vocabulary).toBeDefined();
  });

  it('writes ONNX that ONNX Runtime runs to the same logits', async () => {
    const out = join(dir, 'lm.onnx');
    const run = await recur('export', '--checkpoint', checkpoint, '--to', 'onnx', '--out', out);
    expect(run.code).toBe(0);
    expect(run.stdout).toMatch(/^recur export: wrote .*lm\.onnx \(\d+ bytes\)/);
    const session = await ort.InferenceSession.create(readFileSync(out));
    const zeros = () => new ort.Tensor('float32', new Float32Array(8), [1, 1, 8]);
    const result = await session.run({
      tokens: new ort.Tensor('int64', BigInt64Array.from(tokens, BigInt), [1, 5]),
      initial_h_0: zeros(),
      initial_c_0: zeros(),
    });
    const onnx = result.logits!.data as Float32Array;
    const expected = recurLogits();
    expect(onnx.length).toBe(expected.length);
    for (let i = 0; i < onnx.length; i++)
      expect(Math.abs(onnx[i]! - expected[i]!)).toBeLessThan(1e-5);
  });

  it('refuses an unknown format and a missing checkpoint in one line', async () => {
    const bad = await recur('export', '--checkpoint', checkpoint, '--to', 'tflite');
    expect(bad.code).toBe(2);
    expect(bad.stderr).toMatch(/^recur export: --to/);
    const missing = await recur('export', '--checkpoint', join(dir, 'none.ckpt'));
    expect(missing.code).toBe(2);
    expect(missing.stderr).toMatch(/^recur export: no checkpoint at/);
  });
});
