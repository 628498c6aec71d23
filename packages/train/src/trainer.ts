import { noGrad, type Variable } from '@recur/autograd';
import {
  dispose,
  formatShape,
  keep,
  RecurError,
  Rng,
  type RngState,
  shapesEqual,
  type Tensor,
  tidy,
} from '@recur/tensor';
import { BudgetClock } from './budget-clock.js';
import type { Checkpoint } from './checkpoint.js';
import { checkCheckpoint } from './checkpoint-check.js';
import { batchesOf, knownLength } from './data.js';
import { EarlyStopping } from './early-stopping.js';
import { EventLoopYielder } from './event-loop.js';
import type { TrainableModel, TrainingContext } from './model.js';
import type { Optimizer } from './optimizers/optimizer.js';
import { ProgressReporter } from './progress.js';
import { LrScheduler } from './schedules.js';
import { detachState, disposeState, flattenState, unflattenState } from './state-tree.js';
import { checkTbptt, type TbpttWindow, tbpttWindows } from './tbptt.js';
import type {
  EpochRecord,
  FitResult,
  StepRecord,
  TrainerOptions,
  ValidationRecord,
} from './trainer-options.js';
import { checkTrainerOptions } from './trainer-options.js';
import { checkTrainerProgress, type TrainerProgress } from './trainer-progress.js';
import { computeUpdate } from './update-step.js';

/** What one attempted update produced. */
interface Attempt<State> {
  record: StepRecord;
  state: State | undefined;
}

/**
 * The training loop: batches from a {@link DataSource}, the model's loss, backward, clipping, a
 * non-finite check, the optimizer and schedule (by update, or over the budget of steps or time:
 * `warmupCosine`), truncated BPTT with detached state, validation (every N updates or
 * seconds) with the best model kept, early stopping, callbacks, progress, JSON-lines logs and
 * checkpoints from which a run resumes exactly — a seeded run resumed from a checkpoint reproduces the uninterrupted run's losses
 * bit for bit (same backend), because the data order, the model's RNG, the optimizer state and
 * the carried state are all restored. That holds as long as the model draws every random number
 * it needs while training (dropout, scheduled sampling…) from `context.rng`, as the models of
 * `@recur/architectures` do, and the data function draws only from the generator it is given.
 *
 * Each update runs inside `tidy`, so live tensor counts stay flat. Checkpoints are taken at batch
 * boundaries.
 *
 * @example
 * ```ts
 * const trainer = new Trainer({ model, optimizer: new Adam(model.parameters(), { lr: 1e-2 }),
 *   data: (epoch, rng) => rng.shuffle([...batches]), epochs: 10, clip: { norm: 1 }, seed: 42 });
 * const result = await trainer.fit();
 * ```
 */
export class Trainer<Batch, State = unknown> {
  readonly model: TrainableModel<Batch, State>;
  readonly optimizer: Optimizer;
  readonly scheduler: LrScheduler | null;
  /**
   * The model's generator (dropout, scheduled sampling…), passed in every training
   * {@link TrainingContext}; its state is saved in checkpoints (`rng.model`).
   */
  readonly rng: Rng;
  readonly seed: number;
  /** Updates taken. */
  step = 0;
  /** Epochs completed. */
  epoch = 0;
  /** Batches of the current epoch already trained on. */
  batchInEpoch = 0;
  readonly #options: TrainerOptions<Batch, State>;
  readonly #params: Record<string, Variable>;
  readonly #k2: number | null;
  readonly #early: EarlyStopping | null;
  #best: Record<string, Tensor> | null = null;
  #carried: State | undefined = undefined;
  #epochLossSum = 0;
  #epochUpdates = 0;
  #epochTokens = 0;
  #skippedInARow = 0;
  #lastCheckpointStep = 0;
  #stopRequested = false;
  #earlyFired = false;
  #running = false;
  #runTokens = 0;
  #progress: ProgressReporter | null = null;
  #budget: BudgetClock | null = null;
  #bestValidation: { step: number; loss: number } | null = null;
  #lastValidation: { step: number; loss: number; time: number } | null = null;

  constructor(options: TrainerOptions<Batch, State>) {
    checkTrainerOptions(options);
    this.#options = options;
    this.model = options.model;
    this.optimizer = options.optimizer;
    this.seed = options.seed ?? 0;
    this.rng = new Rng(this.seed);
    this.#params = options.model.parameters();
    this.scheduler = options.schedule ? new LrScheduler(options.optimizer, options.schedule) : null;
    this.#k2 = options.tbptt ? checkTbptt(options.tbptt.k1, options.tbptt.k2) : null;
    this.#early = options.earlyStopping ? new EarlyStopping(options.earlyStopping) : null;
  }

  /** Asks {@link fit} to stop after the current batch. */
  stop(): void {
    this.#stopRequested = true;
  }

  /** Trains until the epochs or steps are done, early stopping fires, or a callback stops it. */
  async fit(): Promise<FitResult> {
    if (this.#running) throw new RecurError('ARGUMENT', 'Trainer.fit: already running');
    this.#stopRequested = false;
    const o = this.#options;
    const epochs =
      o.epochs ??
      (o.steps === undefined && o.timeLimit === undefined ? 1 : Number.POSITIVE_INFINITY);
    const history: StepRecord[] = [];
    const validations: ValidationRecord[] = [];
    const epochRecords: EpochRecord[] = [];
    const length = knownLength(o.data);
    const total =
      o.steps ??
      (length !== undefined && Number.isFinite(epochs) && !o.tbptt ? length * epochs : undefined);
    const steps = o.steps ?? Number.POSITIVE_INFINITY;
    const now = o.now ?? (() => performance.now());
    const fitStart = now();
    const deadline =
      o.timeLimit === undefined ? Number.POSITIVE_INFINITY : fitStart + 1000 * o.timeLimit;
    this.#budget = this.#startBudget(total, fitStart, now);
    this.#progress = this.#makeProgress(total, fitStart, deadline);
    this.#runTokens = 0;
    this.#earlyFired = false;
    this.#lastValidation = { step: this.step, loss: Number.NaN, time: fitStart };
    let restoredBest = false;
    let outOfTime = false;
    const yielder = new EventLoopYielder(o.yieldEvery ?? 50, now);
    this.#running = true;
    try {
      outer: while (this.epoch < epochs && this.step < steps) {
        let index = 0;
        for await (const batch of batchesOf(o.data, this.epoch, this.seed)) {
          if (index++ < this.batchInEpoch) {
            if (o.disposeBatches) dispose(batch);
            continue; // resuming: these were trained on
          }
          if (this.step >= steps) {
            if (o.disposeBatches) dispose(batch); // fetched but never trained on
            break outer;
          }
          try {
            history.push(...(await this.#trainBatch(batch, validations)));
          } finally {
            if (o.disposeBatches) dispose(batch);
          }
          this.batchInEpoch++;
          await this.#maybeCheckpoint(false);
          await yielder.maybeYield();
          if (this.#stopRequested) break outer;
          if (now() >= deadline) {
            outOfTime = true;
            break outer;
          }
        }
        epochRecords.push(await this.#endEpoch(validations));
        if (this.#stopRequested) break;
      }
      const stopReason: FitResult['stopReason'] = this.#earlyFired
        ? 'early-stopping'
        : this.#stopRequested
          ? 'callback'
          : outOfTime
            ? 'time'
            : this.step >= steps
              ? 'steps'
              : 'epochs';
      if (
        o.validation &&
        (o.validation.atEnd ?? o.restoreBest === true) &&
        (validations.length === 0 || validations.at(-1)!.step !== this.step)
      )
        await this.#validate(validations);
      if (o.earlyStopping?.restoreBest && this.#best) {
        this.#restoreBest();
        restoredBest = true;
      }
      if (o.checkpoint && o.checkpoint.atEnd !== false) await this.#maybeCheckpoint(true);
      if (o.restoreBest && this.#best && this.#bestValidation?.step !== this.step) {
        this.#restoreBest();
        restoredBest = true;
      }
      this.#log({
        type: 'end',
        step: this.step,
        epoch: this.epoch,
        stopReason,
        ...(this.#bestValidation ? { bestValidation: this.#bestValidation } : {}),
        restoredBest,
      });
      return {
        step: this.step,
        epoch: this.epoch,
        stopReason,
        history,
        validations,
        epochs: epochRecords,
        best: this.#early?.best ?? null,
        bestValidation: this.#bestValidation,
        restoredBest,
      };
    } finally {
      this.#progress?.finish();
      this.#progress = null;
      this.#budget = null;
      this.#running = false;
    }
  }

  /** The mean loss over `data` without gradients (weighted by tokens when reported). */
  async evaluate(
    data: TrainerOptions<Batch, State>['data'] = this.#requireValidation(),
  ): Promise<number> {
    const context: TrainingContext = {
      training: false,
      rng: new Rng(this.seed ^ 0x5eed),
      step: this.step,
    };
    let state: State | undefined;
    let weighted = 0;
    let weight = 0;
    try {
      for await (const batch of batchesOf(data, 0, this.seed ^ 0x7a11d)) {
        const resetNow =
          typeof this.#options.carryState === 'function' && this.#options.carryState(batch);
        if (resetNow || !this.#options.carryState) {
          disposeState(state);
          state = undefined;
        }
        const { loss, tokens, next } = noGrad(() =>
          tidy(() => {
            const out = this.model.loss(batch, state, context);
            const n = out.tokens ?? this.#options.tokens?.(batch) ?? 1;
            return {
              loss: out.loss.item(),
              tokens: n,
              next: this.#options.carryState ? detachState(out.state) : undefined,
            };
          }),
        );
        disposeState(state);
        if (this.#options.disposeBatches) dispose(batch);
        state = next;
        weighted += loss * tokens;
        weight += tokens;
      }
    } finally {
      disposeState(state);
    }
    return weight === 0 ? Number.NaN : weighted / weight;
  }

  #requireValidation(): TrainerOptions<Batch, State>['data'] {
    const v = this.#options.validation;
    if (!v) throw new RecurError('ARGUMENT', 'Trainer.evaluate: give data or configure validation');
    return v.data;
  }

  async #trainBatch(batch: Batch, validations: ValidationRecord[]): Promise<StepRecord[]> {
    const o = this.#options;
    if (!o.carryState || (typeof o.carryState === 'function' && o.carryState(batch)))
      this.#resetCarried();
    const records: StepRecord[] = [];
    const tbptt = o.tbptt;
    const windows: (TbpttWindow | null)[] = tbptt
      ? tbpttWindows(tbptt.length(batch), tbptt.k1, this.#k2!)
      : [null];
    let start = 0; // the position of this.#carried (the state at `start`)
    let end = 0;
    let endState: State | undefined;
    for (const w of windows) {
      let state = this.#carried;
      if (w && tbptt) {
        if (w.start === end && end > 0) {
          disposeState(this.#carried);
          this.#carried = endState;
          endState = undefined;
          start = end;
        } else if (w.start > start) {
          const [from, to] = [start, w.start];
          this.#carried = this.#advance(() => tbptt.slice(batch, from, to, to), this.#carried);
          start = w.start;
        }
        disposeState(endState);
        endState = undefined;
        state = this.#carried;
      }
      const chunk =
        w && tbptt ? () => tbptt.slice(batch, w.start, w.end, w.lossStart) : () => batch;
      const attempt = this.#update(chunk, state);
      records.push(attempt.record);
      try {
        await this.#afterUpdate(attempt.record, validations);
      } catch (error) {
        disposeState(attempt.state); // not yet the carried state: nothing else would free it
        throw error;
      }
      if (attempt.record.skipped) {
        disposeState(attempt.state);
        this.#resetCarried();
        break;
      }
      if (w) {
        endState = attempt.state;
        end = w.end;
      } else {
        disposeState(this.#carried);
        this.#carried = attempt.state;
      }
    }
    if (tbptt && endState !== undefined) {
      disposeState(this.#carried);
      this.#carried = endState;
    }
    if (!o.carryState) this.#resetCarried();
    return records;
  }

  /** Runs `[from, to)` without gradients to move the carried state forward (k2 > k1). */
  #advance(chunk: () => Batch, state: State | undefined): State | undefined {
    const context: TrainingContext = { training: true, rng: this.rng, step: this.step };
    const next = noGrad(() =>
      tidy(() => detachState(this.model.loss(chunk(), state, context).state)),
    );
    disposeState(state);
    return next;
  }

  #resetCarried(): void {
    disposeState(this.#carried);
    this.#carried = undefined;
  }

  /** One update: loss, backward, clip/measure, non-finite check, optimizer and schedule. */
  #update(makeChunk: () => Batch, state: State | undefined): Attempt<State> {
    const o = this.#options;
    // A budget schedule takes the rate where the budget stands as the update starts.
    if (this.#budget) this.scheduler!.seek(this.#budget.fraction(this.step));
    const lr = this.optimizer.lr;
    const context: TrainingContext = { training: true, rng: this.rng, step: this.step };
    const outcome = computeUpdate(
      {
        model: this.model,
        optimizer: this.optimizer,
        params: this.#params,
        clip: o.clip,
        monitor: o.monitor,
        tokens: o.tokens,
        step: this.step,
      },
      makeChunk,
      state,
      context,
    );
    this.optimizer.zeroGrad();
    const skipped = outcome.problem !== undefined;
    if (!skipped) {
      this.step++;
      this.scheduler?.step(this.#budget?.fraction(this.step));
      this.#skippedInARow = 0;
    }
    const record: StepRecord = {
      step: this.step,
      epoch: this.epoch,
      loss: outcome.loss,
      gradNorm: outcome.gradNorm,
      clipped: outcome.clipped,
      lr,
      tokens: outcome.tokens,
      skipped,
    };
    if (skipped) {
      record.problem = outcome.problem;
      const message = `Trainer: step ${this.step + 1} (epoch ${this.epoch + 1}, batch ${this.batchInEpoch + 1}): ${outcome.problem}`;
      this.#log({ type: 'skip', step: this.step + 1, epoch: this.epoch, problem: outcome.problem });
      if ((o.nonFinite ?? 'stop') === 'stop')
        throw new RecurError('NONFINITE', `${message}; training stopped`);
      this.#skippedInARow++;
      const maxSkips = o.maxSkips ?? 10;
      if (this.#skippedInARow >= maxSkips) {
        throw new RecurError(
          'NONFINITE',
          `${message}; ${maxSkips} updates in a row were skipped, training stopped`,
        );
      }
    }
    return { record, state: outcome.next as State | undefined };
  }

  async #afterUpdate(record: StepRecord, validations: ValidationRecord[]): Promise<void> {
    const o = this.#options;
    if (!record.skipped) {
      this.#epochLossSum += record.loss;
      this.#epochUpdates++;
    }
    this.#epochTokens += record.tokens;
    this.#runTokens += record.tokens;
    const last = this.#lastValidation;
    this.#progress?.update({
      step: this.step,
      epoch: this.epoch + 1,
      loss: record.loss,
      tokens: this.#runTokens,
      ...(last && Number.isFinite(last.loss) ? { validation: last.loss } : {}),
    });
    if (!record.skipped) this.#log({ type: 'step', ...record, tokensSeen: this.#runTokens });
    if ((await o.callbacks?.onStep?.(record)) === 'stop') this.#stopRequested = true;
    const v = o.validation;
    if (!v || record.skipped) return;
    const byStep = v.every !== undefined && this.step % v.every === 0;
    const bySeconds =
      v.everySeconds !== undefined &&
      last !== null &&
      last.step !== this.step &&
      (o.now ?? (() => performance.now()))() - last.time >= 1000 * v.everySeconds;
    if (byStep || bySeconds) await this.#validate(validations);
  }

  async #validate(validations: ValidationRecord[]): Promise<number> {
    const loss = await this.evaluate(this.#options.validation!.data);
    this.#lastValidation = {
      step: this.step,
      loss,
      time: (this.#options.now ?? performance.now.bind(performance))(),
    };
    const watched =
      this.#early && (this.#options.earlyStopping?.monitor ?? 'validation') === 'validation';
    const verdict = watched ? this.#observe(loss) : { improved: false };
    const best = this.#bestValidation;
    const newBest = Number.isFinite(loss) && (best === null || loss < best.loss);
    if (newBest) await this.#keepBest(loss);
    const record: ValidationRecord = {
      step: this.step,
      epoch: this.epoch,
      loss,
      improved: watched ? verdict.improved : newBest,
    };
    validations.push(record);
    this.#log({ type: 'validation', ...record });
    if ((await this.#options.callbacks?.onValidation?.(record)) === 'stop')
      this.#stopRequested = true;
    return loss;
  }

  #observe(value: number): { improved: boolean } {
    const { improved, stop } = this.#early!.observe(value, this.step);
    if (improved && this.#options.earlyStopping?.restoreBest) this.#snapshotBest();
    if (stop) {
      this.#earlyFired = true;
      this.#stopRequested = true;
    }
    return { improved };
  }

  async #endEpoch(validations: ValidationRecord[]): Promise<EpochRecord> {
    const o = this.#options;
    const loss = this.#epochUpdates === 0 ? Number.NaN : this.#epochLossSum / this.#epochUpdates;
    this.epoch++;
    const record: EpochRecord = {
      epoch: this.epoch,
      step: this.step,
      loss,
      tokens: this.#epochTokens,
    };
    this.batchInEpoch = 0;
    this.#epochLossSum = 0;
    this.#epochUpdates = 0;
    this.#epochTokens = 0;
    this.#resetCarried();
    if (o.validation && o.validation.every === undefined && o.validation.everySeconds === undefined)
      record.validationLoss = await this.#validate(validations);
    if (this.#early && o.earlyStopping?.monitor === 'train') this.#observe(loss);
    this.#log({ type: 'epoch', ...record });
    if ((await o.callbacks?.onEpoch?.(record)) === 'stop') this.#stopRequested = true;
    await this.#maybeCheckpoint(false);
    return record;
  }

  async #maybeCheckpoint(atEnd: boolean): Promise<void> {
    const c = this.#options.checkpoint;
    if (!c) return;
    if (this.step === this.#lastCheckpointStep) return;
    if (!atEnd && this.step - this.#lastCheckpointStep < c.every) return;
    this.#lastCheckpointStep = this.step;
    await c.save(this.checkpoint());
    this.#log({ type: 'checkpoint', step: this.step, epoch: this.epoch });
    await this.#options.callbacks?.onCheckpoint?.(this.step);
  }

  /**
   * A checkpoint of the run as it stands (between batches): weights, optimizer and schedule
   * state, RNG state, progress, carried state, config and vocabulary. Its tensors are the live
   * ones — serialize it right away (`serializeCheckpoint`, or `saveCheckpoint` from
   * `@recur/train/node`), do not dispose them.
   */
  checkpoint(): Checkpoint {
    const o = this.#options;
    const parameters: Record<string, Tensor> = {};
    for (const [name, v] of Object.entries(this.#params)) parameters[name] = v.value;
    const flat = flattenState(this.#carried);
    const tensors: Record<string, Tensor> = { ...flat.tensors };
    if (this.#best) for (const [name, t] of Object.entries(this.#best)) tensors[`best/${name}`] = t;
    // The fraction of the budget used as of now: a resumed run goes on from here.
    if (this.#budget) this.scheduler!.seek(this.#budget.fraction(this.step));
    const progress: TrainerProgress = {
      batchInEpoch: this.batchInEpoch,
      epochLossSum: this.#epochLossSum,
      epochUpdates: this.#epochUpdates,
      epochTokens: this.#epochTokens,
      skippedInARow: this.#skippedInARow,
      lastCheckpointStep: this.#lastCheckpointStep,
      early: this.#early?.state() ?? null,
      state: flat.skeleton,
      hasBest: this.#best !== null,
      bestValidation: this.#bestValidation,
    };
    const checkpoint: Checkpoint = {
      step: this.step,
      epoch: this.epoch,
      rng: { model: this.rng.getState() },
      parameters,
      optimizer: this.optimizer.stateDict(),
      tensors,
      metadata: { ...o.metadata, trainer: progress, seed: this.seed },
    };
    if (o.config !== undefined) checkpoint.config = o.config;
    if (o.vocabulary !== undefined) checkpoint.vocabulary = o.vocabulary;
    if (this.scheduler) checkpoint.scheduler = this.scheduler.stateDict();
    return checkpoint;
  }

  /**
   * Continues from a checkpoint of the same model and optimizer: weights, optimizer and schedule
   * state, RNG, step, epoch, position in the epoch, carried state and early-stopping state. The
   * tensors are taken as views, so `dispose(checkpoint)` afterwards is safe. Every field is
   * checked first (as `deserializeCheckpoint` does, plus the parameters' names and shapes, the
   * optimizer's own `loadStateDict` checks and the trainer's progress): a bad checkpoint throws
   * `RecurError` naming the field and leaves the trainer as it was.
   */
  restore(checkpoint: Checkpoint): void {
    const op = 'Trainer.restore';
    checkCheckpoint(op, checkpoint);
    const seed = checkpoint.metadata?.seed;
    if (typeof seed === 'number' && seed !== this.seed) {
      throw new RecurError(
        'ARGUMENT',
        `${op}: the checkpoint was taken with seed ${seed} but this trainer has seed ${this.seed}; every epoch's data order derives from the seed, so the resumed run would not match. Construct the Trainer with seed ${seed}`,
      );
    }
    for (const [name, v] of Object.entries(this.#params)) {
      const t = Object.hasOwn(checkpoint.parameters, name)
        ? checkpoint.parameters[name]
        : undefined;
      if (!t) {
        const known = Object.keys(checkpoint.parameters).join(', ');
        throw new RecurError(
          'ARGUMENT',
          `${op}: the checkpoint has no parameter '${name}' (it has: ${known})`,
        );
      }
      if (!shapesEqual(t.shape, v.shape)) {
        throw new RecurError(
          'SHAPE',
          `${op}: parameter '${name}' is ${formatShape(v.shape)} but ${formatShape(t.shape)} in the checkpoint`,
        );
      }
    }
    const p: TrainerProgress | null = checkTrainerProgress(
      op,
      checkpoint,
      new Map(Object.entries(this.#params).map(([name, v]) => [name, v.shape])),
    );
    if (checkpoint.scheduler && this.scheduler) this.scheduler.checkState(checkpoint.scheduler);
    // The last check: loadStateDict checks everything before it changes anything.
    if (checkpoint.optimizer) this.optimizer.loadStateDict(checkpoint.optimizer);
    for (const [name, v] of Object.entries(this.#params)) {
      const t = checkpoint.parameters[name]!;
      v.assign(keep(t.reshape(t.shape)));
    }
    if (checkpoint.scheduler && this.scheduler) this.scheduler.loadStateDict(checkpoint.scheduler);
    const model = checkpoint.rng?.model as RngState | undefined;
    if (model) this.rng.setState(model);
    this.step = checkpoint.step;
    this.epoch = checkpoint.epoch ?? 0;
    this.#resetCarried();
    this.#disposeBest();
    if (p) {
      this.batchInEpoch = p.batchInEpoch;
      this.#epochLossSum = p.epochLossSum;
      this.#epochUpdates = p.epochUpdates;
      this.#epochTokens = p.epochTokens;
      this.#skippedInARow = p.skippedInARow;
      this.#lastCheckpointStep = p.lastCheckpointStep;
      if (p.early && this.#early) this.#early.load(p.early);
      this.#bestValidation = p.bestValidation ?? null;
      this.#carried = unflattenState(p.state, checkpoint.tensors ?? {}) as State | undefined;
      if (p.hasBest) {
        this.#best = {};
        for (const name of Object.keys(this.#params)) {
          const t = checkpoint.tensors?.[`best/${name}`];
          if (t) this.#best[name] = keep(t.reshape(t.shape));
        }
      }
    } else {
      this.batchInEpoch = 0;
      this.#lastCheckpointStep = this.step;
      this.#bestValidation = null;
    }
  }

  /** Frees what the trainer holds (carried state, best-weights snapshot, optimizer state). */
  dispose(): void {
    this.#resetCarried();
    this.#disposeBest();
    this.optimizer.dispose();
  }

  /** A new best validation loss: remember it, snapshot the weights, save the best checkpoint. */
  async #keepBest(loss: number): Promise<void> {
    const o = this.#options;
    this.#bestValidation = { step: this.step, loss };
    if (o.restoreBest) this.#snapshotBest();
    if (o.checkpoint?.saveBest) {
      await o.checkpoint.saveBest(this.checkpoint());
      this.#log({ type: 'checkpoint', step: this.step, epoch: this.epoch, best: true });
    }
  }

  /**
   * The budget a {@link BudgetSchedule} anneals over, and the learning rate where this `fit`
   * starts in it; null for step schedules and no schedule.
   */
  #startBudget(total: number | undefined, start: number, now: () => number): BudgetClock | null {
    const scheduler = this.scheduler;
    if (!scheduler?.followsBudget) return null;
    const o = this.#options;
    const saved = scheduler.fraction;
    const clock = new BudgetClock({
      ...(total !== undefined ? { steps: total } : {}),
      ...(o.timeLimit !== undefined ? { timeLimit: o.timeLimit } : {}),
      start,
      startFraction: o.timeLimit !== undefined && saved < 1 ? saved : 0,
      now,
    });
    if (!clock.bounded) {
      throw new RecurError(
        'ARGUMENT',
        'Trainer.fit: the schedule anneals over a budget; give steps, timeLimit, or epochs of data whose length is known (an array of batches, without tbptt)',
      );
    }
    scheduler.seek(clock.fraction(this.step));
    return clock;
  }

  #snapshotBest(): void {
    this.#disposeBest();
    this.#best = {};
    for (const [name, v] of Object.entries(this.#params))
      this.#best[name] = keep(v.value.reshape(v.shape));
  }

  #restoreBest(): void {
    for (const [name, v] of Object.entries(this.#params)) {
      const t = this.#best![name];
      if (t) v.assign(keep(t.reshape(t.shape)));
    }
  }

  #disposeBest(): void {
    if (this.#best) for (const t of Object.values(this.#best)) t.dispose();
    this.#best = null;
  }

  #log(record: Record<string, unknown>): void {
    const sink = this.#options.log;
    if (!sink) return;
    const full = { ...record, time: Date.now() };
    if (typeof sink === 'function') sink(full);
    else sink.write(`${JSON.stringify(full)}\n`);
  }

  #makeProgress(
    total: number | undefined,
    start: number,
    deadline: number,
  ): ProgressReporter | null {
    const p = this.#options.progress ?? true;
    if (p === false) return null;
    const options: ConstructorParameters<typeof ProgressReporter>[0] = {};
    if (total !== undefined) options.total = total;
    else if (Number.isFinite(deadline)) options.time = { start, deadline };
    if (this.#options.now) options.now = this.#options.now;
    if (typeof p === 'object') {
      options.stream = p.stream;
      if (p.lineMs !== undefined) options.lineMs = p.lineMs;
    }
    return new ProgressReporter(options);
  }
}
