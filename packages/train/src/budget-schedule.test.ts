import { RecurError } from '@recur/tensor';
import { describe, expect, it } from 'vitest';
import { isBudgetSchedule, warmupCosine, warmupLinear } from './budget-schedule.js';
import { cosineDecay, LrScheduler } from './schedules.js';

describe('budget schedules', () => {
  it('warmupCosine warms up linearly over `warmup` of the budget, then anneals to minFactor', () => {
    const s = warmupCosine({ warmup: 0.1, startFactor: 0.2, minFactor: 0.05 });
    expect(s.kind).toBe('budget');
    expect(s.factor(0)).toBeCloseTo(0.2, 12);
    expect(s.factor(0.05)).toBeCloseTo(0.6, 12);
    expect(s.factor(0.1)).toBeCloseTo(1, 12);
    expect(s.factor(0.55)).toBeCloseTo(0.05 + 0.95 * 0.5, 12); // half-way through the decay
    expect(s.factor(1)).toBeCloseTo(0.05, 12);
    expect(s.factor(7)).toBeCloseTo(0.05, 12); // clamped
  });

  it('warmupLinear decays linearly; the defaults are 2 % warm-up from 0.1, down to 0.05', () => {
    const s = warmupLinear();
    expect(s.factor(0)).toBeCloseTo(0.1, 12);
    expect(s.factor(0.02)).toBeCloseTo(1, 12);
    expect(s.factor(0.51)).toBeCloseTo(0.05 + 0.95 * 0.5, 12);
    expect(s.factor(1)).toBeCloseTo(0.05, 12);
    expect(warmupCosine().factor(1)).toBeCloseTo(0.05, 12);
  });

  it('refuses options out of range, naming the function and the option', () => {
    expect(() => warmupCosine({ warmup: 0.9 })).toThrow(
      /warmupCosine: warmup must be in \[0, 0.5\], got 0.9/,
    );
    expect(() => warmupLinear({ minFactor: -1 })).toThrow(RecurError);
    expect(() => warmupCosine({ startFactor: Number.NaN })).toThrow(/startFactor/);
  });

  it('LrScheduler follows the fraction it is given, and saves it', () => {
    const optimizer = { lr: 0.02 };
    const scheduler = new LrScheduler(optimizer, warmupLinear({ warmup: 0, minFactor: 0 }));
    expect(isBudgetSchedule(scheduler.schedule)).toBe(true);
    expect(optimizer.lr).toBeCloseTo(0.02, 12);
    scheduler.step(0.25);
    expect(optimizer.lr).toBeCloseTo(0.015, 12);
    expect(scheduler.stateDict()).toEqual({ step: 1, baseLr: 0.02, fraction: 0.25 });
    scheduler.seek(0.5);
    expect(optimizer.lr).toBeCloseTo(0.01, 12);
    expect(scheduler.stepCount).toBe(1);
    expect(() => scheduler.step()).toThrow(/needs the fraction of the budget used/);

    const other = { lr: 0.02 };
    const restored = new LrScheduler(other, warmupLinear({ warmup: 0, minFactor: 0 }));
    restored.loadStateDict({ step: 1, baseLr: 0.02, fraction: 0.75 });
    expect(other.lr).toBeCloseTo(0.005, 12);
    expect(restored.fraction).toBe(0.75);
    // A step schedule's state lacks the fraction, and the reverse: refused, nothing changed.
    expect(() => restored.loadStateDict({ step: 3, baseLr: 0.02 })).toThrow(/has no fraction/);
    const byStep = new LrScheduler({ lr: 1 }, cosineDecay({ steps: 10 }));
    expect(() => byStep.loadStateDict({ step: 3, baseLr: 1, fraction: 0.5 })).toThrow(
      /indexed by step/,
    );
    expect(() => restored.loadStateDict({ step: 1, baseLr: 0.02, fraction: 1.5 })).toThrow(
      /fraction must be a number in \[0, 1\]/,
    );
    expect(restored.fraction).toBe(0.75);
  });
});
