import { disposeModel, greedy, padIds, Seq2Seq, type TokenInput } from '@recur/architectures';
import { noGrad } from '@recur/autograd';
import { Rng, tensor, tidy } from '@recur/tensor';
import type { InferenceSession, Tensor as OrtTensor } from 'onnxruntime-node';
import { describe, expect, it } from 'vitest';
import { exportOnnx } from './index.js';
import {
  carriedStates,
  int32,
  int64,
  maxDifference,
  openSession,
  randomizeWeights,
} from './test-support/onnx-runtime.js';

const SOURCE_V = 9;
const TARGET_V = 12;
const H = 7;
const TOLERANCE = 1e-5;
const START = 1;
const STOP = 2;
const SOURCES = [
  [3, 4, 5, 6, 7],
  [8, 3],
  [5, 5, 6, 1],
];

const cases = (['rnn', 'irnn', 'lstm', 'gru'] as const).flatMap((cell, i) => [
  {
    cell,
    numLayers: 1,
    sourceInput: { kind: 'embedding', size: 4 } as TokenInput,
    targetInput: { kind: 'onehot' } as TokenInput,
    attention: null,
  },
  {
    cell,
    numLayers: 2,
    sourceInput: { kind: 'onehot' } as TokenInput,
    targetInput: { kind: 'embedding', size: 5 } as TokenInput,
    attention: null,
  },
  // Every score with every cell.
  ...(['dot', 'general', 'additive'] as const).map((attention, j) => ({
    cell,
    numLayers: 1 + ((i + j) % 2),
    sourceInput: { kind: 'embedding', size: 4 } as TokenInput,
    targetInput: { kind: 'embedding', size: 5 } as TokenInput,
    attention,
  })),
]);

function model(c: (typeof cases)[number]): Seq2Seq {
  const m = new Seq2Seq({
    sourceVocabularySize: SOURCE_V,
    targetVocabularySize: TARGET_V,
    hiddenSize: H,
    cell: c.cell,
    numLayers: c.numLayers,
    attention: c.attention,
    sourceInput: c.sourceInput,
    targetInput: c.targetInput,
    startToken: START,
    stopToken: STOP,
    seed: 4,
  });
  // A lower stop score, so that the greedy translations run long enough to compare.
  randomizeWeights(m.parameters(), 21, 0.8, {
    'decoder.b_o': (b) => {
      b[STOP]! -= 1;
    },
  });
  return m;
}

/** Encoder then greedy decoder steps through ONNX Runtime, as `Seq2Seq.translate` decodes. */
async function translateWithOnnx(
  encoder: InferenceSession,
  decoder: InferenceSession,
  sources: readonly (readonly number[])[],
  maxLength: number,
): Promise<number[][]> {
  const B = sources.length;
  const S = Math.max(...sources.map((s) => s.length));
  const ids = sources.flatMap((s) => [...s, ...new Array<number>(S - s.length).fill(0)]);
  const lengths = int32(
    sources.map((s) => s.length),
    [B],
  );
  const encoded = await encoder.run({ source: int64(ids, [B, S]), source_lengths: lengths });
  // With attention, every decoder step also reads the encoder outputs.
  const memory: Record<string, OrtTensor> = encoded.memory
    ? { memory: encoded.memory, source_lengths: lengths }
    : {};
  let state: Record<string, OrtTensor> = carriedStates(encoded);
  const out: number[][] = sources.map(() => []);
  const done = new Array<boolean>(B).fill(false);
  let input = new Array<number>(B).fill(START);
  for (let t = 0; t < maxLength && done.some((d) => !d); t++) {
    const step = await decoder.run({ tokens: int64(input, [B, 1]), ...state, ...memory });
    const logits = step.logits!.data as Float32Array;
    input = input.map((_, b) => greedy(logits.subarray(b * TARGET_V, (b + 1) * TARGET_V)));
    input.forEach((token, b) => {
      if (done[b]) return;
      if (token === STOP) done[b] = true;
      else out[b]!.push(token);
    });
    state = carriedStates(step);
  }
  return out;
}

describe('exportOnnx(Seq2Seq)', () => {
  it.each(cases)(
    '$cell, $numLayers layer(s), attention $attention, source $sourceInput.kind, target $targetInput.kind: teacher-forced logits match within 1e-5 and greedy translations are equal',
    async (c) => {
      const m = model(c);
      const encoder = await openSession(exportOnnx(m, { part: 'encoder' }));
      const decoder = await openSession(exportOnnx(m, { part: 'decoder' }));
      // Teacher-forced logits for a padded batch: encoder states into the decoder.
      const B = SOURCES.length;
      const S = Math.max(...SOURCES.map((s) => s.length));
      const T = 6;
      const rng = new Rng(8);
      const decoderIds = Array.from({ length: B * T }, () => Math.floor(rng.next() * TARGET_V));
      const expected = noGrad(() =>
        tidy(() => {
          const { ids, mask } = padIds(SOURCES);
          const decoderInput = tensor(Int32Array.from(decoderIds), [B, T], 'int32');
          const logits = m.forward({
            source: ids,
            sourceMask: mask,
            decoderInput,
            decoderTarget: decoderInput,
          });
          return Float32Array.from(logits.value.data());
        }),
      );
      const lengths = int32(
        SOURCES.map((s) => s.length),
        [B],
      );
      const encoded = await encoder.run({
        source: int64(
          SOURCES.flatMap((s) => [...s, ...new Array<number>(S - s.length).fill(0)]),
          [B, S],
        ),
        source_lengths: lengths,
      });
      expect(encoded.memory === undefined).toBe(c.attention === null);
      const decoded = await decoder.run({
        tokens: int64(decoderIds, [B, T]),
        ...carriedStates(encoded),
        ...(encoded.memory ? { memory: encoded.memory, source_lengths: lengths } : {}),
      });
      expect(maxDifference(decoded.logits!.data as Float32Array, expected)).toBeLessThan(TOLERANCE);
      // Greedy decoding, one ONNX call per step.
      const translations = m.translate(SOURCES, { maxLength: 30 });
      expect(await translateWithOnnx(encoder, decoder, SOURCES, 30)).toEqual(translations);
      expect(Math.max(...translations.map((t) => t.length))).toBeGreaterThan(5);
      await encoder.release();
      await decoder.release();
      disposeModel(m);
    },
  );
});
