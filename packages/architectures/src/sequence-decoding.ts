import { gather, logSoftmax, noGrad, reshape, type Variable } from '@recur/autograd';
import { RecurError, type Tensor, tensor, tidy } from '@recur/tensor';
import type { AttentionMemory } from './attention.js';
import { beamSearch, type Hypothesis } from './beam-search.js';
import type { TokenDecoder } from './decoder.js';
import { greedy } from './decoding.js';
import { type RecurrentState, selectStateRows } from './states.js';

/**
 * Where decoding starts, for a batch: the decoder's initial state (the encoder's final state, an
 * image's projection; omitted = zeros), an optional first input that replaces the start token's
 * embedding at step 1 (an image fed as x⟨1⟩), and the encoder memory when the decoder attends.
 */
export interface DecodeStart {
  state?: RecurrentState | undefined;
  firstInput?: Variable | undefined;
  memory?: AttentionMemory | undefined;
}

/** Token ids and limits shared by the decoding loops. */
export interface DecodeLimits {
  startToken: number;
  stopToken: number;
  /** The most tokens generated per sequence (the stop token included). */
  maxLength: number;
}

/** Rows `rows` of an attention memory (a beam's copies of one source sentence). */
export function selectMemoryRows(
  memory: AttentionMemory,
  rows: readonly number[],
): AttentionMemory {
  const indices = tensor(Int32Array.from(rows), [rows.length], 'int32');
  const out: AttentionMemory = {
    values: gather(memory.values, indices, 0),
    keys: gather(memory.keys, indices, 0),
  };
  if (memory.mask) out.mask = gather(memory.mask, indices, 0).value;
  return out;
}

function checkLimits(fn: string, limits: DecodeLimits, vocabularySize: number): void {
  if (!Number.isInteger(limits.maxLength) || limits.maxLength < 1) {
    throw new RecurError(
      'RANGE',
      `${fn}: maxLength is ${limits.maxLength}; expected an integer >= 1`,
    );
  }
  for (const key of ['startToken', 'stopToken'] as const) {
    const v = limits[key];
    if (!Number.isInteger(v) || v < 0 || v >= vocabularySize) {
      throw new RecurError(
        'RANGE',
        `${fn}: ${key} is ${v}; expected a token id in [0, ${vocabularySize})`,
      );
    }
  }
}

/** One decoder step from explicit inputs `[B, 1, I]` or token ids. */
function stepLogits(
  decoder: TokenDecoder,
  input: Variable | readonly number[],
  state: RecurrentState | undefined,
  memory: AttentionMemory | undefined,
): { logits: Variable; state: RecurrentState } {
  const x = Array.isArray(input)
    ? decoder.embedStep(input as readonly number[])
    : (input as Variable);
  const out = decoder.run(x, { initialState: state, memory });
  return { logits: reshape(out.logits, [x.shape[0]!, decoder.vocabularySize]), state: out.state };
}

/**
 * Greedy decoding of a batch: at every step each sequence takes its most likely token, which is
 * fed back as the next input, until it emits `stopToken` or reaches `maxLength`. Returns the
 * tokens of each sequence without the stop token. Runs without a graph; everything it makes is
 * freed before it returns.
 */
export function greedyDecode(
  decoder: TokenDecoder,
  start: DecodeStart,
  batch: number,
  limits: DecodeLimits,
): number[][] {
  checkLimits('greedyDecode', limits, decoder.vocabularySize);
  const V = decoder.vocabularySize;
  return noGrad(() =>
    tidy(() => {
      const out: number[][] = Array.from({ length: batch }, () => []);
      const done = new Array<boolean>(batch).fill(false);
      let state = start.state;
      let input: Variable | number[] =
        start.firstInput ?? new Array<number>(batch).fill(limits.startToken);
      for (let t = 0; t < limits.maxLength && done.some((d) => !d); t++) {
        const step = stepLogits(decoder, input, state, start.memory);
        const logits = step.logits.value.data();
        const next: number[] = [];
        for (let b = 0; b < batch; b++) {
          const token = greedy(logits.subarray(b * V, (b + 1) * V));
          next.push(token);
          if (done[b]) continue;
          if (token === limits.stopToken) done[b] = true;
          else out[b]!.push(token);
        }
        state = step.state;
        input = next;
      }
      return out;
    }),
  );
}

/** Options of {@link beamDecode}. */
export interface BeamDecodeOptions extends DecodeLimits {
  beamWidth: number;
  /** Length normalisation exponent α (score = logProb / length^α); default 1. */
  lengthPenalty?: number;
  /** Hypotheses returned, best first (default beamWidth). */
  numResults?: number;
}

interface BeamState {
  rnn: RecurrentState | undefined;
  first: boolean;
}

/**
 * Beam search for one sequence (`start` holds a batch of one): all live hypotheses advance as one
 * batched decoder step; see {@link beamSearch}. Runs without a graph and frees what it makes.
 */
export function beamDecode(
  decoder: TokenDecoder,
  start: DecodeStart,
  options: BeamDecodeOptions,
): Hypothesis[] {
  checkLimits('beamDecode', options, decoder.vocabularySize);
  const batch = start.firstInput?.shape[0] ?? start.state?.[0]?.forward.a.shape[0] ?? 1;
  if (batch !== 1)
    throw new RecurError(
      'SHAPE',
      `beamDecode: decodes one sequence at a time; the start state has batch ${batch}`,
    );
  return noGrad(() =>
    tidy(() => {
      const memoryFor = new Map<number, AttentionMemory>();
      const memory = (rows: number): AttentionMemory | undefined => {
        if (!start.memory) return undefined;
        if (!memoryFor.has(rows))
          memoryFor.set(rows, selectMemoryRows(start.memory, new Array<number>(rows).fill(0)));
        return memoryFor.get(rows);
      };
      return beamSearch<BeamState>({
        initialState: { rnn: start.state, first: true },
        startToken: options.startToken,
        stopToken: options.stopToken,
        beamWidth: options.beamWidth,
        maxLength: options.maxLength,
        ...(options.lengthPenalty !== undefined ? { lengthPenalty: options.lengthPenalty } : {}),
        ...(options.numResults !== undefined ? { numResults: options.numResults } : {}),
        step: (tokens, state) => {
          const input = state.first && start.firstInput ? start.firstInput : Array.from(tokens);
          const out = stepLogits(decoder, input, state.rnn, memory(tokens.length));
          return {
            logProbs: logSoftmax(out.logits, -1).value.data() as Float32Array,
            state: { rnn: out.state, first: false },
          };
        },
        reorder: (state, rows) => ({
          rnn: state.rnn && selectStateRows(state.rnn, rows),
          first: state.first,
        }),
      });
    }),
  );
}

/** The token ids of a `[B, T]` int32 tensor as rows. */
export function rowsOf(ids: Tensor): number[][] {
  const [B, T] = ids.shape as [number, number];
  const values = ids.data();
  return Array.from({ length: B }, (_, b) => Array.from(values.subarray(b * T, (b + 1) * T)));
}
