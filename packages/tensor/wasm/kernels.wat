;; Hot CPU kernels of @recur/tensor in WebAssembly SIMD (hand-written; compiled at build time by
;; recur-build-wasm (tooling/build-wasm.mjs) into src/cpu/wasm/kernels-wasm.generated.ts).
;;
;; Memory layout is chosen by the caller (src/cpu/wasm/wasm-kernels.ts): it copies operands into
;; this module's memory, calls a kernel with byte addresses, and copies the result out. Every
;; operand region is padded to a multiple of 16 bytes, so the elementwise kernels run whole
;; 4-lane vectors and never need a scalar tail.
;;
;; Exports
;;   gemm(m, n, k, a, ars, acs, b, brs, bcs, c, work, mcBlock, kcBlock, ncBlock, accumulate)
;;       C[m×n] = A[m×k] · B[k×n], C row-major and contiguous. Element (i,p) of A is at
;;       a + 4·(i·ars + p·acs) and (p,j) of B at b + 4·(p·brs + j·bcs), so transposed operands
;;       are just other strides. Cache-blocked (GotoBLAS/BLIS loop order): a KC×NC block of B
;;       is packed into 8-column panels, an MC×KC block of A into 4-row panels, and a 4×8
;;       register-tile micro-kernel does the arithmetic. `work` needs
;;       4·(mcBlock·kcBlock + kcBlock·ncBlock) + 128 bytes, 16-byte aligned. With accumulate
;;       ≠ 0, C += A·B (C's values are kept).
;;   gemmSmall(m, n, k, a, ars, acs, b, brs, bcs, c, accumulate)
;;       The same product without packing, for m < 4 (matrix-vector products). B must have
;;       bcs = 1 (row-major) or brs = 1 (transposed).
;;   binary(op, a, aInc, b, bInc, out, n)
;;       out[i] = a[i] op b[i] for i < n (rounded up to 4). aInc/bInc are 1 for a vector, 0 for
;;       a scalar that is broadcast. op: 0 add, 1 sub, 2 mul, 3 div, 4 maximum, 5 minimum.
;;   binaryRows(op, a, aRow, aInc, b, bRow, bInc, out, rows, cols)
;;       `binary` over `rows` rows of `cols` outputs; operand row r starts at a + r·aRow
;;       (bytes), which broadcasts rows (aRow 0) or columns (aInc 0, aRow 4).
;;   unary(op, x, out, n)
;;       op: 0 exp, 1 sigmoid, 2 tanh, 3 relu, 4 neg, 5 abs, 6 sqrt, 7 square.
;;       exp is Cephes' expf (range reduction by ln 2, degree-6 polynomial, ~1 ulp); tanh is
;;       Cephes' tanhf (odd polynomial below 0.625, 1 - 2/(e^{2x}+1) above). NaN propagates.
;;   exp4(x), sigmoid4(x), tanh4(x)   (v128) -> v128
;;       The vector math `unary` uses, exported for the modules that other packages link to the
;;       CPU backend (see src/cpu/wasm/wasm-extension.ts): they import these and `memory`.
(module
  (memory (export "memory") 1)

  ;; ── GEMM ──────────────────────────────────────────────────────────────────────────────

  ;; C[4×8] += Apanel[kc×4] · Bpanel[kc×8]; `ldc` is C's row stride in bytes.
  (func $kernel4x8 (param $kc i32) (param $pa i32) (param $pb i32) (param $c i32) (param $ldc i32)
    (local $c00 v128) (local $c01 v128) (local $c10 v128) (local $c11 v128)
    (local $c20 v128) (local $c21 v128) (local $c30 v128) (local $c31 v128)
    (local $b0 v128) (local $b1 v128) (local $a v128)
    (if (local.get $kc)
      (then
        (loop $k
          (local.set $b0 (v128.load (local.get $pb)))
          (local.set $b1 (v128.load offset=16 (local.get $pb)))
          (local.set $a (v128.load32_splat (local.get $pa)))
          (local.set $c00 (f32x4.add (local.get $c00) (f32x4.mul (local.get $a) (local.get $b0))))
          (local.set $c01 (f32x4.add (local.get $c01) (f32x4.mul (local.get $a) (local.get $b1))))
          (local.set $a (v128.load32_splat offset=4 (local.get $pa)))
          (local.set $c10 (f32x4.add (local.get $c10) (f32x4.mul (local.get $a) (local.get $b0))))
          (local.set $c11 (f32x4.add (local.get $c11) (f32x4.mul (local.get $a) (local.get $b1))))
          (local.set $a (v128.load32_splat offset=8 (local.get $pa)))
          (local.set $c20 (f32x4.add (local.get $c20) (f32x4.mul (local.get $a) (local.get $b0))))
          (local.set $c21 (f32x4.add (local.get $c21) (f32x4.mul (local.get $a) (local.get $b1))))
          (local.set $a (v128.load32_splat offset=12 (local.get $pa)))
          (local.set $c30 (f32x4.add (local.get $c30) (f32x4.mul (local.get $a) (local.get $b0))))
          (local.set $c31 (f32x4.add (local.get $c31) (f32x4.mul (local.get $a) (local.get $b1))))
          (local.set $pa (i32.add (local.get $pa) (i32.const 16)))
          (local.set $pb (i32.add (local.get $pb) (i32.const 32)))
          (br_if $k (local.tee $kc (i32.sub (local.get $kc) (i32.const 1)))))))
    (v128.store (local.get $c) (f32x4.add (v128.load (local.get $c)) (local.get $c00)))
    (v128.store offset=16 (local.get $c)
      (f32x4.add (v128.load offset=16 (local.get $c)) (local.get $c01)))
    (local.set $c (i32.add (local.get $c) (local.get $ldc)))
    (v128.store (local.get $c) (f32x4.add (v128.load (local.get $c)) (local.get $c10)))
    (v128.store offset=16 (local.get $c)
      (f32x4.add (v128.load offset=16 (local.get $c)) (local.get $c11)))
    (local.set $c (i32.add (local.get $c) (local.get $ldc)))
    (v128.store (local.get $c) (f32x4.add (v128.load (local.get $c)) (local.get $c20)))
    (v128.store offset=16 (local.get $c)
      (f32x4.add (v128.load offset=16 (local.get $c)) (local.get $c21)))
    (local.set $c (i32.add (local.get $c) (local.get $ldc)))
    (v128.store (local.get $c) (f32x4.add (v128.load (local.get $c)) (local.get $c30)))
    (v128.store offset=16 (local.get $c)
      (f32x4.add (v128.load offset=16 (local.get $c)) (local.get $c31))))

  ;; A partial tile (mr < 4 or nr < 8): the micro-kernel writes a zeroed 4×8 scratch tile at
  ;; `tmp`, whose valid mr×nr corner is then added into C.
  (func $kernelEdge (param $kc i32) (param $pa i32) (param $pb i32) (param $c i32) (param $ldc i32)
    (param $mr i32) (param $nr i32) (param $tmp i32)
    (local $i i32) (local $j i32) (local $src i32) (local $dst i32)
    (memory.fill (local.get $tmp) (i32.const 0) (i32.const 128))
    (call $kernel4x8 (local.get $kc) (local.get $pa) (local.get $pb) (local.get $tmp) (i32.const 32))
    (loop $rows
      (local.set $j (i32.const 0))
      (local.set $src (i32.add (local.get $tmp) (i32.shl (local.get $i) (i32.const 5))))
      (local.set $dst (i32.add (local.get $c) (i32.mul (local.get $i) (local.get $ldc))))
      (loop $cols
        (f32.store (local.get $dst) (f32.add (f32.load (local.get $dst)) (f32.load (local.get $src))))
        (local.set $src (i32.add (local.get $src) (i32.const 4)))
        (local.set $dst (i32.add (local.get $dst) (i32.const 4)))
        (br_if $cols (i32.lt_u (local.tee $j (i32.add (local.get $j) (i32.const 1))) (local.get $nr))))
      (br_if $rows (i32.lt_u (local.tee $i (i32.add (local.get $i) (i32.const 1))) (local.get $mr)))))

  ;; Stores the transpose of the 4×4 block whose rows are r0..r3: column q goes to dst + q·stride.
  (func $transpose4 (param $r0 v128) (param $r1 v128) (param $r2 v128) (param $r3 v128)
    (param $dst i32) (param $stride i32)
    (local $t0 v128) (local $t1 v128) (local $t2 v128) (local $t3 v128)
    (local.set $t0 (i8x16.shuffle 0 1 2 3 16 17 18 19 4 5 6 7 20 21 22 23 (local.get $r0) (local.get $r1)))
    (local.set $t1 (i8x16.shuffle 0 1 2 3 16 17 18 19 4 5 6 7 20 21 22 23 (local.get $r2) (local.get $r3)))
    (local.set $t2 (i8x16.shuffle 8 9 10 11 24 25 26 27 12 13 14 15 28 29 30 31 (local.get $r0) (local.get $r1)))
    (local.set $t3 (i8x16.shuffle 8 9 10 11 24 25 26 27 12 13 14 15 28 29 30 31 (local.get $r2) (local.get $r3)))
    (v128.store (local.get $dst)
      (i8x16.shuffle 0 1 2 3 4 5 6 7 16 17 18 19 20 21 22 23 (local.get $t0) (local.get $t1)))
    (local.set $dst (i32.add (local.get $dst) (local.get $stride)))
    (v128.store (local.get $dst)
      (i8x16.shuffle 8 9 10 11 12 13 14 15 24 25 26 27 28 29 30 31 (local.get $t0) (local.get $t1)))
    (local.set $dst (i32.add (local.get $dst) (local.get $stride)))
    (v128.store (local.get $dst)
      (i8x16.shuffle 0 1 2 3 4 5 6 7 16 17 18 19 20 21 22 23 (local.get $t2) (local.get $t3)))
    (local.set $dst (i32.add (local.get $dst) (local.get $stride)))
    (v128.store (local.get $dst)
      (i8x16.shuffle 8 9 10 11 12 13 14 15 24 25 26 27 28 29 30 31 (local.get $t2) (local.get $t3))))

  ;; Packs A[mc×kc] (strides ars, acs in elements) into panels of 4 rows: panel i0/4 starts at
  ;; dst + i0·kc·4 bytes and holds, for each p, A[i0..i0+3, p] (zero-padded past mc).
  (func $packA (param $mc i32) (param $kc i32) (param $a i32) (param $ars i32) (param $acs i32)
    (param $dst i32)
    (local $i0 i32) (local $p i32) (local $t i32) (local $mr i32) (local $src i32) (local $out i32)
    (local $rs i32) (local $cs i32) (local $kc4 i32)
    (local.set $rs (i32.shl (local.get $ars) (i32.const 2)))
    (local.set $cs (i32.shl (local.get $acs) (i32.const 2)))
    (local.set $kc4 (i32.and (local.get $kc) (i32.const -4)))
    (block $done
      (loop $panels
        (br_if $done (i32.ge_u (local.get $i0) (local.get $mc)))
        (local.set $mr (i32.sub (local.get $mc) (local.get $i0)))
        (local.set $src (i32.add (local.get $a) (i32.mul (local.get $i0) (local.get $rs))))
        (local.set $out (local.get $dst))
        (local.set $p (i32.const 0))
        (if (i32.ge_u (local.get $mr) (i32.const 4))
          (then
            (if (i32.eq (local.get $acs) (i32.const 1))
              (then
                ;; rows contiguous along p: transpose 4×4 blocks
                (block $end4
                  (loop $p4
                    (br_if $end4 (i32.ge_u (local.get $p) (local.get $kc4)))
                    (call $transpose4
                      (v128.load (local.get $src))
                      (v128.load (i32.add (local.get $src) (local.get $rs)))
                      (v128.load (i32.add (local.get $src) (i32.shl (local.get $rs) (i32.const 1))))
                      (v128.load (i32.add (local.get $src) (i32.mul (local.get $rs) (i32.const 3))))
                      (local.get $out) (i32.const 16))
                    (local.set $src (i32.add (local.get $src) (i32.const 16)))
                    (local.set $out (i32.add (local.get $out) (i32.const 64)))
                    (local.set $p (i32.add (local.get $p) (i32.const 4)))
                    (br $p4)))))
            (if (i32.eq (local.get $ars) (i32.const 1))
              (then
                ;; transposed A: the 4 rows at one p are contiguous
                (block $endv
                  (loop $pv
                    (br_if $endv (i32.ge_u (local.get $p) (local.get $kc)))
                    (v128.store (local.get $out) (v128.load (local.get $src)))
                    (local.set $src (i32.add (local.get $src) (local.get $cs)))
                    (local.set $out (i32.add (local.get $out) (i32.const 16)))
                    (local.set $p (i32.add (local.get $p) (i32.const 1)))
                    (br $pv)))))))
        ;; whatever is left (partial panel, general strides, the p tail): one element at a time
        (block $ends
          (loop $ps
            (br_if $ends (i32.ge_u (local.get $p) (local.get $kc)))
            (local.set $t (i32.const 0))
            (loop $rows
              (f32.store (local.get $out)
                (if (result f32) (i32.lt_u (local.get $t) (local.get $mr))
                  (then (f32.load (i32.add (local.get $src) (i32.mul (local.get $t) (local.get $rs)))))
                  (else (f32.const 0))))
              (local.set $out (i32.add (local.get $out) (i32.const 4)))
              (br_if $rows (i32.lt_u (local.tee $t (i32.add (local.get $t) (i32.const 1))) (i32.const 4))))
            (local.set $src (i32.add (local.get $src) (local.get $cs)))
            (local.set $p (i32.add (local.get $p) (i32.const 1)))
            (br $ps)))
        (local.set $dst (i32.add (local.get $dst) (i32.shl (local.get $kc) (i32.const 4))))
        (local.set $i0 (i32.add (local.get $i0) (i32.const 4)))
        (br $panels))))

  ;; Packs B[kc×nc] (strides brs, bcs in elements) into panels of 8 columns: panel j0/8 starts
  ;; at dst + j0·kc·4 bytes and holds, for each p, B[p, j0..j0+7] (zero-padded past nc).
  (func $packB (param $kc i32) (param $nc i32) (param $b i32) (param $brs i32) (param $bcs i32)
    (param $dst i32)
    (local $j0 i32) (local $p i32) (local $t i32) (local $nr i32) (local $src i32) (local $out i32)
    (local $rs i32) (local $cs i32) (local $kc4 i32)
    (local.set $rs (i32.shl (local.get $brs) (i32.const 2)))
    (local.set $cs (i32.shl (local.get $bcs) (i32.const 2)))
    (local.set $kc4 (i32.and (local.get $kc) (i32.const -4)))
    (block $done
      (loop $panels
        (br_if $done (i32.ge_u (local.get $j0) (local.get $nc)))
        (local.set $nr (i32.sub (local.get $nc) (local.get $j0)))
        (local.set $src (i32.add (local.get $b) (i32.mul (local.get $j0) (local.get $cs))))
        (local.set $out (local.get $dst))
        (local.set $p (i32.const 0))
        (if (i32.ge_u (local.get $nr) (i32.const 8))
          (then
            (if (i32.eq (local.get $bcs) (i32.const 1))
              (then
                ;; rows of B contiguous: two vectors per p
                (block $endv
                  (loop $pv
                    (br_if $endv (i32.ge_u (local.get $p) (local.get $kc)))
                    (v128.store (local.get $out) (v128.load (local.get $src)))
                    (v128.store offset=16 (local.get $out) (v128.load offset=16 (local.get $src)))
                    (local.set $src (i32.add (local.get $src) (local.get $rs)))
                    (local.set $out (i32.add (local.get $out) (i32.const 32)))
                    (local.set $p (i32.add (local.get $p) (i32.const 1)))
                    (br $pv)))))
            (if (i32.eq (local.get $brs) (i32.const 1))
              (then
                ;; transposed B (columns contiguous along p): two 4×4 transposes per 4 p's
                (block $end4
                  (loop $p4
                    (br_if $end4 (i32.ge_u (local.get $p) (local.get $kc4)))
                    (call $transpose4
                      (v128.load (local.get $src))
                      (v128.load (i32.add (local.get $src) (local.get $cs)))
                      (v128.load (i32.add (local.get $src) (i32.shl (local.get $cs) (i32.const 1))))
                      (v128.load (i32.add (local.get $src) (i32.mul (local.get $cs) (i32.const 3))))
                      (local.get $out) (i32.const 32))
                    (call $transpose4
                      (v128.load (i32.add (local.get $src) (i32.shl (local.get $cs) (i32.const 2))))
                      (v128.load (i32.add (local.get $src) (i32.mul (local.get $cs) (i32.const 5))))
                      (v128.load (i32.add (local.get $src) (i32.mul (local.get $cs) (i32.const 6))))
                      (v128.load (i32.add (local.get $src) (i32.mul (local.get $cs) (i32.const 7))))
                      (i32.add (local.get $out) (i32.const 16)) (i32.const 32))
                    (local.set $src (i32.add (local.get $src) (i32.const 16)))
                    (local.set $out (i32.add (local.get $out) (i32.const 128)))
                    (local.set $p (i32.add (local.get $p) (i32.const 4)))
                    (br $p4)))))))
        (block $ends
          (loop $ps
            (br_if $ends (i32.ge_u (local.get $p) (local.get $kc)))
            (local.set $t (i32.const 0))
            (loop $cols
              (f32.store (local.get $out)
                (if (result f32) (i32.lt_u (local.get $t) (local.get $nr))
                  (then (f32.load (i32.add (local.get $src) (i32.mul (local.get $t) (local.get $cs)))))
                  (else (f32.const 0))))
              (local.set $out (i32.add (local.get $out) (i32.const 4)))
              (br_if $cols (i32.lt_u (local.tee $t (i32.add (local.get $t) (i32.const 1))) (i32.const 8))))
            (local.set $src (i32.add (local.get $src) (local.get $rs)))
            (local.set $p (i32.add (local.get $p) (i32.const 1)))
            (br $ps)))
        (local.set $dst (i32.add (local.get $dst) (i32.shl (local.get $kc) (i32.const 5))))
        (local.set $j0 (i32.add (local.get $j0) (i32.const 8)))
        (br $panels))))

  (func $min (param $x i32) (param $y i32) (result i32)
    (select (local.get $x) (local.get $y) (i32.lt_u (local.get $x) (local.get $y))))

  (func (export "gemm") (param $m i32) (param $n i32) (param $k i32)
    (param $a i32) (param $ars i32) (param $acs i32)
    (param $b i32) (param $brs i32) (param $bcs i32)
    (param $c i32) (param $work i32) (param $mcBlock i32) (param $kcBlock i32) (param $ncBlock i32)
    (param $accumulate i32)
    (local $packedA i32) (local $packedB i32) (local $tmp i32)
    (local $jc i32) (local $pc i32) (local $ic i32) (local $jr i32) (local $ir i32)
    (local $nc i32) (local $kc i32) (local $mc i32) (local $mr i32) (local $nr i32)
    (local $ldc i32) (local $crow i32) (local $pb i32)
    (local.set $ldc (i32.shl (local.get $n) (i32.const 2)))
    ;; C = A·B, or C += A·B when accumulating (the micro-kernels add into C)
    (if (i32.eqz (local.get $accumulate))
      (then (memory.fill (local.get $c) (i32.const 0) (i32.mul (local.get $m) (local.get $ldc)))))
    (local.set $packedA (local.get $work))
    (local.set $packedB
      (i32.add (local.get $work) (i32.shl (i32.mul (local.get $mcBlock) (local.get $kcBlock)) (i32.const 2))))
    (local.set $tmp
      (i32.add (local.get $packedB) (i32.shl (i32.mul (local.get $kcBlock) (local.get $ncBlock)) (i32.const 2))))
    (block $jcDone
      (loop $jcLoop
        (br_if $jcDone (i32.ge_u (local.get $jc) (local.get $n)))
        (local.set $nc (call $min (local.get $ncBlock) (i32.sub (local.get $n) (local.get $jc))))
        (local.set $pc (i32.const 0))
        (block $pcDone
          (loop $pcLoop
            (br_if $pcDone (i32.ge_u (local.get $pc) (local.get $k)))
            (local.set $kc (call $min (local.get $kcBlock) (i32.sub (local.get $k) (local.get $pc))))
            (call $packB (local.get $kc) (local.get $nc)
              (i32.add (local.get $b)
                (i32.shl
                  (i32.add (i32.mul (local.get $pc) (local.get $brs)) (i32.mul (local.get $jc) (local.get $bcs)))
                  (i32.const 2)))
              (local.get $brs) (local.get $bcs) (local.get $packedB))
            (local.set $ic (i32.const 0))
            (block $icDone
              (loop $icLoop
                (br_if $icDone (i32.ge_u (local.get $ic) (local.get $m)))
                (local.set $mc (call $min (local.get $mcBlock) (i32.sub (local.get $m) (local.get $ic))))
                (call $packA (local.get $mc) (local.get $kc)
                  (i32.add (local.get $a)
                    (i32.shl
                      (i32.add (i32.mul (local.get $ic) (local.get $ars)) (i32.mul (local.get $pc) (local.get $acs)))
                      (i32.const 2)))
                  (local.get $ars) (local.get $acs) (local.get $packedA))
                (local.set $jr (i32.const 0))
                (block $jrDone
                  (loop $jrLoop
                    (br_if $jrDone (i32.ge_u (local.get $jr) (local.get $nc)))
                    (local.set $nr (call $min (i32.const 8) (i32.sub (local.get $nc) (local.get $jr))))
                    (local.set $pb
                      (i32.add (local.get $packedB) (i32.shl (i32.mul (local.get $jr) (local.get $kc)) (i32.const 2))))
                    (local.set $ir (i32.const 0))
                    (block $irDone
                      (loop $irLoop
                        (br_if $irDone (i32.ge_u (local.get $ir) (local.get $mc)))
                        (local.set $mr (call $min (i32.const 4) (i32.sub (local.get $mc) (local.get $ir))))
                        (local.set $crow
                          (i32.add (local.get $c)
                            (i32.add
                              (i32.mul (i32.add (local.get $ic) (local.get $ir)) (local.get $ldc))
                              (i32.shl (i32.add (local.get $jc) (local.get $jr)) (i32.const 2)))))
                        (if (i32.and (i32.eq (local.get $mr) (i32.const 4)) (i32.eq (local.get $nr) (i32.const 8)))
                          (then
                            (call $kernel4x8 (local.get $kc)
                              (i32.add (local.get $packedA)
                                (i32.shl (i32.mul (local.get $ir) (local.get $kc)) (i32.const 2)))
                              (local.get $pb) (local.get $crow) (local.get $ldc)))
                          (else
                            (call $kernelEdge (local.get $kc)
                              (i32.add (local.get $packedA)
                                (i32.shl (i32.mul (local.get $ir) (local.get $kc)) (i32.const 2)))
                              (local.get $pb) (local.get $crow) (local.get $ldc)
                              (local.get $mr) (local.get $nr) (local.get $tmp))))
                        (local.set $ir (i32.add (local.get $ir) (i32.const 4)))
                        (br $irLoop)))
                    (local.set $jr (i32.add (local.get $jr) (i32.const 8)))
                    (br $jrLoop)))
                (local.set $ic (i32.add (local.get $ic) (local.get $mcBlock)))
                (br $icLoop)))
            (local.set $pc (i32.add (local.get $pc) (local.get $kcBlock)))
            (br $pcLoop)))
        (local.set $jc (i32.add (local.get $jc) (local.get $ncBlock)))
        (br $jcLoop))))

;; C[m×n] = A[m×k]·B[k×n] without packing, for a few rows of A (matrix-vector products, where
  ;; the 4×8 tile would waste lanes and packing B would cost more than the product). Row-major B
  ;; (bcs = 1) streams each row of B into C's row; transposed B (brs = 1) gives dot products of
  ;; contiguous rows. C = A·B, or C += A·B when accumulating.
  (func (export "gemmSmall") (param $m i32) (param $n i32) (param $k i32)
    (param $a i32) (param $ars i32) (param $acs i32)
    (param $b i32) (param $brs i32) (param $bcs i32) (param $c i32) (param $accumulate i32)
    (local $i i32) (local $p i32) (local $j i32) (local $n4 i32) (local $k4 i32)
    (local $arow i32) (local $crow i32) (local $brow i32) (local $s v128) (local $x f32)
    (local $acc v128) (local $sum f32) (local $ars4 i32) (local $acs4 i32)
    (local.set $n4 (i32.and (local.get $n) (i32.const -4)))
    (local.set $k4 (i32.and (local.get $k) (i32.const -4)))
    (local.set $ars4 (i32.shl (local.get $ars) (i32.const 2)))
    (local.set $acs4 (i32.shl (local.get $acs) (i32.const 2)))
    (if (i32.eqz (local.get $accumulate))
      (then (memory.fill (local.get $c) (i32.const 0) (i32.shl (i32.mul (local.get $m) (local.get $n)) (i32.const 2)))))
    (block $iDone
      (loop $iLoop
        (br_if $iDone (i32.ge_u (local.get $i) (local.get $m)))
        (local.set $arow (i32.add (local.get $a) (i32.mul (local.get $i) (local.get $ars4))))
        (local.set $crow (i32.add (local.get $c) (i32.shl (i32.mul (local.get $i) (local.get $n)) (i32.const 2))))
        (if (i32.eq (local.get $bcs) (i32.const 1))
          (then
            ;; c[i, :] += A[i, p] · B[p, :] for each p
            (local.set $p (i32.const 0))
            (block $pDone
              (loop $pLoop
                (br_if $pDone (i32.ge_u (local.get $p) (local.get $k)))
                (local.set $x (f32.load (i32.add (local.get $arow) (i32.mul (local.get $p) (local.get $acs4)))))
                (local.set $s (f32x4.splat (local.get $x)))
                (local.set $brow (i32.add (local.get $b) (i32.shl (i32.mul (local.get $p) (local.get $brs)) (i32.const 2))))
                (local.set $j (i32.const 0))
                (block $jDone
                  (loop $jLoop
                    (br_if $jDone (i32.ge_u (local.get $j) (local.get $n4)))
                    (v128.store (i32.add (local.get $crow) (i32.shl (local.get $j) (i32.const 2)))
                      (f32x4.add
                        (v128.load (i32.add (local.get $crow) (i32.shl (local.get $j) (i32.const 2))))
                        (f32x4.mul (local.get $s)
                          (v128.load (i32.add (local.get $brow) (i32.shl (local.get $j) (i32.const 2)))))))
                    (local.set $j (i32.add (local.get $j) (i32.const 4)))
                    (br $jLoop)))
                (block $tDone
                  (loop $tLoop
                    (br_if $tDone (i32.ge_u (local.get $j) (local.get $n)))
                    (f32.store (i32.add (local.get $crow) (i32.shl (local.get $j) (i32.const 2)))
                      (f32.add
                        (f32.load (i32.add (local.get $crow) (i32.shl (local.get $j) (i32.const 2))))
                        (f32.mul (local.get $x)
                          (f32.load (i32.add (local.get $brow) (i32.shl (local.get $j) (i32.const 2)))))))
                    (local.set $j (i32.add (local.get $j) (i32.const 1)))
                    (br $tLoop)))
                (local.set $p (i32.add (local.get $p) (i32.const 1)))
                (br $pLoop))))
          (else
            ;; c[i, j] = Σ_p A[i, p] · B[p, j], B[:, j] contiguous (brs = 1)
            (local.set $j (i32.const 0))
            (block $jDone2
              (loop $jLoop2
                (br_if $jDone2 (i32.ge_u (local.get $j) (local.get $n)))
                (local.set $brow (i32.add (local.get $b) (i32.shl (i32.mul (local.get $j) (local.get $bcs)) (i32.const 2))))
                (local.set $acc (v128.const f32x4 0 0 0 0))
                (local.set $sum (f32.const 0))
                (local.set $p (i32.const 0))
                (if (i32.eq (local.get $acs) (i32.const 1))
                  (then
                    (block $vDone
                      (loop $vLoop
                        (br_if $vDone (i32.ge_u (local.get $p) (local.get $k4)))
                        (local.set $acc
                          (f32x4.add (local.get $acc)
                            (f32x4.mul
                              (v128.load (i32.add (local.get $arow) (i32.shl (local.get $p) (i32.const 2))))
                              (v128.load (i32.add (local.get $brow) (i32.shl (local.get $p) (i32.const 2)))))))
                        (local.set $p (i32.add (local.get $p) (i32.const 4)))
                        (br $vLoop)))))
                (block $sDone
                  (loop $sLoop
                    (br_if $sDone (i32.ge_u (local.get $p) (local.get $k)))
                    (local.set $sum
                      (f32.add (local.get $sum)
                        (f32.mul
                          (f32.load (i32.add (local.get $arow) (i32.mul (local.get $p) (local.get $acs4))))
                          (f32.load (i32.add (local.get $brow) (i32.shl (local.get $p) (i32.const 2)))))))
                    (local.set $p (i32.add (local.get $p) (i32.const 1)))
                    (br $sLoop)))
                (f32.store (i32.add (local.get $crow) (i32.shl (local.get $j) (i32.const 2)))
                  (f32.add
                    (f32.load (i32.add (local.get $crow) (i32.shl (local.get $j) (i32.const 2))))
                    (f32.add (local.get $sum)
                      (f32.add
                        (f32.add (f32x4.extract_lane 0 (local.get $acc)) (f32x4.extract_lane 1 (local.get $acc)))
                        (f32.add (f32x4.extract_lane 2 (local.get $acc)) (f32x4.extract_lane 3 (local.get $acc)))))))
                (local.set $j (i32.add (local.get $j) (i32.const 1)))
                (br $jLoop2)))))
        (local.set $i (i32.add (local.get $i) (i32.const 1)))
        (br $iLoop))))

  ;; ── elementwise ───────────────────────────────────────────────────────────────────────

  (func $binary (export "binary") (param $op i32) (param $a i32) (param $aInc i32) (param $b i32)
    (param $bInc i32) (param $out i32) (param $n i32)
    (local $as v128) (local $bs v128) (local $sa i32) (local $sb i32) (local $end i32)
    (local $va v128) (local $vb v128)
    (if (i32.eqz (local.get $n)) (then (return)))
    ;; a scalar operand is splatted once; a vector one is loaded each step (select keeps one)
    (local.set $as (v128.load32_splat (local.get $a)))
    (local.set $bs (v128.load32_splat (local.get $b)))
    (local.set $sa (i32.shl (local.get $aInc) (i32.const 4)))
    (local.set $sb (i32.shl (local.get $bInc) (i32.const 4)))
    (local.set $end (i32.add (local.get $out) (i32.shl (local.get $n) (i32.const 2))))
    (block $div (block $sub (block $mul (block $max (block $min (block $add
      (br_table $add $sub $mul $div $max $min $add (local.get $op)))
      ;; add
      (loop $l
        (v128.store (local.get $out) (f32x4.add
          (select (v128.load (local.get $a)) (local.get $as) (local.get $aInc))
          (select (v128.load (local.get $b)) (local.get $bs) (local.get $bInc))))
        (local.set $a (i32.add (local.get $a) (local.get $sa)))
        (local.set $b (i32.add (local.get $b) (local.get $sb)))
        (br_if $l (i32.lt_u (local.tee $out (i32.add (local.get $out) (i32.const 16))) (local.get $end))))
      (return))
      ;; minimum
      (loop $l
        (v128.store (local.get $out) (f32x4.min
          (select (v128.load (local.get $a)) (local.get $as) (local.get $aInc))
          (select (v128.load (local.get $b)) (local.get $bs) (local.get $bInc))))
        (local.set $a (i32.add (local.get $a) (local.get $sa)))
        (local.set $b (i32.add (local.get $b) (local.get $sb)))
        (br_if $l (i32.lt_u (local.tee $out (i32.add (local.get $out) (i32.const 16))) (local.get $end))))
      (return))
      ;; maximum
      (loop $l
        (v128.store (local.get $out) (f32x4.max
          (select (v128.load (local.get $a)) (local.get $as) (local.get $aInc))
          (select (v128.load (local.get $b)) (local.get $bs) (local.get $bInc))))
        (local.set $a (i32.add (local.get $a) (local.get $sa)))
        (local.set $b (i32.add (local.get $b) (local.get $sb)))
        (br_if $l (i32.lt_u (local.tee $out (i32.add (local.get $out) (i32.const 16))) (local.get $end))))
      (return))
      ;; mul
      (loop $l
        (v128.store (local.get $out) (f32x4.mul
          (select (v128.load (local.get $a)) (local.get $as) (local.get $aInc))
          (select (v128.load (local.get $b)) (local.get $bs) (local.get $bInc))))
        (local.set $a (i32.add (local.get $a) (local.get $sa)))
        (local.set $b (i32.add (local.get $b) (local.get $sb)))
        (br_if $l (i32.lt_u (local.tee $out (i32.add (local.get $out) (i32.const 16))) (local.get $end))))
      (return))
      ;; sub
      (loop $l
        (v128.store (local.get $out) (f32x4.sub
          (select (v128.load (local.get $a)) (local.get $as) (local.get $aInc))
          (select (v128.load (local.get $b)) (local.get $bs) (local.get $bInc))))
        (local.set $a (i32.add (local.get $a) (local.get $sa)))
        (local.set $b (i32.add (local.get $b) (local.get $sb)))
        (br_if $l (i32.lt_u (local.tee $out (i32.add (local.get $out) (i32.const 16))) (local.get $end))))
      (return))
    ;; div
    (loop $l
      (v128.store (local.get $out) (f32x4.div
        (select (v128.load (local.get $a)) (local.get $as) (local.get $aInc))
        (select (v128.load (local.get $b)) (local.get $bs) (local.get $bInc))))
      (local.set $a (i32.add (local.get $a) (local.get $sa)))
      (local.set $b (i32.add (local.get $b) (local.get $sb)))
      (br_if $l (i32.lt_u (local.tee $out (i32.add (local.get $out) (i32.const 16))) (local.get $end)))))

  (func (export "binaryRows") (param $op i32) (param $a i32) (param $aRow i32) (param $aInc i32)
    (param $b i32) (param $bRow i32) (param $bInc i32) (param $out i32) (param $rows i32)
    (param $cols i32)
    (local $r i32) (local $outRow i32)
    (local.set $outRow (i32.shl (local.get $cols) (i32.const 2)))
    (block $done
      (loop $l
        (br_if $done (i32.ge_u (local.get $r) (local.get $rows)))
        (call $binary (local.get $op) (local.get $a) (local.get $aInc) (local.get $b) (local.get $bInc)
          (local.get $out) (local.get $cols))
        (local.set $a (i32.add (local.get $a) (local.get $aRow)))
        (local.set $b (i32.add (local.get $b) (local.get $bRow)))
        (local.set $out (i32.add (local.get $out) (local.get $outRow)))
        (local.set $r (i32.add (local.get $r) (i32.const 1)))
        (br $l))))

  ;; e^x for 4 lanes (Cephes expf). Below -86.5 the result is flushed to 0 (the true value is
  ;; under 3e-38); above 88.7228 it is +Inf.
  (func $exp4 (export "exp4") (param $x v128) (result v128)
    (local $xc v128) (local $n v128) (local $r v128) (local $p v128) (local $scale v128)
    (local.set $xc
      (f32x4.max
        (f32x4.min (local.get $x) (v128.const f32x4 88.7228 88.7228 88.7228 88.7228))
        (v128.const f32x4 -86.5 -86.5 -86.5 -86.5)))
    (local.set $n
      (f32x4.floor
        (f32x4.add
          (f32x4.mul (local.get $xc)
            (v128.const f32x4 1.44269504088896341 1.44269504088896341 1.44269504088896341 1.44269504088896341))
          (v128.const f32x4 0.5 0.5 0.5 0.5))))
    (local.set $r
      (f32x4.sub
        (f32x4.sub (local.get $xc)
          (f32x4.mul (local.get $n) (v128.const f32x4 0.693359375 0.693359375 0.693359375 0.693359375)))
        (f32x4.mul (local.get $n)
          (v128.const f32x4 -2.12194440e-4 -2.12194440e-4 -2.12194440e-4 -2.12194440e-4))))
    (local.set $p (v128.const f32x4 1.9875691500e-4 1.9875691500e-4 1.9875691500e-4 1.9875691500e-4))
    (local.set $p (f32x4.add (f32x4.mul (local.get $p) (local.get $r))
      (v128.const f32x4 1.3981999507e-3 1.3981999507e-3 1.3981999507e-3 1.3981999507e-3)))
    (local.set $p (f32x4.add (f32x4.mul (local.get $p) (local.get $r))
      (v128.const f32x4 8.3334519073e-3 8.3334519073e-3 8.3334519073e-3 8.3334519073e-3)))
    (local.set $p (f32x4.add (f32x4.mul (local.get $p) (local.get $r))
      (v128.const f32x4 4.1665795894e-2 4.1665795894e-2 4.1665795894e-2 4.1665795894e-2)))
    (local.set $p (f32x4.add (f32x4.mul (local.get $p) (local.get $r))
      (v128.const f32x4 1.6666665459e-1 1.6666665459e-1 1.6666665459e-1 1.6666665459e-1)))
    (local.set $p (f32x4.add (f32x4.mul (local.get $p) (local.get $r))
      (v128.const f32x4 5.0000001201e-1 5.0000001201e-1 5.0000001201e-1 5.0000001201e-1)))
    (local.set $p
      (f32x4.add
        (f32x4.add (f32x4.mul (local.get $p) (f32x4.mul (local.get $r) (local.get $r))) (local.get $r))
        (v128.const f32x4 1 1 1 1)))
    ;; 2^(n-1) from the exponent bits (n ≥ -125 here), then one more factor 2 (n ≤ 128)
    (local.set $scale
      (i32x4.shl
        (i32x4.add (i32x4.trunc_sat_f32x4_s (local.get $n)) (v128.const i32x4 126 126 126 126))
        (i32.const 23)))
    (local.set $p
      (f32x4.mul (f32x4.mul (local.get $p) (local.get $scale)) (v128.const f32x4 2 2 2 2)))
    (local.set $p
      (v128.bitselect (v128.const f32x4 inf inf inf inf) (local.get $p)
        (f32x4.gt (local.get $x) (v128.const f32x4 88.7228 88.7228 88.7228 88.7228))))
    (v128.andnot (local.get $p)
      (f32x4.lt (local.get $x) (v128.const f32x4 -86.5 -86.5 -86.5 -86.5))))

  (func $sigmoid4 (export "sigmoid4") (param $x v128) (result v128)
    (f32x4.div (v128.const f32x4 1 1 1 1)
      (f32x4.add (v128.const f32x4 1 1 1 1) (call $exp4 (f32x4.neg (local.get $x))))))

  ;; tanh for 4 lanes (Cephes tanhf).
  (func $tanh4 (export "tanh4") (param $x v128) (result v128)
    (local $ax v128) (local $big v128) (local $z v128) (local $small v128)
    (local.set $ax (f32x4.abs (local.get $x)))
    ;; |x| > 0.625: 1 - 2/(e^{2|x|} + 1), with the sign of x
    (local.set $big
      (f32x4.sub (v128.const f32x4 1 1 1 1)
        (f32x4.div (v128.const f32x4 2 2 2 2)
          (f32x4.add (call $exp4 (f32x4.add (local.get $ax) (local.get $ax))) (v128.const f32x4 1 1 1 1)))))
    (local.set $big
      (v128.bitselect (local.get $x) (local.get $big) (v128.const i32x4 0x80000000 0x80000000 0x80000000 0x80000000)))
    ;; |x| ≤ 0.625: x + x·z·P(z), z = x²
    (local.set $z (f32x4.mul (local.get $x) (local.get $x)))
    (local.set $small (v128.const f32x4 -5.70498872745e-3 -5.70498872745e-3 -5.70498872745e-3 -5.70498872745e-3))
    (local.set $small (f32x4.add (f32x4.mul (local.get $small) (local.get $z))
      (v128.const f32x4 2.06390887954e-2 2.06390887954e-2 2.06390887954e-2 2.06390887954e-2)))
    (local.set $small (f32x4.add (f32x4.mul (local.get $small) (local.get $z))
      (v128.const f32x4 -5.37397155531e-2 -5.37397155531e-2 -5.37397155531e-2 -5.37397155531e-2)))
    (local.set $small (f32x4.add (f32x4.mul (local.get $small) (local.get $z))
      (v128.const f32x4 1.33314422036e-1 1.33314422036e-1 1.33314422036e-1 1.33314422036e-1)))
    (local.set $small (f32x4.add (f32x4.mul (local.get $small) (local.get $z))
      (v128.const f32x4 -3.33332819422e-1 -3.33332819422e-1 -3.33332819422e-1 -3.33332819422e-1)))
    (local.set $small
      (f32x4.add (f32x4.mul (f32x4.mul (local.get $small) (local.get $z)) (local.get $x)) (local.get $x)))
    (v128.bitselect (local.get $big) (local.get $small)
      (f32x4.gt (local.get $ax) (v128.const f32x4 0.625 0.625 0.625 0.625))))

  (func (export "unary") (param $op i32) (param $x i32) (param $out i32) (param $n i32)
    (local $end i32) (local $v v128)
    (if (i32.eqz (local.get $n)) (then (return)))
    (local.set $end (i32.add (local.get $out) (i32.shl (local.get $n) (i32.const 2))))
    (loop $l
      (local.set $v (v128.load (local.get $x)))
      (v128.store (local.get $out)
        (block $done (result v128)
          (block $square (block $sqrt (block $abs (block $neg (block $relu (block $tanh (block $sigmoid (block $exp
            (br_table $exp $sigmoid $tanh $relu $neg $abs $sqrt $square $exp (local.get $op)))
            (br $done (call $exp4 (local.get $v))))
            (br $done (call $sigmoid4 (local.get $v))))
            (br $done (call $tanh4 (local.get $v))))
            (br $done (f32x4.max (local.get $v) (v128.const f32x4 0 0 0 0))))
            (br $done (f32x4.neg (local.get $v))))
            (br $done (f32x4.abs (local.get $v))))
            (br $done (f32x4.sqrt (local.get $v))))
          (f32x4.mul (local.get $v) (local.get $v))))
      (local.set $x (i32.add (local.get $x) (i32.const 16)))
      (br_if $l (i32.lt_u (local.tee $out (i32.add (local.get $out) (i32.const 16))) (local.get $end)))))
)
