import { describe, it } from 'vitest';
import { check, uniform } from '../test-helpers.js';
import { logSoftmax, softmax } from './softmax.js';

describe('softmax and logSoftmax pass gradcheck', () => {
  it.each([
    ['softmax', softmax],
    ['logSoftmax', logSoftmax],
  ] as const)('%s along the last and the first axis', (_name, op) => {
    check((x) => op(x), [uniform([3, 5], 1, -2, 2)]);
    check((x) => op(x, 0), [uniform([4, 2, 3], 2, -2, 2)]);
  });
});
