import { concat, dropout, type Variable } from '@recur/autograd';
import {
  checkOptions,
  formatShape,
  isRng,
  keep,
  RecurError,
  type Rng,
  type Tensor,
} from '@recur/tensor';
import type { CellState, RecurrentCell } from './cells/cell.js';
import { checkMask, checkSequenceInput } from './checks.js';
import { rngFrom } from './initializers.js';
import { type CellKind, cellDefinition, type StateOf } from './registry.js';
import { sequence } from './sequence.js';

export type { StateOf } from './registry.js';

/** One layer's final (or initial) state: the forward direction's, and the backward one's when bidirectional. */
export interface LayerState<S extends CellState> {
  forward: S;
  backward?: S;
}

/** Options of {@link RecurrentLayer}. */
export interface RecurrentLayerOptions<K extends CellKind> {
  /** A registered cell kind (`registry.ts`): `rnn` (tanh), `irnn` (ReLU, identity init), `lstm`, `gru`, … */
  cell: K;
  /** Features per step of the input, I. */
  inputSize: number;
  /** Hidden units per direction, H. */
  hiddenSize: number;
  /** Stacked layers (default 1); layer l > 0 reads layer l−1's outputs. */
  numLayers?: number;
  /** Add a second cell per layer that reads the sequence backwards; outputs concatenate to 2H. */
  bidirectional?: boolean;
  /** Dropout rate on the outputs of every layer but the last (training only; default 0). */
  dropout?: number;
  /**
   * Carry the final states over to the next call as its initial state, detached (truncated
   * BPTT over consecutive chunks of one long sequence). {@link RecurrentLayer.resetStates} clears them.
   */
  stateful?: boolean;
  /** Fused sequence kernels (default true) or the composed reference path. */
  fused?: boolean;
  /**
   * Options passed to every cell (`forgetBias`, `init`, `gain`, `inputStd`, `resetAfter`,
   * `recurrentActivation`): those
   * its kind's registry entry lists as `optionKeys`; others are refused by name.
   */
  cellOptions?: {
    forgetBias?: number;
    init?: 'keras' | 'uniform';
    gain?: number;
    inputStd?: number;
    /** GRU only: the "reset after" variant (PyTorch `nn.GRU`, Keras `reset_after=True`). */
    resetAfter?: boolean;
    /** LSTM and GRU: the gates' activation, `sigmoid` (default) or TF.js's `hardSigmoid`. */
    recurrentActivation?: 'sigmoid' | 'hardSigmoid';
  };
  /**
   * Seed for the initial weights (or give `rng`). Dropout masks come from the `rng` of each
   * training call of {@link RecurrentLayer.forward}, not from this one.
   */
  seed?: number;
  rng?: Rng;
}

/** Options of {@link RecurrentLayer.forward}. */
export interface LayerCallOptions<S extends CellState> {
  /** One state per layer; zeros (or the carried state, when stateful) by default. */
  initialState?: readonly LayerState<S>[];
  /** `[B, T]`; 0 marks padded steps (see {@link SequenceOptions.mask}). */
  mask?: Tensor;
  /** Apply dropout between layers (default false). */
  training?: boolean;
  /**
   * The generator of the dropout masks: required when `training` and the layer has dropout
   * between layers (`dropout > 0`, `numLayers > 1`). The layer keeps no generator of its own, so
   * every draw comes from state the caller owns: pass the `TrainingContext.rng` of `@recur/train`
   * (saved in checkpoints), and a resumed run draws the same masks as one that never stopped.
   */
  rng?: Rng;
}

/** What {@link RecurrentLayer.forward} returns. */
export interface LayerResult<S extends CellState> {
  /** The last layer's hidden state at every step, `[B, T, H]` (`[B, T, 2H]` bidirectional: forward then backward). */
  outputs: Variable;
  /** Every layer's final state. */
  states: LayerState<S>[];
}

const LAYER_OPTIONS = [
  'cell',
  'inputSize',
  'hiddenSize',
  'numLayers',
  'bidirectional',
  'dropout',
  'stateful',
  'fused',
  'cellOptions',
  'seed',
  'rng',
];

/**
 * Forward propagation through time over stacked (and optionally bidirectional) recurrent
 * layers: input `[B, T, I]` → every hidden state of the last layer `[B, T, H]` and every
 * layer's final state. Dropout between layers, masks for variable lengths, and stateful
 * carry-over for truncated BPTT.
 *
 * The layer draws random numbers only for dropout, only while training, and only from the `rng`
 * given to {@link RecurrentLayer.forward}: it holds no generator of its own, so a checkpoint that
 * saves the caller's generator (the trainer's) resumes exactly.
 *
 * ```ts
 * const lstm = new RecurrentLayer({ cell: 'lstm', inputSize: 8, hiddenSize: 64, numLayers: 2,
 *   dropout: 0.2, seed: 1 });
 * const { outputs, states } = lstm.forward(x);      // outputs [B, T, 64]; states[1].forward.c
 * lstm.forward(x, { training: true, rng });         // dropout masks drawn from rng
 * ```
 */
export class RecurrentLayer<K extends CellKind = CellKind> {
  readonly kind: K;
  readonly inputSize: number;
  readonly hiddenSize: number;
  readonly numLayers: number;
  readonly bidirectional: boolean;
  readonly dropout: number;
  readonly stateful: boolean;
  readonly fused: boolean;
  /** The cells of each layer: `forward`, and `backward` when bidirectional. */
  readonly cells: ReadonlyArray<{
    forward: RecurrentCell<StateOf<K>>;
    backward?: RecurrentCell<StateOf<K>>;
  }>;
  #carried: LayerState<StateOf<K>>[] | null = null;
  /** The states the previous call started from: a backward pass after it may still read them. */
  #retired: LayerState<StateOf<K>>[] | null = null;

  constructor(options: RecurrentLayerOptions<K>) {
    checkOptions('RecurrentLayer', options, LAYER_OPTIONS);
    const {
      numLayers = 1,
      bidirectional = false,
      dropout: rate = 0,
      stateful = false,
      fused = true,
    } = options;
    const definition = cellDefinition('RecurrentLayer: cell', options.cell);
    if (options.cellOptions !== undefined) {
      checkOptions(
        `RecurrentLayer: cellOptions of a '${options.cell}' cell`,
        options.cellOptions,
        definition.optionKeys,
      );
    }
    if (!Number.isInteger(numLayers) || numLayers < 1) {
      throw new RecurError(
        'ARGUMENT',
        `RecurrentLayer: numLayers must be a positive integer, got ${numLayers}`,
      );
    }
    if (!(rate >= 0 && rate < 1))
      throw new RecurError('RANGE', `RecurrentLayer: dropout must be in [0, 1), got ${rate}`);
    const rng = rngFrom('RecurrentLayer', options);
    this.kind = options.cell;
    this.inputSize = options.inputSize;
    this.hiddenSize = options.hiddenSize;
    this.numLayers = numLayers;
    this.bidirectional = bidirectional;
    this.dropout = rate;
    this.stateful = stateful;
    this.fused = fused;
    const cells: { forward: RecurrentCell<StateOf<K>>; backward?: RecurrentCell<StateOf<K>> }[] =
      [];
    const width = bidirectional ? 2 * options.hiddenSize : options.hiddenSize;
    const made: RecurrentCell<StateOf<K>>[] = [];
    try {
      for (let l = 0; l < numLayers; l++) {
        const inputSize = l === 0 ? options.inputSize : width;
        const make = () => {
          const cell = definition.make({
            ...options.cellOptions,
            inputSize,
            hiddenSize: options.hiddenSize,
            rng,
          }) as unknown as RecurrentCell<StateOf<K>>;
          made.push(cell);
          return cell;
        };
        cells.push(bidirectional ? { forward: make(), backward: make() } : { forward: make() });
      }
      // The draw that once seeded a private dropout generator: kept, so a given seed still gives
      // the initial weights it gave before (models draw more weights from the same rng after this).
      rng.next();
    } catch (error) {
      // a deeper layer's cell can still fail (e.g. its [2H, g·H] input weight is over the
      // tensor limit), or a draw after them: free the cells already made
      for (const cell of made) cell.dispose();
      throw error;
    }
    this.cells = cells;
  }

  /** Whether `forward` with `training: true` draws dropout masks (and so needs an `rng`). */
  get drawsWhenTraining(): boolean {
    return this.dropout > 0 && this.numLayers > 1;
  }

  /** Width of each output step: H, or 2H when bidirectional. */
  get outputSize(): number {
    return this.bidirectional ? 2 * this.hiddenSize : this.hiddenSize;
  }

  /** Runs every layer over `x` (`[B, T, I]`). */
  forward(
    x: Variable | Tensor,
    options: LayerCallOptions<StateOf<K>> = {},
  ): LayerResult<StateOf<K>> {
    const op = 'RecurrentLayer.forward';
    checkOptions(op, options, ['initialState', 'mask', 'training', 'rng']);
    disposeStates(this.#retired);
    this.#retired = null;
    const { B, T } = checkSequenceInput(op, { inputSize: this.inputSize }, x);
    const mask = checkMask(op, options.mask, B, T);
    const initial = options.initialState ?? this.#carried ?? undefined;
    if (initial) this.#checkInitial(op, initial, B, options.initialState === undefined);
    const training = options.training ?? false;
    if (training && this.drawsWhenTraining && !isRng(options.rng)) {
      throw new RecurError(
        'ARGUMENT',
        `${op}: training with dropout ${this.dropout} between ${this.numLayers} layers draws masks from options.rng, which must be an Rng (e.g. the TrainingContext's rng, saved in checkpoints); got ${options.rng === undefined ? 'none' : typeof options.rng}`,
      );
    }
    let input: Variable | Tensor = x;
    const states: LayerState<StateOf<K>>[] = [];
    this.cells.forEach((layer, l) => {
      if (l > 0 && this.dropout > 0 && training)
        input = dropout(input, this.dropout, options.rng as Rng);
      const common = { fused: this.fused, ...(mask ? { mask } : {}) };
      const start = initial?.[l];
      const fwd = sequence(layer.forward, input, {
        ...common,
        ...(start ? { initialState: start.forward } : {}),
      });
      if (!layer.backward) {
        states.push({ forward: fwd.state });
        input = fwd.outputs;
        return;
      }
      const back = sequence(layer.backward, input, {
        ...common,
        reverse: true,
        ...(start?.backward ? { initialState: start.backward } : {}),
      });
      states.push({ forward: fwd.state, backward: back.state });
      input = concat([fwd.outputs, back.outputs], 2);
    });
    if (this.stateful) this.#carry(states);
    return { outputs: input as Variable, states };
  }

  /** Drops the carried states of a stateful layer (call at the start of a new sequence). */
  resetStates(): void {
    disposeStates(this.#carried);
    disposeStates(this.#retired);
    this.#carried = null;
    this.#retired = null;
  }

  /** The states carried to the next call (stateful layers), or null. */
  get carriedStates(): readonly LayerState<StateOf<K>>[] | null {
    return this.#carried;
  }

  /**
   * Every parameter, named `layer{l}.{forward|backward}.{name}` with the cell's article names,
   * e.g. `layer0.forward.W_x`.
   */
  parameters(): Record<string, Variable> {
    const out: Record<string, Variable> = {};
    this.cells.forEach((layer, l) => {
      for (const [direction, cell] of Object.entries(layer)) {
        if (!cell) continue;
        for (const [name, p] of Object.entries(cell.parameters()))
          out[`layer${l}.${direction}.${name}`] = p;
      }
    });
    return out;
  }

  /** Frees every parameter and carried state. */
  dispose(): void {
    this.resetStates();
    for (const layer of this.cells) {
      layer.forward.dispose();
      layer.backward?.dispose();
    }
  }

  #checkInitial(
    op: string,
    initial: readonly LayerState<StateOf<K>>[],
    B: number,
    carried: boolean,
  ): void {
    if (!Array.isArray(initial) || initial.length !== this.numLayers) {
      throw new RecurError(
        'ARGUMENT',
        `${op}: initialState must hold one state per layer (${this.numLayers}), got ${Array.isArray(initial) ? initial.length : typeof initial}`,
      );
    }
    const first = initial[0]?.forward as { a?: Variable } | undefined;
    const batch = first?.a?.shape[0];
    if (carried && batch !== B) {
      throw new RecurError(
        'SHAPE',
        `${op}: this stateful layer carries states for batch ${batch}, but x has batch ${B} ${formatShape(first?.a?.shape ?? [])}; call resetStates() first`,
      );
    }
    if (this.bidirectional && initial.some((s) => !s.backward)) {
      throw new RecurError(
        'ARGUMENT',
        `${op}: a bidirectional layer's initialState needs { forward, backward } for every layer`,
      );
    }
  }

  #carry(states: LayerState<StateOf<K>>[]): void {
    const detached = states.map((layer) => {
      const out: LayerState<StateOf<K>> = { forward: detachState(layer.forward) };
      if (layer.backward) out.backward = detachState(layer.backward);
      return out;
    });
    disposeStates(this.#retired);
    this.#retired = this.#carried;
    this.#carried = detached;
  }
}

function disposeStates<S extends CellState>(states: readonly LayerState<S>[] | null): void {
  for (const layer of states ?? []) {
    for (const state of [layer.forward, layer.backward]) {
      if (state) for (const v of Object.values(state)) (v as Variable).dispose();
    }
  }
}

/** A state with every field detached (no gradient into the previous chunk) and kept out of tidy scopes. */
function detachState<S extends CellState>(state: S): S {
  const out: Record<string, Variable> = {};
  for (const [name, v] of Object.entries(state)) {
    const d = (v as Variable).detach();
    keep(d.value);
    out[name] = d;
  }
  return out as unknown as S;
}
