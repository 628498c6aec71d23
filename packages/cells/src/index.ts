/**
 * @packageDocumentation
 * Recurrent cells for recur — the vanilla RNN of the article (tanh), the identity RNN (ReLU),
 * the LSTM and the GRU — with forward propagation through time ({@link sequence},
 * {@link RecurrentLayer}) on two paths: composed from autograd ops (the readable reference) and
 * fused sequence kernels with hand-written BPTT (the fast path). Equations and weight layouts
 * follow `docs/notation.md`: batch-first rows, weights `[in, out]`, gate blocks u, f, c̃, o.
 */
export type {
  CellKind,
  CellOptions,
  CellState,
  HiddenState,
  LstmState,
  RecurrentCell,
  StepTrace,
} from './cells/cell.js';
export {
  GRUCell,
  type GRUCellOptions,
  type GruStepDetail,
  type GruWeights,
} from './cells/gru-cell.js';
export { IRNNCell, type IRNNCellOptions } from './cells/irnn-cell.js';
export {
  LSTMCell,
  type LSTMCellOptions,
  type LstmStepDetail,
  type LstmWeights,
} from './cells/lstm-cell.js';
export { RNNCell, type RNNCellOptions } from './cells/rnn-cell.js';
export { type RnnWeights, VanillaCell } from './cells/vanilla-cell.js';
export {
  gruResetAfterSequenceOp,
  gruSequenceOp,
  lstmSequenceOp,
  rnnSequenceOp,
  type SequenceOp,
  type SequenceOperands,
} from './fused-ops.js';
export {
  type CellOf,
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
export {
  type GruResetAfterSequenceGradient,
  type GruResetAfterSequenceGradientInputs,
  type GruResetAfterSequenceInputs,
  type GruResetAfterSequenceResult,
  gruResetAfterSequenceBackward,
  gruResetAfterSequenceForward,
} from './kernels/gru-reset-after-sequence.js';
export {
  type GruSequenceGradient,
  type GruSequenceGradientInputs,
  type GruSequenceInputs,
  type GruSequenceResult,
  gruSequenceBackward,
  gruSequenceForward,
} from './kernels/gru-sequence.js';
export {
  type LstmSequenceGradient,
  type LstmSequenceGradientInputs,
  type LstmSequenceInputs,
  type LstmSequenceResult,
  lstmSequenceBackward,
  lstmSequenceForward,
} from './kernels/lstm-sequence.js';
export type { NamedKernel } from './kernels/named-kernel.js';
export {
  type RnnSequenceAttrs,
  type RnnSequenceGradient,
  type RnnSequenceGradientInputs,
  type RnnSequenceInputs,
  type RnnSequenceResult,
  rnnSequenceBackward,
  rnnSequenceForward,
} from './kernels/rnn-sequence.js';
export type { SequenceAttrs, SequenceWeights } from './kernels/sequence.js';
export {
  type LayerCallOptions,
  type LayerResult,
  type LayerState,
  RecurrentLayer,
  type RecurrentLayerOptions,
  type StateOf,
} from './layer.js';
export { hasFusedKernel, type SequenceOptions, type SequenceResult, sequence } from './sequence.js';
