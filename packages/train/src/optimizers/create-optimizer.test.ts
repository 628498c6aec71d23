import { parameter } from '@recur/autograd';
import { RecurError, tensor } from '@recur/tensor';
import { describe, expect, it } from 'vitest';
import { Adagrad } from './adagrad.js';
import { Adam } from './adam.js';
import { AdamW } from './adamw.js';
import { createOptimizer, OPTIMIZER_NAMES, type OptimizerName } from './create-optimizer.js';
import { RMSProp } from './rmsprop.js';
import { SGD } from './sgd.js';

describe('createOptimizer', () => {
  it('builds each named optimizer with the options given', () => {
    const w = parameter(tensor([1, 2]), 'w');
    const kinds: Record<OptimizerName, unknown> = {
      sgd: SGD,
      rmsprop: RMSProp,
      adagrad: Adagrad,
      adam: Adam,
      adamw: AdamW,
    };
    expect([...OPTIMIZER_NAMES]).toEqual(Object.keys(kinds));
    for (const name of OPTIMIZER_NAMES) {
      const optimizer = createOptimizer(name, { w }, { lr: 0.125 });
      expect(optimizer.constructor).toBe(kinds[name]);
      expect(optimizer.lr).toBe(0.125);
      optimizer.dispose();
    }
    const sgd = createOptimizer('sgd', { w }, { lr: 0.1, momentum: 0.9 });
    expect(sgd.stateDict().hyperParams).toMatchObject({ momentum: 0.9 });
    sgd.dispose();
    w.dispose();
  });

  it('refuses an unknown name, listing the known ones', () => {
    const w = parameter(tensor([1]), 'w');
    expect(() => createOptimizer('lamb' as OptimizerName, { w }, { lr: 1 })).toThrow(RecurError);
    expect(() => createOptimizer('lamb' as OptimizerName, { w }, { lr: 1 })).toThrow(
      'createOptimizer: name must be one of sgd, rmsprop, adagrad, adam, adamw, got "lamb"',
    );
    w.dispose();
  });
});
