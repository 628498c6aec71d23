/**
 * @packageDocumentation
 * Data for recur, as plain typed arrays with explicit shapes (no tensors, no model code):
 * vocabularies and tokenizers, padding and masks, bucketing, seeded shuffling and splits, TBPTT
 * streams, n-gram baselines, and synthetic tasks with their baselines. Runs in browsers; the
 * loaders of files and of the optional data packages are in `@recur/datasets/node`. Numeric time
 * series: windows, splits by time, z-scores and forecasting baselines.
 */

export {
  type PaddedBatch,
  type PaddedFeatureBatch,
  type PadOptions,
  padFeatureSequences,
  padSequences,
  type Seq2SeqBatch,
  type Seq2SeqBatchOptions,
  seq2seqBatch,
} from './batching.js';
export {
  type BatchIndicesOptions,
  type BucketOptions,
  batchIndices,
  bucketByLength,
  paddingFraction,
} from './bucketing.js';
export { DatasetError, type DatasetErrorCode, type DatasetErrorLocation } from './errors.js';
export {
  type CharBaselines,
  charBaselines,
  type NgramOptions,
  ngramCrossEntropy,
} from './ngram.js';
export {
  permutation,
  type RandomOptions,
  type RandomSource,
  SeededRng,
  type SeededRngState,
  shuffled,
} from './random.js';
export {
  DIGIT_WORDS,
  type DigitImages,
  type DigitStripOptions,
  type DigitStrips,
  digitStrips,
  MNIST_SIZE,
  mnistRowSequences,
  type RowSequences,
  spellDigits,
} from './real/digits.js';
export {
  type Autoregression,
  type AutoregressionOptions,
  fitAutoregression,
  lastValueForecast,
  meanAbsoluteError,
  meanSquaredError,
  seasonalNaiveForecast,
} from './series/baselines.js';
export { Standardizer, type StandardizerJSON } from './series/standardizer.js';
export {
  selectColumns,
  type TimeSeries,
  type TimeSeriesOptions,
  timeSeries,
} from './series/time-series.js';
export { splitSeries } from './series/time-split.js';
export {
  slidingWindows,
  type WindowBatch,
  type WindowBatchesOptions,
  type WindowOptions,
  type Windows,
  windowBatch,
  windowBatches,
} from './series/windows.js';
export {
  type Split,
  type SplitFractions,
  type SplitOptions,
  splitArray,
  splitIndices,
  splitSequence,
  splitSizes,
  splitText,
} from './splits.js';
export {
  ADDING_HOCHREITER_BASELINE_ACCURACY,
  ADDING_HOCHREITER_BASELINE_MSE,
  ADDING_LE_BASELINE_MSE,
  type AddingData,
  type AddingOptions,
  addingAccuracy,
  addingProblem,
} from './synthetic/adding.js';
export {
  ADDITION_CHARS,
  type AdditionExample,
  type AdditionOptions,
  additionProblems,
} from './synthetic/addition.js';
export { type PositionalMajorityResult, positionalMajority } from './synthetic/baselines.js';
export {
  type CopyTaskData,
  type CopyTaskOptions,
  copyTask,
  copyTaskBaseline,
} from './synthetic/copy.js';
export {
  type CalendarDate,
  DATE_FORMATS,
  type DateFormat,
  type DatePair,
  type DateTranslationOptions,
  dateTranslation,
  formatDate,
} from './synthetic/dates.js';
export {
  embeddedReberString,
  REBER_SYMBOLS,
  type ReberData,
  type ReberOptions,
  reberData,
  reberPredictionCorrect,
  reberString,
  reberValidNext,
} from './synthetic/reber.js';
export {
  TEMPORAL_ORDER_SYMBOLS,
  type TemporalOrderData,
  type TemporalOrderOptions,
  temporalOrder,
} from './synthetic/temporal-order.js';
export {
  type TbpttBatch,
  type TbpttOptions,
  type TbpttState,
  TbpttStream,
  type TokenSource,
  tokenSourceOf,
} from './tbptt.js';
export {
  type CharTokenizerJSON,
  type TokenizerJSON,
  tokenizerFromJSON,
  type WordTokenizerJSON,
} from './tokenizer-json.js';
export {
  CharTokenizer,
  type DecodeOptions,
  type Tokenizer,
  type TokenizerOptions,
  type UnknownPolicy,
  WORD_PATTERNS,
  type WordPattern,
  WordTokenizer,
  type WordTokenizerOptions,
} from './tokenizers.js';
export {
  DEFAULT_SPECIALS,
  SPECIAL_ORDER,
  type SpecialName,
  type SpecialsOption,
  Vocabulary,
  type VocabularyJSON,
  type VocabularyOptions,
} from './vocabulary.js';
