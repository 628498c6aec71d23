import { defineCell } from '../definition.js';
import { MGUCell, type MGUCellOptions } from './cell.js';

/** The minimal gated unit (gate blocks f, ã): its registration (`registry.ts`). */
export const mgu = defineCell<MGUCell>({
  label: 'MGU',
  description: 'minimal gated unit (Zhou et al. 2016): one forget gate f, a = (1−f)⊙a + f⊙ã',
  gates: 2,
  stateNames: ['a'],
  parameters: { input: 'W_x', recurrent: 'W_a', bias: 'b' },
  optionKeys: ['init'],
  make: (options) => new MGUCell(options as MGUCellOptions),
  keras: { refused: 'Keras and TensorFlow.js have no minimal gated unit layer' },
  pytorch: { refused: 'PyTorch has no minimal gated unit module (nn.RNN, nn.LSTM, nn.GRU only)' },
});
