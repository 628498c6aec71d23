/**
 * @packageDocumentation
 * The article's remedies for exploding gradients — norm scaling ({@link clipGradNorm}) and value
 * clipping ({@link clipGradValue}) over all parameters — telemetry cheap enough to leave on
 * ({@link GradientMonitor}), and a way to see vanishing and exploding gradients
 * ({@link gradientFlow}: ‖∂L/∂a⟨t⟩‖ for every step, a rate and a verdict).
 */
export {
  type ClipGradNormOptions,
  type ClipGradNormResult,
  clipGradNorm,
} from './clip-grad-norm.js';
export {
  type ClipGradValueOptions,
  type ClipGradValueResult,
  clipGradValue,
} from './clip-grad-value.js';
export {
  DEFAULT_GRADIENT_FLOW_THRESHOLDS,
  type GradientFlowOptions,
  GradientFlowReport,
  type GradientFlowThresholds,
  type GradientVerdict,
  gradientFlow,
  type SequenceStates,
  type SeriesAnalysis,
} from './gradient-flow.js';
export {
  GradientMonitor,
  type GradientObservation,
  type GradientRecord,
  type GradientSummary,
  type SeriesStats,
} from './gradient-monitor.js';
export {
  type GradientHolder,
  type GradientHolders,
  type GradientNorms,
  gradientNorms,
  type NormType,
} from './gradients.js';
