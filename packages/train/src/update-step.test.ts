import { add, mul, parameter, sum } from '@recur/autograd';
import type { GradientMonitor } from '@recur/clipping';
import { dispose, memory, RecurError, type Tensor, tensor } from '@recur/tensor';
import { describe, expect, it } from 'vitest';
import { type Checkpoint, serializeCheckpoint } from './checkpoint.js';
import type { TrainableModel } from './model.js';
import { SGD } from './optimizers/sgd.js';
import { Trainer } from './trainer.js';
import { trainStep } from './update-step.js';

/** loss = Σ w·x: the gradient is x, so SGD at lr 1e30 with x = 1e30 sends w to −Infinity. */
function overshooting() {
  const w = parameter(tensor([1, 2]), 'w');
  const model: TrainableModel<number> = {
    parameters: () => ({ w }),
    loss: (scale) => ({ loss: sum(mul(w, tensor([scale, scale]))) }),
  };
  // momentum: the optimizer has state that a bad step must not touch either
  const optimizer = new SGD(model.parameters(), { lr: 1e30, momentum: 0.5 });
  return { w, model, optimizer };
}

describe('non-finite weights after the optimizer step', () => {
  it("'stop' throws NONFINITE naming the parameter; weights and optimizer state stay, nothing is saved", async () => {
    const { w, model, optimizer } = overshooting();
    const saved: number[] = [];
    const trainer = new Trainer({
      model,
      optimizer,
      data: [1e-30, 1e30],
      progress: false,
      checkpoint: { every: 1, save: (c) => void saved.push(c.step) },
    });
    const before = memory().numTensors;
    await expect(trainer.fit()).rejects.toThrow(
      expect.objectContaining({
        code: 'NONFINITE',
        message: expect.stringMatching(
          /step 2 \(epoch 1, batch 2\): the update would make the weights of 'w' non-finite \(not applied/,
        ),
      }),
    );
    expect(w.value.toArray()).toEqual([0, 1]); // after step 1 only: w − 1e30·1e−30
    expect(optimizer.stepCount).toBe(1);
    expect(optimizer.stateDict().slots.w!.momentum_buffer!.toArray()).toEqual(
      [1e-30, 1e-30].map(Math.fround),
    );
    expect(saved).toEqual([1]); // the checkpoint after step 1; none after the bad step
    expect(trainer.step).toBe(1);
    expect(memory().numTensors).toBe(before + 1); // + the momentum buffer of step 1
    trainer.dispose();
    expect(memory().numTensors).toBe(before);
    w.dispose();
  });

  it("'skip' drops the update: the weights and the optimizer state are those before it", async () => {
    const { w, model, optimizer } = overshooting();
    const trainer = new Trainer({
      model,
      optimizer,
      data: [1e-30, 1e30, 1e-30],
      nonFinite: 'skip',
      progress: false,
    });
    const result = await trainer.fit();
    expect(result.history.map((r) => r.skipped)).toEqual([false, true, false]);
    expect(result.history[1]!.problem).toMatch(/weights of 'w' non-finite/);
    expect(optimizer.stepCount).toBe(2);
    expect(optimizer.stateDict().paramSteps).toEqual({ w: 2 });
    expect(Array.from(w.value.data()).every(Number.isFinite)).toBe(true);
    trainer.dispose();
    w.dispose();
  });

  it('serializeCheckpoint refuses non-finite parameters with NONFINITE naming them', () => {
    const checkpoint: Checkpoint = {
      step: 1,
      parameters: { ok: tensor([1, 2]), bad: tensor([1, Number.NEGATIVE_INFINITY]) },
    };
    expect(() => serializeCheckpoint(checkpoint)).toThrow(
      expect.objectContaining({
        code: 'NONFINITE',
        message: expect.stringMatching(
          /serializeCheckpoint: parameter 'bad' holds -Infinity \(element 1 of \[2\]\)/,
        ),
      }),
    );
    expect(() => serializeCheckpoint(checkpoint)).toThrow(RecurError);
    dispose(checkpoint);
  });
});

/** An SGD whose update throws on its second parameter (after computing the first). */
class FailingSGD extends SGD {
  protected override update(input: Parameters<SGD['update']>[0]) {
    const out = super.update(input);
    if (input.value.shape[0] === 3) throw new Error('optimizer failed');
    return out;
  }
}

describe('an update that throws frees everything it created', () => {
  const setup = (
    failAt: 'loss' | 'optimizer' | 'monitor' | 'callback' | 'window',
  ): { trainer: Trainer<string, { h: Tensor }>; close: () => void } => {
    const a = parameter(tensor([1, 2]), 'a');
    const b = parameter(tensor([1, 2, 3]), 'b');
    const model: TrainableModel<string, { h: Tensor }> = {
      parameters: () => ({ a, b }),
      loss: (batch) => {
        const loss = add(sum(mul(a, a)), sum(mul(b, b)));
        if ((failAt === 'loss' || failAt === 'window') && batch === 'bad')
          throw new Error('loss failed');
        return { loss, state: { h: mul(a, 2).value } };
      },
    };
    const optimizer =
      failAt === 'optimizer'
        ? new FailingSGD(model.parameters(), { lr: 0.1, momentum: 0.9 })
        : new SGD(model.parameters(), { lr: 0.1, momentum: 0.9 });
    const trainer = new Trainer({
      model,
      optimizer,
      data: ['ok', 'bad'],
      carryState: true,
      progress: false,
      clip: { norm: 1 },
      // 'window': the second of two TBPTT windows of the first batch fails
      tbptt:
        failAt === 'window'
          ? { k1: 1, k2: 1, length: () => 2, slice: (_, start) => (start === 1 ? 'bad' : 'ok') }
          : undefined,
      monitor:
        failAt === 'monitor'
          ? ({
              record: (_: unknown, step: number) => {
                if (step === 2) throw new Error('monitor failed');
              },
            } as unknown as GradientMonitor)
          : undefined,
      callbacks: {
        onStep: (r) => {
          if (failAt === 'callback' && r.step === 2) throw new Error('callback failed');
        },
      },
    });
    return { trainer, close: () => dispose([a.value, b.value]) };
  };

  it.each(['loss', 'optimizer', 'monitor', 'callback', 'window'] as const)(
    'a throwing %s leaves live tensors flat',
    async (failAt) => {
      const before = memory().numTensors;
      const { trainer, close } = setup(failAt);
      await expect(trainer.fit()).rejects.toThrow(/failed/);
      trainer.dispose(); // frees what the trainer holds: optimizer state, carried state
      close();
      expect(memory().numTensors).toBe(before);
    },
  );
});

describe('trainStep (one update outside the Trainer)', () => {
  it('takes the update the Trainer takes, zeroes the gradients and keeps live tensors flat', async () => {
    // loss = Σ w·x: gradient x. SGD lr 0.5 from w = [1, 2] with x = 1: w = [0.5, 1.5].
    const w = parameter(tensor([1, 2]), 'w');
    const model: TrainableModel<number> = {
      parameters: () => ({ w }),
      loss: (scale) => ({ loss: sum(mul(w, tensor([scale, scale]))), tokens: 2 }),
    };
    const optimizer = new SGD({ w }, { lr: 0.5 });
    const first = trainStep({ model, optimizer, batch: 1 });
    const before = memory().numTensors;
    expect(first).toMatchObject({ loss: 3, tokens: 2, clipped: false, skipped: false });
    expect(first.gradNorm).toBeCloseTo(Math.SQRT2, 6);
    expect(Array.from(w.value.data())).toEqual([0.5, 1.5]);
    expect(w.grad).toBeNull();
    // Clipped to norm 0.1: the update is 0.5 · 0.1 · [1, 1]/√2.
    const second = trainStep({ model, optimizer, batch: 1, clip: { norm: 0.1 } });
    expect(second.clipped).toBe(true);
    expect(w.value.data()[0]).toBeCloseTo(0.5 - 0.05 / Math.SQRT2, 6);
    expect(memory().numTensors).toBe(before);
    // The same update as a Trainer's first step from the same weights.
    const v = parameter(tensor([1, 2]), 'w');
    const twin: TrainableModel<number> = {
      parameters: () => ({ w: v }),
      loss: (scale) => ({ loss: sum(mul(v, tensor([scale, scale]))) }),
    };
    const trainer = new Trainer({
      model: twin,
      optimizer: new SGD({ w: v }, { lr: 0.5 }),
      data: [1],
      progress: false,
    });
    const fitted = await trainer.fit();
    expect(fitted.history[0]!.loss).toBe(first.loss);
    expect(Array.from(v.value.data())).toEqual([0.5, 1.5]);
    trainer.dispose();
    dispose([w, v]);
    optimizer.dispose();
  });

  it('skips an update that would make a weight non-finite, changing nothing', () => {
    const { w, model, optimizer } = overshooting();
    const result = trainStep({ model, optimizer, batch: 1e30 });
    expect(result.skipped).toBe(true);
    expect(result.problem).toMatch(/the update would make the weights of 'w' non-finite/);
    expect(Array.from(w.value.data())).toEqual([1, 2]);
    expect(w.grad).toBeNull();
    optimizer.dispose();
    w.dispose();
  });
});
