import { describe, expect, it } from 'vitest';
import { LIB_NAMES, parseCli, SUITE_NAMES } from './cli.js';

describe('parseCli', () => {
  it('runs everything with full-run defaults', () => {
    const o = parseCli([], '/out');
    expect(o).toMatchObject({
      quick: false,
      warmup: 1,
      repeats: 5,
      budgetSeconds: 20,
      memorySteps: 1000,
      outDir: '/out',
      gpu: true,
      render: null,
    });
    expect(o.suites).toEqual([...SUITE_NAMES]);
    expect(o.libs).toEqual([...LIB_NAMES]);
    expect(o.configs).toEqual(['S', 'M', 'L']);
  });

  it('uses one repeat, no warm-up and fewer steps in quick mode, unless told otherwise', () => {
    expect(parseCli(['--quick'], '/o')).toMatchObject({
      quick: true,
      warmup: 0,
      repeats: 1,
      memorySteps: 20,
    });
    expect(parseCli(['--quick', '--repeats', '3'], '/o').repeats).toBe(3);
  });

  it('filters suites, libraries and configurations', () => {
    const o = parseCli(
      ['--suite', 'kernels,e2e', '--lib', 'recur-cpu,tfjs-wasm', '--config', 'S', '--no-gpu'],
      '/o',
    );
    expect(o).toMatchObject({
      suites: ['kernels', 'e2e'],
      libs: ['recur-cpu', 'tfjs-wasm'],
      configs: ['S'],
      gpu: false,
    });
  });

  it('rejects unknown names, flags and bad numbers with the allowed values', () => {
    expect(() => parseCli(['--suite', 'speed'], '/o')).toThrow(
      /--suite 'speed' is unknown; expected one of kernels/,
    );
    expect(() => parseCli(['--repeats', '0'], '/o')).toThrow(
      /--repeats is '0'; expected a number ≥ 1/,
    );
    expect(() => parseCli(['--fast'], '/o')).toThrow(/Unknown option '--fast'/);
  });
});
