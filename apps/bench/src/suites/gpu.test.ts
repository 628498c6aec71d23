import { describe, expect, it } from 'vitest';
import type { BenchRow } from '../results.js';
import { summarize } from '../stats.js';
import { Feasibility } from './feasibility.js';
import { crossovers } from './gpu.js';

function timed(
  kind: string,
  backend: 'cpu' | 'gpu',
  B: number,
  H: number,
  seconds: number,
): BenchRow {
  return {
    suite: 'gpu',
    case: `${kind} B=${B} H=${H}`,
    lib: 'recur',
    backend,
    params: { kind, B, H },
    status: 'ok',
    timing: summarize([seconds]),
  };
}

describe('crossovers', () => {
  it('gives the smallest H at which the GPU is faster, per kind and batch', () => {
    const rows = [
      timed('matmul', 'cpu', 16, 64, 1),
      timed('matmul', 'gpu', 16, 64, 2),
      timed('matmul', 'cpu', 16, 256, 8),
      timed('matmul', 'gpu', 16, 256, 4),
      timed('matmul', 'cpu', 16, 128, 3),
      timed('matmul', 'gpu', 16, 128, 2.5),
      timed('tanh', 'cpu', 1, 64, 1),
      timed('tanh', 'gpu', 1, 64, 5),
    ];
    expect(crossovers(rows)).toEqual([
      { kind: 'matmul', B: 16, H: 128 },
      { kind: 'tanh', B: 1, H: null },
    ]);
  });

  it('ignores sizes measured on one backend only and rows that did not run', () => {
    const rows = [
      timed('train', 'cpu', 1, 64, 1),
      { ...timed('train', 'gpu', 1, 64, 0.5), status: 'failed' as const },
    ];
    expect(crossovers(rows)).toEqual([]);
  });
});

describe('Feasibility', () => {
  it('extrapolates seconds by flops from the last case of the same kind', () => {
    const f = new Feasibility();
    expect(f.estimate('tfjs|cpu', 1e9)).toBeNull();
    f.record('tfjs|cpu', 1e9, 2);
    expect(f.estimate('tfjs|cpu', 8e9)).toBe(16);
    expect(f.estimate('tfjs|wasm', 8e9)).toBeNull();
  });
});
