import { compileWat } from '@recur/tooling/build-wasm';
import { beforeAll, describe, expect, it } from 'vitest';
import { CpuBackend } from '../cpu-backend.js';
import type { WasmModuleSource } from './wasm-extension.js';

/** A module another package could ship: out[i] = op(x[i]) through the linked vector math. */
const MAP_WAT = `(module
  (import "recur" "memory" (memory 1))
  (import "recur" "sigmoid4" (func $sigmoid4 (param v128) (result v128)))
  (import "recur" "tanh4" (func $tanh4 (param v128) (result v128)))
  (import "recur" "exp4" (func $exp4 (param v128) (result v128)))
  (func (export "map") (param $op i32) (param $x i32) (param $out i32) (param $n i32)
    (local $end i32) (local $v v128)
    (local.set $end (i32.add (local.get $x) (i32.shl (local.get $n) (i32.const 2))))
    (block $done
      (loop $l
        (br_if $done (i32.ge_u (local.get $x) (local.get $end)))
        (local.set $v (v128.load (local.get $x)))
        (v128.store (local.get $out)
          (if (result v128) (i32.eqz (local.get $op))
            (then (call $sigmoid4 (local.get $v)))
            (else (if (result v128) (i32.eq (local.get $op) (i32.const 1))
              (then (call $tanh4 (local.get $v)))
              (else (call $exp4 (local.get $v)))))))
        (local.set $x (i32.add (local.get $x) (i32.const 16)))
        (local.set $out (i32.add (local.get $out) (i32.const 16)))
        (br $l)))))`;

interface MapExports {
  map(op: number, x: number, out: number, n: number): void;
}

let source: WasmModuleSource;
beforeAll(async () => {
  const bytes = await compileWat('map.wat', MAP_WAT);
  source = { name: 'test map', base64: bytes.toString('base64') };
});

describe('CpuBackend.linkWasm', () => {
  it("links a module to the backend's memory and vector math: the same values as the unfused ops", () => {
    const cpu = new CpuBackend({ wasm: 'always' });
    const extension = cpu.linkWasm<MapExports>(source);
    expect(extension).not.toBeNull();
    const n = 64;
    const x = Float32Array.from({ length: n }, (_, i) => 6 * Math.sin(i * 1.3));
    for (const [code, op] of [
      [0, 'sigmoid'],
      [1, 'tanh'],
      [2, 'exp'],
    ] as const) {
      const memory = extension!.reserve(8 * n)!;
      memory.set(x, 0);
      extension!.exports.map(code, 0, 4 * n, n);
      const got = extension!.reserve(8 * n)!.slice(n, 2 * n);
      const want = new Float32Array(n);
      cpu.unaryInto(op, x, want);
      expect(got, op).toEqual(want);
    }
  });

  it('links each source once; a backend without wasm links nothing', () => {
    const cpu = new CpuBackend({ wasm: 'always' });
    expect(cpu.linkWasm(source)).toBe(new CpuBackend().linkWasm(source));
    expect(new CpuBackend({ wasm: 'never' }).linkWasm(source)).toBeNull();
  });

  it('reserve grows the shared memory, and refuses (null) past its limit', () => {
    const extension = new CpuBackend({ wasm: 'always' }).linkWasm<MapExports>(source)!;
    const view = extension.reserve(3 << 20);
    expect(view!.byteLength).toBeGreaterThanOrEqual(3 << 20);
    expect(extension.reserve(2 ** 31)).toBeNull();
  });

  it('a module that does not link is a FORMAT error naming it and the expected imports', async () => {
    const bytes = await compileWat(
      'bad.wat',
      '(module (import "recur" "softplus4" (func (param v128) (result v128))))',
    );
    const bad: WasmModuleSource = { name: 'bad module', base64: bytes.toString('base64') };
    expect(() => new CpuBackend({ wasm: 'always' }).linkWasm(bad)).toThrow(
      /CpuBackend\.linkWasm: the module 'bad module' does not link .*recur\.memory/,
    );
    const garbage: WasmModuleSource = { name: 'garbage', base64: 'AAAA' };
    expect(() => new CpuBackend({ wasm: 'always' }).linkWasm(garbage)).toThrow(
      expect.objectContaining({ code: 'FORMAT' }),
    );
  });
});
