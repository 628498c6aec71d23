import { ALPHABET, batchStrings, type CharBatch } from '../workloads/char-lm.js';

type BrainModule = typeof import('brain.js');
type BrainRnn = InstanceType<BrainModule['recurrent']['RNN']>;

let loaded: Promise<BrainModule> | null = null;

/** Loads brain.js on first use (it pulls in gpu.js). */
function load(): Promise<BrainModule> {
  loaded ??= import('brain.js');
  return loaded;
}

/** The brain.js cells the bench drives: `recurrent.LSTM`, and `recurrent.RNN` (a ReLU RNN). */
export type BrainCell = 'lstm' | 'rnn';

/**
 * A brain.js character model: `recurrent.LSTM` (or `recurrent.RNN`) with one hidden layer of H
 * units, trained on strings. brain.js has no batching: it trains one string per call (forward,
 * backward, then its own update — RMSProp-style with per-value gradient clipping at 5, no Adam)
 * and embeds characters through an input matrix of width = vocabulary + 1.
 */
export class BrainCharLm {
  readonly #net: BrainRnn;
  readonly #sequences: number[][];
  #next = 0;

  private constructor(net: BrainRnn, sequences: number[][]) {
    this.#net = net;
    this.#sequences = sequences;
  }

  /** Builds the network for `H` hidden units and formats the batch's strings. */
  static async create(cell: BrainCell, H: number, batch: CharBatch): Promise<BrainCharLm> {
    const brain = await load();
    const strings = batchStrings(batch);
    const Net = cell === 'lstm' ? brain.recurrent.LSTM : brain.recurrent.RNN;
    const net = new Net({ hiddenLayers: [H] });
    // One iteration over one string holding every character sets up the vocabulary (all V
    // characters, whether or not this batch uses them) and the model.
    net.train([ALPHABET], { iterations: 1, errorThresh: 0, log: false });
    const sequences = strings.map((s) => net.options.dataFormatter.formatDataIn(s));
    return new BrainCharLm(net, sequences);
  }

  /** Characters in brain.js's vocabulary (it adds one for unknown characters). */
  get vocabulary(): number {
    return this.#net.options.dataFormatter.characters.length;
  }

  #sequence(): number[] {
    const s = this.#sequences[this.#next]!;
    this.#next = (this.#next + 1) % this.#sequences.length;
    return s;
  }

  /** Trains on the next string of the batch (T tokens). Returns brain.js's error value. */
  trainSequence(): number {
    return this.#net.trainPattern(this.#sequence(), true);
  }

  /**
   * Forward pass over the next string with teacher forcing (brain.js's `trainInput`, which also
   * computes the loss but does not back-propagate or update): inference over T given tokens.
   */
  inferSequence(): number {
    return this.#net.trainInput(this.#sequence());
  }
}
