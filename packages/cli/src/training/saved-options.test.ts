import { describe, expect, it } from 'vitest';
import { parseFlags } from '../flags.js';
import { optionsFromFlags } from './run-options.js';
import { savedOptions } from './saved-options.js';
import { TRAIN_FLAGS } from './train-flags.js';

/** The options `recur train <argv>` saves, through JSON as a checkpoint holds them. */
const saved = (...argv: string[]) =>
  JSON.parse(JSON.stringify(optionsFromFlags(parseFlags('train', argv, TRAIN_FLAGS), 'lm')));

describe('saved run options: the cell variant', () => {
  it('reads back the cellOptions recur train saved, and none when none was given', () => {
    const gru = saved('--cell', 'gru', '--reset-after', '--recurrent-activation', 'hardSigmoid');
    expect(gru.cellOptions).toEqual({ resetAfter: true, recurrentActivation: 'hardSigmoid' });
    expect(savedOptions('sample', 'a.ckpt', gru).cellOptions).toEqual(gru.cellOptions);
    const lstm = saved('--cell', 'lstm', '--recurrent-activation', 'sigmoid');
    expect(savedOptions('sample', 'a.ckpt', lstm).cellOptions).toEqual({
      recurrentActivation: 'sigmoid',
    });
    const plain = saved('--cell', 'gru');
    expect('cellOptions' in plain).toBe(false); // checkpoints from before the flags load the same
    expect('cellOptions' in savedOptions('sample', 'a.ckpt', plain)).toBe(false);
  });

  it('refuses a cellOptions recur train would refuse, naming the checkpoint', () => {
    const options = saved('--cell', 'lstm');
    const refused = (cellOptions: unknown) => () =>
      savedOptions('sample', 'a.ckpt', { ...options, cellOptions });
    expect(refused({ resetAfter: true })).toThrow(
      "recur sample: a.ckpt holds run options that recur train refuses: --reset-after: model.cellOptions: resetAfter is not an option of a 'lstm' cell (it takes recurrentActivation)",
    );
    expect(refused({ recurrentActivation: 'tanh' })).toThrow(
      /a\.ckpt holds run options that recur train refuses: --recurrent-activation must be one of sigmoid, hardSigmoid; got 'tanh'/,
    );
    for (const bad of [null, {}, [], { resetAfter: false }, { resetAfter: 'yes' }, { gain: 2 }]) {
      expect(refused(bad)).toThrow(
        /a\.ckpt holds run options that recur train refuses: cellOptions must be \{ resetAfter\?: true, recurrentActivation\?: string \}/,
      );
    }
  });
});
