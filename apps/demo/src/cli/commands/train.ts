import { disposeModel } from '@recur/architectures';
import { type FileFingerprint, fileFingerprint } from '@recur/datasets/node';
import { dispose } from '@recur/tensor';
import { type Checkpoint, type StepRecord, Trainer } from '@recur/train';
import { type JsonLinesFile, jsonLinesFile, saveCheckpoint } from '@recur/train/node';
import { type BackendName, selectBackend } from '../backend.js';
import { defaultCheckpointPath, readCheckpoint, recurMetadata } from '../checkpoint.js';
import { helpText, parseFlags } from '../flags.js';
import { compact, count, round, seconds } from '../format.js';
import { type Command, type CommandIO, println } from '../io.js';
import { TASKS } from '../tasks/catalog.js';
import { loadTask } from '../tasks/index.js';
import { ARCHITECTURES, type Arch } from '../tasks/task.js';
import { TimeBudget } from '../training/budget.js';
import { makeOptimizer } from '../training/optimizer.js';
import { checkWritable } from '../training/output-path.js';
import { dataFileAgain } from '../training/resume-data.js';
import {
  checkResumeFlags,
  describeLength,
  describeModel,
  lengthFromFlags,
  optionsFromFlags,
} from '../training/run-options.js';
import { TRAIN_FLAGS } from '../training/train-flags.js';

function notes(): string {
  const rows = ARCHITECTURES.map((arch) => {
    const info = TASKS[arch];
    const d = info.defaults;
    const sizes = `hidden ${d.hidden}, embedding ${d.embedding}, batch ${d.batch}${d.seqLen ? `, seq-len ${d.seqLen}` : ''}, lr ${d.lr}${d.examples ? `, examples ${d.examples}` : ''}`;
    return `  ${arch.padEnd(9)} --dataset ${info.datasets.join(' | ')}\n  ${''.padEnd(9)} --file: ${info.fileFormat}\n  ${''.padEnd(9)} defaults: ${sizes}`;
  });
  return `Architectures, datasets and defaults:\n${rows.join('\n')}

With no options, recur train trains a character-level LSTM on Moby Dick (train split) for one
minute on the CPU, then prints the validation loss beside n-gram baselines and generated text,
and saves checkpoints/lm.ckpt (use it with 'recur sample'; continue with 'recur train --resume').
Ctrl-C stops after the current batch and still saves the checkpoint.`;
}

const USAGE =
  'recur train [--arch lm|seq2seq|classify|caption] [--cell lstm] [--dataset <name> | --file <path>] [options]';

/** Mean of the last (up to) `n` finite losses. */
function recentLoss(history: readonly StepRecord[], n = 20): number {
  const recent = history.filter((r) => !r.skipped && Number.isFinite(r.loss)).slice(-n);
  return recent.length === 0 ? Number.NaN : recent.reduce((s, r) => s + r.loss, 0) / recent.length;
}

async function run(argv: readonly string[], io: CommandIO): Promise<void> {
  const start = performance.now();
  const flags = parseFlags('train', argv, TRAIN_FLAGS);
  if (flags.bool('help')) {
    io.stdout.write(
      helpText(
        'train',
        'train a recurrent model, with checkpoints and resume',
        USAGE,
        TRAIN_FLAGS,
        notes(),
      ),
    );
    return;
  }
  const human = !flags.bool('json');
  const length = lengthFromFlags(flags);
  const resume = flags.bool('resume');
  const archFlag = flags.string('arch') as Arch;
  // Check the flags before anything slow happens.
  let options = optionsFromFlags(flags, archFlag);
  const path = flags.string('checkpoint') ?? defaultCheckpointPath(archFlag);
  checkWritable('train', 'checkpoint', path);
  const logPath = flags.string('log');
  if (logPath !== undefined) checkWritable('train', 'log', logPath);
  const backend = await selectBackend(flags.string('backend') as BackendName, io.stderr);

  let restored: Checkpoint | null = null;
  let data: FileFingerprint | undefined;
  if (resume) {
    restored = readCheckpoint('train', path, archFlag);
    try {
      const metadata = recurMetadata('train', path, restored);
      const saved = metadata.options;
      if (flags.has('arch') && saved.arch !== archFlag) {
        throw flags.error(
          `--arch ${archFlag} differs from the run saved in ${path} (${saved.arch}); leave it out to resume`,
        );
      }
      checkResumeFlags(flags, saved, optionsFromFlags(flags, saved.arch), path);
      // The saved data path is never opened: a file must be named again, and match.
      ({ options, data } = await dataFileAgain(flags, path, metadata, io, 'to resume'));
    } catch (error) {
      dispose(restored);
      throw error;
    }
  } else if (options.file !== null) {
    data = await fileFingerprint(options.file);
  }

  const task = await loadTask(options.arch);
  const setup = await task.setup(options, io);
  try {
    const parameters = setup.model.parameters();
    const optimizer = makeOptimizer(options.optimizer, parameters, options.lr);
    const parameterCount = Object.values(parameters).reduce((s, p) => s + p.value.size, 0);
    const log: JsonLinesFile | undefined =
      logPath !== undefined ? jsonLinesFile(logPath) : undefined;

    if (human) {
      println(
        io.stdout,
        `recur train: ${options.arch} · ${describeModel(options)} · ${count(parameterCount)} parameters · ${backend} backend`,
      );
      println(io.stdout, `  data: ${setup.description}`);
      const clip =
        options.clipNorm !== null
          ? `clip norm ${options.clipNorm}`
          : options.clipValue !== null
            ? `clip value ${options.clipValue}`
            : 'no clipping';
      const shape =
        options.arch === 'lm'
          ? `batch ${options.batch} × ${options.seqLen} steps`
          : `batch ${options.batch}`;
      println(
        io.stdout,
        `  ${options.optimizer} lr ${options.lr} · ${clip} · ${shape} · seed ${options.seed} · ${describeLength(length)}${restored ? ` · resuming from step ${restored.step}` : ''}`,
      );
    }

    // The length of the run. A time budget stops by the clock and draws a bar of the time used
    // (how many updates fit depends on the machine and its load).
    let steps: number | undefined;
    let epochs: number | undefined;
    let budget: TimeBudget | null = null;
    const startStep = restored?.step ?? 0;
    if (length.kind === 'steps') steps = length.steps;
    else if (length.kind === 'epochs') {
      epochs = length.epochs;
      steps = length.epochs * setup.batchesPerEpoch;
    } else {
      budget = new TimeBudget({
        start,
        deadline: start + length.minutes * 60_000,
        stream: io.stderr,
      });
      steps = Number.MAX_SAFE_INTEGER; // as many epochs as fit: the clock stops the run
    }

    const trainer = new Trainer<unknown, unknown>({
      model: setup.model,
      optimizer,
      data: setup.data,
      disposeBatches: true,
      ...(setup.carryState ? { carryState: setup.carryState } : {}),
      ...(setup.tokens ? { tokens: setup.tokens } : {}),
      ...(steps !== undefined ? { steps } : {}),
      ...(epochs !== undefined ? { epochs } : {}),
      seed: options.seed,
      ...(options.clipNorm !== null ? { clip: { norm: options.clipNorm } } : {}),
      ...(options.clipValue !== null ? { clip: { value: options.clipValue } } : {}),
      progress: budget ? false : { stream: io.stderr },
      ...(log ? { log } : {}),
      checkpoint: {
        every: flags.numberOr('checkpoint-every', 100),
        save: (checkpoint) => saveCheckpoint(path, checkpoint),
      },
      config: setup.model.config,
      vocabulary: setup.vocabulary,
      metadata: {
        recur: { version: 1, options, description: setup.description, ...(data ? { data } : {}) },
      },
      callbacks: {
        // Ctrl-C (SIGINT) reaches its handler during the run: the trainer yields to the event
        // loop between batches (yieldEvery, 50 ms by default).
        onStep: (record) => budget?.onStep(record),
      },
    });
    if (restored) {
      trainer.restore(restored);
      dispose(restored);
    }

    const interrupt = () => {
      io.stderr.write('\nrecur train: stopping after this batch (Ctrl-C again to quit)\n');
      trainer.stop();
    };
    process.once('SIGINT', interrupt);
    const trainStart = performance.now();
    let result: Awaited<ReturnType<typeof trainer.fit>>;
    try {
      result = await trainer.fit();
    } finally {
      budget?.finish();
      process.removeListener('SIGINT', interrupt);
      log?.close();
    }
    const trainSeconds = (performance.now() - trainStart) / 1000;
    const tokens = result.history.reduce((s, r) => s + r.tokens, 0);
    // The steps given to the trainer for the bar of --epochs and --minutes are only a bound.
    const stopReason =
      budget?.expired && result.stopReason === 'callback'
        ? 'time'
        : epochs !== undefined && result.epoch >= epochs
          ? 'epochs'
          : result.stopReason;
    const lossNow = recentLoss(result.history);
    const unit = setup.unit;
    if (human) {
      const why =
        stopReason === 'time' && length.kind === 'minutes'
          ? `the ${length.minutes} min budget`
          : stopReason === 'callback'
            ? 'Ctrl-C'
            : stopReason;
      println(
        io.stdout,
        `\nTrained ${count(result.history.length)} updates (step ${result.step}, stopped by ${why}) on ${count(tokens)} ${unit} in ${seconds(trainSeconds)}: ${compact(tokens / trainSeconds)} ${unit}/s; training loss ${lossNow.toFixed(3)} (mean of the last 20 updates)`,
      );
    }

    const report = await setup.report({
      io,
      human,
      evaluate: (data) => trainer.evaluate(data),
      flags: {
        prompt: flags.string('prompt'),
        temperature: flags.numberOr('temperature', 0.8),
        length: flags.numberOr('length', 300),
        valChars: flags.numberOr('val-chars', 20000),
        show: flags.numberOr('show', 5),
      },
    });
    trainer.dispose();
    disposeModel(setup.model);

    if (human) {
      const next =
        options.arch === 'lm'
          ? 'recur sample'
          : options.arch === 'seq2seq'
            ? 'recur translate'
            : `recur ${options.arch}`;
      const custom = flags.has('checkpoint') ? ` --checkpoint ${path}` : '';
      const again = custom || (options.arch === 'lm' ? '' : ` --arch ${options.arch}`);
      println(
        io.stdout,
        `\nCheckpoint: ${path} (step ${result.step}). Use it: ${next}${custom} · continue: recur train --resume${again}`,
      );
    } else {
      const summary = {
        command: 'train',
        options,
        backend,
        parameters: parameterCount,
        checkpoint: path,
        resumedFrom: restored ? startStep : null,
        step: result.step,
        updates: result.history.length,
        epoch: result.epoch,
        stopReason,
        seconds: round(trainSeconds, 2),
        tokens,
        tokensPerSecond: round(tokens / trainSeconds, 1),
        // The process's peak resident memory so far (maxRSS is in KiB).
        peakRssBytes: process.resourceUsage().maxRSS * 1024,
        trainLoss: round(lossNow),
        ...report,
      };
      println(io.stdout, JSON.stringify(summary));
    }
  } finally {
    setup.close?.();
  }
}

/** `recur train`. */
export const trainCommand: Command = {
  summary: 'train a model (lm | seq2seq | classify | caption) with checkpoints and resume',
  run,
};
