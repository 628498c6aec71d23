/**
 * @packageDocumentation
 * Reverse-mode automatic differentiation over `@recur/tensor`: {@link Variable}s, one
 * topological backward pass with gradient accumulation, differentiable ops whose forward and
 * backward live side by side, custom ops with a hand-written backward ({@link defineOp}), and a
 * finite-difference gradient checker ({@link gradcheck}).
 */

export {
  type BackwardOptions,
  backward,
  type GradOptions,
  grad,
  topologicalOrder,
  zeroGrad,
} from './backward.js';
export { type CustomOp, defineOp, type ForwardResult, type OpDefinition } from './define-op.js';
export { isGradEnabled, noGrad } from './grad-mode.js';
export {
  assertGradcheck,
  describeGradcheck,
  type GradcheckElement,
  GradcheckError,
  type GradcheckOptions,
  type GradcheckResult,
  gradcheck,
} from './gradcheck.js';
export type { BackwardFn, Node } from './node.js';
export { dropout } from './ops/dropout.js';
export {
  abs,
  add,
  clamp,
  div,
  exp,
  hardSigmoid,
  log,
  maximum,
  minimum,
  mul,
  neg,
  pow,
  reciprocal,
  relu,
  sigmoid,
  sqrt,
  square,
  sub,
  tanh,
  where,
} from './ops/elementwise.js';
export {
  type LossOptions,
  mse,
  type Reduction,
  type SoftmaxCrossEntropyOptions,
  sigmoidCrossEntropy,
  softmaxCrossEntropy,
} from './ops/losses.js';
export { matmul } from './ops/matmul.js';
export { max, mean, min, sum } from './ops/reduce.js';
export {
  concat,
  expandDims,
  gather,
  reshape,
  slice,
  split,
  squeeze,
  stack,
  transpose,
} from './ops/shape.js';
export { logSoftmax, softmax } from './ops/softmax.js';
export {
  constant,
  isVariable,
  type Operand,
  parameter,
  Variable,
  type VariableOptions,
} from './variable.js';
