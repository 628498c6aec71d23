import { BACKENDS } from '../backend.js';
import type { FlagSpecs } from '../flags.js';

/** Flags every inference command takes. */
export function inferenceFlags(defaultCheckpoint: string): FlagSpecs {
  return {
    checkpoint: {
      type: 'string',
      kind: 'path',
      default: defaultCheckpoint,
      value: '<path>',
      help: 'checkpoint written by recur train',
    },
    backend: { type: 'string', choices: BACKENDS, default: 'cpu', help: 'tensor backend' },
    json: { type: 'boolean', help: 'print one JSON object' },
  };
}
