import type { ModelCellOptions } from '@recur/architectures';
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
  /** The model config's cell variant (absent: reset-before GRU, sigmoid gates). */
  cellOptions?: ModelCellOptions | undefined;
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
 * cells have one block. recur's default `GRUCell` is "reset before", ONNX GRU with
 * `linear_before_reset = 0`; a reset-after GRU (`cellOptions.resetAfter`) is
 * `linear_before_reset = 1`, with its `b_a` as ONNX's `Rb`. A registered cell missing here has no ONNX operator and is refused
 * by name ({@link onnxOperator}). The parameter names come from the cell registry's roles.
 */
const CELL_OPERATORS: Partial<Record<CellKind, CellOperator>> = {
  rnn: { opType: 'RNN', blocks: [0], activation: 'Tanh' },
  irnn: { opType: 'RNN', blocks: [0], activation: 'Relu' },
  lstm: { opType: 'LSTM', blocks: [0, 3, 1, 2] },
  gru: { opType: 'GRU', blocks: [0, 1, 2] },
};

/** One cell's ONNX operator: its type, recur's block for each ONNX gate, the RNN activation. */
interface CellOperator {
  opType: 'RNN' | 'GRU' | 'LSTM';
  blocks: readonly number[];
  activation?: 'Tanh' | 'Relu';
}

/** The cells that have an ONNX operator, in registry order. */
export const ONNX_CELLS: readonly CellKind[] = CELL_KINDS.filter((k) => CELL_OPERATORS[k]);

/** The ONNX operator of `cell`, or a RecurError naming `owner` and the cells that have one. */
export function onnxOperator(owner: string, cell: string): CellOperator {
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

/**
 * ONNX `B [dirs, 2·G·H]` = `Wb ++ Rb`: recur's bias in `Wb` (reordered), and in `Rb` a
 * reset-after GRU's recurrent-side bias `b_a` (reordered), zeros otherwise.
 */
function toOnnxBias(
  perDirection: readonly Float32Array[],
  H: number,
  blocks: readonly number[],
  recurrentPerDirection?: readonly Float32Array[],
) {
  const G = blocks.length;
  const out = new Float32Array(perDirection.length * 2 * G * H);
  const put = (b: Float32Array, at: number) =>
    blocks.forEach((src, g) => {
      for (let j = 0; j < H; j++) out[at + g * H + j] = b[src * H + j]!;
    });
  perDirection.forEach((b, d) => {
    put(b, d * 2 * G * H);
    const recurrent = recurrentPerDirection?.[d];
    if (recurrent) put(recurrent, d * 2 * G * H + G * H);
  });
  return out;
}

/**
 * The `activations` attributes of a gated cell with hardSigmoid gates: ONNX's `HardSigmoid`
 * (alpha 0.2, beta 0.5: TensorFlow.js's `clip(0.2·z + 0.5, 0, 1)`) for f, `Tanh` for g (and h of
 * the LSTM), per direction; `activation_alpha`/`activation_beta` hold one value for each
 * activation that takes them (the HardSigmoids), in order. Nothing for sigmoid gates (ONNX's
 * default f is `Sigmoid`).
 */
function gateActivations(
  opType: 'RNN' | 'GRU' | 'LSTM',
  cellOptions: ModelCellOptions | undefined,
  dirs: number,
): Record<string, string[] | { floats: number[] }> {
  if (opType === 'RNN' || cellOptions?.recurrentActivation !== 'hardSigmoid') return {};
  const perDirection =
    opType === 'LSTM' ? ['HardSigmoid', 'Tanh', 'Tanh'] : ['HardSigmoid', 'Tanh'];
  return {
    activations: Array.from({ length: dirs }, () => perDirection).flat(),
    activation_alpha: { floats: Array.from({ length: dirs }, () => 0.2) },
    activation_beta: { floats: Array.from({ length: dirs }, () => 0.5) },
  };
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
  const { opType, blocks, activation = 'Tanh' } = onnxOperator('exportOnnx', cell);
  const withCellState = hasCellState(cell);
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
    const resetAfter = cell === 'gru' && spec.cellOptions?.resetAfter === true;
    const B = toOnnxBias(
      read(names[2]!, [G * H]),
      H,
      blocks,
      resetAfter ? read('b_a', [G * H]) : undefined,
    );
    const at = `${options.scope}layer${l}`;
    const start = options.initial?.[l];
    const inputs = [
      input,
      g.constant(`${at}.W`, 'float32', [dirs, G * H, inSize], W),
      g.constant(`${at}.R`, 'float32', [dirs, G * H, H], R),
      g.constant(`${at}.B`, 'float32', [dirs, 2 * G * H], B),
      options.lengths ?? '',
      start?.h ?? '',
      ...(withCellState ? [start?.c ?? ''] : []),
    ];
    while (inputs[inputs.length - 1] === '') inputs.pop();
    const attributes = {
      hidden_size: H,
      direction: bidirectional ? 'bidirectional' : 'forward',
      ...(opType === 'RNN' ? { activations: directions.map(() => activation) } : {}),
      ...(opType === 'GRU' ? { linear_before_reset: resetAfter ? 1 : 0 } : {}),
      ...gateActivations(opType, spec.cellOptions, dirs),
    };
    const outputs = [`${at}.Y`, `${at}.Y_h`, ...(withCellState ? [`${at}.Y_c`] : [])];
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
