import { defineCell } from '../definition.js';
import { IRNNCell, type IRNNCellOptions } from './cell.js';

/** The identity RNN (ReLU, Le et al. 2015): its registration (`registry.ts`). */
export const irnn = defineCell<IRNNCell>({
  label: 'IRNN (ReLU, identity)',
  description: 'the identity RNN: the vanilla cell with ReLU, W_ah initialised to the identity',
  gates: 1,
  stateNames: ['a'],
  parameters: { input: 'W_xh', recurrent: 'W_ah', bias: 'b_h' },
  optionKeys: ['gain', 'inputStd'],
  make: (options) => new IRNNCell(options as IRNNCellOptions),
  keras: { layer: "simpleRNN({ activation: 'relu' })" },
  pytorch: { layer: "nn.RNN(nonlinearity='relu')" },
});
