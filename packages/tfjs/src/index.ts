/**
 * @packageDocumentation
 * TensorFlow.js Layers models in and out of recur, with no TensorFlow.js at run time: the format
 * is a `model.json` (a Keras model config and a weights manifest) beside raw little-endian
 * float32 shards. {@link modelFromTfjs} reads one (as `model.save` or the tensorflowjs converter
 * write it) into a `LanguageModel` or `SequenceClassifier`; {@link toTfjs} writes one that
 * `tf.loadLayersModel` runs to the same predictions. `@recur/tfjs/node` reads and writes the
 * files.
 */
export {
  type KerasLayerJson,
  TFJS_LAYERS_VERSION,
  TFJS_WEIGHTS_FILE,
  type TfjsModel,
  type TfjsModelJson,
  toTfjs,
} from './export-tfjs.js';
export { type ModelFromTfjsOptions, modelFromTfjs, type TfjsWeightData } from './import-tfjs.js';
export { MAX_LAYERS } from './topology.js';
export {
  MAX_WEIGHT_ELEMENTS,
  type TfjsWeightSpec,
  type TfjsWeightsGroup,
} from './weights-manifest.js';
