import { CELL_KINDS, CELLS, type CellKind, isCellKind } from '@recur/cells';
import { RecurError } from '@recur/tensor';
import type { GraphBuilder } from './graph-builder.js';
import type { ParameterReader } from './parameters.js';

/** The recurrent cells recur has, by their config names (`@recur/cells`' registry). */
export type { CellKind };

/** A stacked (optionally bidirectional) recurrent layer as its model's config describes it. */
export interface StackSpec {
  /** Prefix of its parameter names, e.g. `rnn.` (then `rnn.layer0.forward.W_x`). */
  prefix: string;
  cell: CellKind;
  inputSize: number;
  hiddenSize: number;
  numLayers: number;
  bidirectional: boolean;
}

/** One layer's final state: `[num_directions, batch, H]` values (`c` for the LSTM). */
export interface LayerStateValues {
  h: string;
  c?: string;
}

/**
 * The ONNX operator of each cell that has one, and how recur's fused gate blocks map onto its
 * gate order (`docs/notation.md`): ONNX LSTM gates are i, o, f, c and recur's columns u, f, c̃,
 * o, so ONNX gate g reads recur block `blocks[g]`; GRU z, r, h is recur's u, r, ã; the vanilla
 * cells have one block. recur's `GRUCell` is "reset before", ONNX GRU with
 * `linear_before_reset = 0`. A registered cell missing here has no ONNX operator and is refused
 * by name ({@link onnxOperator}). The parameter names come from the cell registry's roles.
 */
const CELL_OPERATORS: Partial<
  Record<CellKind, { opType: 'RNN' | 'GRU' | 'LSTM'; blocks: readonly number[] }>
> = {
  rnn: { opType: 'RNN', blocks: [0] },
  irnn: { opType: 'RNN', blocks: [0] },
  lstm: { opType: 'LSTM', blocks: [0, 3, 1, 2] },
  gru: { opType: 'GRU', blocks: [0, 1, 2] },
};

/** The cells that have an ONNX operator, in registry order. */
export const ONNX_CELLS: readonly CellKind[] = CELL_KINDS.filter((k) => CELL_OPERATORS[k]);

/** The ONNX operator of `cell`, or a RecurError naming `owner` and the cells that have one. */
export function onnxOperator(
  owner: string,
  cell: string,
): { opType: 'RNN' | 'GRU' | 'LSTM'; blocks: readonly number[] } {
  const operator = isCellKind(cell) ? CELL_OPERATORS[cell] : undefined;
  if (!operator) {
    throw new RecurError(
      'ARGUMENT',
      `${owner}: cell '${cell}' has no ONNX operator here; expected one of ${ONNX_CELLS.join(', ')}`,
    );
  }
  return operator;
}

/** Whether the cell has a memory cell `c` besides its hidden state. */
export function hasCellState(cell: CellKind): boolean {
  return (CELLS[cell].stateNames as readonly string[]).includes('c');
}

/** Width of each output step: H, or 2H when bidirectional. */
export function stackOutputSize(spec: StackSpec): number {
  return spec.bidirectional ? 2 * spec.hiddenSize : spec.hiddenSize;
}

/**
 * ONNX `W [dirs, G·H, in]` from recur's `W [in, G·H]` of each direction: transposed, with the
 * gate blocks reordered.
 */
function toOnnxWeights(
  perDirection: readonly Float32Array[],
  inSize: number,
  H: number,
  blocks: readonly number[],
): Float32Array {
  const G = blocks.length;
  const out = new Float32Array(perDirection.length * G * H * inSize);
  perDirection.forEach((w, d) => {
    const base = d * G * H * inSize;
    blocks.forEach((src, g) => {
      for (let j = 0; j < H; j++) {
        const row = base + (g * H + j) * inSize;
        for (let i = 0; i < inSize; i++) out[row + i] = w[i * G * H + src * H + j]!;
      }
    });
  });
  return out;
}

/** ONNX `B [dirs, 2·G·H]` = `Wb ++ Rb`: recur's one bias in `Wb` (reordered), zeros in `Rb`. */
function toOnnxBias(perDirection: readonly Float32Array[], H: number, blocks: readonly number[]) {
  const G = blocks.length;
  const out = new Float32Array(perDirection.length * 2 * G * H);
  perDirection.forEach((b, d) => {
    blocks.forEach((src, g) => {
      for (let j = 0; j < H; j++) out[d * 2 * G * H + g * H + j] = b[src * H + j]!;
    });
  });
  return out;
}

/**
 * Adds one ONNX `RNN`/`GRU`/`LSTM` node per layer over `x` (`[steps, batch, inputSize]`,
 * time-major as the operators' default layout 0 wants). Layer l > 0 reads layer l−1's outputs
 * with the directions concatenated (forward then backward, as recur does). `lengths` (int32
 * `[batch]`) becomes every node's `sequence_lens`; `initial` the per-layer `initial_h`/`initial_c`.
 * Returns the last layer's `Y` (`[steps, dirs, batch, H]`) and every layer's `Y_h`/`Y_c`.
 */
export function emitStack(
  g: GraphBuilder,
  weights: ParameterReader,
  spec: StackSpec,
  x: string,
  options: { scope: string; lengths?: string; initial?: readonly LayerStateValues[] },
): { y: string; states: LayerStateValues[] } {
  const { cell, hiddenSize: H, numLayers, bidirectional } = spec;
  const { opType, blocks } = onnxOperator('exportOnnx', cell);
  const roles = CELLS[cell].parameters;
  const names = [roles.input, roles.recurrent, roles.bias];
  const G = blocks.length;
  const directions = bidirectional ? ['forward', 'backward'] : ['forward'];
  const dirs = directions.length;
  const states: LayerStateValues[] = [];
  let input = x;
  let y = x;
  for (let l = 0; l < numLayers; l++) {
    if (l > 0) input = timeMajor(g, y);
    const inSize = l === 0 ? spec.inputSize : stackOutputSize(spec);
    const read = (name: string, shape: number[]) =>
      directions.map((d) => weights.read(`${spec.prefix}layer${l}.${d}.${name}`, shape));
    const W = toOnnxWeights(read(names[0]!, [inSize, G * H]), inSize, H, blocks);
    const R = toOnnxWeights(read(names[1]!, [H, G * H]), H, H, blocks);
    const B = toOnnxBias(read(names[2]!, [G * H]), H, blocks);
    const at = `${options.scope}layer${l}`;
    const start = options.initial?.[l];
    const inputs = [
      input,
      g.constant(`${at}.W`, 'float32', [dirs, G * H, inSize], W),
      g.constant(`${at}.R`, 'float32', [dirs, G * H, H], R),
      g.constant(`${at}.B`, 'float32', [dirs, 2 * G * H], B),
      options.lengths ?? '',
      start?.h ?? '',
      ...(cell === 'lstm' ? [start?.c ?? ''] : []),
    ];
    while (inputs[inputs.length - 1] === '') inputs.pop();
    const activation = cell === 'irnn' ? 'Relu' : 'Tanh';
    const attributes = {
      hidden_size: H,
      direction: bidirectional ? 'bidirectional' : 'forward',
      ...(opType === 'RNN' ? { activations: directions.map(() => activation) } : {}),
      ...(opType === 'GRU' ? { linear_before_reset: 0 } : {}),
    };
    const outputs = [`${at}.Y`, `${at}.Y_h`, ...(cell === 'lstm' ? [`${at}.Y_c`] : [])];
    const [Y, Yh, Yc] = g.node(opType, inputs, attributes, outputs);
    y = Y!;
    states.push(Yc ? { h: Yh!, c: Yc } : { h: Yh! });
  }
  return { y, states };
}

/** `[steps, dirs, batch, H]` → `[steps, batch, dirs·H]` (the next layer's input). */
export function timeMajor(g: GraphBuilder, y: string): string {
  const t = g.op('Transpose', [y], { perm: [0, 2, 1, 3] });
  return g.op('Reshape', [t, g.ints('shape_t_b_flat', [0, 0, -1])]);
}

/** `[steps, dirs, batch, H]` → `[batch, steps, dirs·H]` (recur's outputs layout). */
export function batchFirst(g: GraphBuilder, y: string): string {
  const t = g.op('Transpose', [y], { perm: [2, 0, 1, 3] });
  return g.op('Reshape', [t, g.ints('shape_b_t_flat', [0, 0, -1])]);
}

/** `[dirs, batch, H]` → `[batch, dirs·H]`: both directions' final states side by side. */
export function finalStates(g: GraphBuilder, h: string): string {
  const t = g.op('Transpose', [h], { perm: [1, 0, 2] });
  return g.op('Reshape', [t, g.ints('shape_b_flat', [0, -1])]);
}
