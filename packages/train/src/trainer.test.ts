import { add, mul, parameter, sqrt, square, sub, sum, type Variable } from '@recur/autograd';
import { GradientMonitor } from '@recur/clipping';
import { dispose, memory, type Rng, tensor, tensorsIn } from '@recur/tensor';
import { describe, expect, it } from 'vitest';
import { deserializeCheckpoint, serializeCheckpoint } from './checkpoint.js';
import type { TrainableModel } from './model.js';
import { Adam } from './optimizers/adam.js';
import { SGD } from './optimizers/sgd.js';
import { cosineDecay } from './schedules.js';
import {
  type SeqBatch,
  seqTbptt,
  sequenceBatches,
  tinyCharRnn,
} from './test-support/tiny-models.js';
import { Trainer } from './trainer.js';
import type { TrainerOptions } from './trainer-options.js';

const V = 6;
const data = (_epoch: number, rng: Rng) => sequenceBatches(rng, 4, 3, 12, V);

/** A fresh model + optimizer + trainer; `init` picks the weights' seed. */
function setup(init: number, extra: Partial<TrainerOptions<SeqBatch, { a: Variable }>> = {}) {
  const model = tinyCharRnn({ vocab: V, hidden: 8, seed: init, dropout: 0.2 });
  const optimizer = new Adam(model.parameters(), { lr: 0.05 });
  const trainer = new Trainer({
    model,
    optimizer,
    data,
    disposeBatches: true,
    epochs: 3,
    seed: 11,
    schedule: cosineDecay({ steps: 40, minFactor: 0.1 }),
    tbptt: seqTbptt(4, 6),
    clip: { norm: 1 },
    progress: false,
    ...extra,
  });
  const close = () => {
    trainer.dispose();
    model.dispose();
  };
  return { model, optimizer, trainer, close };
}

const weights = (model: { params: Record<string, Variable> }) =>
  Object.fromEntries(Object.entries(model.params).map(([k, v]) => [k, Array.from(v.value.data())]));

describe('Trainer', () => {
  it('learns the synthetic task: from ≈ uniform (ln 6 ≈ 1.79) to below 1.0 nats in 10 epochs', async () => {
    const { trainer, close } = setup(1, { epochs: 10, tbptt: seqTbptt(6), schedule: undefined });
    const result = await trainer.fit();
    const last = result.epochs[result.epochs.length - 1]!.loss;
    expect(result.epochs[0]!.loss).toBeGreaterThan(1.3);
    expect(last).toBeLessThan(1.0);
    close();
  });

  it('stops after timeLimit seconds, at the end of the batch that crossed it', async () => {
    // A clock that advances 1 s per update: 3 TBPTT windows (updates) per batch.
    let ms = 0;
    const { trainer, close } = setup(1, {
      now: () => ms,
      timeLimit: 5,
      callbacks: {
        onStep: () => {
          ms += 1000;
        },
      },
    });
    const result = await trainer.fit();
    expect(result.stopReason).toBe('time');
    expect(result.step).toBe(6);
    close();
    expect(() => setup(1, { timeLimit: -1 })).toThrow(/timeLimit must be a non-negative/);
  });

  it('lets the event loop run between batches, so stop() from a timer or signal handler takes effect', async () => {
    const run = async (yieldEvery: number) => {
      const { trainer, close } = setup(1, { yieldEvery });
      setImmediate(() => trainer.stop());
      const result = await trainer.fit();
      close();
      return result;
    };
    // Never yielding, the timer only runs after fit: all 3 epochs × 4 batches × 3 windows.
    expect((await run(0)).step).toBe(36);
    // Yielding (every batch here), it runs after the first batch.
    const stopped = await run(1e-9);
    expect(stopped.stopReason).toBe('callback');
    expect(stopped.step).toBe(3);
  });

  it('resumes from a checkpoint with exactly the losses of the uninterrupted run', async () => {
    // Uninterrupted: 3 epochs × 4 batches × 3 TBPTT(4, 6) windows = 36 updates.
    const full = setup(1);
    const reference = await full.trainer.fit();
    expect(reference.step).toBe(36);
    const referenceLosses = reference.history.map((r) => r.loss);
    const referenceWeights = weights(full.model);
    full.close();

    // A run that dies after 24 updates (mid-epoch 2), with checkpoints every 9 updates (taken at
    // batch boundaries: 9 and 18): the work after step 18 is lost and redone.
    let saved: Uint8Array | null = null;
    const first = setup(1, {
      steps: 22,
      checkpoint: {
        every: 9,
        atEnd: false,
        save: (c) => {
          saved = serializeCheckpoint(c);
        },
      },
    });
    expect((await first.trainer.fit()).step).toBe(24);
    first.close();
    const checkpoint = deserializeCheckpoint(saved!, 'memory');
    expect(checkpoint.step).toBe(18);
    expect(checkpoint.epoch).toBe(1);

    // A new process would start from other weights: restore must overwrite everything.
    const second = setup(999);
    second.trainer.restore(checkpoint);
    dispose(checkpoint);
    const resumed = await second.trainer.fit();
    expect(resumed.step).toBe(36);
    expect(resumed.history.map((r) => r.loss)).toEqual(referenceLosses.slice(18));
    expect(weights(second.model)).toEqual(referenceWeights);
    second.close();
  });

  it('resumes exactly with state carried across batches (a stream), saved in the checkpoint', async () => {
    const streamSetup = (
      init: number,
      extra: Partial<TrainerOptions<SeqBatch, { a: Variable }>> = {},
    ) => setup(init, { tbptt: undefined, carryState: true, epochs: 2, ...extra });
    const full = streamSetup(2);
    const reference = await full.trainer.fit();
    full.close();
    let saved: Uint8Array | null = null;
    const first = streamSetup(2, {
      steps: 6,
      checkpoint: {
        every: 3,
        save: (c) => {
          saved = serializeCheckpoint(c);
        },
      },
    });
    await first.trainer.fit();
    first.close();
    const checkpoint = deserializeCheckpoint(saved!, 'memory');
    expect(checkpoint.step).toBe(6);
    expect(Object.keys(checkpoint.tensors ?? {})).toEqual(['state/a']);
    const second = streamSetup(3);
    second.trainer.restore(checkpoint);
    dispose(checkpoint);
    const resumed = await second.trainer.fit();
    expect(resumed.history.map((r) => r.loss)).toEqual(
      reference.history.slice(6).map((r) => r.loss),
    );
    second.close();
  });

  it('refuses a checkpoint taken with another seed (the data order would differ), changing nothing', async () => {
    const first = setup(1, { epochs: 1, steps: 3 });
    await first.trainer.fit();
    const bytes = serializeCheckpoint(first.trainer.checkpoint());
    first.close();
    const other = setup(2, { seed: 12 });
    const before = weights(other.model);
    const checkpoint = deserializeCheckpoint(bytes, 'memory');
    expect(() => other.trainer.restore(checkpoint)).toThrow(
      "Trainer.restore: the checkpoint was taken with seed 11 but this trainer has seed 12; every epoch's data order derives from the seed, so the resumed run would not match. Construct the Trainer with seed 11",
    );
    expect(other.trainer.step).toBe(0);
    expect(weights(other.model)).toEqual(before);
    dispose(checkpoint);
    other.close();
  });

  it('is deterministic: the same seed gives identical losses; another seed does not', async () => {
    const losses = async (seed: number) => {
      const s = setup(1, { epochs: 1, seed });
      const r = await s.trainer.fit();
      s.close();
      return r.history.map((h) => h.loss);
    };
    const a = await losses(5);
    expect(await losses(5)).toEqual(a);
    expect(await losses(6)).not.toEqual(a);
  });

  it('runs TBPTT(k1, k2) windows with detached state carried between them', async () => {
    const { model, trainer, close } = setup(1, {
      epochs: 1,
      tbptt: seqTbptt(4, 6),
      data: (_epoch, rng) => sequenceBatches(rng, 1, 2, 10, V),
    });
    await trainer.fit();
    // windows [0,4) [2,8) [6,10): updates run 4, 6 and 4 steps; between them a no-grad pass
    // advances the window's start state over [0,2) and [2,6).
    expect(model.calls.map((c) => [c.T, c.withState, c.stateIsLeaf])).toEqual([
      [4, false, false],
      [2, false, false],
      [6, true, true],
      [4, true, true],
      [4, true, true],
    ]);
    expect(trainer.step).toBe(3);
    close();
  });

  it('keeps live tensor counts flat across epochs', async () => {
    const { trainer, close } = setup(1, { epochs: 1 });
    await trainer.fit();
    const before = memory().numTensors;
    const again = new Trainer({ ...trainerOptionsOf(trainer), epochs: 3 });
    await again.fit();
    expect(memory().numTensors).toBe(before); // the optimizer's state already exists
    close();
  });

  it('frees every batch it fetched, also the one at which the steps limit stops it', async () => {
    const yielded: SeqBatch[] = [];
    const unread: SeqBatch[] = [];
    const lazy = function* (epoch: number, rng: Rng) {
      const batches = data(epoch, rng);
      unread.push(...batches);
      for (const batch of batches) {
        unread.splice(unread.indexOf(batch), 1);
        yielded.push(batch);
        yield batch;
      }
    };
    // 4 batches an epoch and 3 TBPTT windows a batch: steps 6 stops inside the first epoch
    const { trainer, close } = setup(1, { data: lazy, epochs: 5, steps: 6 });
    await trainer.fit();
    expect(yielded.length).toBeGreaterThan(0);
    const alive = yielded.flatMap((b) => [...tensorsIn(b)]).filter((t) => !t.isDisposed);
    expect(alive).toEqual([]);
    dispose(unread);
    close();
  });

  it('validates, logs JSON lines and calls back; a callback can stop', async () => {
    const lines: string[] = [];
    const events: string[] = [];
    const monitor = new GradientMonitor();
    const { trainer, close } = setup(1, {
      epochs: 3,
      validation: { data: (_epoch, rng) => sequenceBatches(rng, 2, 3, 12, V), every: 6 },
      log: { write: (line: string) => void lines.push(line) },
      monitor,
      callbacks: {
        onStep: (r) => void events.push(`step ${r.step}`),
        onValidation: (r) => void events.push(`validation ${r.step}`),
        onEpoch: (r) => {
          events.push(`epoch ${r.epoch}`);
          return r.epoch === 2 ? 'stop' : undefined;
        },
      },
    });
    const result = await trainer.fit();
    expect(result.stopReason).toBe('callback');
    expect(result.epoch).toBe(2);
    expect(result.validations.map((v) => v.step)).toEqual([6, 12, 18, 24]);
    expect(events.slice(0, 8)).toEqual([
      'step 1',
      'step 2',
      'step 3',
      'step 4',
      'step 5',
      'step 6',
      'validation 6',
      'step 7',
    ]);
    expect(events).toContain('epoch 1');
    const records = lines.map((l) => JSON.parse(l));
    expect(new Set(records.map((r) => r.type))).toEqual(
      new Set(['step', 'validation', 'epoch', 'end']),
    );
    const step = records.find((r) => r.type === 'step');
    expect(step).toMatchObject({ step: 1, epoch: 0, skipped: false, tokens: 12 });
    expect(typeof step.loss).toBe('number');
    expect(monitor.steps).toBe(24);
    expect(monitor.summary().parameters.W_ah).toBeDefined();
    close();
  });

  it('shows progress as plain lines off a terminal, clips by value, and checkpoints config and vocabulary', async () => {
    const writes: string[] = [];
    let now = 0;
    const { trainer, close } = setup(1, {
      epochs: 1,
      steps: 12, // a total for the bar and the ETA (the data is a function: its length is unknown)
      clip: { value: 0.01 },
      progress: { stream: { isTTY: false, write: (s: string) => void writes.push(s) }, lineMs: 0 },
      now: () => (now += 100),
      config: { hidden: 8 },
      vocabulary: ['a', 'b', 'c', 'd', 'e', 'f'],
    });
    const result = await trainer.fit();
    expect(result.history.every((r) => r.clipped)).toBe(true); // raw gradients exceed 0.01
    expect(writes.length).toBe(result.history.length + 1); // one per update, and the final one
    expect(writes[0]).toMatch(/^\[[=> ]{20}\] 8% step 1\/12 epoch 1 loss \d\.\d{4}\n$/);
    expect(writes[1]).toMatch(
      /^\[=[=> ]{19}\] 16% step 2\/12 epoch 1 loss \d\.\d{4} [\d.]+k? tok\/s ETA \S+\n$/,
    );
    const checkpoint = trainer.checkpoint();
    expect(checkpoint.config).toEqual({ hidden: 8 });
    expect(checkpoint.vocabulary).toHaveLength(6);
    expect(Object.keys(checkpoint.parameters)).toEqual(['W_xh', 'W_ah', 'b_h', 'W_ao', 'b_o']);
    close();
  });

  it('stops early when the watched loss stops improving, and can restore the best weights', async () => {
    // L = (w − 3)², SGD lr 1.1: every update overshoots by 20% more, so only epoch 1 improves.
    const w = parameter(tensor([0]), 'w');
    const model: TrainableModel<number> = {
      parameters: () => ({ w }),
      loss: () => ({ loss: sum(square(sub(w, 3))) }),
    };
    let afterFirstEpoch = Number.NaN;
    const trainer = new Trainer({
      model,
      optimizer: new SGD({ w }, { lr: 1.1 }),
      data: [0],
      epochs: 20,
      progress: false,
      earlyStopping: { patience: 2, monitor: 'train', restoreBest: true },
      callbacks: {
        onEpoch: (r) => {
          if (r.epoch === 1) afterFirstEpoch = w.value.item();
        },
      },
    });
    const result = await trainer.fit();
    expect(result.stopReason).toBe('early-stopping');
    expect(result.epoch).toBe(3);
    expect(result.best).toBe(9); // the loss of the first update (w = 0)
    expect(w.value.item()).toBe(afterFirstEpoch);
    trainer.dispose();
    w.dispose();
  });
});

describe('Trainer: non-finite loss or gradients', () => {
  /** w·x summed, with sqrt(v): a batch `nan` makes the loss NaN, a batch `zero` makes ∂/∂v infinite. */
  function fragile() {
    const w = parameter(tensor([1, 2]), 'w');
    const v = parameter(tensor([4]), 'v');
    const model: TrainableModel<string> = {
      parameters: () => ({ w, v }),
      loss: (batch) => {
        const x = tensor(batch === 'nan' ? [Number.NaN, 1] : [1, 1]);
        const root = batch === 'zero' ? sqrt(mul(v, 0)) : sqrt(v);
        return { loss: add(sum(mul(w, x)), sum(root)) };
      },
    };
    return { w, v, model, close: () => dispose([w.value, v.value]) };
  }

  it("'stop' throws NONFINITE naming the step and the loss", async () => {
    const { model, close } = fragile();
    const trainer = new Trainer({
      model,
      optimizer: new SGD(model.parameters(), { lr: 0.1 }),
      data: ['ok', 'ok', 'nan', 'ok'],
      progress: false,
    });
    await expect(trainer.fit()).rejects.toThrow(
      expect.objectContaining({
        code: 'NONFINITE',
        message: expect.stringMatching(
          /step 3 \(epoch 1, batch 3\): loss is NaN; every weight is finite/,
        ),
      }),
    );
    expect(trainer.step).toBe(2);
    close();
  });

  it("'stop' names the parameter whose gradient is not finite", async () => {
    const { model, w, v, close } = fragile();
    const before = [w.value.toArray(), v.value.toArray()];
    const trainer = new Trainer({
      model,
      optimizer: new SGD(model.parameters(), { lr: 0.1 }),
      data: ['zero'],
      progress: false,
    });
    await expect(trainer.fit()).rejects.toThrow(
      /step 1 .*non-finite gradient of 'v' \(norm (NaN|Infinity)\)/,
    );
    expect([w.value.toArray(), v.value.toArray()]).toEqual(before); // never applied
    close();
  });

  it("'skip' drops the update, keeps the weights finite and goes on; too many in a row stop", async () => {
    const { model, w, close } = fragile();
    const trainer = new Trainer({
      model,
      optimizer: new SGD(model.parameters(), { lr: 0.1 }),
      data: ['ok', 'nan', 'zero', 'ok'],
      nonFinite: 'skip',
      progress: false,
    });
    const result = await trainer.fit();
    expect(result.history.map((r) => r.skipped)).toEqual([false, true, true, false]);
    expect(result.history[1]!.problem).toMatch(/loss is NaN/);
    expect(result.history[2]!.problem).toMatch(/'v'/);
    expect(result.step).toBe(2);
    expect(Array.from(w.value.data()).every(Number.isFinite)).toBe(true);
    const stubborn = new Trainer({
      model,
      optimizer: new SGD(model.parameters(), { lr: 0.1 }),
      data: ['nan', 'nan', 'nan'],
      nonFinite: 'skip',
      maxSkips: 3,
      progress: false,
    });
    await expect(stubborn.fit()).rejects.toThrow(/3 updates in a row were skipped/);
    close();
  });
});

/** The options the first trainer of a test was built with (for a second trainer on the same model). */
function trainerOptionsOf(
  trainer: Trainer<SeqBatch, { a: Variable }>,
): TrainerOptions<SeqBatch, { a: Variable }> {
  return {
    model: trainer.model,
    optimizer: trainer.optimizer,
    data,
    disposeBatches: true,
    seed: 11,
    tbptt: seqTbptt(4, 6),
    clip: { norm: 1 },
    progress: false,
  };
}
