import { execFileSync } from 'node:child_process';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import { CpuBackend } from '@recur/tensor';
import { describe, expect, it } from 'vitest';
import { lstmCellPass, lstmCellTs, lstmCellWasm } from './cell-pass.js';

const sigmoid = (v: number) => 1 / (1 + Math.exp(-v));

function operands(rows: number, h: number) {
  const z = Float32Array.from({ length: rows * 4 * h }, (_, i) => 3 * Math.sin(i * 1.7));
  const cPrev = Float32Array.from({ length: rows * h }, (_, i) => Math.cos(i));
  return {
    z,
    pre: Float32Array.from(z),
    cPrev,
    c: new Float32Array(rows * h),
    a: new Float32Array(rows * h),
  };
}

/** Checks one pass's results against the equations in float64. */
function expectLstmStep(
  { z, pre, cPrev, c, a }: ReturnType<typeof operands>,
  rows: number,
  h: number,
): void {
  for (let r = 0; r < rows; r++) {
    for (let j = 0; j < h; j++) {
      const at = r * 4 * h + j;
      const [u, f, g, o] = [
        sigmoid(pre[at]!),
        sigmoid(pre[at + h]!),
        Math.tanh(pre[at + 2 * h]!),
        sigmoid(pre[at + 3 * h]!),
      ];
      for (const [k, v] of [u, f, g, o].entries()) expect(z[at + k * h]).toBeCloseTo(v, 6);
      const cv = f * cPrev[r * h + j]! + u * g;
      expect(c[r * h + j]).toBeCloseTo(cv, 5);
      expect(a[r * h + j]).toBeCloseTo(o * Math.tanh(cv), 5);
    }
  }
}

describe('the LSTM gate pass', () => {
  it('does one LSTM step of gate math in wasm; declines where it cannot (h % 4, no wasm)', () => {
    const cpu = new CpuBackend({ wasm: 'always' });
    const [rows, h] = [3, 8];
    const step = operands(rows, h);
    expect(lstmCellWasm(cpu, step.z, step.cPrev, step.c, step.a, rows, h)).toBe(true);
    expectLstmStep(step, rows, h);
    const odd = operands(4, 6);
    expect(lstmCellWasm(cpu, odd.z, odd.cPrev, odd.c, odd.a, 4, 6)).toBe(false);
    expect(odd.z).toEqual(odd.pre);
    const off = operands(rows, h);
    expect(
      lstmCellWasm(new CpuBackend({ wasm: 'never' }), off.z, off.cPrev, off.c, off.a, rows, h),
    ).toBe(false);
    expect(off.z).toEqual(off.pre);
  });

  it('in auto mode runs wasm from 128 gate values and TypeScript below', () => {
    const cpu = new CpuBackend({ wasm: 'auto' });
    const small = operands(1, 4);
    expect(lstmCellWasm(cpu, small.z, small.cPrev, small.c, small.a, 1, 4)).toBe(false);
    const large = operands(4, 8);
    expect(lstmCellWasm(cpu, large.z, large.cPrev, large.c, large.a, 4, 8)).toBe(true);
  });

  it('the TypeScript path and the wasm path agree with the equations (any h)', () => {
    for (const [rows, h, wasm] of [
      [3, 8, 'always'],
      [3, 8, 'never'],
      [4, 6, 'always'],
      [2, 5, 'never'],
    ] as const) {
      const step = operands(rows, h);
      lstmCellPass(new CpuBackend({ wasm }), step.z, step.cPrev, step.c, step.a, rows, h);
      expectLstmStep(step, rows, h);
      const ts = operands(rows, h);
      lstmCellTs(new CpuBackend({ wasm }), ts.z, ts.cPrev, ts.c, ts.a, rows, h);
      expectLstmStep(ts, rows, h);
    }
  });

  it('embeds the module compiled from wasm/lstm-cell.wat (the generated file is current)', () => {
    const script = createRequire(import.meta.url).resolve('@recur/tooling/build-wasm');
    const output = execFileSync(
      process.execPath,
      [
        script,
        'wasm/lstm-cell.wat',
        'src/cells/lstm/cell-pass-wasm.generated.ts',
        'LSTM_CELL_WASM_BASE64',
        '--check',
      ],
      { encoding: 'utf8', cwd: fileURLToPath(new URL('../../..', import.meta.url)) },
    );
    expect(output).toContain('matches');
  });
});
