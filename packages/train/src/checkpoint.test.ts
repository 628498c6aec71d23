import { parameter } from '@recur/autograd';
import { dispose, memory, RecurError, Rng, tensor } from '@recur/tensor';
import { describe, expect, it } from 'vitest';
import { type Checkpoint, deserializeCheckpoint, serializeCheckpoint } from './checkpoint.js';
import { decodeCheckpointFile, encodeCheckpointFile } from './checkpoint-format.js';
import { Adam } from './optimizers/adam.js';
import { SGD } from './optimizers/sgd.js';
import { Trainer } from './trainer.js';

/** A checkpoint of a real Adam run: weights, slots, RNG, scheduler, metadata. */
function saved(): Uint8Array {
  const W = parameter(tensor([[1, 2, 3]]), 'W');
  const b = parameter(tensor([0.5]), 'b');
  const optimizer = new Adam({ W, b }, { lr: 0.1 });
  W.grad = tensor([[0.1, 0.2, 0.3]]);
  b.grad = tensor([1]);
  optimizer.step();
  const rng = new Rng(5);
  rng.normal();
  const bytes = serializeCheckpoint({
    step: 1,
    epoch: 0,
    rng: { model: rng.getState() },
    parameters: { W: W.value, b: b.value },
    optimizer: optimizer.stateDict(),
    scheduler: { step: 1, baseLr: 0.1 },
    tensors: { 'state/a': tensor([[0.5]]) },
    metadata: { note: 'x' },
  });
  optimizer.dispose();
  dispose([W.value, b.value, W.grad, b.grad]);
  return bytes;
}

/** A parsed JSON header, edited freely by the cases below. */
// biome-ignore lint/suspicious/noExplicitAny: arbitrary JSON, reached into by path
type Header = Record<string, any>;

/** The same file with its JSON header edited (blobs and CRC kept consistent). */
function edited(bytes: Uint8Array, edit: (header: Header) => void): Uint8Array {
  const { header, tensors } = decodeCheckpointFile(bytes);
  const { tensors: _directory, dataLength: _length, ...rest } = header;
  const copy = JSON.parse(JSON.stringify(rest));
  edit(copy);
  return encodeCheckpointFile(copy, tensors);
}

const good = saved();

/** Header edits a hostile or damaged file could make, each with the field its error must name. */
const hostile: [string, (h: Header) => void, RegExp][] = [
  [
    'unknown optimizer type',
    (h) => {
      h.optimizer.type = 'evil';
    },
    /optimizer: type "evil" is not an optimizer recur knows \(SGD, RMSProp, Adagrad, Adam, AdamW\)/,
  ],
  [
    'optimizer type not a string',
    (h) => {
      h.optimizer.type = { x: 1 };
    },
    /optimizer: type must be a string/,
  ],
  [
    'huge lr',
    (h) => {
      h.optimizer.hyperParams.lr = 1e300;
    },
    /optimizer\.hyperParams: lr must be a number ≥ 0 and finite in float32, got 1e\+300/,
  ],
  [
    'negative lr',
    (h) => {
      h.optimizer.hyperParams.lr = -1;
    },
    /lr must be .* got -1/,
  ],
  [
    'lr a string',
    (h) => {
      h.optimizer.hyperParams.lr = '0.1';
    },
    /lr must be .* got "0\.1"/,
  ],
  [
    'beta above 1',
    (h) => {
      h.optimizer.hyperParams.beta1 = 7;
    },
    /hyperParams of Adam: betas\[0\] must be a number in \[0, 1\], got 7/,
  ],
  [
    'beta equal to 1',
    (h) => {
      h.optimizer.hyperParams.beta2 = 1;
    },
    /betas must be below 1/,
  ],
  [
    'flag not a boolean',
    (h) => {
      h.optimizer.hyperParams.amsgrad = 'yes';
    },
    /amsgrad must be true or false, got "yes"/,
  ],
  [
    'missing hyper-parameter',
    (h) => {
      delete h.optimizer.hyperParams.eps;
    },
    /eps must be .* got undefined/,
  ],
  [
    'unknown hyper-parameter',
    (h) => {
      h.optimizer.hyperParams.evil = 1;
    },
    /unknown key "evil"/,
  ],
  [
    'hyper-parameters not an object',
    (h) => {
      h.optimizer.hyperParams = [1];
    },
    /hyperParams must be an object, got an array/,
  ],
  [
    'optimizer step huge',
    (h) => {
      h.optimizer.step = 1e308;
    },
    /optimizer: step must be a non-negative safe integer, got 1e\+308/,
  ],
  [
    'optimizer step negative',
    (h) => {
      h.optimizer.step = -1;
    },
    /optimizer: step must be/,
  ],
  [
    'paramSteps above step',
    (h) => {
      h.optimizer.paramSteps.W = 5;
    },
    /paramSteps\['W'\] is 5, more than the optimizer's step 1/,
  ],
  [
    'paramSteps fractional',
    (h) => {
      h.optimizer.paramSteps.W = 0.5;
    },
    /paramSteps\['W'\] must be a non-negative safe integer/,
  ],
  [
    'paramSteps of an unknown parameter',
    (h) => {
      h.optimizer.paramSteps.Z = 1;
    },
    /paramSteps for unknown parameter 'Z'/,
  ],
  [
    'slots of an unknown parameter',
    (h) => {
      h.optimizer.slots.Z = h.optimizer.slots.W;
    },
    /state for unknown parameter 'Z'/,
  ],
  [
    'slot of the wrong shape',
    (h) => {
      h.optimizer.slots.W.exp_avg = h.parameters.b;
    },
    /slot 'exp_avg' of 'W' is \[1\] but the parameter is \[1,3\]/,
  ],
  [
    'slot refers to a missing blob',
    (h) => {
      h.optimizer.slots.W.exp_avg = 'nope';
    },
    /optimizer\.slots\['W'\] 'exp_avg' refers to a tensor "nope"/,
  ],
  [
    'slot refers to an inherited name',
    (h) => {
      h.optimizer.slots.W.exp_avg = 'constructor';
    },
    /refers to a tensor "constructor"/,
  ],
  [
    'slots not an object',
    (h) => {
      h.optimizer.slots = 3;
    },
    /optimizer\.slots must be an object, got number 3/,
  ],
  [
    'optimizer not an object',
    (h) => {
      h.optimizer = 'adam';
    },
    /optimizer must be an object/,
  ],
  [
    'unknown optimizer field',
    (h) => {
      h.optimizer.evil = 1;
    },
    /optimizer has an unknown key "evil"/,
  ],
  [
    'step huge',
    (h) => {
      h.step = 1e308;
    },
    /: step must be a non-negative safe integer, got 1e\+308/,
  ],
  [
    'step missing',
    (h) => {
      delete h.step;
    },
    /: step must be .* got undefined/,
  ],
  [
    'step negative',
    (h) => {
      h.step = -3;
    },
    /step must be .* got -3/,
  ],
  [
    'epoch fractional',
    (h) => {
      h.epoch = 1.5;
    },
    /epoch must be a non-negative safe integer, got 1\.5/,
  ],
  [
    'rng garbage',
    (h) => {
      h.rng.model = 'garbage';
    },
    /rng\['model'\]: Rng\.setState: state must be an object/,
  ],
  [
    'rng seed out of range',
    (h) => {
      h.rng.model.seed = -1;
    },
    /rng\['model'\]: Rng\.setState: seed must be an integer in \[0, 4294967295\], got -1/,
  ],
  [
    'rng spare huge',
    (h) => {
      h.rng.model.spare = 1e300;
    },
    /rng\['model'\]: Rng\.setState: spare must be/,
  ],
  [
    'rng not an object',
    (h) => {
      h.rng = [1, 2];
    },
    /rng must be an object, got an array/,
  ],
  [
    'scheduler step negative',
    (h) => {
      h.scheduler.step = -1;
    },
    /scheduler: step must be a non-negative safe integer/,
  ],
  [
    'scheduler baseLr huge',
    (h) => {
      h.scheduler.baseLr = 1e300;
    },
    /scheduler: baseLr must be/,
  ],
  [
    'scheduler unknown key',
    (h) => {
      h.scheduler.evil = 1;
    },
    /scheduler state has an unknown key "evil"/,
  ],
  [
    'metadata an array',
    (h) => {
      h.metadata = [1];
    },
    /metadata must be an object, got an array/,
  ],
  [
    'metadata a number',
    (h) => {
      h.metadata = 5;
    },
    /metadata must be an object, got number 5/,
  ],
  [
    'parameters an array',
    (h) => {
      h.parameters = ['p0'];
    },
    /parameters must be an object, got an array/,
  ],
  [
    'parameter refers to a missing blob',
    (h) => {
      h.parameters.W = 42;
    },
    /parameters 'W' refers to a tensor 42/,
  ],
  [
    '__proto__ parameter name',
    (h) => {
      Object.defineProperty(h.parameters, '__proto__', { value: 'p0', enumerable: true });
    },
    /parameters has the reserved key "__proto__"/,
  ],
  [
    '__proto__ slot name',
    (h) => {
      Object.defineProperty(h.optimizer.slots, '__proto__', { value: {}, enumerable: true });
    },
    /optimizer\.slots has the reserved key "__proto__"/,
  ],
  [
    'tensors an array',
    (h) => {
      h.extraTensors = [];
    },
    /tensors must be an object/,
  ],
  [
    'wrong format name',
    (h) => {
      h.format = 'pickle';
    },
    /header format is "pickle"/,
  ],
];

describe('deserializeCheckpoint', () => {
  it('round-trips a valid checkpoint', () => {
    const before = memory().numTensors;
    const c = deserializeCheckpoint(good, 'good.ckpt');
    expect(c.optimizer!.type).toBe('Adam');
    expect(c.scheduler).toEqual({ step: 1, baseLr: 0.1 });
    dispose(c);
    expect(memory().numTensors).toBe(before);
  });

  it.each(hostile)(
    'refuses a file with %s as FORMAT naming the file and the field',
    (_, edit, message) => {
      const bytes = edited(good, edit);
      const before = memory().numTensors;
      let caught: unknown;
      try {
        deserializeCheckpoint(bytes, 'runs/hostile.ckpt');
      } catch (error) {
        caught = error;
      }
      expect(caught).toBeInstanceOf(RecurError);
      expect(caught).toMatchObject({ code: 'FORMAT' });
      expect((caught as Error).message).toMatch(/^loadCheckpoint: runs\/hostile\.ckpt: /);
      expect((caught as Error).message).toMatch(message);
      expect(memory().numTensors).toBe(before);
    },
  );
});

describe('Trainer.restore and Optimizer.loadStateDict', () => {
  function setup() {
    const W = parameter(tensor([[1, 2, 3]]), 'W');
    const b = parameter(tensor([0.5]), 'b');
    const model = {
      parameters: () => ({ W, b }),
      loss: () => {
        throw new Error('not trained here');
      },
    };
    const optimizer = new Adam(model.parameters(), { lr: 0.01 });
    const trainer = new Trainer({ model, optimizer, data: [], progress: false });
    const close = () => {
      trainer.dispose();
      dispose([W.value, b.value]);
    };
    return { W, optimizer, trainer, close };
  }

  it('checks an in-memory checkpoint before changing anything', () => {
    const { W, optimizer, trainer, close } = setup();
    const c = deserializeCheckpoint(good);
    const before = memory().numTensors;
    const state = JSON.stringify(optimizer.stateDict());
    // A well-formed trainer progress, for the cases that break one field of it.
    const progress = {
      batchInEpoch: 0,
      epochLossSum: 0,
      epochUpdates: 0,
      epochTokens: 0,
      skippedInARow: 0,
      lastCheckpointStep: 0,
      early: null,
      state: null,
      hasBest: false,
    };
    const cases: [string, Checkpoint, RegExp][] = [
      ['step', { ...c, step: 1e308 }, /Trainer\.restore: step must be a non-negative safe integer/],
      [
        'rng',
        { ...c, rng: { model: { seed: -1, spare: null } } },
        /rng\['model'\]: Rng\.setState: seed/,
      ],
      [
        'lr',
        {
          ...c,
          optimizer: { ...c.optimizer!, hyperParams: { ...c.optimizer!.hyperParams, lr: 1e300 } },
        },
        /Adam\.loadStateDict: hyperParams\.lr must be/,
      ],
      [
        'optimizer step',
        { ...c, optimizer: { ...c.optimizer!, step: -1 } },
        /optimizer: step must be/,
      ],
      ['scheduler', { ...c, scheduler: { step: -1, baseLr: 0.1 } }, /scheduler: step must be/],
      [
        'progress',
        { ...c, metadata: { trainer: { batchInEpoch: -1 } } },
        /metadata\.trainer: the progress has|metadata\.trainer: batchInEpoch/,
      ],
      [
        'type',
        { ...c, optimizer: { ...c.optimizer!, type: 'SGD' } },
        /the state is for SGD, not Adam/,
      ],
      [
        'scheduler fraction',
        { ...c, scheduler: { step: 1, baseLr: 0.1, fraction: 2 } },
        /scheduler: fraction must be a number in \[0, 1\], got 2/,
      ],
      [
        'best step',
        { ...c, metadata: { trainer: { ...progress, bestValidation: { step: 9, loss: 1 } } } },
        /metadata\.trainer: bestValidation\.step 9 is after the checkpoint's step 1/,
      ],
      [
        'best loss',
        {
          ...c,
          metadata: { trainer: { ...progress, bestValidation: { step: 1, loss: Number.NaN } } },
        },
        /metadata\.trainer: bestValidation\.loss must be a finite number, got NaN/,
      ],
      [
        'best key',
        {
          ...c,
          metadata: { trainer: { ...progress, bestValidation: { step: 1, loss: 1, at: 0 } } },
        },
        /metadata\.trainer: bestValidation has an unknown key "at"/,
      ],
    ];
    for (const [, checkpoint, message] of cases) {
      expect(() => trainer.restore(checkpoint)).toThrow(
        expect.objectContaining({ name: 'RecurError', message: expect.stringMatching(message) }),
      );
      expect(W.value.toArray()).toEqual([[1, 2, 3]]);
      expect(trainer.step).toBe(0);
      expect(JSON.stringify(optimizer.stateDict())).toBe(state);
      expect(memory().numTensors).toBe(before);
    }
    trainer.restore(c);
    expect(trainer.step).toBe(1);
    expect(optimizer.lr).toBe(0.1);
    dispose(c);
    close();
  });

  it('loadStateDict validates hyper-parameters as the constructor does, and changes nothing on error', () => {
    const p = parameter(tensor([1, 2]), 'p');
    const sgd = new SGD([p], { lr: 0.1, momentum: 0.9 });
    const state = sgd.stateDict();
    for (const [hyper, message] of [
      [{ ...state.hyperParams, momentum: -1 }, /SGD\.loadStateDict: hyperParams: momentum must be/],
      [{ ...state.hyperParams, nesterov: 1 }, /nesterov must be true or false/],
      [{ ...state.hyperParams, momentum: 0, nesterov: true }, /nesterov needs momentum > 0/],
      [
        { ...state.hyperParams, lr: Number.POSITIVE_INFINITY },
        /lr must be a number ≥ 0 and finite in float32/,
      ],
    ] as const) {
      expect(() => sgd.loadStateDict({ ...state, hyperParams: hyper })).toThrow(message);
      expect(sgd.momentum).toBe(0.9);
      expect(sgd.lr).toBe(0.1);
    }
    expect(() => new SGD([p], { lr: 1e300 })).toThrow(
      /SGD: lr must be a number ≥ 0 and finite in float32/,
    );
    expect(() => new Adam([p], { eps: Number.POSITIVE_INFINITY })).toThrow(/Adam: eps must be/);
    p.dispose();
  });
});
