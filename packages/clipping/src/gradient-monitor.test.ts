import { tensor } from '@recur/tensor';
import { describe, expect, it } from 'vitest';
import { clipGradNorm } from './clip-grad-norm.js';
import { GradientMonitor } from './gradient-monitor.js';

describe('GradientMonitor', () => {
  it('records clipping results: fraction clipped, per-parameter norms, running stats', () => {
    const monitor = new GradientMonitor();
    const norms = [0.5, 3, 1, 10];
    for (const n of norms) {
      const g = { grad: tensor([n]), name: 'w' };
      monitor.record(clipGradNorm([g], 1));
      g.grad.dispose();
    }
    const summary = monitor.summary();
    expect(summary.steps).toBe(4);
    expect(summary.clippedSteps).toBe(2); // 3 and 10 exceed 1; exactly 1 does not
    expect(monitor.clippedFraction).toBe(0.5);
    expect(summary.totalNorm).toEqual({ last: 10, mean: 3.625, max: 10, min: 0.5 });
    expect(summary.parameters.w).toEqual({ last: 10, mean: 3.625, max: 10, min: 0.5 });
    expect(monitor.history().map((r) => r.coefficient)).toEqual([1, 1 / 3, 1, 0.1]);
    expect(monitor.last()?.norms).toEqual({ w: 10 });
  });

  it('keeps the last `capacity` steps, oldest first, but statistics over all of them', () => {
    const monitor = new GradientMonitor({ capacity: 3 });
    for (let i = 1; i <= 7; i++) monitor.record({ totalNorm: i, clipped: i % 2 === 0 }, i * 10);
    expect(monitor.history().map((r) => r.step)).toEqual([50, 60, 70]);
    expect(monitor.last()?.step).toBe(70);
    expect(monitor.summary().totalNorm.mean).toBe(4);
    expect(monitor.clippedFraction).toBeCloseTo(3 / 7, 12);
  });

  it('counts non-finite steps apart and leaves them out of the means', () => {
    const monitor = new GradientMonitor();
    monitor.record({ totalNorm: 2 });
    monitor.record({ totalNorm: Number.NaN });
    monitor.record({ totalNorm: 4 });
    expect(monitor.summary().nonFiniteSteps).toBe(1);
    expect(monitor.summary().totalNorm.mean).toBe(3);
  });

  it('serializes to JSON for plots and resets', () => {
    const monitor = new GradientMonitor({ capacity: 2 });
    monitor.record({ totalNorm: 1, parameters: [{ name: 'a', norm: 1 }] });
    const json = JSON.parse(JSON.stringify(monitor));
    expect(json.capacity).toBe(2);
    expect(json.history).toEqual([
      { step: 0, totalNorm: 1, clipped: false, coefficient: 1, norms: { a: 1 } },
    ]);
    expect(json.summary.steps).toBe(1);
    monitor.reset();
    expect(monitor.steps).toBe(0);
    expect(monitor.history()).toEqual([]);
    expect(monitor.last()).toBeUndefined();
    expect(() => new GradientMonitor({ capacity: 0 })).toThrow(/capacity/);
  });
});
