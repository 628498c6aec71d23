import type { Variable } from '@recur/autograd';
import { Adagrad, Adam, AdamW, type Optimizer, RMSProp, SGD } from '@recur/train';
import type { OptimizerName } from '../tasks/task.js';

/** A new optimizer of the named kind over `parameters`, with learning rate `lr`. */
export function makeOptimizer(
  name: OptimizerName,
  parameters: Record<string, Variable>,
  lr: number,
): Optimizer {
  switch (name) {
    case 'sgd':
      return new SGD(parameters, { lr });
    case 'rmsprop':
      return new RMSProp(parameters, { lr });
    case 'adagrad':
      return new Adagrad(parameters, { lr });
    case 'adam':
      return new Adam(parameters, { lr });
    case 'adamw':
      return new AdamW(parameters, { lr });
  }
}
