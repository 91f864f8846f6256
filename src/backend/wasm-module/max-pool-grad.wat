;; MaxPoolGrad for NHWC float32 tensors, in the wasm backend's own memory.
;;
;; Compiled at build time (scripts/build-wasm.mjs, wabt) to max-pool-grad.wasm
;; and instantiated by loader.ts against the memory tfjs-backend-wasm exports,
;; so it reads x and dy and writes dx where the backend keeps them, by byte
;; address. It owns nothing in that memory: no data segments, no globals, no
;; stack; emscripten's allocator owns every byte.
;;
;; Each output gradient goes to the first strict maximum of its window, scanned
;; row by row from -infinity, as tfjs's cpu backend does: NaN never wins (every
;; comparison with it is false), a window holding only -infinity or NaN sends
;; nothing, ties go to the first position, padding never counts (windows are
;; clipped to the input). Four channels at a time in 128-bit SIMD (f32x4.gt and
;; a bitselect keep the running maximum and the window position it came from),
;; the last c % 4 channels one at a time.
;;
;; dx is written by window position: a lane takes dy where the position is the
;; lane's maximum and 0 elsewhere. When windows do not overlap (stride at
;; least the window) each dx element is written once, so it is stored, and
;; only the elements in no window are zeroed; when they overlap, dx is zeroed
;; and every window adds to it, in dy order (the order of the JavaScript
;; fallback, so the two agree to the bit).
(module
  (import "env" "memory" (memory 0))

  ;; One window, the first $vectorBytes / 16 groups of four channels.
  ;; $corner: address in x of the window's first pixel; $delta: dx address
  ;; minus x address; $dyAt: address of the window's output gradients;
  ;; $rows x $cols: the window clipped to the input; $rowStride, $pix: bytes
  ;; per input row and per pixel (c * 4).
  (func $window4
    (param $corner i32) (param $delta i32) (param $dyAt i32) (param $vectorBytes i32)
    (param $rows i32) (param $cols i32) (param $rowStride i32) (param $pix i32)
    (param $accumulate i32)
    (local $ch i32)
    (block $done
      (loop $groups
        (br_if $done (i32.ge_s (local.get $ch) (local.get $vectorBytes)))
        (call $group4
          (i32.add (local.get $corner) (local.get $ch)) (local.get $delta)
          (v128.load align=4 (i32.add (local.get $dyAt) (local.get $ch)))
          (local.get $rows) (local.get $cols) (local.get $rowStride) (local.get $pix)
          (local.get $accumulate))
        (local.set $ch (i32.add (local.get $ch) (i32.const 16)))
        (br $groups))))

  ;; One window, four channels from $xc (the window's first pixel, offset to
  ;; the channels); $g: their four output gradients.
  (func $group4
    (param $xc i32) (param $delta i32) (param $g v128)
    (param $rows i32) (param $cols i32) (param $rowStride i32) (param $pix i32)
    (param $accumulate i32)
    (local $best v128) (local $idx v128) (local $v v128) (local $m v128)
    (local $k i32) (local $r i32) (local $q i32) (local $row i32) (local $at i32)
    (local.set $best (v128.const f32x4 -inf -inf -inf -inf))
    (local.set $idx (v128.const i32x4 -1 -1 -1 -1))
    ;; Pass 1: the first strict maximum of each lane, as a window position k.
    (local.set $row (local.get $xc))
    (local.set $r (local.get $rows))
    (block $rowsDone
      (loop $rowsLoop
        (br_if $rowsDone (i32.eqz (local.get $r)))
        (local.set $at (local.get $row))
        (local.set $q (local.get $cols))
        (block $colsDone
          (loop $colsLoop
            (br_if $colsDone (i32.eqz (local.get $q)))
            (local.set $v (v128.load align=4 (local.get $at)))
            (local.set $m (f32x4.gt (local.get $v) (local.get $best)))
            (local.set $best (v128.bitselect (local.get $v) (local.get $best) (local.get $m)))
            (local.set $idx (v128.bitselect (i32x4.splat (local.get $k)) (local.get $idx) (local.get $m)))
            (local.set $k (i32.add (local.get $k) (i32.const 1)))
            (local.set $at (i32.add (local.get $at) (local.get $pix)))
            (local.set $q (i32.sub (local.get $q) (i32.const 1)))
            (br $colsLoop)))
        (local.set $row (i32.add (local.get $row) (local.get $rowStride)))
        (local.set $r (i32.sub (local.get $r) (i32.const 1)))
        (br $rowsLoop)))
    ;; Pass 2: dx at each window position gets dy in the lanes whose maximum it is.
    (local.set $k (i32.const 0))
    (local.set $row (i32.add (local.get $xc) (local.get $delta)))
    (local.set $r (local.get $rows))
    (block $rowsDone
      (loop $rowsLoop
        (br_if $rowsDone (i32.eqz (local.get $r)))
        (local.set $at (local.get $row))
        (local.set $q (local.get $cols))
        (block $colsDone
          (loop $colsLoop
            (br_if $colsDone (i32.eqz (local.get $q)))
            (local.set $v (v128.and (local.get $g) (i32x4.eq (local.get $idx) (i32x4.splat (local.get $k)))))
            (if (local.get $accumulate)
              (then (local.set $v (f32x4.add (v128.load align=4 (local.get $at)) (local.get $v)))))
            (v128.store align=4 (local.get $at) (local.get $v))
            (local.set $k (i32.add (local.get $k) (i32.const 1)))
            (local.set $at (i32.add (local.get $at) (local.get $pix)))
            (local.set $q (i32.sub (local.get $q) (i32.const 1)))
            (br $colsLoop)))
        (local.set $row (i32.add (local.get $row) (local.get $rowStride)))
        (local.set $r (i32.sub (local.get $r) (i32.const 1)))
        (br $rowsLoop))))

  ;; A 2x2 window (the commonest pool, and any window clipped to 2x2), the
  ;; same arguments as $window4, unrolled: the scan of $group4 for k = 0..3.
  (func $window2x2
    (param $corner i32) (param $delta i32) (param $dyAt i32) (param $vectorBytes i32)
    (param $rowStride i32) (param $pix i32) (param $accumulate i32)
    (local $ch i32) (local $xc i32) (local $g v128)
    (local $a1 i32) (local $a2 i32) (local $a3 i32)
    (local $best v128) (local $idx v128) (local $v v128) (local $m v128)
    (local $d0 v128) (local $d1 v128) (local $d2 v128) (local $d3 v128)
    (block $done
      (loop $groups
        (br_if $done (i32.ge_s (local.get $ch) (local.get $vectorBytes)))
        (local.set $xc (i32.add (local.get $corner) (local.get $ch)))
        (local.set $g (v128.load align=4 (i32.add (local.get $dyAt) (local.get $ch))))
        (local.set $a1 (i32.add (local.get $xc) (local.get $pix)))
        (local.set $a2 (i32.add (local.get $xc) (local.get $rowStride)))
        (local.set $a3 (i32.add (local.get $a2) (local.get $pix)))
        ;; k = 0: wins where it beats -infinity (not NaN, not -infinity).
        (local.set $v (v128.load align=4 (local.get $xc)))
        (local.set $m (f32x4.gt (local.get $v) (v128.const f32x4 -inf -inf -inf -inf)))
        (local.set $best (v128.bitselect (local.get $v) (v128.const f32x4 -inf -inf -inf -inf) (local.get $m)))
        (local.set $idx (v128.not (local.get $m)))
        ;; k = 1, 2, 3
        (local.set $v (v128.load align=4 (local.get $a1)))
        (local.set $m (f32x4.gt (local.get $v) (local.get $best)))
        (local.set $best (v128.bitselect (local.get $v) (local.get $best) (local.get $m)))
        (local.set $idx (v128.bitselect (v128.const i32x4 1 1 1 1) (local.get $idx) (local.get $m)))
        (local.set $v (v128.load align=4 (local.get $a2)))
        (local.set $m (f32x4.gt (local.get $v) (local.get $best)))
        (local.set $best (v128.bitselect (local.get $v) (local.get $best) (local.get $m)))
        (local.set $idx (v128.bitselect (v128.const i32x4 2 2 2 2) (local.get $idx) (local.get $m)))
        (local.set $v (v128.load align=4 (local.get $a3)))
        (local.set $m (f32x4.gt (local.get $v) (local.get $best)))
        (local.set $idx (v128.bitselect (v128.const i32x4 3 3 3 3) (local.get $idx) (local.get $m)))
        ;; dy into the winning position of each lane, 0 into the others.
        (local.set $d0 (v128.and (local.get $g) (i32x4.eq (local.get $idx) (v128.const i32x4 0 0 0 0))))
        (local.set $d1 (v128.and (local.get $g) (i32x4.eq (local.get $idx) (v128.const i32x4 1 1 1 1))))
        (local.set $d2 (v128.and (local.get $g) (i32x4.eq (local.get $idx) (v128.const i32x4 2 2 2 2))))
        (local.set $d3 (v128.and (local.get $g) (i32x4.eq (local.get $idx) (v128.const i32x4 3 3 3 3))))
        (local.set $xc (i32.add (local.get $xc) (local.get $delta)))
        (local.set $a1 (i32.add (local.get $a1) (local.get $delta)))
        (local.set $a2 (i32.add (local.get $a2) (local.get $delta)))
        (local.set $a3 (i32.add (local.get $a3) (local.get $delta)))
        (if (local.get $accumulate)
          (then
            (local.set $d0 (f32x4.add (v128.load align=4 (local.get $xc)) (local.get $d0)))
            (local.set $d1 (f32x4.add (v128.load align=4 (local.get $a1)) (local.get $d1)))
            (local.set $d2 (f32x4.add (v128.load align=4 (local.get $a2)) (local.get $d2)))
            (local.set $d3 (f32x4.add (v128.load align=4 (local.get $a3)) (local.get $d3)))))
        (v128.store align=4 (local.get $xc) (local.get $d0))
        (v128.store align=4 (local.get $a1) (local.get $d1))
        (v128.store align=4 (local.get $a2) (local.get $d2))
        (v128.store align=4 (local.get $a3) (local.get $d3))
        (local.set $ch (i32.add (local.get $ch) (i32.const 16)))
        (br $groups))))

  ;; One window, one channel: the scalar form of $group4.
  (func $window1
    (param $xc i32) (param $delta i32) (param $g f32)
    (param $rows i32) (param $cols i32) (param $rowStride i32) (param $pix i32)
    (param $accumulate i32)
    (local $best f32) (local $v f32) (local $where i32)
    (local $r i32) (local $q i32) (local $row i32) (local $at i32)
    (local.set $best (f32.const -inf))
    (local.set $where (i32.const -1))
    (local.set $row (local.get $xc))
    (local.set $r (local.get $rows))
    (block $rowsDone
      (loop $rowsLoop
        (br_if $rowsDone (i32.eqz (local.get $r)))
        (local.set $at (local.get $row))
        (local.set $q (local.get $cols))
        (block $colsDone
          (loop $colsLoop
            (br_if $colsDone (i32.eqz (local.get $q)))
            (local.set $v (f32.load (local.get $at)))
            (if (f32.gt (local.get $v) (local.get $best))
              (then
                (local.set $best (local.get $v))
                (local.set $where (local.get $at))))
            (local.set $at (i32.add (local.get $at) (local.get $pix)))
            (local.set $q (i32.sub (local.get $q) (i32.const 1)))
            (br $colsLoop)))
        (local.set $row (i32.add (local.get $row) (local.get $rowStride)))
        (local.set $r (i32.sub (local.get $r) (i32.const 1)))
        (br $rowsLoop)))
    (if (local.get $accumulate)
      (then
        (if (i32.ne (local.get $where) (i32.const -1))
          (then
            (local.set $at (i32.add (local.get $where) (local.get $delta)))
            (f32.store (local.get $at) (f32.add (f32.load (local.get $at)) (local.get $g)))))
        (return)))
    ;; Stored, not added: every position of the window gets dy or 0.
    (local.set $row (local.get $xc))
    (local.set $r (local.get $rows))
    (block $rowsDone
      (loop $rowsLoop
        (br_if $rowsDone (i32.eqz (local.get $r)))
        (local.set $at (local.get $row))
        (local.set $q (local.get $cols))
        (block $colsDone
          (loop $colsLoop
            (br_if $colsDone (i32.eqz (local.get $q)))
            (f32.store
              (i32.add (local.get $at) (local.get $delta))
              (select (local.get $g) (f32.const 0) (i32.eq (local.get $at) (local.get $where))))
            (local.set $at (i32.add (local.get $at) (local.get $pix)))
            (local.set $q (i32.sub (local.get $q) (i32.const 1)))
            (br $colsLoop)))
        (local.set $row (i32.add (local.get $row) (local.get $rowStride)))
        (local.set $r (i32.sub (local.get $r) (i32.const 1)))
        (br $rowsLoop))))

  ;; Zeros in dx [n, h, w, c] outside rows [0, $coveredH) x columns [0, $coveredW).
  (func $zeroUncovered
    (param $dx i32) (param $n i32) (param $h i32) (param $w i32) (param $pix i32)
    (param $coveredH i32) (param $coveredW i32)
    (local $rowStride i32) (local $image i32) (local $tail i32) (local $below i32)
    (local $b i32) (local $y i32) (local $at i32)
    (local.set $rowStride (i32.mul (local.get $w) (local.get $pix)))
    (local.set $image (i32.mul (local.get $h) (local.get $rowStride)))
    (local.set $tail (i32.mul (i32.sub (local.get $w) (local.get $coveredW)) (local.get $pix)))
    (local.set $below (i32.mul (i32.sub (local.get $h) (local.get $coveredH)) (local.get $rowStride)))
    (block $imagesDone
      (loop $images
        (br_if $imagesDone (i32.ge_s (local.get $b) (local.get $n)))
        (local.set $at
          (i32.add
            (i32.add (local.get $dx) (i32.mul (local.get $b) (local.get $image)))
            (i32.mul (local.get $coveredW) (local.get $pix))))
        (local.set $y (i32.const 0))
        (block $rowsDone
          (loop $rows
            (br_if $rowsDone (i32.or (i32.eqz (local.get $tail)) (i32.ge_s (local.get $y) (local.get $coveredH))))
            (memory.fill (local.get $at) (i32.const 0) (local.get $tail))
            (local.set $at (i32.add (local.get $at) (local.get $rowStride)))
            (local.set $y (i32.add (local.get $y) (i32.const 1)))
            (br $rows)))
        (memory.fill
          (i32.add
            (i32.add (local.get $dx) (i32.mul (local.get $b) (local.get $image)))
            (i32.mul (local.get $coveredH) (local.get $rowStride)))
          (i32.const 0) (local.get $below))
        (local.set $b (i32.add (local.get $b) (i32.const 1)))
        (br $images))))

  ;; dx = the gradient of maxPool(x) given dy. x, dy, dx: byte addresses of
  ;; NHWC float32 data, x and dx [n, h, w, c], dy [n, outH, outW, c]; a window
  ;; of fh x fw, strides sh, sw, padding top and left (bottom and right follow
  ;; from outH and outW).
  (func (export "maxPoolGrad")
    (param $x i32) (param $dy i32) (param $dx i32)
    (param $n i32) (param $h i32) (param $w i32) (param $c i32)
    (param $outH i32) (param $outW i32) (param $fh i32) (param $fw i32)
    (param $sh i32) (param $sw i32) (param $top i32) (param $left i32)
    (local $pix i32) (local $rowStride i32) (local $image i32) (local $delta i32)
    (local $vectorBytes i32) (local $accumulate i32)
    (local $b i32) (local $oy i32) (local $ox i32) (local $ch i32)
    (local $y0 i32) (local $yFrom i32) (local $rows i32)
    (local $x0 i32) (local $xFrom i32) (local $cols i32)
    (local $xImage i32) (local $band i32) (local $corner i32) (local $dyAt i32)
    (local.set $pix (i32.shl (local.get $c) (i32.const 2)))
    (local.set $rowStride (i32.mul (local.get $w) (local.get $pix)))
    (local.set $image (i32.mul (local.get $h) (local.get $rowStride)))
    (local.set $delta (i32.sub (local.get $dx) (local.get $x)))
    ;; Bytes of the channels handled four at a time.
    (local.set $vectorBytes (i32.and (local.get $pix) (i32.const -16)))
    (local.set $accumulate
      (i32.or (i32.lt_s (local.get $sh) (local.get $fh)) (i32.lt_s (local.get $sw) (local.get $fw))))
    ;; dx needs zeros where no window writes: everywhere first when windows
    ;; overlap or do not tile the input from its origin; when they do (stride
    ;; = window, no padding before), only right of and below the last windows.
    (if (i32.or
          (local.get $accumulate)
          (i32.or
            (i32.or (i32.ne (local.get $sh) (local.get $fh)) (i32.ne (local.get $sw) (local.get $fw)))
            (i32.or (local.get $top) (local.get $left))))
      (then (memory.fill (local.get $dx) (i32.const 0) (i32.mul (local.get $n) (local.get $image))))
      (else
        (call $zeroUncovered
          (local.get $dx) (local.get $n) (local.get $h) (local.get $w) (local.get $pix)
          (select (local.get $h) (i32.mul (local.get $outH) (local.get $fh))
            (i32.lt_s (local.get $h) (i32.mul (local.get $outH) (local.get $fh))))
          (select (local.get $w) (i32.mul (local.get $outW) (local.get $fw))
            (i32.lt_s (local.get $w) (i32.mul (local.get $outW) (local.get $fw)))))))
    (local.set $dyAt (local.get $dy))
    (local.set $xImage (local.get $x))
    (local.set $b (i32.const 0))
    (block $imagesDone
      (loop $images
        (br_if $imagesDone (i32.ge_s (local.get $b) (local.get $n)))
        (local.set $oy (i32.const 0))
        (block $outRowsDone
          (loop $outRows
            (br_if $outRowsDone (i32.ge_s (local.get $oy) (local.get $outH)))
            (local.set $y0 (i32.sub (i32.mul (local.get $oy) (local.get $sh)) (local.get $top)))
            (local.set $yFrom (select (local.get $y0) (i32.const 0) (i32.gt_s (local.get $y0) (i32.const 0))))
            (local.set $rows
              (i32.sub
                (select (local.get $h) (i32.add (local.get $y0) (local.get $fh))
                  (i32.lt_s (local.get $h) (i32.add (local.get $y0) (local.get $fh))))
                (local.get $yFrom)))
            (local.set $band (i32.add (local.get $xImage) (i32.mul (local.get $yFrom) (local.get $rowStride))))
            (local.set $ox (i32.const 0))
            (block $outColsDone
              (loop $outCols
                (br_if $outColsDone (i32.ge_s (local.get $ox) (local.get $outW)))
                (local.set $x0 (i32.sub (i32.mul (local.get $ox) (local.get $sw)) (local.get $left)))
                (local.set $xFrom (select (local.get $x0) (i32.const 0) (i32.gt_s (local.get $x0) (i32.const 0))))
                (local.set $cols
                  (i32.sub
                    (select (local.get $w) (i32.add (local.get $x0) (local.get $fw))
                      (i32.lt_s (local.get $w) (i32.add (local.get $x0) (local.get $fw))))
                    (local.get $xFrom)))
                (local.set $corner (i32.add (local.get $band) (i32.mul (local.get $xFrom) (local.get $pix))))
                (if (i32.and (i32.eq (local.get $rows) (i32.const 2)) (i32.eq (local.get $cols) (i32.const 2)))
                  (then
                    (call $window2x2
                      (local.get $corner) (local.get $delta) (local.get $dyAt) (local.get $vectorBytes)
                      (local.get $rowStride) (local.get $pix) (local.get $accumulate)))
                  (else
                    (call $window4
                      (local.get $corner) (local.get $delta) (local.get $dyAt) (local.get $vectorBytes)
                      (local.get $rows) (local.get $cols) (local.get $rowStride) (local.get $pix)
                      (local.get $accumulate))))
                (local.set $ch (local.get $vectorBytes))
                (local.set $dyAt (i32.add (local.get $dyAt) (local.get $vectorBytes)))
                ;; The last c % 4 channels.
                (block $oneDone
                  (loop $one
                    (br_if $oneDone (i32.ge_s (local.get $ch) (local.get $pix)))
                    (call $window1
                      (i32.add (local.get $corner) (local.get $ch)) (local.get $delta)
                      (f32.load (local.get $dyAt))
                      (local.get $rows) (local.get $cols) (local.get $rowStride) (local.get $pix)
                      (local.get $accumulate))
                    (local.set $dyAt (i32.add (local.get $dyAt) (i32.const 4)))
                    (local.set $ch (i32.add (local.get $ch) (i32.const 4)))
                    (br $one)))
                (local.set $ox (i32.add (local.get $ox) (i32.const 1)))
                (br $outCols)))
            (local.set $oy (i32.add (local.get $oy) (i32.const 1)))
            (br $outRows)))
        (local.set $xImage (i32.add (local.get $xImage) (local.get $image)))
        (local.set $b (i32.add (local.get $b) (i32.const 1)))
        (br $images))))
)
