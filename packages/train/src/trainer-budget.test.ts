import { parameter, square, sub, sum, type Variable } from '@recur/autograd';
import { dispose, memory, RecurError, type Rng, tensor } from '@recur/tensor';
import { describe, expect, it } from 'vitest';
import { warmupCosine, warmupLinear } from './budget-schedule.js';
import { type Checkpoint, deserializeCheckpoint, serializeCheckpoint } from './checkpoint.js';
import type { TrainableModel } from './model.js';
import { Adam } from './optimizers/adam.js';
import { SGD } from './optimizers/sgd.js';
import { type SeqBatch, sequenceBatches, tinyCharRnn } from './test-support/tiny-models.js';
import { Trainer } from './trainer.js';
import type { TrainerOptions } from './trainer-options.js';

/** L = (w − target)² for the batch's target: train towards one value, validate on another. */
function pulledWeight() {
  const w = parameter(tensor([0]), 'w');
  const model: TrainableModel<number> = {
    parameters: () => ({ w }),
    loss: (target) => ({ loss: sum(square(sub(w, target))) }),
  };
  return { w, model };
}

describe('Trainer: schedules over the budget', () => {
  it('anneals over `steps`: update k uses the factor at (k − 1) / steps', async () => {
    const { w, model } = pulledWeight();
    const trainer = new Trainer({
      model,
      optimizer: new SGD({ w }, { lr: 0.01 }),
      data: [5, 5, 5],
      steps: 20,
      schedule: warmupLinear({ warmup: 0, minFactor: 0 }),
      progress: false,
    });
    const result = await trainer.fit();
    expect(result.step).toBe(20);
    result.history.forEach((r, i) => {
      expect(r.lr).toBeCloseTo(0.01 * (1 - i / 20), 12);
    });
    trainer.dispose();
    w.dispose();
  });

  it('anneals over `timeLimit`, measured on the clock; runs epochs until the time is up; shows the time bar and validation', async () => {
    const { w, model } = pulledWeight();
    let ms = 0;
    const lines: string[] = [];
    const trainer = new Trainer({
      model,
      optimizer: new SGD({ w }, { lr: 0.01 }),
      data: [5, 5, 5], // 3 batches an epoch: the time, not one epoch, ends the run
      timeLimit: 10,
      now: () => ms,
      schedule: warmupLinear({ warmup: 0, minFactor: 0 }),
      validation: { data: [1], everySeconds: 3 },
      progress: { stream: { isTTY: false, write: (s: string) => void lines.push(s) }, lineMs: 0 },
      callbacks: {
        onStep: () => {
          ms += 1000;
        },
      },
    });
    const result = await trainer.fit();
    expect(result.stopReason).toBe('time');
    expect(result.step).toBe(10);
    expect(result.epoch).toBe(3);
    result.history.forEach((r, i) => {
      expect(r.lr).toBeCloseTo(0.01 * (1 - i / 10), 12);
    });
    // every 3 s (after the update that crossed it), not after each epoch
    expect(result.validations.map((v) => v.step)).toEqual([3, 6, 9]);
    expect(lines[5]).toMatch(
      /^\[=========> {10}\] 50% step 6 epoch 2 loss \d+\.\d{4} val \d+\.\d{4} \S+ tok\/s 5s left\n$/,
    );
    trainer.dispose();
    w.dispose();
  });

  it('refuses a budget schedule with no budget, and best-keeping without validation data', async () => {
    const { w, model } = pulledWeight();
    const unbounded = new Trainer({
      model,
      optimizer: new SGD({ w }, { lr: 0.01 }),
      data: (_epoch: number, _rng: Rng) => [5],
      epochs: 2,
      schedule: warmupCosine(),
      progress: false,
    });
    await expect(unbounded.fit()).rejects.toThrow(
      /Trainer.fit: the schedule anneals over a budget; give steps, timeLimit/,
    );
    // Refused before it started: the trainer is not left 'running'.
    await expect(unbounded.fit()).rejects.toThrow(/anneals over a budget/);
    unbounded.dispose();
    expect(
      () =>
        new Trainer({
          model,
          optimizer: new SGD({ w }, { lr: 0.01 }),
          data: [5],
          restoreBest: true,
        }),
    ).toThrow(RecurError);
    expect(
      () =>
        new Trainer({
          model,
          optimizer: new SGD({ w }, { lr: 0.01 }),
          data: [5],
          validation: { data: [1], everySeconds: -1 },
        }),
    ).toThrow(/validation.everySeconds must be a non-negative finite number, got -1/);
    w.dispose();
  });
});

describe('Trainer: validation keeps the best model', () => {
  it('restoreBest puts back the best weights after saving the last; saveBest writes each new best', async () => {
    // Training pulls w from 0 towards 5 (SGD lr 0.1: w = 1, 1.8, 2.44…); validation wants w = 1.
    const { w, model } = pulledWeight();
    const best: Checkpoint[] = [];
    let last: Checkpoint | null = null;
    const before = memory().numTensors;
    const trainer = new Trainer({
      model,
      optimizer: new SGD({ w }, { lr: 0.1 }),
      data: [5],
      epochs: 5,
      validation: { data: [1], every: 1 },
      restoreBest: true,
      progress: false,
      checkpoint: {
        every: 100,
        save: (c) => {
          last = deserializeCheckpoint(serializeCheckpoint(c), 'memory');
        },
        saveBest: (c) => {
          best.push(deserializeCheckpoint(serializeCheckpoint(c), 'memory'));
        },
      },
    });
    const result = await trainer.fit();
    expect(result.validations.map((v) => v.improved)).toEqual([true, false, false, false, false]);
    expect(result.bestValidation).toEqual({ step: 1, loss: 0 });
    expect(result.restoredBest).toBe(true);
    expect(w.value.item()).toBe(1); // the best, not the last
    expect(best.map((c) => c.step)).toEqual([1]);
    expect(best[0]!.parameters.w!.item()).toBe(1);
    expect(last!.step).toBe(5);
    expect(last!.parameters.w!.item()).toBeCloseTo(5 * (1 - 0.8 ** 5), 5); // the last, for resuming
    dispose(best);
    dispose(last);
    trainer.dispose();
    expect(memory().numTensors).toBe(before);
    w.dispose();
  });

  it('keeps the last weights when they are the best, and says so', async () => {
    const { w, model } = pulledWeight();
    const trainer = new Trainer({
      model,
      optimizer: new SGD({ w }, { lr: 0.1 }),
      data: [5],
      epochs: 4,
      validation: { data: [5], every: 3 }, // validated at 3 and, at the end, at 4
      restoreBest: true,
      progress: false,
    });
    const result = await trainer.fit();
    expect(result.validations.map((v) => v.step)).toEqual([3, 4]);
    expect(result.bestValidation!.step).toBe(4);
    expect(result.restoredBest).toBe(false);
    trainer.dispose();
    w.dispose();
  });

  it('resumes exactly: the time-based schedule position and the best so far are in the checkpoint', async () => {
    const V = 6;
    const data = (_epoch: number, rng: Rng) => sequenceBatches(rng, 4, 3, 12, V);
    // One update a batch, 1 s each on the clock; 32 s: 32 updates in 8 epochs of 4 batches.
    const setup = (
      init: number,
      timeLimit: number,
      extra: Partial<TrainerOptions<SeqBatch, { a: Variable }>> = {},
    ) => {
      let ms = 0;
      const model = tinyCharRnn({ vocab: V, hidden: 8, seed: init, dropout: 0.2 });
      const trainer = new Trainer({
        model,
        optimizer: new Adam(model.parameters(), { lr: 0.05 }),
        data,
        disposeBatches: true,
        seed: 11,
        timeLimit,
        now: () => ms,
        schedule: warmupCosine({ warmup: 0.125 }),
        validation: { data: (_e: number, rng: Rng) => sequenceBatches(rng, 2, 3, 12, V), every: 4 },
        restoreBest: true,
        progress: false,
        ...extra,
        callbacks: {
          onStep: (r) => {
            ms += 1000;
            return extra.callbacks?.onStep?.(r);
          },
        },
      });
      const close = () => {
        trainer.dispose();
        model.dispose();
      };
      return { model, trainer, close };
    };
    const weights = (model: { params: Record<string, Variable> }) =>
      Object.entries(model.params).map(([k, v]) => [k, Array.from(v.value.data())]);

    const full = setup(1, 32);
    const reference = await full.trainer.fit();
    expect(reference.stopReason).toBe('time');
    expect(reference.step).toBe(32);
    const referenceWeights = weights(full.model);
    full.close();

    // Interrupted at step 20 (Ctrl-C), with checkpoints every 8 updates: step 16 is the last.
    let saved: Uint8Array | null = null;
    const first = setup(1, 32, {
      checkpoint: {
        every: 8,
        atEnd: false,
        save: (c) => {
          saved = serializeCheckpoint(c);
        },
      },
      callbacks: { onStep: (r) => (r.step === 20 ? 'stop' : undefined) },
    });
    await first.trainer.fit();
    first.close();
    const checkpoint = deserializeCheckpoint(saved!, 'memory');
    expect(checkpoint.step).toBe(16);
    expect(checkpoint.scheduler).toEqual({ step: 16, baseLr: 0.05, fraction: 0.5 });
    const bestSoFar = reference.validations.filter((v) => v.step <= 16);
    expect((checkpoint.metadata!.trainer as { bestValidation: unknown }).bestValidation).toEqual({
      step: bestSoFar.reduce((b, v) => (v.loss < b.loss ? v : b)).step,
      loss: Math.min(...bestSoFar.map((v) => v.loss)),
    });

    // The rest of the time (16 s) finishes the anneal exactly as the uninterrupted run did.
    const second = setup(999, 16);
    second.trainer.restore(checkpoint);
    dispose(checkpoint);
    const resumed = await second.trainer.fit();
    expect(resumed.step).toBe(32);
    expect(resumed.history.map((r) => r.lr)).toEqual(reference.history.slice(16).map((r) => r.lr));
    expect(resumed.history.map((r) => r.loss)).toEqual(
      reference.history.slice(16).map((r) => r.loss),
    );
    expect(resumed.bestValidation).toEqual(reference.bestValidation);
    expect(resumed.restoredBest).toBe(reference.restoredBest);
    expect(weights(second.model)).toEqual(referenceWeights);
    second.close();
  });
});
