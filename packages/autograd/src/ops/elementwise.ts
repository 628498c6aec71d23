import type { Tensor, TensorLike } from '@recur/tensor';
import * as T from '@recur/tensor';
import { recordOne } from '../record.js';
import type { Operand, Variable } from '../variable.js';
import { operandValue, tensorOf, tensorsAmong } from './operands.js';

/** `dx` from the upstream gradient `g`, the input `x` and the output `y` (reuse y where cheaper). */
type UnaryGradient = (g: Tensor, x: Tensor, y: Tensor) => Tensor;

function unary(
  name: string,
  x: Variable | Tensor,
  forward: (x: Tensor) => Tensor,
  gradient: UnaryGradient,
): Variable {
  const xv = tensorOf(name, 'x', x);
  const y = forward(xv);
  return recordOne({
    name,
    inputs: [x],
    outputs: [y],
    saved: [xv, y],
    backward: ([g]) => [gradient(g!, xv, y)],
  });
}

/** `−x`. */
export const neg = (x: Variable | Tensor): Variable => unary('neg', x, T.neg, (g) => T.neg(g));
/** `eˣ`; backward reuses the output: `g·y`. */
export const exp = (x: Variable | Tensor): Variable =>
  unary('exp', x, T.exp, (g, _x, y) => T.mul(g, y));
/** Natural logarithm; backward `g / x`. */
export const log = (x: Variable | Tensor): Variable =>
  unary('log', x, T.log, (g, x) => T.div(g, x));
/** `√x`; backward `g / (2y)`. */
export const sqrt = (x: Variable | Tensor): Variable =>
  unary('sqrt', x, T.sqrt, (g, _x, y) => T.div(g, T.mul(y, 2)));
/** `x²`; backward `2x·g`. */
export const square = (x: Variable | Tensor): Variable =>
  unary('square', x, T.square, (g, x) => T.mul(g, T.mul(x, 2)));
/** `|x|`; backward `sign(x)·g` (0 at 0). */
export const abs = (x: Variable | Tensor): Variable =>
  unary('abs', x, T.abs, (g, x) => T.mul(g, T.sign(x)));
/** `1/x`; backward `−g·y²`. */
export const reciprocal = (x: Variable | Tensor): Variable =>
  unary('reciprocal', x, T.reciprocal, (g, _x, y) => T.neg(T.mul(g, T.square(y))));
/** `tanh x`; backward reuses the output: `g·(1 − y²)`. */
export const tanh = (x: Variable | Tensor): Variable =>
  unary('tanh', x, T.tanh, (g, _x, y) => T.mul(g, T.sub(1, T.square(y))));
/** `σ(x) = 1/(1 + e⁻ˣ)`; backward reuses the output: `g·y(1 − y)`. */
export const sigmoid = (x: Variable | Tensor): Variable =>
  unary('sigmoid', x, T.sigmoid, (g, _x, y) => T.mul(g, T.mul(y, T.sub(1, y))));
/**
 * TensorFlow.js's hard sigmoid `clip(0.2·x + 0.5, 0, 1)` (not PyTorch's `x/6 + 0.5`, see the tensor
 * op); backward `0.2·g` where `−2.5 ≤ x ≤ 2.5`, 0 outside — TF.js's clip gradient, which passes
 * `g` at the clip points too.
 */
export const hardSigmoid = (x: Variable | Tensor): Variable =>
  unary('hardSigmoid', x, T.hardSigmoid, (g, x) =>
    T.where(T.lessEqual(T.abs(x), 2.5), T.mul(g, 0.2), 0),
  );
/** `max(x, 0)`; backward passes `g` where `y > 0` (0 at 0). */
export const relu = (x: Variable | Tensor): Variable =>
  unary('relu', x, T.relu, (g, _x, y) => T.where(T.greater(y, 0), g, 0));

/** `min(max(x, low), high)`; backward passes `g` where `low ≤ x ≤ high`. */
export function clamp(x: Variable | Tensor, low: number, high: number): Variable {
  return unary(
    'clamp',
    x,
    (xv) => T.clamp(xv, low, high),
    (g, xv) => T.where(T.mul(T.greaterEqual(xv, low), T.lessEqual(xv, high)), g, 0),
  );
}

/** `da`/`db` before reduction to the operand's shape (broadcasting is undone by the caller). */
type BinaryGradient = (g: Tensor, a: TensorLike, b: TensorLike, y: Tensor) => Tensor;

function binary(
  name: string,
  a: Operand,
  b: Operand,
  forward: (a: TensorLike, b: TensorLike) => Tensor,
  gradA: BinaryGradient,
  gradB: BinaryGradient,
): Variable {
  const av = operandValue(name, 'a', a);
  const bv = operandValue(name, 'b', b);
  const y = forward(av, bv);
  return recordOne({
    name,
    inputs: [a, b],
    outputs: [y],
    saved: tensorsAmong([av, bv, y]),
    backward: ([g], [needA, needB]) => [
      needA ? T.sumTo(gradA(g!, av, bv, y), (av as Tensor).shape) : null,
      needB ? T.sumTo(gradB(g!, av, bv, y), (bv as Tensor).shape) : null,
    ],
  });
}

/** `a + b` with broadcasting; backward sums `g` down to each operand's shape. */
export const add = (a: Operand, b: Operand): Variable =>
  binary(
    'add',
    a,
    b,
    T.add,
    (g) => g,
    (g) => g,
  );
/** `a − b` with broadcasting. */
export const sub = (a: Operand, b: Operand): Variable =>
  binary(
    'sub',
    a,
    b,
    T.sub,
    (g) => g,
    (g) => T.neg(g),
  );
/** `a ⊙ b` with broadcasting; `da = g·b`, `db = g·a`. */
export const mul = (a: Operand, b: Operand): Variable =>
  binary(
    'mul',
    a,
    b,
    T.mul,
    (g, _a, b) => T.mul(g, b),
    (g, a) => T.mul(g, a),
  );
/** `a / b` with broadcasting; `da = g/b`, `db = −g·y/b`. */
export const div = (a: Operand, b: Operand): Variable =>
  binary(
    'div',
    a,
    b,
    T.div,
    (g, _a, b) => T.div(g, b),
    (g, _a, b, y) => T.neg(T.div(T.mul(g, y), b)),
  );
/** `aᵇ`; `da = g·b·aᵇ⁻¹`, `db = g·y·ln a` (needs a > 0). */
export const pow = (a: Operand, b: Operand): Variable =>
  binary(
    'pow',
    a,
    b,
    T.pow,
    (g, a, b) => T.mul(T.mul(g, b), T.pow(a, typeof b === 'number' ? b - 1 : T.sub(b, 1))),
    (g, a, _b, y) => T.mul(T.mul(g, y), T.log(a as Tensor)),
  );
/** Elementwise maximum; `g` goes to `a` where `a ≥ b` (ties go to a), to `b` elsewhere. */
export const maximum = (a: Operand, b: Operand): Variable =>
  binary(
    'maximum',
    a,
    b,
    T.maximum,
    (g, a, b) => T.where(T.greaterEqual(a, b), g, 0),
    (g, a, b) => T.where(T.greaterEqual(a, b), 0, g),
  );
/** Elementwise minimum; `g` goes to `a` where `a ≤ b` (ties go to a), to `b` elsewhere. */
export const minimum = (a: Operand, b: Operand): Variable =>
  binary(
    'minimum',
    a,
    b,
    T.minimum,
    (g, a, b) => T.where(T.lessEqual(a, b), g, 0),
    (g, a, b) => T.where(T.lessEqual(a, b), 0, g),
  );

/**
 * `condition ? a : b` elementwise with broadcasting (`condition` nonzero means true, no
 * gradient); `g` flows to `a` where the condition holds and to `b` elsewhere.
 */
export function where(condition: Tensor, a: Operand, b: Operand): Variable {
  const cond = tensorOf('where', 'condition', condition);
  const av = operandValue('where', 'a', a);
  const bv = operandValue('where', 'b', b);
  const y = T.where(cond, av, bv);
  return recordOne({
    name: 'where',
    inputs: [a, b],
    outputs: [y],
    saved: tensorsAmong([cond, av, bv]),
    backward: ([g], [needA, needB]) => [
      needA ? T.sumTo(T.where(cond, g!, 0), (av as Tensor).shape) : null,
      needB ? T.sumTo(T.where(cond, 0, g!), (bv as Tensor).shape) : null,
    ],
  });
}
