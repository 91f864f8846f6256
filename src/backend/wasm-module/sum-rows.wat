;; The sum over every axis but the last (a bias gradient: dy summed over
;; batch, height and width), float32, in the wasm backend's own memory.
;;
;; Compiled at build time (scripts/build-wasm.mjs) and run by
;; src/backend/kernels/sum.ts through loader.ts; owns nothing in the memory.
;;
;; x is [rows, c]; out[k] = x[0][k] + x[1][k] + ... in row order, in float32,
;; from 0: the order and precision of tfjs-backend-wasm's Sum (which first
;; transposes x to [c, rows], then adds each row of that in turn), so the
;; results are the same to the bit, without the transpose. Four channels at a
;; time in 128-bit SIMD, the last c % 4 one at a time.
(module
  (import "env" "memory" (memory 0))

  ;; x, out: byte addresses; rows x c floats in, c floats out.
  (func (export "sumRows") (param $x i32) (param $out i32) (param $rows i32) (param $c i32)
    (local $pix i32) (local $vectorBytes i32) (local $end i32) (local $ch i32) (local $at i32)
    (local.set $pix (i32.shl (local.get $c) (i32.const 2)))
    (local.set $vectorBytes (i32.and (local.get $pix) (i32.const -16)))
    (memory.fill (local.get $out) (i32.const 0) (local.get $pix))
    (local.set $end (i32.add (local.get $x) (i32.mul (local.get $rows) (local.get $pix))))
    (block $rowsDone
      (loop $rowsLoop
        (br_if $rowsDone (i32.ge_u (local.get $x) (local.get $end)))
        (local.set $ch (i32.const 0))
        (block $fourDone
          (loop $four
            (br_if $fourDone (i32.ge_u (local.get $ch) (local.get $vectorBytes)))
            (local.set $at (i32.add (local.get $out) (local.get $ch)))
            (v128.store align=4 (local.get $at)
              (f32x4.add
                (v128.load align=4 (local.get $at))
                (v128.load align=4 (i32.add (local.get $x) (local.get $ch)))))
            (local.set $ch (i32.add (local.get $ch) (i32.const 16)))
            (br $four)))
        (block $oneDone
          (loop $one
            (br_if $oneDone (i32.ge_u (local.get $ch) (local.get $pix)))
            (local.set $at (i32.add (local.get $out) (local.get $ch)))
            (f32.store (local.get $at)
              (f32.add
                (f32.load (local.get $at))
                (f32.load (i32.add (local.get $x) (local.get $ch)))))
            (local.set $ch (i32.add (local.get $ch) (i32.const 4)))
            (br $one)))
        (local.set $x (i32.add (local.get $x) (local.get $pix)))
        (br $rowsLoop))))
)
