import { disposeModel } from '@recur/architectures';
import { type FileFingerprint, fileFingerprint } from '@recur/datasets/node';
import { dispose } from '@recur/tensor';
import { type Checkpoint, createOptimizer, type StepRecord, Trainer } from '@recur/train';
import { type JsonLinesFile, jsonLinesFile, saveCheckpoint } from '@recur/train/node';
import { type BackendName, selectBackend } from '../backend.js';
import { defaultCheckpointPath, readCheckpoint, recurMetadata } from '../checkpoint.js';
import { helpText, parseFlags } from '../flags.js';
import { compact, count, round, seconds } from '../format.js';
import { type Command, type CommandIO, println } from '../io.js';
import { TASKS } from '../tasks/catalog.js';
import { loadTask } from '../tasks/index.js';
import { ARCHITECTURES, type Arch } from '../tasks/task.js';
import { bestCheckpointPath, checkWritable } from '../training/output-path.js';
import { dataFileAgain } from '../training/resume-data.js';
import {
  checkResumeFlags,
  describeLength,
  describeModel,
  lengthFromFlags,
  optionsFromFlags,
} from '../training/run-options.js';
import { savedSchedule, scheduleFromFlags, validationSeconds } from '../training/schedule.js';
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
Ctrl-C stops after the current batch and still saves the checkpoint.

The learning rate warms up, then anneals (cosine) over the run's budget — its minutes, updates
or epochs — so a longer run ends lower; --schedule constant keeps it fixed. A fixed held-out
slice is evaluated every --val-every seconds (shown as 'val' on the progress line); the best
weights are saved beside the checkpoint (checkpoints/lm.best.ckpt) and, when the last are
worse, restored for the final report, which says which model it used.`;
}

const USAGE =
  'recur train [--arch lm|seq2seq|classify|caption|forecast] [--cell lstm] [--dataset <name> | --file <path>] [options]';

/** A loss for people: 3 decimals, or 3 significant digits below 0.01 (a forecaster's MSE). */
function lossText(loss: number): string {
  return Math.abs(loss) >= 0.01 || loss === 0 || !Number.isFinite(loss)
    ? loss.toFixed(3)
    : loss.toPrecision(3);
}

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
  const valEvery = validationSeconds(flags, length);
  const resume = flags.bool('resume');
  const archFlag = flags.string('arch') as Arch;
  // Check the flags before anything slow happens.
  let options = optionsFromFlags(flags, archFlag);
  const path = flags.string('checkpoint') ?? defaultCheckpointPath(archFlag);
  checkWritable('train', 'checkpoint', path);
  const bestPath = bestCheckpointPath(path);
  let schedule = scheduleFromFlags(flags);
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
      // Without --schedule, the run goes on with its own (checkpoints from before schedules
      // trained at a constant rate).
      if (!flags.has('schedule')) schedule = scheduleFromFlags(flags, savedSchedule(restored));
    } catch (error) {
      dispose(restored);
      throw error;
    }
  } else if (options.file !== null) {
    data = await fileFingerprint(options.file);
  }

  const task = await loadTask(options.arch);
  const setup = await task.setup(options, io, { valChars: flags.numberOr('val-chars', 20000) });
  if (setup.options) options = setup.options;
  try {
    const parameters = setup.model.parameters();
    const optimizer = createOptimizer(options.optimizer, parameters, { lr: options.lr });
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
        `  ${options.optimizer} lr ${options.lr} (${schedule.description}) · ${clip} · ${shape} · seed ${options.seed} · ${describeLength(length)}${restored ? ` · resuming from step ${restored.step}` : ''}`,
      );
      println(io.stdout, `  validation: ${setup.validationDescription}, every ${valEvery} s`);
    }

    // The length of the run. A time budget is the trainer's timeLimit: it stops by the clock,
    // the bar shows the time used (how many updates fit depends on the machine and its load) and
    // the schedule anneals over it. The minutes count from the command's start.
    let steps: number | undefined;
    let epochs: number | undefined;
    let timeLimit: number | undefined;
    const startStep = restored?.step ?? 0;
    if (length.kind === 'steps') steps = length.steps;
    else if (length.kind === 'epochs') {
      epochs = length.epochs;
      steps = length.epochs * setup.batchesPerEpoch;
    } else {
      timeLimit = Math.max(0, (start + length.minutes * 60_000 - performance.now()) / 1000);
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
      ...(timeLimit !== undefined ? { timeLimit } : {}),
      ...(schedule.schedule ? { schedule: schedule.schedule } : {}),
      validation: { data: setup.validation, everySeconds: valEvery, atEnd: true },
      restoreBest: true,
      seed: options.seed,
      ...(options.clipNorm !== null ? { clip: { norm: options.clipNorm } } : {}),
      ...(options.clipValue !== null ? { clip: { value: options.clipValue } } : {}),
      progress: { stream: io.stderr },
      ...(log ? { log } : {}),
      checkpoint: {
        every: flags.numberOr('checkpoint-every', 100),
        save: (checkpoint) => saveCheckpoint(path, checkpoint),
        saveBest: (checkpoint) => saveCheckpoint(bestPath, checkpoint),
      },
      config: setup.model.config,
      vocabulary: setup.vocabulary,
      metadata: {
        recur: {
          version: 1,
          options,
          description: setup.description,
          schedule: schedule.name,
          ...(data ? { data } : {}),
        },
      },
      // Ctrl-C (SIGINT) reaches its handler during the run: the trainer yields to the event
      // loop between batches (yieldEvery, 50 ms by default).
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
      process.removeListener('SIGINT', interrupt);
      log?.close();
    }
    const trainSeconds = (performance.now() - trainStart) / 1000;
    const tokens = result.history.reduce((s, r) => s + r.tokens, 0);
    // The steps given to the trainer for the bar of --epochs are only a bound.
    const stopReason =
      epochs !== undefined && result.epoch >= epochs ? 'epochs' : result.stopReason;
    // The validation loss of the model kept (the best seen: the last, or the best restored).
    const best = result.bestValidation;
    const lastValidation = result.validations.at(-1);
    const kept = result.restoredBest ? 'best' : 'last';
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
        `\nTrained ${count(result.history.length)} updates (step ${result.step}, stopped by ${why}) on ${count(tokens)} ${unit} in ${seconds(trainSeconds)}: ${compact(tokens / trainSeconds)} ${unit}/s; training loss ${lossText(lossNow)} (mean of the last 20 updates)`,
      );
      if (best && lastValidation) {
        println(
          io.stdout,
          result.restoredBest
            ? `Using the best model: step ${best.step}, validation loss ${lossText(best.loss)} (the last, step ${lastValidation.step}, had ${lossText(lastValidation.loss)}); saved as ${bestPath}`
            : `Using the last model: step ${result.step}, validation loss ${lossText(lastValidation.loss)}, the best of ${result.validations.length} validation${result.validations.length === 1 ? '' : 's'}`,
        );
      }
    }

    const report = await setup.report({
      io,
      human,
      evaluate: (data) => trainer.evaluate(data),
      ...(best ? { validationLoss: best.loss } : {}),
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
      if (best) {
        const use = best.step === result.step ? '' : `; use it: ${next} --checkpoint ${bestPath}`;
        println(io.stdout, `Best: ${bestPath} (step ${best.step})${use}`);
      }
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
        schedule: schedule.name,
        validations: result.validations.map((v) => ({ step: v.step, loss: round(v.loss) })),
        model: kept,
        best: best ? { step: best.step, loss: round(best.loss), checkpoint: bestPath } : null,
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
  summary:
    'train a model (lm | seq2seq | classify | caption | forecast) with checkpoints and resume',
  run,
};
