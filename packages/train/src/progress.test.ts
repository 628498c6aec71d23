import { describe, expect, it } from 'vitest';
import { formatCount, formatDuration, ProgressReporter } from './progress.js';

function fakeStream(isTTY: boolean) {
  const writes: string[] = [];
  return { writes, stream: { isTTY, columns: 100, write: (s: string) => void writes.push(s) } };
}

describe('ProgressReporter', () => {
  it('draws a bar in place on a terminal with loss, tokens/s and ETA', () => {
    const { writes, stream } = fakeStream(true);
    let now = 0;
    const progress = new ProgressReporter({ stream, total: 100, now: () => now });
    progress.update({ step: 1, epoch: 1, loss: 2, tokens: 0 });
    now = 10_000;
    progress.update({ step: 51, epoch: 1, loss: 2, tokens: 50_000 });
    expect(progress.line).toBe(
      '[=========>          ] 51% step 51/100 epoch 1 loss 2.0000 5.0k tok/s ETA 10s',
    );
    expect(writes[writes.length - 1]!.startsWith('\r[=========>')).toBe(true);
    expect(writes[writes.length - 1]!.length).toBe(100); // \r + padded to the width − 1
    progress.finish();
    expect(writes[writes.length - 1]).toBe('\n');
  });

  it('writes plain lines, at most one per lineMs, when not on a terminal', () => {
    const { writes, stream } = fakeStream(false);
    let now = 0;
    const progress = new ProgressReporter({ stream, lineMs: 1000, now: () => now });
    for (let step = 1; step <= 30; step++) {
      now = step * 100;
      progress.update({ step, epoch: 2, loss: 1, tokens: step * 10 });
    }
    expect(writes.length).toBe(3); // at 100 ms, 1100 ms, 2100 ms
    expect(writes.every((w) => w.endsWith('\n') && !w.includes('\r'))).toBe(true);
    expect(writes[1]).toMatch(/^step 11 epoch 2 loss 1\.0000 [\d.]+ tok\/s\n$/);
  });

  it('smooths the loss and formats numbers', () => {
    const progress = new ProgressReporter({ stream: { write: () => 0 } });
    progress.update({ step: 1, epoch: 1, loss: 1, tokens: 0 });
    progress.update({ step: 2, epoch: 1, loss: 2, tokens: 0 });
    expect(progress.line).toContain('loss 1.1000');
    expect(formatDuration(3_723_000)).toBe('1h02m');
    expect(formatDuration(187_000)).toBe('3m07s');
    expect(formatCount(12_345)).toBe('12.3k');
    expect(formatCount(4_560_000)).toBe('4.56M');
  });

  // The time budget mode replaces a bar the demo CLI used to draw itself; these are that bar's
  // tests, carried over: the share of the time used, since how many updates fit is not known.
  it('with a time budget shows the share of the time used and the time left', () => {
    let now = 1000;
    const lines: string[] = [];
    const progress = new ProgressReporter({
      time: { start: 1000, deadline: 61_000 },
      stream: { write: (t: string) => lines.push(t), isTTY: false },
      now: () => now,
    });
    let step = 0;
    do {
      now += 100;
      step++;
      progress.update({ step, epoch: 1, loss: 2, tokens: step * 100 });
    } while (now < 61_000);
    expect(step).toBe(600);
    // A plain line at the first update and every 10 s after it.
    expect(lines).toHaveLength(6);
    expect(lines[0]).toBe('[                    ] 0% step 1 epoch 1 loss 2.0000 1m00s left\n');
    expect(lines[3]).toBe(
      '[=========>          ] 50% step 301 epoch 1 loss 2.0000 1.0k tok/s 30s left\n',
    );
    progress.finish();
    expect(lines.at(-1)).toBe(
      '[====================] 100% step 600 epoch 1 loss 2.0000 1.0k tok/s 0s left\n',
    );
  });

  it('with a time budget redraws in place on a terminal and ends the line when done', () => {
    let now = 0;
    let written = '';
    const progress = new ProgressReporter({
      time: { start: 0, deadline: 1000 },
      stream: { write: (t: string) => (written += t), isTTY: true, columns: 40 },
      now: () => now,
    });
    for (let step = 1; step <= 5; step++) {
      now += 50;
      progress.update({ step, epoch: 1, loss: 3 - step * 0.1, tokens: step * 100 });
    }
    progress.finish();
    const frames = written.split('\r').filter(Boolean);
    expect(frames.length).toBe(4); // at 50 ms, 150 ms and 250 ms, and the final frame
    expect(frames.every((f) => f.replace('\n', '').length === 39)).toBe(true);
    expect(written.endsWith('\n')).toBe(true);
  });

  it('shows the latest validation loss when given', () => {
    const progress = new ProgressReporter({ stream: { write: () => 0 }, total: 10 });
    progress.update({ step: 1, epoch: 1, loss: 2, tokens: 0, validation: 1.23456 });
    expect(progress.line).toBe(
      '[=>                  ] 10% step 1/10 epoch 1 loss 2.0000 val 1.2346',
    );
  });
});
