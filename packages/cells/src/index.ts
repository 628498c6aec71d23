/**
 * @packageDocumentation
 * Recurrent cells for recur — the vanilla RNN of the article (tanh), the identity RNN (ReLU),
 * the LSTM and the GRU — with forward propagation through time ({@link sequence},
 * {@link RecurrentLayer}) on two paths: composed from autograd ops (the readable reference) and
 * fused sequence kernels with hand-written BPTT (the fast path). Equations and weight layouts
 * follow `docs/notation.md`: batch-first rows, weights `[in, out]`, gate blocks u, f, c̃, o.
 */
export type {
  CellOptions,
  CellState,
  FusedSequenceCall,
  HiddenState,
  LstmState,
  RecurrentCell,
  StepTrace,
} from './cells/cell.js';
export type {
  CellDefinition,
  ForeignLayer,
  ParameterRoles,
} from './cells/definition.js';
export {
  GRUCell,
  type GRUCellOptions,
  type GruStepDetail,
  type GruWeights,
} from './cells/gru/cell.js';
export {
  type GruSequenceGradient,
  type GruSequenceGradientInputs,
  type GruSequenceInputs,
  type GruSequenceResult,
  gruSequenceBackward,
  gruSequenceForward,
  gruSequenceOp,
} from './cells/gru/sequence-kernel.js';
export { IRNNCell, type IRNNCellOptions } from './cells/irnn/cell.js';
export {
  LSTMCell,
  type LSTMCellOptions,
  type LstmStepDetail,
  type LstmWeights,
} from './cells/lstm/cell.js';
export {
  type LstmSequenceGradient,
  type LstmSequenceGradientInputs,
  type LstmSequenceInputs,
  type LstmSequenceResult,
  lstmSequenceBackward,
  lstmSequenceForward,
  lstmSequenceOp,
} from './cells/lstm/sequence-kernel.js';
export { RNNCell, type RNNCellOptions } from './cells/rnn/cell.js';
export {
  type RnnSequenceAttrs,
  type RnnSequenceGradient,
  type RnnSequenceGradientInputs,
  type RnnSequenceInputs,
  type RnnSequenceResult,
  rnnSequenceBackward,
  rnnSequenceForward,
  rnnSequenceOp,
} from './cells/rnn/sequence-kernel.js';
export { type RnnWeights, VanillaCell } from './cells/rnn/vanilla-cell.js';
export {
  type ForeignWeight,
  type FromPyTorchOptions,
  fromKeras,
  fromPyTorch,
} from './importers.js';
export {
  fans,
  glorotUniform,
  type InitOptions,
  identity,
  normal,
  orthogonal,
  uniform,
  uniformHidden,
} from './initializers.js';
export type { NamedKernel } from './kernels/named-kernel.js';
export type { SequenceAttrs, SequenceWeights } from './kernels/sequence.js';
export type { SequenceOp, SequenceOperands } from './kernels/sequence-op.js';
export {
  type LayerCallOptions,
  type LayerResult,
  type LayerState,
  RecurrentLayer,
  type RecurrentLayerOptions,
} from './layer.js';
export {
  CELL_KINDS,
  CELLS,
  type CellKind,
  type CellOf,
  cellDefinition,
  isCellKind,
  type StateOf,
} from './registry.js';
export { hasFusedKernel, type SequenceOptions, type SequenceResult, sequence } from './sequence.js';
