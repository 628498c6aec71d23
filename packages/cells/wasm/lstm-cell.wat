;; The LSTM gate pass of @recur/cells' fused CPU kernel in WebAssembly SIMD (hand-written;
;; compiled at build time by recur-build-wasm into src/kernels/wasm/lstm-cell-wasm.generated.ts).
;;
;; Linked to @recur/tensor's CPU kernels with `CpuBackend.linkWasm`: it works in their memory
;; and calls their vector math, so its σ and tanh are the backend's own (the same values as the
;; `sigmoid` and `tanh` ops). src/kernels/lstm-cell-pass.ts copies the operands in at byte
;; addresses, calls `lstmCell`, and copies the results out.
;;
;; Exports
;;   lstmCell(z, cPrev, c, a, rows, h)
;;       One LSTM step's gate math (docs/notation.md, gate order u, f, c̃, o): z (rows × 4h,
;;       [z_u z_f z_c z_o]) becomes the activations [σ σ tanh σ]; c = Γf·cPrev + Γu·c̃ and
;;       a = Γo·tanh(c) (rows × h). h % 4 = 0 (whole vectors within each gate block).
(module
  (import "recur" "memory" (memory 1))
  (import "recur" "sigmoid4" (func $sigmoid4 (param v128) (result v128)))
  (import "recur" "tanh4" (func $tanh4 (param v128) (result v128)))

  (func (export "lstmCell") (param $z i32) (param $cPrev i32) (param $c i32) (param $a i32)
    (param $rows i32) (param $h i32)
    (local $r i32) (local $j i32) (local $hb i32) (local $zu i32) (local $off i32) (local $s i32)
    (local $u v128) (local $f v128) (local $g v128) (local $o v128) (local $cv v128)
    (local.set $hb (i32.shl (local.get $h) (i32.const 2)))
    (block $rDone
      (loop $rLoop
        (br_if $rDone (i32.ge_u (local.get $r) (local.get $rows)))
        (local.set $zu (i32.add (local.get $z) (i32.mul (local.get $r) (i32.shl (local.get $hb) (i32.const 2)))))
        (local.set $s (i32.mul (local.get $r) (local.get $hb)))
        (local.set $j (i32.const 0))
        (block $jDone
          (loop $jLoop
            (br_if $jDone (i32.ge_u (local.get $j) (local.get $hb)))
            (local.set $off (i32.add (local.get $zu) (local.get $j)))
            (local.set $u (call $sigmoid4 (v128.load (local.get $off))))
            (local.set $f (call $sigmoid4 (v128.load (i32.add (local.get $off) (local.get $hb)))))
            (local.set $g (call $tanh4
              (v128.load (i32.add (local.get $off) (i32.shl (local.get $hb) (i32.const 1))))))
            (local.set $o (call $sigmoid4
              (v128.load (i32.add (local.get $off) (i32.mul (local.get $hb) (i32.const 3))))))
            (v128.store (local.get $off) (local.get $u))
            (v128.store (i32.add (local.get $off) (local.get $hb)) (local.get $f))
            (v128.store (i32.add (local.get $off) (i32.shl (local.get $hb) (i32.const 1))) (local.get $g))
            (v128.store (i32.add (local.get $off) (i32.mul (local.get $hb) (i32.const 3))) (local.get $o))
            (local.set $off (i32.add (local.get $s) (local.get $j)))
            (local.set $cv
              (f32x4.add
                (f32x4.mul (local.get $f) (v128.load (i32.add (local.get $cPrev) (local.get $off))))
                (f32x4.mul (local.get $u) (local.get $g))))
            (v128.store (i32.add (local.get $c) (local.get $off)) (local.get $cv))
            (v128.store (i32.add (local.get $a) (local.get $off))
              (f32x4.mul (local.get $o) (call $tanh4 (local.get $cv))))
            (local.set $j (i32.add (local.get $j) (i32.const 16)))
            (br $jLoop)))
        (local.set $r (i32.add (local.get $r) (i32.const 1)))
        (br $rLoop))))
)
