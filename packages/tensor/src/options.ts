import { RecurError } from './errors.js';

/**
 * Refuses an options object that is not a plain object or that names an option `owner` does
 * not know, so a misspelt or unsupported option (`resetAfter` on a cell that has no such
 * variant) fails loudly instead of being ignored:
 *
 * ```ts
 * checkOptions('GRUCell', { inputSize: 3, hiddenSize: 4, resetAftr: true }, ['inputSize', 'hiddenSize', 'resetAfter']);
 * // RecurError ARGUMENT: GRUCell: unknown option 'resetAftr' (did you mean 'resetAfter'?); expected any of inputSize, hiddenSize, resetAfter
 * ```
 *
 * Options whose value is `undefined` are accepted as absent.
 */
export function checkOptions(owner: string, options: unknown, known: readonly string[]): void {
  if (options === null || typeof options !== 'object' || Array.isArray(options)) {
    const got = options === null ? 'null' : Array.isArray(options) ? 'an array' : typeof options;
    throw new RecurError('ARGUMENT', `${owner}: options must be an object, got ${got}`);
  }
  for (const key of Object.keys(options)) {
    if (known.includes(key) || (options as Record<string, unknown>)[key] === undefined) continue;
    const near = closest(key, known);
    throw new RecurError(
      'ARGUMENT',
      `${owner}: unknown option '${key}'${near ? ` (did you mean '${near}'?)` : ''}; expected any of ${known.join(', ')}`,
    );
  }
}

/** The known name within edit distance 2 of `key` (the nearest), if any. */
export function closest(key: string, known: readonly string[]): string | undefined {
  let best: string | undefined;
  let bestDistance = 3;
  for (const name of known) {
    const d = editDistance(key.toLowerCase(), name.toLowerCase());
    if (d < bestDistance) {
      best = name;
      bestDistance = d;
    }
  }
  return best;
}

function editDistance(a: string, b: string): number {
  let previous = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const row = [i];
    for (let j = 1; j <= b.length; j++) {
      row[j] = Math.min(
        previous[j]! + 1,
        row[j - 1]! + 1,
        previous[j - 1]! + (a[i - 1] === b[j - 1] ? 0 : 1),
      );
    }
    previous = row;
  }
  return previous[b.length]!;
}
