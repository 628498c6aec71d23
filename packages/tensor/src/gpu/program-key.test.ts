import { describe, expect, it } from 'vitest';
import { type Program, programKey } from './authoring.js';
import { kernelSource } from './codegen.js';
import { binaryProgram, unaryProgram } from './programs/elementwise.js';
import { matmulProgram } from './programs/matmul.js';

const base: Program = {
  name: 'a',
  source: kernelSource(['x0'], ['return x0[this.thread.x];']),
  size: 6,
};

describe('programKey: the one GPU cache-key rule', () => {
  it('is derived from what is compiled: source, size, sub-kernels and inputs — not the name', () => {
    const key = programKey(base, [['t', 6]]);
    expect(programKey({ ...base, name: 'b' }, [['t', 6]])).toBe(key);
    expect(programKey({ ...base, size: 7 }, [['t', 6]])).not.toBe(key);
    expect(
      programKey({ ...base, source: base.source.replace('x0[', 'x0[0*') }, [['t', 6]]),
    ).not.toBe(key);
    expect(
      programKey({ ...base, subKernels: ['function f() { return 1; }'] }, [['t', 6]]),
    ).not.toBe(key);
    expect(programKey(base, [['t', 8]])).not.toBe(key);
    expect(programKey(base, [['a', 6]])).not.toBe(key);
  });

  it("the backend's own programs carry no hand-written key: their literals reach the key through the source", () => {
    const tanh = unaryProgram('tanh', [3, 4]);
    expect('key' in tanh).toBe(false);
    expect(programKey(tanh, [['t', 12]])).not.toBe(
      programKey(unaryProgram('sigmoid', [3, 4]), [['t', 12]]),
    );
    const broadcast = binaryProgram('add', [3, 4], [4], [3, 4]);
    const same = binaryProgram('add', [3, 4], [3, 4], [3, 4]);
    expect(
      programKey(broadcast, [
        ['t', 12],
        ['t', 4],
      ]),
    ).not.toBe(
      programKey(same, [
        ['t', 12],
        ['t', 12],
      ]),
    );
    const nn = matmulProgram([2, 3], [3, 4], false, false, [2, 4]);
    expect('key' in nn).toBe(false);
  });
});
