/**
 * @packageDocumentation
 * The article's four recurrent designs as small models over `@recur/cells`, each trainable with
 * `@recur/train` (`parameters()` + `loss(batch)`), saved and loaded as config JSON + binary
 * weights: {@link LanguageModel} (many-to-many, same length), {@link Seq2Seq} (many-to-many,
 * different lengths), {@link SequenceClassifier} (many-to-one), {@link Captioner}
 * (one-to-many) and {@link Forecaster} (numeric time series: many-to-one, many-to-many, and
 * multi-step forecasts fed back as inputs); plus decoding (greedy, temperature, top-k, top-p,
 * beam search) and attention. Three-line starts on top of them, which pick the tokenizer, train
 * with `@recur/train` and save everything in one file: {@link TextGenerator},
 * {@link TextClassifier}, {@link Translator}, {@link TimeSeriesForecaster}.
 */

export {
  Attention,
  type AttentionMemory,
  type AttentionOptions,
  type AttentionScore,
  additiveScores,
  dotScores,
  maskedSoftmax,
  weightedSum,
} from './attention.js';
export {
  type BeamSearchOptions,
  type BeamStep,
  beamSearch,
  type Hypothesis,
} from './beam-search.js';
export {
  type CaptionBatch,
  Captioner,
  type CaptionerConfig,
  type CaptionerOptions,
  type ImageInjection,
} from './captioner.js';
export {
  type Architecture,
  checkWeightsForConfig,
  describeConfig,
  type ModelConfig,
  type WeightDescription,
} from './check-weights.js';
export {
  CONFIG_LIMITS,
  checkCellOptions,
  type ModelCellOptions,
  RECURRENT_ACTIVATIONS,
} from './config.js';
export {
  type DecoderOutput,
  TokenDecoder,
  type TokenDecoderOptions,
  type TokenInput,
} from './decoder.js';
export {
  chooseToken,
  type DecodingStrategy,
  greedy,
  logSoftmaxOf,
  type SamplingOptions,
  sampleToken,
  samplingDistribution,
} from './decoding.js';
export {
  type ForecastBatch,
  Forecaster,
  type ForecasterConfig,
  type ForecasterOptions,
  type ForecastLoss,
  type ForecastMode,
} from './forecaster.js';
export {
  type GenerateOptions,
  GenerationSession,
  LanguageModel,
  type LanguageModelBatch,
  type LanguageModelConfig,
  type LanguageModelOptions,
} from './language-model.js';
export { Dense, Embedding, glorotWeight } from './layers.js';
export {
  disposeModel,
  type LoadModelOptions,
  loadModel,
  loadModelWithExtras,
  loadWeights,
  type Model,
  type ModelFromPyTorchOptions,
  modelFromConfig,
  modelFromPyTorch,
  modelFromWeights,
  saveModel,
  saveModelFiles,
  saveRecurModel,
} from './model-io.js';
export type { ModelExtras, SaveModelOptions } from './model-safetensors.js';
export type { ModelPlan, ParameterSpec } from './parameter-specs.js';
export type { TensorNaming } from './pytorch-names.js';
export {
  encodeSafetensors,
  readSafetensors,
  SAFETENSORS_CHECKSUM_KEY,
  SAFETENSORS_LIMITS,
  type SafetensorsEntry,
  type SafetensorsFile,
  type SafetensorsTensor,
  safetensorsValues,
} from './safetensors.js';
export {
  type Encoded,
  type PaddedIds,
  padIds,
  Seq2Seq,
  type Seq2SeqBatch,
  type Seq2SeqConfig,
  type Seq2SeqOptions,
  scheduledSamplingRatio,
  seq2seqTensors,
  type TranslateOptions,
} from './seq2seq.js';
export {
  accuracy,
  type ClassifierBatch,
  type ClassifierInput,
  confusionMatrix,
  type Head,
  type Readout,
  SequenceClassifier,
  type SequenceClassifierConfig,
  type SequenceClassifierOptions,
} from './sequence-classifier.js';
export {
  type BeamDecodeOptions,
  beamDecode,
  type DecodeLimits,
  type DecodeStart,
  greedyDecode,
  selectMemoryRows,
} from './sequence-decoding.js';
export {
  decodeModelFile,
  decodeModelFiles,
  decodeWeights,
  encodeModelFile,
  encodeModelFiles,
  encodeWeights,
  FORMAT_VERSION,
  type ModelFiles,
  type ModelManifest,
  validateManifest,
  type WeightEntry,
} from './serialization.js';
export {
  type Label,
  TextClassifier,
  type TextClassifierOptions,
} from './starts/text-classifier.js';
export {
  type TextGenerationOptions,
  TextGenerator,
  type TextGeneratorOptions,
} from './starts/text-generator.js';
export {
  type ForecastFitOptions,
  type SeriesInput,
  TimeSeriesForecaster,
  type TimeSeriesForecasterOptions,
} from './starts/time-series-forecaster.js';
export type { FitOptions, FitProgress, FitReport } from './starts/training-run.js';
export {
  type TextPair,
  type TranslationOptions,
  Translator,
  type TranslatorOptions,
} from './starts/translator.js';
export {
  disposeStates,
  keepStates,
  mapStates,
  type RecurrentState,
  selectStateRows,
} from './states.js';
export { countParameters, summarize } from './summary.js';
