/**
 * @packageDocumentation
 * Node file helpers of `@recur/tfjs`: {@link loadTfjsModel} reads a `model.json` and the shard
 * files it names, {@link saveTfjsModel} writes them.
 */
export { loadTfjsModel, MAX_MODEL_JSON_BYTES, saveTfjsModel } from './tfjs-files.js';
