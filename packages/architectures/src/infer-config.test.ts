import { CELL_KINDS, CELLS } from '@recur/cells';
import { describe, expect, it } from 'vitest';
import { inferPyTorchConfig } from './infer-config.js';

/** A one-layer PyTorch state dict's shapes with `gates` gate blocks, H = 5. */
const stateDict = (gates: number) => [
  { name: 'rnn.weight_ih_l0', shape: [gates * 5, 4], dtype: 'float32' as const },
  { name: 'rnn.weight_hh_l0', shape: [gates * 5, 5], dtype: 'float32' as const },
  { name: 'output.weight', shape: [7, 5], dtype: 'float32' as const },
];
const infer = (gates: number) =>
  inferPyTorchConfig({ architecture: 'LanguageModel' }, stateDict(gates), 'f.safetensors');

describe('inferPyTorchConfig reads the cell from the registry', () => {
  it('takes the one registered cell with that many gates and a PyTorch module', () => {
    expect(infer(4).cell).toBe('lstm');
    expect(infer(3).cell).toBe('gru');
    // The same, stated from the registry: every gate count with exactly one PyTorch cell.
    for (const kind of CELL_KINDS) {
      const { gates, pytorch } = CELLS[kind];
      const same = CELL_KINDS.filter(
        (k) => CELLS[k].gates === gates && 'layer' in CELLS[k].pytorch,
      );
      if ('layer' in pytorch && same.length === 1) expect(infer(gates).cell).toBe(kind);
    }
  });

  it('leaves the cell unset where no PyTorch module has that many gates (MGU: 2)', () => {
    expect(CELLS.mgu.gates).toBe(2);
    expect(infer(2).cell).toBeUndefined();
    expect(infer(5).cell).toBeUndefined();
  });

  it('names the candidates where one module computes several cells (nn.RNN: rnn or irnn)', () => {
    expect(() => infer(1)).toThrow(
      'f.safetensors: config.cell is not given and nn.RNN weights do not say tanh (cell rnn) or relu (cell irnn); give it',
    );
    expect(
      inferPyTorchConfig({ architecture: 'LanguageModel', cell: 'irnn' }, stateDict(1), 'f').cell,
    ).toBe('irnn');
  });
});
