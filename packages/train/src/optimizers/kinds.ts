import { Adagrad } from './adagrad.js';
import { Adam } from './adam.js';
import type { HyperParams } from './optimizer.js';
import { RMSProp } from './rmsprop.js';
import { SGD } from './sgd.js';

/** Validates one kind of optimizer's hyper-parameters other than `lr` (throws `RecurError`). */
export type HyperParamCheck = (op: string, hyper: Readonly<Record<string, unknown>>) => HyperParams;

const kinds: ReadonlyMap<string, HyperParamCheck> = new Map([
  ['SGD', SGD.checkHyperParams],
  ['RMSProp', RMSProp.checkHyperParams],
  ['Adagrad', Adagrad.checkHyperParams],
  ['Adam', Adam.checkHyperParams],
  ['AdamW', Adam.checkHyperParams],
]);

/**
 * The optimizers a checkpoint file may name, with the checks their constructors apply to their
 * hyper-parameters: a file is validated without building an optimizer. Undefined for any other
 * type name.
 */
export function optimizerKind(type: string): HyperParamCheck | undefined {
  return kinds.get(type);
}

/** The type names {@link optimizerKind} knows. */
export const OPTIMIZER_TYPES: readonly string[] = [...kinds.keys()];
