/**
 * Resolves after the event loop has run once: pending timers, I/O, signal handlers and (in a
 * worker) incoming messages get their turn. `setImmediate` in Node; a `MessageChannel` message
 * elsewhere (unlike `setTimeout(0)`, not clamped to 4 ms when nested).
 */
export function yieldToEventLoop(): Promise<void> {
  if (typeof setImmediate === 'function') return new Promise((resolve) => setImmediate(resolve));
  if (typeof MessageChannel === 'function') {
    return new Promise((resolve) => {
      const channel = new MessageChannel();
      channel.port1.onmessage = () => {
        channel.port1.close();
        resolve();
      };
      channel.port2.postMessage(null);
    });
  }
  return new Promise((resolve) => setTimeout(resolve, 0));
}

/** Yields to the event loop when at least `everyMs` have passed since it last did (0: never). */
export class EventLoopYielder {
  readonly #everyMs: number;
  readonly #now: () => number;
  #last: number;

  constructor(everyMs: number, now: () => number) {
    this.#everyMs = everyMs;
    this.#now = now;
    this.#last = now();
  }

  async maybeYield(): Promise<void> {
    if (this.#everyMs <= 0 || this.#now() - this.#last < this.#everyMs) return;
    await yieldToEventLoop();
    this.#last = this.#now();
  }
}
