/**
 * @packageDocumentation
 * Everything between "a model and data" and "a trained model": optimizers with PyTorch
 * semantics, learning-rate schedules, the losses (re-exported from `@recur/autograd`), a
 * {@link Trainer} with truncated BPTT, clipping, validation, early stopping, progress and logs,
 * and one-file checkpoints from which a run resumes exactly. File I/O lives in
 * `@recur/train/node`; this entry runs in browsers too.
 */
export {
  type LossOptions,
  mse,
  type Reduction,
  type SoftmaxCrossEntropyOptions,
  sigmoidCrossEntropy,
  softmaxCrossEntropy,
} from '@recur/autograd';
export {
  type AnnealOptions,
  type BudgetSchedule,
  isBudgetSchedule,
  warmupCosine,
  warmupLinear,
} from './budget-schedule.js';
export { type Checkpoint, deserializeCheckpoint, serializeCheckpoint } from './checkpoint.js';
export {
  CHECKPOINT_MAGIC,
  CHECKPOINT_VERSION,
  type CheckpointFileHeader,
  type DecodedCheckpointFile,
  decodeCheckpointFile,
  encodeCheckpointFile,
  type TensorBlob,
  type TensorEntry,
} from './checkpoint-format.js';
export { crc32 } from './crc32.js';
export { type DataSource, epochSeed } from './data.js';
export {
  EarlyStopping,
  type EarlyStoppingOptions,
  type EarlyStoppingState,
} from './early-stopping.js';
export { yieldToEventLoop } from './event-loop.js';
export type { LossOutput, TrainableModel, TrainingContext } from './model.js';
export { Adagrad, type AdagradOptions } from './optimizers/adagrad.js';
export { Adam, type AdamOptions, type AdamVariant } from './optimizers/adam.js';
export { AdamW } from './optimizers/adamw.js';
export {
  createOptimizer,
  OPTIMIZER_NAMES,
  type OptimizerName,
  type OptimizerOptionsByName,
} from './optimizers/create-optimizer.js';
export {
  type HyperParams,
  Optimizer,
  type OptimizerState,
  type UpdateInput,
  type UpdateOutput,
} from './optimizers/optimizer.js';
export { RMSProp, type RMSPropOptions } from './optimizers/rmsprop.js';
export { SGD, type SGDOptions } from './optimizers/sgd.js';
export { type NamedParameter, nameParameters, type ParameterSet } from './parameters.js';
export {
  formatCount,
  formatDuration,
  type ProgressOptions,
  ProgressReporter,
  type ProgressStream,
  type ProgressUpdate,
} from './progress.js';
export {
  chain,
  constantSchedule,
  cosineDecay,
  exponentialDecay,
  LrScheduler,
  linearWarmup,
  type Schedule,
  type SchedulerState,
  sequential,
  stepDecay,
} from './schedules.js';
export { detachState, disposeState } from './state-tree.js';
export { type TbpttOptions, type TbpttWindow, tbpttWindows } from './tbptt.js';
export { Trainer } from './trainer.js';
export type {
  CallbackResult,
  EpochRecord,
  FitResult,
  LogSink,
  StepRecord,
  TrainerCallbacks,
  TrainerOptions,
  ValidationRecord,
} from './trainer-options.js';
export { type TrainStepOptions, type TrainStepResult, trainStep } from './update-step.js';
