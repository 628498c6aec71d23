/** What kind of mistake an error reports; lets callers branch without parsing messages. */
export type RecurErrorCode =
  | 'SHAPE'
  | 'DTYPE'
  | 'RANGE'
  | 'DISPOSED'
  | 'BACKEND'
  | 'ARGUMENT'
  | 'NONFINITE'
  | 'FORMAT'
  /** A second copy of `@recur/tensor` was loaded into a process that already runs one. */
  | 'CONFLICT';

/**
 * Every error recur throws on bad input. The message names the operation, the argument, what
 * was expected and what was given, e.g.
 * `matmul: a is [3,4] and b is [5,2]; inner dimensions 4 and 5 differ`.
 */
export class RecurError extends Error {
  readonly code: RecurErrorCode;

  constructor(code: RecurErrorCode, message: string) {
    super(message);
    this.name = 'RecurError';
    this.code = code;
  }
}

/** `[3,4]`: how shapes appear in messages. */
export function formatShape(shape: readonly number[]): string {
  return `[${shape.join(',')}]`;
}
