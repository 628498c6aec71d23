let disabledDepth = 0;

/** Whether ops record a graph right now (false inside {@link noGrad}). */
export function isGradEnabled(): boolean {
  return disabledDepth === 0;
}

/**
 * Runs `fn` without recording a graph: ops inside return Variables with `requiresGrad` false and
 * save nothing for backward. Use it for evaluation, sampling and optimizer updates. Nests.
 */
export function noGrad<T>(fn: () => T): T {
  disabledDepth++;
  try {
    return fn();
  } finally {
    disabledDepth--;
  }
}
