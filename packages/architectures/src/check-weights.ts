import { formatShape, RecurError } from '@recur/tensor';
import { Captioner } from './captioner.js';
import { Forecaster } from './forecaster.js';
import { LanguageModel } from './language-model.js';
import type { ModelPlan, ParameterSpec } from './parameter-specs.js';
import { Seq2Seq } from './seq2seq.js';
import { SequenceClassifier } from './sequence-classifier.js';

/** The designs by their `config.architecture` name. */
export const ARCHITECTURES = Object.freeze({
  LanguageModel,
  Seq2Seq,
  SequenceClassifier,
  Captioner,
  Forecaster,
});

/** The name in `config.architecture` for each design. */
export type Architecture = keyof typeof ARCHITECTURES;

/** The configuration of any of the designs. */
export type ModelConfig = InstanceType<(typeof ARCHITECTURES)[Architecture]>['config'];

/** One entry of a weight directory: what a file or checkpoint says it holds under a name. */
export interface WeightDescription {
  readonly name: string;
  readonly shape: readonly number[];
  readonly dtype: string;
}

const LISTED = 5;
const list = (names: string[]): string =>
  names.length === 0
    ? 'none'
    : names.slice(0, LISTED).join(', ') +
      (names.length > LISTED ? ` and ${names.length - LISTED} more` : '');

/**
 * Checks an untrusted model configuration (parsed JSON) without allocating anything: it must
 * name one of the architectures and pass that constructor's option checks (unknown names,
 * types, sizes within `CONFIG_LIMITS`). Returns the config with defaults and the parameters it
 * implies. Throws `RecurError` `FORMAT` naming `source` and the field.
 */
export function describeConfig(config: unknown, source: string): ModelPlan<ModelConfig> {
  if (config === null || typeof config !== 'object' || Array.isArray(config)) {
    throw new RecurError('FORMAT', `${source}: config must be an object`);
  }
  const kind = (config as { architecture?: unknown }).architecture;
  if (typeof kind !== 'string' || !Object.hasOwn(ARCHITECTURES, kind)) {
    throw new RecurError(
      'FORMAT',
      `${source}: config.architecture is ${JSON.stringify(kind) ?? 'missing'}; expected one of ${Object.keys(ARCHITECTURES).join(', ')}`,
    );
  }
  try {
    // Each describe checks its own option names, so a config cannot smuggle others through.
    return ARCHITECTURES[kind as Architecture].describe(config as never) as ModelPlan<ModelConfig>;
  } catch (error) {
    if (!(error instanceof RecurError)) throw error;
    throw new RecurError('FORMAT', `${source}: config: ${error.message}`);
  }
}

/**
 * The bounded-loading check, independent of any byte format: before a loader allocates a model,
 * it calls this with the file's (or checkpoint's) configuration and its weight directory.
 *
 * 1. The config is checked as {@link describeConfig} does (no allocation; sizes bounded).
 * 2. The parameters that config implies are compared with `weights`, one for one: the same
 *    names (none missing, none extra, none twice), and each the same shape and dtype.
 *
 * So a config that asks for more than the file holds (`hiddenSize: 3000` beside 18 KB of
 * weights) is refused in time proportional to the directory, and a loader that passes this
 * check allocates no more than the weights the file itself carries. Throws `RecurError`
 * `FORMAT` naming `source` and the first offending field; returns the checked config and its
 * parameters.
 *
 * ```ts
 * const plan = checkWeightsForConfig(checkpoint.config,
 *   Object.entries(tensors).map(([name, t]) => ({ name, shape: t.shape, dtype: t.dtype })),
 *   'run/checkpoint.bin');
 * ```
 */
export function checkWeightsForConfig(
  config: unknown,
  weights: readonly WeightDescription[],
  source: string,
): ModelPlan<ModelConfig> {
  const plan = describeConfig(config, source);
  checkDirectory(plan.parameters, weights, source, `config (${plan.config.architecture})`);
  return plan;
}

/**
 * Compares a weight directory with the tensors `expected` describes, one for one: the same
 * names (none missing, none extra, none twice), each of the same shape and dtype. Allocates
 * nothing. Throws `RecurError` `FORMAT` naming `source`, the first offending weight and what
 * implied it (`what`, e.g. `config (LanguageModel)`). The core of {@link checkWeightsForConfig},
 * also used for files whose tensors are named otherwise (PyTorch names).
 */
export function checkDirectory(
  expected: readonly ParameterSpec[],
  weights: readonly WeightDescription[],
  source: string,
  what: string,
): void {
  const byName = new Map<string, ParameterSpec>(expected.map((p) => [p.name, p]));
  const seen = new Set<string>();
  const unexpected: string[] = [];
  for (const w of weights) {
    const spec = byName.get(w.name);
    if (!spec) {
      unexpected.push(String(w.name));
      continue;
    }
    if (seen.has(w.name))
      throw new RecurError('FORMAT', `${source}: weight ${w.name} appears twice`);
    seen.add(w.name);
    const sameShape =
      Array.isArray(w.shape) &&
      w.shape.length === spec.shape.length &&
      w.shape.every((d, i) => d === spec.shape[i]);
    if (!sameShape || w.dtype !== spec.dtype) {
      const given = Array.isArray(w.shape) ? formatShape(w.shape) : String(w.shape);
      throw new RecurError(
        'FORMAT',
        `${source}: weight ${w.name} is ${String(w.dtype)} ${given}; ${what} implies ${spec.dtype} ${formatShape(spec.shape)}`,
      );
    }
  }
  const missing = expected.filter((p) => !seen.has(p.name)).map((p) => p.name);
  if (missing.length > 0 || unexpected.length > 0) {
    throw new RecurError(
      'FORMAT',
      `${source}: the weights do not match ${what} (${expected.length} tensors): missing ${list(missing)}; unexpected ${list(unexpected)}`,
    );
  }
}
