import type { MatmulOptions, Tensor } from '@recur/tensor';
import * as T from '@recur/tensor';
import { recordOne } from '../record.js';
import type { Variable } from '../variable.js';
import { tensorOf } from './operands.js';

/**
 * Matrix product of the last two dimensions with broadcast batch dimensions (see the tensor
 * op). Backward, for `y = a·b`: `da = g·bᵀ`, `db = aᵀ·g`; the transposed variants use the
 * transpose flags instead of copies, and batch broadcasting is summed back with `sumTo`.
 */
export function matmul(
  a: Variable | Tensor,
  b: Variable | Tensor,
  options: MatmulOptions = {},
): Variable {
  const av = tensorOf('matmul', 'a', a);
  const bv = tensorOf('matmul', 'b', b);
  const { transposeA = false, transposeB = false } = options;
  const y = T.matmul(av, bv, { transposeA, transposeB });
  return recordOne({
    name: 'matmul',
    inputs: [a, b],
    outputs: [y],
    saved: [av, bv],
    backward: ([g], [needA, needB]) => [
      needA ? T.sumTo(gradA(g!, bv, transposeA, transposeB), av.shape) : null,
      needB ? T.sumTo(gradB(g!, av, transposeA, transposeB), bv.shape) : null,
    ],
  });
}

/** ∂/∂a of `op(a)·op(b)`: `g·op(b)ᵀ`, transposed back when `a` was used transposed. */
function gradA(g: Tensor, b: Tensor, ta: boolean, tb: boolean): Tensor {
  if (!ta) return T.matmul(g, b, { transposeB: !tb }); // g·bᵀ  or  g·b
  return T.matmul(b, g, { transposeA: tb, transposeB: true }); // b·gᵀ  or  bᵀ·gᵀ
}

/** ∂/∂b of `op(a)·op(b)`: `op(a)ᵀ·g`, transposed back when `b` was used transposed. */
function gradB(g: Tensor, a: Tensor, ta: boolean, tb: boolean): Tensor {
  if (!tb) return T.matmul(a, g, { transposeA: !ta }); // aᵀ·g  or  a·g
  return T.matmul(g, a, { transposeA: true, transposeB: ta }); // gᵀ·a  or  gᵀ·aᵀ
}
