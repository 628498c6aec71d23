import { RecurError } from '../errors.js';

/** A `RecurError('BACKEND', …)` that keeps the underlying error as `cause` (not in the message's stack). */
export function backendError(message: string, cause?: unknown): RecurError {
  const error = new RecurError('BACKEND', message);
  if (cause !== undefined)
    Object.defineProperty(error, 'cause', { value: cause, enumerable: false });
  return error;
}

/** The first line of an error's message, for quoting a third-party error without its stack. */
export function firstLine(error: unknown): string {
  const text = error instanceof Error ? error.message : String(error);
  const line = text.split('\n').find((l) => l.trim() !== '') ?? text;
  return line.length > 300 ? `${line.slice(0, 300)}…` : line;
}

/** Whether `error` is a `RecurError` with code 'BACKEND' (what a GPU setup failure throws). */
export function isBackendError(error: unknown): error is RecurError {
  return error instanceof RecurError && error.code === 'BACKEND';
}
