import {
  add,
  backward,
  constant,
  matmul,
  mean,
  parameter,
  square,
  sub,
  sum,
} from '@recur/autograd';
import { memory, randomNormal, tidy, mul as tmul, sub as tsub, zeros } from '@recur/tensor';
import { describe, expect, it } from 'vitest';
import { clipGradNorm } from './clip-grad-norm.js';
import { type GradientFlowReport, gradientFlow } from './gradient-flow.js';
import { GradientMonitor } from './gradient-monitor.js';
import { type TinyRnnOptions, tinyRnn, uniformSequence } from './test-support/tiny-rnns.js';

const H = 64;

/** ‖∂L/∂a⟨t⟩‖ for a loss at the last step only: L = Σ_b a⟨T⟩ v. */
function flow(
  options: Omit<TinyRnnOptions, 'inputSize' | 'hiddenSize'>,
  T: number,
): GradientFlowReport {
  const net = tinyRnn({ inputSize: 1, hiddenSize: H, ...options });
  const report = tidy(() => {
    const { a, c } = net.run(uniformSequence(T, 4, options.seed + 100));
    const loss = sum(matmul(a[T - 1]!, randomNormal([H, 1], { seed: 3 })));
    return gradientFlow(loss, options.kind === 'lstm' ? { a, c } : a);
  });
  net.dispose();
  return report;
}

const withinOrderOfMagnitude = (x: number) => x >= 0.1 && x <= 10;

describe('gradientFlow reproduces the article', () => {
  it('tanh RNN with small recurrent weights: exponential decay of ‖∂L/∂a⟨t⟩‖', () => {
    const report = flow({ kind: 'tanh', gain: 0.5, seed: 1 }, 50);
    expect(report.verdict).toBe('vanishing');
    expect(report.ratio).toBeLessThan(1e-10);
    expect(report.ratePerStep).toBeLessThan(0.6); // loses more than 40% per step back
    expect(report.r2).toBeGreaterThan(0.95); // a straight line in log scale: exponential
    // every step back is smaller than the one after it
    const increases = report.norms.slice(1).filter((n, i) => n < report.norms[i]!).length;
    expect(increases).toBeLessThanOrEqual(2);
  });

  it('tanh RNN with large recurrent weights: exponential growth, and overflow to NaN/Inf', () => {
    const report = flow({ kind: 'tanh', gain: 3, seed: 1 }, 100);
    expect(report.verdict).toBe('exploding');
    expect(report.ratio).toBeGreaterThan(1e6);
    expect(report.ratePerStep).toBeGreaterThan(1.1);
    expect(report.r2).toBeGreaterThan(0.9);
    // Longer sequences: the backward pass overflows float32.
    const long = flow({ kind: 'tanh', gain: 5, seed: 1 }, 300);
    expect(long.norms.some((n) => !Number.isFinite(n))).toBe(true);
    expect(long.verdict).toBe('exploding');
  });

  it('IRNN (W_ah = I, ReLU) keeps ‖∂L/∂a⟨t⟩‖ within an order of magnitude over 100 steps', () => {
    const report = flow({ kind: 'irnn', seed: 1 }, 100);
    expect(report.verdict).toBe('healthy');
    expect(withinOrderOfMagnitude(report.ratio)).toBe(true);
    expect(withinOrderOfMagnitude(Math.min(...report.norms) / Math.max(...report.norms))).toBe(
      true,
    );
    expect(report.ratePerStep).toBeCloseTo(1, 2);
  });

  it('LSTM with an open forget gate keeps the gradient within an order of magnitude over 100 steps', () => {
    // forget bias 5 → Γf ≈ 0.993: the cell state is the "constant error carousel".
    const report = flow({ kind: 'lstm', forgetBias: 5, recurrentScale: 0.1, seed: 1 }, 100);
    const cell = report.cell!;
    expect(cell.verdict).toBe('healthy');
    expect(withinOrderOfMagnitude(cell.ratio)).toBe(true);
    expect(withinOrderOfMagnitude(Math.min(...cell.norms) / Math.max(...cell.norms))).toBe(true);
    // ‖∂L/∂a⟨t⟩‖ drops once where the loss enters (t = T), then the fit over 100 steps stays flat.
    expect(report.verdict).toBe('healthy');
    expect(withinOrderOfMagnitude(report.change)).toBe(true);
  });

  it('the same LSTM with the usual forget bias 1 (Γf ≈ 0.73) lets ‖∂L/∂c⟨t⟩‖ vanish', () => {
    const report = flow({ kind: 'lstm', forgetBias: 1, seed: 1 }, 100);
    expect(report.cell!.verdict).toBe('vanishing');
    expect(report.cell!.ratio).toBeLessThan(0.01);
  });

  it('tanh RNN with large weights: NaN without clipping, finite and learning with norm clipping', () => {
    // Many-to-one regression of the last input, a fixed batch, plain SGD. 100 steps each.
    const train = (maxNorm: number | null) => {
      const net = tinyRnn({ kind: 'tanh', inputSize: 1, hiddenSize: 32, gain: 2, seed: 4 });
      const W_ao = parameter(randomNormal([32, 1], { seed: 5, std: 1 / Math.sqrt(32) }), 'W_ao');
      const b_o = parameter(zeros([1]), 'b_o');
      const params = { ...net.params, W_ao, b_o };
      const xs = uniformSequence(20, 8, 6);
      const monitor = new GradientMonitor();
      const losses: number[] = [];
      for (let step = 0; step < 100; step++) {
        const loss = tidy(() => {
          const { a } = net.run(xs);
          const l = mean(square(sub(add(matmul(a[19]!, W_ao), b_o), xs[19]!)));
          backward(l);
          const clip = clipGradNorm(params, maxNorm ?? Number.POSITIVE_INFINITY);
          monitor.record(clip, step);
          for (const p of Object.values(params)) {
            p.assign(tsub(p.value, tmul(p.grad!, 0.1)));
            p.zeroGrad();
          }
          return l.item();
        });
        losses.push(loss);
        if (!Number.isFinite(loss)) break;
      }
      for (const p of Object.values(params)) p.dispose();
      for (const x of xs) x.dispose();
      return { losses, monitor };
    };
    const plain = train(null);
    const firstBad = plain.losses.findIndex((l) => !Number.isFinite(l));
    expect(firstBad).toBeGreaterThan(0); // the run ends in NaN/Inf
    expect(plain.monitor.summary().totalNorm.max).toBeGreaterThan(100); // after gradients ≫ τ

    const clipped = train(1);
    expect(clipped.losses).toHaveLength(100);
    expect(clipped.losses.every(Number.isFinite)).toBe(true);
    expect(clipped.monitor.clippedFraction).toBeGreaterThan(0.1);
    const last10 = clipped.losses.slice(-10).reduce((s, l) => s + l, 0) / 10;
    expect(last10).toBeLessThan(0.3 * clipped.losses[0]!);
  });
});

describe('gradientFlow API', () => {
  it('exports norms as CSV and JSON, with the cell series for an LSTM', () => {
    const report = flow({ kind: 'lstm', seed: 2 }, 3);
    const csv = report.toCSV().trim().split('\n');
    expect(csv[0]).toBe('t,a_norm,c_norm');
    expect(csv).toHaveLength(4);
    expect(Number(csv[3]!.split(',')[1])).toBeCloseTo(report.norms[2]!, 10);
    const json = JSON.parse(JSON.stringify(report));
    expect(json.steps).toBe(3);
    expect(json.thresholds).toEqual({ vanishing: 0.01, exploding: 100 });
    expect(json.cell.norms).toHaveLength(3);
    expect(flow({ kind: 'tanh', seed: 2 }, 2).toCSV().split('\n')[0]).toBe('t,a_norm');
  });

  it('computes exactly ‖∂L/∂a⟨t⟩‖ for a hand-checkable chain', () => {
    // a2 = a1², L = Σ a2 over 2 elements: ∂L/∂a2 = 1 each (norm √2), ∂L/∂a1 = 2·a1
    const x = parameter(randomNormal([2, 1], { seed: 1 }));
    tidy(() => {
      const a1 = matmul(x, constant(randomNormal([1, 1], { seed: 1 }).reshape([1, 1])));
      const a1s = [add(a1, 0)];
      const a2 = square(a1s[0]!);
      const report = gradientFlow(sum(a2), [a1s[0]!, a2]);
      const a1v = a1s[0]!.value.data();
      expect(report.norms[1]).toBeCloseTo(Math.SQRT2, 6);
      expect(report.norms[0]).toBeCloseTo(Math.hypot(2 * a1v[0]!, 2 * a1v[1]!), 5);
    });
    x.dispose();
  });

  it('honours custom thresholds and validates its arguments', () => {
    const report = flow({ kind: 'tanh', gain: 0.5, seed: 1 }, 10);
    expect(report.verdict).toBe('vanishing');
    const net = tinyRnn({ kind: 'tanh', inputSize: 1, hiddenSize: 4, seed: 1, gain: 0.5 });
    tidy(() => {
      const { a } = net.run(uniformSequence(10, 2, 1));
      const lenient = gradientFlow(sum(a[9]!), a, { thresholds: { vanishing: 1e-30 } });
      expect(lenient.verdict).toBe('healthy');
      expect(lenient.thresholds.vanishing).toBe(1e-30);
      expect(() => gradientFlow(sum(a[9]!), [])).toThrow(/states.a/);
      expect(() => gradientFlow(sum(a[9]!), { a, c: a.slice(1) })).toThrow(/states.c/);
      expect(() => gradientFlow(sum(a[9]!), a, { thresholds: { exploding: 0.5 } })).toThrow(
        /thresholds/,
      );
    });
    net.dispose();
  });

  it('with retainGraph, backward can follow; live tensors stay flat', () => {
    const net = tinyRnn({ kind: 'tanh', inputSize: 1, hiddenSize: 8, seed: 1 });
    const run = () =>
      tidy(() => {
        const { a } = net.run(uniformSequence(5, 2, 1));
        const loss = sum(a[4]!);
        gradientFlow(loss, a, { retainGraph: true });
        backward(loss);
        for (const p of Object.values(net.params)) p.zeroGrad();
      });
    run();
    const before = memory().numTensors;
    for (let i = 0; i < 3; i++) run();
    expect(memory().numTensors).toBe(before);
    net.dispose();
  });
});
