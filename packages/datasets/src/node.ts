/**
 * @packageDocumentation
 * The Node-only part of `@recur/datasets`: the optional offline data packages (Moby Dick,
 * CMUdict, SpamAssassin, MNIST, the single-hop sensor network — each required only when its loader is called) and streaming
 * loaders for your own files (plain text, CSV/TSV `label,text`, TSV translation pairs, numeric
 * CSV/TSV time series).
 */

export {
  DelimitedParser,
  type DelimitedProblem,
  type DelimitedRecord,
  type Quoting,
} from './loaders/delimited.js';
export { type FileFingerprint, fileFingerprint, sameFingerprint } from './loaders/fingerprint.js';
export {
  type LabeledText,
  type LabeledTextData,
  type LabeledTextOptions,
  loadLabeledText,
  type MalformedRow,
  readLabeledText,
} from './loaders/labeled-text.js';
export { type NumberedLine, readLines } from './loaders/lines.js';
export {
  type NumericCsvOptions,
  type NumericTable,
  parseNumericCsv,
  readNumericCsv,
} from './loaders/numeric-csv.js';
export {
  loadTranslationPairs,
  readParallelFiles,
  readTranslationPairs,
  type TranslationData,
  type TranslationPair,
  type TranslationPairOptions,
} from './loaders/pairs.js';
export { charVocabularyOfFile, encodeTextFile, readTextFile } from './loaders/text.js';
export { TextFileCorpus } from './loaders/text-file-corpus.js';
export {
  type CmudictOptions,
  cmudictSymbols,
  loadCmudict,
  type PronunciationPair,
} from './real/cmudict.js';
export { loadMnist, type MnistData } from './real/mnist.js';
export {
  loadMobyDick,
  loadMobyDickChapters,
  type MobyDickChapter,
  mobyDickBaselines,
  mobyDickSplit,
} from './real/moby-dick.js';
export {
  loadSensorNetwork,
  type SensorNetworkOptions,
  sensorNetworkSeries,
  sensorNetworkSplit,
} from './real/sensor-network.js';
export {
  loadStateOfTheUnion,
  loadStateOfTheUnionAddresses,
  type StateOfTheUnionAddress,
  stateOfTheUnionSplit,
} from './real/sotu.js';
export {
  type LabeledEmail,
  loadSpamAssassin,
  type SpamAssassinOptions,
} from './real/spam-assassin.js';
