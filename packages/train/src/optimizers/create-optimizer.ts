import { RecurError } from '@recur/tensor';
import type { ParameterSet } from '../parameters.js';
import { Adagrad, type AdagradOptions } from './adagrad.js';
import { Adam, type AdamOptions } from './adam.js';
import { AdamW } from './adamw.js';
import type { Optimizer } from './optimizer.js';
import { RMSProp, type RMSPropOptions } from './rmsprop.js';
import { SGD, type SGDOptions } from './sgd.js';

/** The optimizers {@link createOptimizer} builds, by the names apps and flags use. */
export const OPTIMIZER_NAMES = ['sgd', 'rmsprop', 'adagrad', 'adam', 'adamw'] as const;
/** An optimizer name: `sgd`, `rmsprop`, `adagrad`, `adam` or `adamw`. */
export type OptimizerName = (typeof OPTIMIZER_NAMES)[number];

/** The options of the named optimizer (those of its constructor). */
export interface OptimizerOptionsByName {
  sgd: SGDOptions;
  rmsprop: RMSPropOptions;
  adagrad: AdagradOptions;
  adam: AdamOptions;
  adamw: AdamOptions;
}

/**
 * A new optimizer of the named kind over `params` — for a command-line flag or a settings form
 * that names the optimizer as a string. The options are the constructor's; an unknown name
 * throws `RecurError('ARGUMENT')` listing the known ones.
 *
 * @example
 * ```ts
 * const optimizer = createOptimizer('adam', model.parameters(), { lr: 2e-3 });
 * ```
 */
export function createOptimizer<Name extends OptimizerName>(
  name: Name,
  params: ParameterSet,
  options: OptimizerOptionsByName[Name],
): Optimizer {
  switch (name as OptimizerName) {
    case 'sgd':
      return new SGD(params, options as SGDOptions);
    case 'rmsprop':
      return new RMSProp(params, options as RMSPropOptions);
    case 'adagrad':
      return new Adagrad(params, options as AdagradOptions);
    case 'adam':
      return new Adam(params, options as AdamOptions);
    case 'adamw':
      return new AdamW(params, options as AdamOptions);
    default:
      throw new RecurError(
        'ARGUMENT',
        `createOptimizer: name must be one of ${OPTIMIZER_NAMES.join(', ')}, got ${JSON.stringify(String(name))}`,
      );
  }
}
