import { disposeModel } from '@recur/architectures';
import { BACKENDS, type BackendName, selectBackend } from '../backend.js';
import { loadTrainedModel, type TrainedModel } from '../checkpoint.js';
import { type FlagSpec, type FlagSpecs, type Flags, helpText, parseFlags } from '../flags.js';
import type { Command, CommandIO } from '../io.js';
import type { Arch } from '../tasks/task.js';

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

/**
 * `--file` of `classify` and `translate`: for a model trained on a file, the held-out examples
 * come from that file named again (checked against the fingerprint in the checkpoint), never
 * from a path read from the checkpoint.
 */
export const dataFileFlag: FlagSpec = {
  type: 'string',
  kind: 'file',
  value: '<path>',
  help: 'without texts, for a model trained on --file: that file again (its held-out part is shown)',
};

/** What the body of an inference command gets. */
export interface InferenceContext {
  flags: Flags;
  /** The checkpoint's path, for messages. */
  path: string;
  trained: TrainedModel;
  io: CommandIO;
}

/** How an inference command (`sample`, `translate`, `classify`, `caption`) is described. */
export interface InferenceCommandSpec {
  name: string;
  /** The architecture its checkpoints must hold (`any`: whichever they hold). */
  arch: Arch | 'any';
  summary: string;
  usage: string;
  notes: string;
  specs: FlagSpecs;
  /** Positional arguments it takes, for the usage error (e.g. `[text…]`); none when absent. */
  positionals?: string;
  body(context: InferenceContext): Promise<void> | void;
}

/**
 * An inference command: parses its flags (or prints `--help`), selects the backend, loads the
 * checkpoint — which must hold `arch` — runs `body`, and frees the model however it ends.
 */
export function inferenceCommand(spec: InferenceCommandSpec): Command {
  const run = async (argv: readonly string[], io: CommandIO): Promise<void> => {
    const flags = parseFlags(
      spec.name,
      argv,
      spec.specs,
      spec.positionals ? { positionals: spec.positionals } : {},
    );
    if (flags.bool('help')) {
      io.stdout.write(helpText(spec.name, spec.summary, spec.usage, spec.specs, spec.notes));
      return;
    }
    await selectBackend(flags.string('backend') as BackendName, io.stderr);
    const path = flags.string('checkpoint')!;
    const trained = loadTrainedModel(spec.name, path, spec.arch);
    try {
      await spec.body({ flags, path, trained, io });
    } finally {
      disposeModel(trained.model);
    }
  };
  return { summary: spec.summary, run };
}
