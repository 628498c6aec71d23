import { assertGradcheck, constant, mul, sum, Variable } from '@recur/autograd';
import { memory, Rng, randomNormal, tensor, tidy } from '@recur/tensor';
import { describe, expect, it } from 'vitest';
import { Attention, additiveScores, dotScores, maskedSoftmax, weightedSum } from './attention.js';

const B = 2;
const S = 3;
const D = 4;

describe('attention ops', () => {
  it('dotScores and weightedSum match a hand computation', () => {
    const keys = tensor([1, 0, 0, 1, 2, 2, 3, 3, 1, 1, 1, 1], [B, S, 2]);
    const query = tensor([1, 2, 0, 1], [B, 2]);
    const scores = dotScores(query, keys);
    expect([...scores.value.data()]).toEqual([1, 2, 6, 3, 1, 1]);
    const weights = constant(tensor([1, 0, 0, 0.5, 0.25, 0.25], [B, S]));
    const context = weightedSum(weights, keys);
    expect([...context.value.data()]).toEqual([1, 0, 2, 2]);
  });

  it('maskedSoftmax gives padding no weight and rows sum to 1', () => {
    const scores = constant(tensor([5, 1, 2, 0, 0, 9], [B, S]));
    const mask = tensor([1, 1, 0, 1, 1, 0], [B, S]);
    const w = maskedSoftmax(scores, mask).value.toArray() as number[][];
    expect(w[0]![2]).toBe(0);
    expect(w[1]![2]).toBe(0);
    expect(w[0]![0]! + w[0]![1]!).toBeCloseTo(1, 6);
    expect(w[1]![0]).toBeCloseTo(0.5, 6);
  });

  it('dot, additive and masked attention pass gradcheck', () => {
    const rng = new Rng(1);
    const q = randomNormal([B, D], { rng });
    const k = randomNormal([B, S, D], { rng });
    const v = randomNormal([D], { rng });
    const probe = randomNormal([B, D], { rng });
    const mask = tensor([1, 1, 1, 1, 0, 1], [B, S]);
    const loss = (ctx: Variable): Variable => sum(mul(ctx, probe));
    assertGradcheck(
      (qv, kv) => loss(weightedSum(maskedSoftmax(dotScores(qv!, kv!), mask), kv!)),
      [q, k],
    );
    assertGradcheck(
      (qv, kv, vv) => loss(weightedSum(maskedSoftmax(additiveScores(qv!, kv!, vv!)), kv!)),
      [q, k, v],
    );
  });
});

describe('Attention', () => {
  for (const score of ['dot', 'general', 'additive'] as const) {
    it(`${score}: shapes, weights summing to one, gradients to every parameter, no leaks`, () => {
      const attention = new Attention({
        score,
        querySize: D,
        valueSize: D,
        attentionSize: 5,
        rng: new Rng(2),
      });
      const values = new Variable(randomNormal([B, S, D], { seed: 3 }), {
        requiresGrad: true,
        persistent: true,
      });
      const query = constant(randomNormal([B, D], { seed: 4 }));
      const mask = tensor([1, 1, 0, 1, 1, 1], [B, S]);
      const run = (): void =>
        tidy(() => {
          const memory = attention.prepare(values, mask);
          const { context, weights } = attention.attend(query, memory);
          expect(context.shape).toEqual([B, D]);
          expect(weights.shape).toEqual([B, S]);
          const w = weights.value.toArray() as number[][];
          expect(w[0]![2]).toBe(0);
          for (const row of w) expect(row.reduce((a, b) => a + b, 0)).toBeCloseTo(1, 5);
          sum(mul(context, context)).backward();
        });
      run();
      expect(values.grad).not.toBeNull();
      const params = Object.values(attention.parameters());
      expect(params.length).toBe({ dot: 0, general: 1, additive: 3 }[score]);
      for (const p of params) {
        expect(p.grad).not.toBeNull();
        expect([...p.grad!.data()].some((g) => g !== 0)).toBe(true);
      }
      const before = memory().numTensors;
      run();
      run();
      expect(memory().numTensors).toBe(before);
    });
  }

  it('a sequence of queries equals the queries one at a time', () => {
    for (const score of ['dot', 'general', 'additive'] as const) {
      const attention = new Attention({ score, querySize: D, valueSize: D, rng: new Rng(5) });
      tidy(() => {
        const values = constant(randomNormal([B, S, D], { seed: 6 }));
        const queries = randomNormal([B, 2, D], { seed: 7 });
        const mask = tensor([1, 1, 1, 1, 0, 0], [B, S]);
        const memory = attention.prepare(values, mask);
        const all = attention.attend(constant(queries), memory);
        expect(all.context.shape).toEqual([B, 2, D]);
        const all3 = all.context.value.toArray() as number[][][];
        for (let t = 0; t < 2; t++) {
          const qt = constant(tensor((queries.toArray() as number[][][]).map((row) => row[t]!)));
          const one = attention.attend(qt, memory).context.value.toArray() as number[][];
          for (let b = 0; b < B; b++) {
            for (let d = 0; d < D; d++) expect(one[b]![d]).toBeCloseTo(all3[b]![t]![d]!, 5);
          }
        }
      });
    }
  });

  it('rejects dot attention between different widths', () => {
    expect(
      () => new Attention({ score: 'dot', querySize: 3, valueSize: 4, rng: new Rng(1) }),
    ).toThrow(/dot/);
  });
});
