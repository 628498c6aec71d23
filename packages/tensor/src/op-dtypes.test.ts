import { describe, expect, it } from 'vitest';
import type { BinaryOp, UnaryOp } from './backend.js';
import {
  add,
  binaryDType,
  COMPARISONS,
  FLOAT_ONLY_UNARY,
  tensor,
  tidy,
  unaryDType,
  whereDType,
} from './index.js';

// The element-type rules, stated once in backend.ts and read by the front-end ops, the CPU
// backend, the conformance cases and the GPU differential checks. This pins them.
describe('op output dtypes', () => {
  it('unary: the float-only ops turn int32 into float32; the others keep it', () => {
    expect([...FLOAT_ONLY_UNARY].sort()).toEqual(
      ['exp', 'hardSigmoid', 'log', 'reciprocal', 'sigmoid', 'sqrt', 'tanh'].sort(),
    );
    const keep: UnaryOp[] = ['neg', 'abs', 'square', 'relu', 'sign', 'floor', 'round'];
    for (const op of keep) expect(unaryDType(op, 'int32'), op).toBe('int32');
    for (const op of FLOAT_ONLY_UNARY) expect(unaryDType(op, 'int32'), op).toBe('float32');
    for (const op of [...keep, ...FLOAT_ONLY_UNARY])
      expect(unaryDType(op, 'float32')).toBe('float32');
  });

  it('binary: comparisons give int32; int32 with int32 stays int32 except div and pow', () => {
    const arithmetic: BinaryOp[] = ['add', 'sub', 'mul', 'maximum', 'minimum'];
    for (const op of arithmetic) {
      expect(binaryDType(op, 'int32', 'int32'), op).toBe('int32');
      expect(binaryDType(op, 'int32', 'float32'), op).toBe('float32');
      expect(binaryDType(op, 'float32', 'int32'), op).toBe('float32');
    }
    for (const op of ['div', 'pow'] as const)
      expect(binaryDType(op, 'int32', 'int32')).toBe('float32');
    expect(COMPARISONS.size).toBe(6);
    for (const op of COMPARISONS) expect(binaryDType(op, 'float32', 'float32'), op).toBe('int32');
  });

  it('where: int32 only when both branches are', () => {
    expect(whereDType('int32', 'int32')).toBe('int32');
    expect(whereDType('int32', 'float32')).toBe('float32');
    expect(whereDType('float32', 'int32')).toBe('float32');
  });

  it('the front end follows the rule', () => {
    tidy(() => {
      expect(add(tensor([1], [1], 'int32'), tensor([2], [1], 'int32')).dtype).toBe('int32');
    });
  });
});
