import { defineCell } from '../definition.js';
import { RNNCell, type RNNCellOptions } from './cell.js';

/** The article's vanilla RNN (tanh): its registration (`registry.ts`). */
export const rnn = defineCell<RNNCell>({
  label: 'RNN (tanh)',
  description: 'the vanilla RNN of the article: a⟨t⟩ = tanh(x W_xh + a⟨t−1⟩ W_ah + b_h)',
  gates: 1,
  stateNames: ['a'],
  parameters: { input: 'W_xh', recurrent: 'W_ah', bias: 'b_h' },
  optionKeys: ['init'],
  make: (options) => new RNNCell(options as RNNCellOptions),
  keras: { layer: 'simpleRNN' },
  pytorch: { layer: "nn.RNN(nonlinearity='tanh')" },
});
