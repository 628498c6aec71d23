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
 *   Used for cells whose registry entry refuses PyTorch (`pytorch: { refused }`), e.g. the GRU:
 *   recur's GRUCell is "reset before" and PyTorch's `nn.GRU` "reset after" (docs/notation.md),
 *   so no PyTorch module computes what they do, and PyTorch names would invite a silently
 *   wrong load.
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

/**
 * The naming a model of this config is saved with: `recur` where the cell's registry entry
 * refuses PyTorch (the GRU, see {@link TensorNaming}), else `pytorch`.
 */
export function namingFor(config: ModelConfig): TensorNaming {
  return 'refused' in CELLS[config.cell].pytorch ? 'recur' : 'pytorch';
}

/** Why a cell has no PyTorch form (its registry entry's reason), naming `owner`. */
export function pytorchRefusal(owner: string, cell: ModelConfig['cell']): RecurError {
  const layer = CELLS[cell].pytorch;
  const why = 'refused' in layer ? layer.refused : `no PyTorch module for cell '${cell}'`;
  return new RecurError(
    'FORMAT',
    `${owner}: ${why}. Save the model in recur's own naming, or use a cell PyTorch has`,
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
  if (namingFor(plan.config) === 'recur') throw pytorchRefusal(owner, plan.config.cell);
  const roles = CELLS[plan.config.cell].parameters;
  return plan.parameters.flatMap((p) => pytorchTensors(p, roles));
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

function pytorchTensors(p: ParameterSpec, roles: ParameterRoles): SavedTensorSpec[] {
  const recurrent = RECURRENT.exec(p.name);
  if (recurrent) return recurrentTensor(p, recurrent, roles);
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
 * i f g o; RNN and IRNN have one block.
 */
function recurrentTensor(
  p: ParameterSpec,
  match: RegExpExecArray,
  roles: ParameterRoles,
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
  if (role === roles.input) return [one('weight_ih', transpose(p.shape), 'transposed')];
  if (role === roles.recurrent) return [one('weight_hh', transpose(p.shape), 'transposed')];
  if (role === roles.bias)
    return [one('bias_ih', [...p.shape], 'bias_ih'), one('bias_hh', [...p.shape], 'bias_hh')];
  throw new RecurError(
    'ARGUMENT',
    `savedTensorSpecs: internal error: ${p.name} is no parameter role of the cell (${Object.values(roles).join(', ')})`,
  );
}
