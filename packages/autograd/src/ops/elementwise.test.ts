import { memory, tensor } from '@recur/tensor';
import { describe, expect, it } from 'vitest';
import { backward } from '../backward.js';
import { check, uniform } from '../test-helpers.js';
import { parameter } from '../variable.js';
import {
  abs,
  add,
  clamp,
  div,
  exp,
  hardSigmoid,
  log,
  maximum,
  minimum,
  mul,
  neg,
  pow,
  reciprocal,
  relu,
  sigmoid,
  sqrt,
  square,
  sub,
  tanh,
  where,
} from './elementwise.js';
import { sum } from './reduce.js';

describe('elementwise ops pass gradcheck', () => {
  it.each([
    ['neg', neg, -1, 1],
    ['exp', exp, -1, 1],
    ['log', log, 0.5, 2],
    ['sqrt', sqrt, 0.5, 2],
    ['square', square, -1, 1],
    ['reciprocal', reciprocal, 0.5, 2],
    ['tanh', tanh, -2, 2],
    ['sigmoid', sigmoid, -3, 3],
  ] as const)('%s', (_name, op, low, high) => {
    check(op, [uniform([3, 4], 11, low, high)]);
  });

  it('relu and abs (inputs kept away from the kink at 0)', () => {
    const x = () =>
      tensor([
        [-0.9, -0.3, 0.2],
        [0.5, -0.6, 1.1],
      ]);
    check(relu, [x()]);
    check(abs, [x()]);
  });

  it('hardSigmoid inside and outside its linear part (inputs away from the kinks at ±2.5)', () => {
    check(hardSigmoid, [tensor([-3.1, -2.4, -0.7, 0, 1.3, 2.45, 2.6, 4])]);
  });

  it("hardSigmoid is TF.js's clip(0.2x + 0.5, 0, 1), gradient 0.2 on [-2.5, 2.5] as TF.js's clip", () => {
    const before = memory().numTensors;
    const x = parameter(tensor([-3, -2.5, -1, 0, 1.5, 2.5, 3, Number.NaN]));
    const y = hardSigmoid(x);
    const values = Array.from(y.value.data());
    expect(values.slice(0, 7)).toEqual([0, 0, 0.3, 0.5, 0.8, 1, 1].map(Math.fround));
    expect(values[7]).toBeNaN();
    const loss = sum(y);
    backward(loss);
    const grad = Array.from(x.grad!.data());
    expect(grad).toEqual([0, 0.2, 0.2, 0.2, 0.2, 0.2, 0, 0].map(Math.fround));
    for (const v of [x, y, loss]) v.dispose();
    expect(memory().numTensors).toBe(before);
  });

  it('clamp passes gradient only inside [low, high]', () => {
    check((x) => clamp(x, -0.5, 0.5), [tensor([-0.9, -0.3, 0.2, 0.45, 0.7])]);
  });

  it.each([
    ['add', add],
    ['sub', sub],
    ['mul', mul],
  ] as const)('%s with broadcasting reduces to each shape', (_name, op) => {
    check(op, [uniform([2, 3, 4], 1), uniform([3, 1], 2)]);
    check(op, [uniform([4], 3), uniform([2, 3, 4], 4)]);
  });

  it('div with broadcasting', () => {
    check(div, [uniform([2, 3], 5), uniform([3], 6, 0.5, 2)]);
  });

  it('pow by a tensor exponent and by a number', () => {
    check(pow, [uniform([2, 3], 7, 0.5, 2), uniform([2, 3], 8, -1, 2)]);
    check((x) => pow(x, 3), [uniform([5], 9)]);
  });

  it('scalar operands on either side', () => {
    check((x) => add(sub(mul(2, x), div(x, 4)), sub(1, x)), [uniform([3], 10)]);
    check((x) => div(3, x), [uniform([3], 12, 0.5, 2)]);
  });

  it('maximum and minimum route the gradient to the winner', () => {
    const a = () =>
      tensor([
        [0.1, 0.9],
        [-0.5, 0.3],
      ]);
    const b = () => tensor([0.4, 0.2]);
    check(maximum, [a(), b()]);
    check(minimum, [a(), b()]);
  });

  it('where with a broadcast condition', () => {
    const cond = tensor([1, 0, 1], [3], 'int32');
    check((a, b) => where(cond, a!, b!), [uniform([2, 3], 13), uniform([1], 14)]);
    cond.dispose();
  });

  it('gradients are correct for a shared operand (x·x)', () => {
    const r = check((x) => sum(mul(x, x)), [tensor([1, -2, 3])]);
    expect(r.worst!.analytic).toBeCloseTo(r.worst!.numeric, 2);
  });
});
