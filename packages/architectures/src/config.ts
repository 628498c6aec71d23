import { RecurError } from '@recur/tensor';

/** Throws unless each of `keys` in `config` is a positive integer. */
export function checkConfigSizes<C extends object>(
  owner: string,
  config: C,
  keys: readonly (keyof C & string)[],
): void {
  for (const key of keys) {
    const v = config[key];
    if (typeof v !== 'number' || !Number.isInteger(v) || v < 1) {
      throw new RecurError(
        'ARGUMENT',
        `${owner}: ${key} must be a positive integer, got ${String(v)}`,
      );
    }
  }
}

/** Throws unless `token` is an integer id in `[0, size)`. */
export function checkToken(owner: string, key: string, token: number, size: number): void {
  if (!Number.isInteger(token) || token < 0 || token >= size) {
    throw new RecurError(
      'RANGE',
      `${owner}: ${key} is ${token}; expected a token id in [0, ${size})`,
    );
  }
}
