import type { Variable } from '@recur/autograd';
import { RecurError } from '@recur/tensor';

/**
 * Trainable parameters as a model hands them out: a record by name (what
 * `model.parameters()` returns) or an array of Variables (named by `name`, else `param<i>`).
 */
export type ParameterSet = Readonly<Record<string, Variable>> | readonly Variable[];

/** A parameter with the name it is saved and reported under. */
export interface NamedParameter {
  name: string;
  variable: Variable;
}

/** Names every parameter of `params`; throws on duplicates or non-Variables. */
export function nameParameters(op: string, params: ParameterSet): NamedParameter[] {
  if (params === null || typeof params !== 'object') {
    throw new RecurError(
      'ARGUMENT',
      `${op}: params must be a record or an array of Variables, got ${String(params)}`,
    );
  }
  const entries: [string, Variable][] = Array.isArray(params)
    ? (params as readonly Variable[]).map((v, i) => [v?.name ?? `param${i}`, v])
    : Object.entries(params as Record<string, Variable>);
  const seen = new Set<string>();
  return entries.map(([name, variable]) => {
    if (
      variable === null ||
      typeof variable !== 'object' ||
      !('value' in variable) ||
      !('assign' in variable)
    ) {
      throw new RecurError(
        'ARGUMENT',
        `${op}: parameter '${name}' must be a Variable, got ${typeof variable}`,
      );
    }
    if (seen.has(name)) {
      throw new RecurError(
        'ARGUMENT',
        `${op}: two parameters are named '${name}'; names must be unique`,
      );
    }
    seen.add(name);
    return { name, variable };
  });
}
