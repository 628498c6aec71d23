import { describe, expect, it } from 'vitest';
import { RecurError } from './errors.js';
import { checkOptions, closest } from './options.js';

describe('checkOptions', () => {
  const known = ['inputSize', 'hiddenSize', 'seed'] as const;

  it('accepts known options and undefined values', () => {
    expect(() => checkOptions('Cell', { inputSize: 1, seed: undefined }, known)).not.toThrow();
    expect(() => checkOptions('Cell', { other: undefined }, known)).not.toThrow();
  });

  it('refuses an unknown option by name, with a suggestion when one is close', () => {
    const error = (() => {
      try {
        checkOptions('GRUCell', { inputSize: 1, hiddenSze: 2 }, known);
      } catch (e) {
        return e as RecurError;
      }
    })();
    expect(error).toBeInstanceOf(RecurError);
    expect(error?.code).toBe('ARGUMENT');
    expect(error?.message).toBe(
      "GRUCell: unknown option 'hiddenSze' (did you mean 'hiddenSize'?); expected any of inputSize, hiddenSize, seed",
    );
    expect(() => checkOptions('IRNNCell', { init: 'uniform' }, known)).toThrow(
      /IRNNCell: unknown option 'init'; expected any of/,
    );
  });

  it('refuses options that are not a plain object', () => {
    expect(() => checkOptions('Cell', null, known)).toThrow(/options must be an object, got null/);
    expect(() => checkOptions('Cell', [1], known)).toThrow(/got an array/);
    expect(() => checkOptions('Cell', 3, known)).toThrow(/got number/);
  });

  it('finds the nearest name within two edits', () => {
    expect(closest('lr', ['lr', 'seed'])).toBe('lr');
    expect(closest('sede', ['lr', 'seed'])).toBe('seed');
    expect(closest('completely', ['lr', 'seed'])).toBeUndefined();
  });
});
