/**
 * @packageDocumentation
 * The Node-only part of `@recur/train` (it uses `node:fs`): atomic checkpoint files and
 * JSON-lines log files. The main entry stays free of Node APIs so it runs in browsers.
 */
export { atomicWriteFile, removeOrphanTempFiles } from './atomic-write.js';
export { loadCheckpoint, saveCheckpoint } from './checkpoint-file.js';
export { type JsonLinesFile, jsonLinesFile } from './json-lines.js';
