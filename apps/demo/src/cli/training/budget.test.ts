import type { StepRecord } from '@recur/train';
import { describe, expect, it } from 'vitest';
import { TimeBudget } from './budget.js';

const record = (step: number, loss = 2): StepRecord => ({
  step,
  epoch: 0,
  loss,
  gradNorm: 1,
  clipped: false,
  lr: 0.01,
  tokens: 100,
  skipped: false,
});

describe('TimeBudget', () => {
  it('stops at the deadline and shows the share of the time used', () => {
    let now = 1000;
    const lines: string[] = [];
    const budget = new TimeBudget({
      start: 1000,
      deadline: 61_000,
      stream: { write: (t: string) => lines.push(t), isTTY: false },
      now: () => now,
    });
    let step = 0;
    let result: 'stop' | undefined;
    do {
      now += 100;
      step++;
      result = budget.onStep(record(step));
    } while (result === undefined);
    expect(step).toBe(600);
    expect(budget.expired).toBe(true);
    // A plain line at the first update and every 10 s after it.
    expect(lines).toHaveLength(6);
    expect(lines[0]).toBe('[                    ] 0% step 1 epoch 1 loss 2.0000 1m00s left\n');
    expect(lines[3]).toBe(
      '[=========>          ] 50% step 301 epoch 1 loss 2.0000 1.0k tok/s 30s left\n',
    );
    budget.finish();
    expect(lines.at(-1)).toBe(
      '[====================] 100% step 600 epoch 1 loss 2.0000 1.0k tok/s 0s left\n',
    );
  });

  it('redraws in place on a terminal and ends the line when done', () => {
    let now = 0;
    let written = '';
    const budget = new TimeBudget({
      start: 0,
      deadline: 1000,
      stream: { write: (t: string) => (written += t), isTTY: true, columns: 40 },
      now: () => now,
    });
    for (let step = 1; step <= 5; step++) {
      now += 50;
      budget.onStep(record(step, 3 - step * 0.1));
    }
    budget.finish();
    const frames = written.split('\r').filter(Boolean);
    expect(frames.length).toBe(4); // at 50 ms, 150 ms and 250 ms, and the final frame
    expect(frames.every((f) => f.replace('\n', '').length === 39)).toBe(true);
    expect(written.endsWith('\n')).toBe(true);
    expect(budget.expired).toBe(false);
  });
});
