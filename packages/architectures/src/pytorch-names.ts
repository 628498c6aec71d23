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
 *   Used for GRU models: recur's GRUCell is "reset before" and PyTorch's `nn.GRU` "reset
 *   after" (docs/notation.md), so no PyTorch module computes what they do, and PyTorch names
 *   would invite a silently wrong load.
 */
export type TensorNaming = 'pytorch' | 'recur';

/**
 * How one saved tensor is made from a recur parameter: `same` layout, `transposed` (recur's
 * `[in, out]` against `nn.Linear`'s and `nn.RNN`'s `[out, in]`), or one of the two PyTorch biases
 * of a recurrent layer (`bias_ih` holds recur's `b`, `bias_hh` zeros; on import
 * `b = bias_ih + bias_hh`).
 */
export type TensorLayout = 'same' | 'transposed' | 'bias_ih' | 'bias_hh';

/** One tensor of a saved file: its name and shape there, and the recur parameter it holds. */
export interface SavedTensorSpec extends ParameterSpec {
  /** The recur parameter (`ParameterSpec.name` of the model's plan). */
  readonly parameter: string;
  readonly layout: TensorLayout;
}

/** The naming a model of this config is saved with (`recur` for GRU, see {@link TensorNaming}). */
export function namingFor(config: ModelConfig): TensorNaming {
  return config.cell === 'gru' ? 'recur' : 'pytorch';
}

/**
 * Why a GRU has no PyTorch form. When recur gains a reset-after GRU, its blocks map to
 * `nn.GRU`'s (recur u r ã → PyTorch r z n, reordered; b_x / b_a → bias_ih / bias_hh) as one more
 * entry of {@link recurrentTensor}.
 */
export function gruRefusal(owner: string): RecurError {
  return new RecurError(
    'FORMAT',
    `${owner}: PyTorch's nn.GRU computes "reset after" (n = tanh(x W_in + b_in + r ⊙ (a W_hn + b_hn))); recur's GRUCell computes "reset before" (docs/notation.md), so GRU weights cannot move between them without changing what the model computes. Use an LSTM or RNN, or keep the GRU in recur's own naming`,
  );
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
  if (plan.config.cell === 'gru') throw gruRefusal(owner);
  return plan.parameters.flatMap((p) => pytorchTensors(p));
}

const RECURRENT = /^(.*?)(?:rnn\.)?layer(\d+)\.(forward|backward)\.(W_xh?|W_ah?|b(?:_h)?)$/;

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

function pytorchTensors(p: ParameterSpec): SavedTensorSpec[] {
  const recurrent = RECURRENT.exec(p.name);
  if (recurrent) return recurrentTensor(p, recurrent);
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
 * `…layer{k}.{forward|backward}.{W_x|W_a|b}` → `…rnn.{weight_ih|weight_hh}_l{k}[_reverse]`
 * (transposed: `[G·H, in]`) and the bias pair `bias_ih_l{k}`, `bias_hh_l{k}`. The gate blocks
 * keep their order: LSTM u f c̃ o is PyTorch's i f g o; RNN and IRNN have one block.
 */
function recurrentTensor(p: ParameterSpec, match: RegExpExecArray): SavedTensorSpec[] {
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
  if (role.startsWith('W_x')) return [one('weight_ih', transpose(p.shape), 'transposed')];
  if (role.startsWith('W_a')) return [one('weight_hh', transpose(p.shape), 'transposed')];
  return [one('bias_ih', [...p.shape], 'bias_ih'), one('bias_hh', [...p.shape], 'bias_hh')];
}
