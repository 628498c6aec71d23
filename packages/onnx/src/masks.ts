import type { GraphBuilder } from './graph-builder.js';

/**
 * `step < lengths[b]` for every row b and every step of axis `axis` of `reference`: bool
 * `[batch, steps]`, recur's padding mask rebuilt from lengths (padding comes last).
 */
export function lengthMask(
  g: GraphBuilder,
  reference: string,
  axis: number,
  lengths: string,
): string {
  const shape = g.op('Shape', [reference]);
  const steps = g.op('Gather', [shape, g.constant('steps_axis', 'int64', [], [axis])], { axis: 0 });
  const zero = g.constant('zero', 'int64', [], [0]);
  const one = g.constant('one', 'int64', [], [1]);
  const range = g.op('Range', [zero, steps, one]); // [steps]
  const limit = g.op('Unsqueeze', [g.op('Cast', [lengths], { to: 7 }), g.ints('axis_1', [1])]);
  return g.op('Less', [g.op('Unsqueeze', [range, g.ints('axis_0', [0])]), limit]);
}
