import { describe, expect, it } from 'vitest';
import {
  chain,
  constantSchedule,
  cosineDecay,
  exponentialDecay,
  LrScheduler,
  linearWarmup,
  sequential,
  stepDecay,
} from './schedules.js';

const at = (f: (s: number) => number, steps: number[]) => steps.map(f);

describe('schedules', () => {
  it('stepDecay multiplies by gamma every stepSize updates (StepLR)', () => {
    expect(at(stepDecay({ stepSize: 2, gamma: 0.5 }), [0, 1, 2, 3, 4])).toEqual([
      1, 1, 0.5, 0.5, 0.25,
    ]);
  });

  it('exponentialDecay is gamma^step', () => {
    expect(at(exponentialDecay({ gamma: 0.9 }), [0, 1, 2])).toEqual([1, 0.9, 0.9 * 0.9]);
  });

  it('cosineDecay goes from 1 to minFactor over `steps`, then holds', () => {
    const f = cosineDecay({ steps: 4, minFactor: 0.1 });
    expect(f(0)).toBe(1);
    expect(f(2)).toBeCloseTo(0.55, 12);
    expect(f(4)).toBeCloseTo(0.1, 12);
    expect(f(10)).toBeCloseTo(0.1, 12);
  });

  it('linearWarmup rises from startFactor to 1 (LinearLR)', () => {
    expect(at(linearWarmup({ steps: 4, startFactor: 0.2 }), [0, 2, 4, 9])).toEqual([
      0.2,
      expect.closeTo(0.6, 12),
      1,
      1,
    ]);
    expect(linearWarmup({ steps: 3 })(0)).toBeCloseTo(1 / 3, 12);
  });

  it('compose: chain multiplies, sequential runs parts one after another', () => {
    expect(chain(stepDecay({ stepSize: 1, gamma: 0.5 }), constantSchedule())(3)).toBe(0.125);
    const warmupThenCosine = sequential([
      { schedule: linearWarmup({ steps: 2, startFactor: 0 }), steps: 2 },
      { schedule: cosineDecay({ steps: 2 }) },
    ]);
    expect(at(warmupThenCosine, [0, 1, 2, 3, 4, 5])).toEqual([
      0,
      0.5,
      1,
      expect.closeTo(0.5, 12),
      expect.closeTo(0, 12),
      expect.closeTo(0, 12),
    ]);
  });

  it('validates its arguments', () => {
    expect(() => stepDecay({ stepSize: 0 })).toThrow(/stepSize/);
    expect(() => cosineDecay({ steps: 10, minFactor: 2 })).toThrow(/minFactor/);
    expect(() =>
      sequential([{ schedule: constantSchedule() }, { schedule: constantSchedule() }]),
    ).toThrow(/parts\[0\]\.steps/);
  });
});

describe('LrScheduler', () => {
  it('sets the learning rate for step 0 on construction and advances with step()', () => {
    const optimizer = { lr: 0.1 };
    const scheduler = new LrScheduler(optimizer, stepDecay({ stepSize: 1, gamma: 0.5 }));
    expect(optimizer.lr).toBe(0.1);
    scheduler.step();
    expect(optimizer.lr).toBe(0.05);
    scheduler.step();
    const saved = scheduler.stateDict();
    expect(saved).toEqual({ step: 2, baseLr: 0.1 });
    const other = { lr: 123 };
    new LrScheduler(other, stepDecay({ stepSize: 1, gamma: 0.5 })).loadStateDict(saved);
    expect(other.lr).toBe(0.025);
    expect(() => new LrScheduler({ lr: 1 }, () => Number.NaN)).toThrow(/learning rate NaN/);
  });
});
