import { CELLS, type ParameterRoles } from '@recur/cells';
import { RecurError } from '@recur/tensor';
import type { ModelConfig } from './check-weights.js';
import type { ModelPlan, ParameterSpec } from './parameter-specs.js';

/**
 * How a saved model names and lays out its tensors:
 *
 * - `pytorch`: the names and layouts of the PyTorch modules that compute what the model does
 *   (`nn.Embedding`, `nn.RNN` / `nn.LSTM`, `nn.Linear`), so `module.load_state_dict` takes the
 *   file as it is (the table in the package README);
 * - `recur`: recur's own parameter names and layouts (`rnn.layer0.forward.W_x`, `[in, out]`).
 *   Used for models no PyTorch module computes, so that PyTorch names cannot invite a silently
 *   wrong load: a cell whose registry entry refuses PyTorch
 *   (`pytorch: { refused }`), a "reset before" GRU (recur's default; `nn.GRU` is "reset after",
 *   docs/notation.md) and gates with `recurrentActivation: 'hardSigmoid'` (PyTorch's recurrent
 *   modules have only the logistic sigmoid).
 */
export type TensorNaming = 'pytorch' | 'recur';

/**
 * How one saved tensor is made from a recur parameter: `same` layout, `transposed` (recur's
 * `[in, out]` against `nn.Linear`'s and `nn.RNN`'s `[out, in]`), one of the two PyTorch biases
 * of a recurrent layer with one recur bias (`bias_ih` holds recur's `b`, `bias_hh` zeros; on
 * import `b = bias_ih + bias_hh`), or a reset-after GRU's blocks (`gru_transposed`, `gru_same`:
 * as `transposed` / `same` with the first two gate blocks swapped, recur's u r ã against
 * `nn.GRU`'s r z n; the swap is its own inverse, so export and import apply the same one).
 */
export type TensorLayout =
  | 'same'
  | 'transposed'
  | 'bias_ih'
  | 'bias_hh'
  | 'gru_transposed'
  | 'gru_same';

/** One tensor of a saved file: its name and shape there, and the recur parameter it holds. */
export interface SavedTensorSpec extends ParameterSpec {
  /** The recur parameter (`ParameterSpec.name` of the model's plan). */
  readonly parameter: string;
  readonly layout: TensorLayout;
}

/**
 * The naming a model of this config is saved with: `pytorch` when a PyTorch module computes
 * what it does, else `recur` (see {@link TensorNaming}).
 */
export function namingFor(config: ModelConfig): TensorNaming {
  return pytorchRefusal('namingFor', config) ? 'recur' : 'pytorch';
}

/**
 * Why no PyTorch module computes this config's recurrent layers (null when one does): the
 * cell's registry entry refuses PyTorch, a
 * "reset before" GRU (PyTorch's `nn.GRU` is "reset after"; a recur GRU with
 * `cellOptions: { resetAfter: true }` is `nn.GRU`), or hardSigmoid gates.
 */
export function pytorchRefusal(owner: string, config: ModelConfig): RecurError | null {
  const layer = CELLS[config.cell].pytorch;
  if ('refused' in layer) {
    return new RecurError(
      'FORMAT',
      `${owner}: ${layer.refused}. Save the model in recur's own naming, or use a cell PyTorch has`,
    );
  }
  if (config.cellOptions?.recurrentActivation === 'hardSigmoid') {
    return new RecurError(
      'FORMAT',
      `${owner}: cellOptions.recurrentActivation is 'hardSigmoid', and PyTorch's nn.LSTM / nn.GRU have only the logistic sigmoid, so no PyTorch module computes this model. Use recurrentActivation 'sigmoid', or keep the model in recur's own naming`,
    );
  }
  if (config.cell === 'gru' && config.cellOptions?.resetAfter !== true) {
    return new RecurError(
      'FORMAT',
      `${owner}: PyTorch's nn.GRU computes "reset after" (n = tanh(x W_in + b_in + r ⊙ (a W_hn + b_hn))); this GRU computes "reset before" (docs/notation.md), so its weights cannot move to nn.GRU without changing what the model computes. Use cellOptions: { resetAfter: true } (that GRU is nn.GRU), an LSTM or RNN, or keep the GRU in recur's own naming`,
    );
  }
  return null;
}

/**
 * The tensors a saved model holds under `naming`, derived from its plan (nothing allocated).
 * A file is checked against this list, one for one, before anything is read.
 */
export function savedTensorSpecs(
  plan: ModelPlan<ModelConfig>,
  naming: TensorNaming,
  owner: string,
): SavedTensorSpec[] {
  if (naming === 'recur')
    return plan.parameters.map((p) => ({ ...p, parameter: p.name, layout: 'same' }));
  const refusal = pytorchRefusal(owner, plan.config);
  if (refusal) throw refusal;
  const roles = CELLS[plan.config.cell].parameters;
  const gru = plan.config.cell === 'gru';
  return plan.parameters.flatMap((p) => pytorchTensors(p, roles, gru));
}

/** `…layer{k}.{forward|backward}.{name}` of a recurrent layer's parameter. */
const RECURRENT = /^(.*?)(?:rnn\.)?layer(\d+)\.(forward|backward)\.([^.]+)$/;

/** The rules from recur names to PyTorch ones, first match wins (table in the README). */
const RULES: readonly [RegExp, string, TensorLayout][] = [
  [/^(.*)embedding$/, '$1embedding.weight', 'same'],
  [/^(.*)W_ao$/, '$1output.weight', 'transposed'],
  [/^(.*)b_o$/, '$1output.bias', 'same'],
  [/^(.*)W_c$/, '$1combine.weight', 'transposed'],
  [/^(.*)b_c$/, '$1combine.bias', 'same'],
  // Luong general, score = (k W_a) · q: the keys go through nn.Linear(V, Q, bias=False).
  [/^(.*)attention\.W_a$/, '$1attention.key.weight', 'transposed'],
  [/^(.*)attention\.W_q$/, '$1attention.query.weight', 'transposed'],
  [/^(.*)attention\.W_k$/, '$1attention.key.weight', 'transposed'],
  [/^(.*)attention\.v$/, '$1attention.v', 'same'],
  [/^encoder(\d+)\.W$/, 'encoder.$1.weight', 'transposed'],
  [/^encoder(\d+)\.b$/, 'encoder.$1.bias', 'same'],
  [/^bridge\.W$/, 'bridge.weight', 'transposed'],
  [/^bridge\.b$/, 'bridge.bias', 'same'],
  [/^bridge\.layer(\d+)\.a\.W$/, 'bridge.h.$1.weight', 'transposed'],
  [/^bridge\.layer(\d+)\.a\.b$/, 'bridge.h.$1.bias', 'same'],
  [/^bridge\.layer(\d+)\.c\.W$/, 'bridge.c.$1.weight', 'transposed'],
  [/^bridge\.layer(\d+)\.c\.b$/, 'bridge.c.$1.bias', 'same'],
];

const transpose = (shape: readonly number[]): number[] => [...shape].reverse();

function pytorchTensors(p: ParameterSpec, roles: ParameterRoles, gru: boolean): SavedTensorSpec[] {
  const recurrent = RECURRENT.exec(p.name);
  if (recurrent) return recurrentTensor(p, recurrent, roles, gru);
  for (const [pattern, replacement, layout] of RULES) {
    if (!pattern.test(p.name)) continue;
    const name = p.name.replace(pattern, replacement);
    const shape = layout === 'transposed' ? transpose(p.shape) : [...p.shape];
    return [{ name, shape, dtype: p.dtype, parameter: p.name, layout }];
  }
  throw new RecurError(
    'ARGUMENT',
    `savedTensorSpecs: internal error: no PyTorch name for ${p.name}`,
  );
}

/**
 * `…layer{k}.{forward|backward}.{input|recurrent|bias}` (the cell's parameter roles in the
 * registry: `W_x`, `W_a`, `b`, or the vanilla cells' `W_xh`, `W_ah`, `b_h`) →
 * `…rnn.{weight_ih|weight_hh}_l{k}[_reverse]` (transposed: `[G·H, in]`) and the bias pair
 * `bias_ih_l{k}`, `bias_hh_l{k}`. The gate blocks keep their order: LSTM u f c̃ o is PyTorch's
 * i f g o; RNN and IRNN have one block. A
 * reset-after GRU's u r ã are `nn.GRU`'s z r n, stored r z n (first two blocks swapped), and its
 * two biases are PyTorch's two: `b` → `bias_ih`, `b_a` → `bias_hh`.
 */
function recurrentTensor(
  p: ParameterSpec,
  match: RegExpExecArray,
  roles: ParameterRoles,
  gru: boolean,
): SavedTensorSpec[] {
  const [, prefix, layer, direction, role] = match as unknown as [
    string,
    string,
    string,
    string,
    string,
  ];
  const suffix = `_l${layer}${direction === 'backward' ? '_reverse' : ''}`;
  const at = `${prefix}rnn.`;
  const one = (name: string, shape: number[], layout: TensorLayout): SavedTensorSpec => ({
    name: `${at}${name}${suffix}`,
    shape,
    dtype: p.dtype,
    parameter: p.name,
    layout,
  });
  if (gru) {
    if (role === roles.input) return [one('weight_ih', transpose(p.shape), 'gru_transposed')];
    if (role === roles.recurrent) return [one('weight_hh', transpose(p.shape), 'gru_transposed')];
    if (role === roles.bias) return [one('bias_ih', [...p.shape], 'gru_same')];
    if (role === 'b_a') return [one('bias_hh', [...p.shape], 'gru_same')];
  }
  if (role === roles.input) return [one('weight_ih', transpose(p.shape), 'transposed')];
  if (role === roles.recurrent) return [one('weight_hh', transpose(p.shape), 'transposed')];
  if (role === roles.bias)
    return [one('bias_ih', [...p.shape], 'bias_ih'), one('bias_hh', [...p.shape], 'bias_hh')];
  throw new RecurError(
    'ARGUMENT',
    `savedTensorSpecs: internal error: ${p.name} is no parameter role of the cell (${Object.values(roles).join(', ')})`,
  );
}
