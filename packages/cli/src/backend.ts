import { setBackend } from '@recur/tensor';
import { type Output, println } from './io.js';

/** The `--backend` choices. */
export const BACKENDS = ['cpu', 'gpu', 'auto'] as const;
/** A `--backend` choice. */
export type BackendName = (typeof BACKENDS)[number];

/**
 * Makes `choice` the active backend and returns the name of the one in use. The GPU backend
 * (gpu.js on headless-gl) is loaded only when asked for; `auto` falls back to the CPU with one
 * notice on `notices` when no GPU context can be created, `gpu` fails with a `BACKEND` error.
 */
export async function selectBackend(choice: BackendName, notices: Output): Promise<string> {
  if (choice === 'cpu') return setBackend('cpu').name;
  const { useBackend } = await import('@recur/tensor/gpu');
  return useBackend(choice, { notice: (message) => println(notices, message) }).name;
}
