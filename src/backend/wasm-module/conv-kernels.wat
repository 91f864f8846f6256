;; Kernels of a convolution layer's training step, in the wasm backend's own
;; memory: the filter gradient computed directly (no im2col copy, no XNNPACK
;; operator that packs dy anew on every call), the bias gradient (a column
;; sum) and the bias add (a row added to every row).
;;
;; Compiled at build time (scripts/build-wasm.mjs, wabt) to conv-kernels.wasm and
;; instantiated by loader.ts against the memory tfjs-backend-wasm exports. All
;; arguments are byte addresses and byte strides into that memory; the module
;; owns nothing there (no data segments, no globals, no stack).
;;
;; Filter gradient, NHWC, the input already padded (xp) so that every window
;; lies inside it:
;;
;;   dW[t, o] = sum over n, i, j of xp[n, i*sh + a, j*sw + b, c] * dy[n, i, j, o]
;;
;; with t = (a*fw + b)*ci + c one filter tap. A call computes a tile of four
;; taps (their byte offsets from a window's first element, $o0..$o3) by eight
;; (or four) output channels, keeping the 4x8 sums in eight v128 registers
;; while it walks every output position once: per position two loads of dy,
;; four broadcast loads of x, eight multiplies and eight adds. Sums run over
;; positions in order n, i, j, as the cpu backend's do. The tile's results are
;; stored (not added) to the taps' rows of dW ($w0..$w3, already offset to the
;; tile's first channel). A caller with fewer than four taps left repeats a
;; tap: its row is then written twice with the same numbers.
(module
  (import "env" "memory" (memory 0))

  ;; A tile of 4 taps x 8 output channels.
  ;; $x: address of xp's first element; $dy: address of dy's first element of
  ;; the tile's first channel; $n, $outH, $outW: dy's batch and spatial size;
  ;; $image, $row, $col: bytes from one image, one output row (i), one output
  ;; column (j) of xp's windows to the next (h*w*ci*4, sh*w*ci*4, sw*ci*4);
  ;; $pos: bytes per position of dy (co*4).
  (func (export "filterGrad4x8")
    (param $x i32) (param $dy i32) (param $n i32) (param $outH i32) (param $outW i32)
    (param $image i32) (param $row i32) (param $col i32) (param $pos i32)
    (param $o0 i32) (param $o1 i32) (param $o2 i32) (param $o3 i32)
    (param $w0 i32) (param $w1 i32) (param $w2 i32) (param $w3 i32)
    (local $a00 v128) (local $a01 v128) (local $a10 v128) (local $a11 v128)
    (local $a20 v128) (local $a21 v128) (local $a30 v128) (local $a31 v128)
    (local $d0 v128) (local $d1 v128) (local $s v128)
    (local $img i32) (local $i i32) (local $j i32) (local $xi i32) (local $xp i32) (local $dp i32)
    (local.set $dp (local.get $dy))
    (local.set $img (local.get $n))
    (local.set $xi (local.get $x))
    (block $imagesDone
      (loop $images
        (br_if $imagesDone (i32.eqz (local.get $img)))
        (local.set $i (local.get $outH))
        (local.set $xp (local.get $xi))
        (block $rowsDone
          (loop $rows
            (br_if $rowsDone (i32.eqz (local.get $i)))
            (local.set $j (local.get $outW))
            (block $colsDone
              (loop $cols
                (br_if $colsDone (i32.eqz (local.get $j)))
                (local.set $d0 (v128.load align=4 (local.get $dp)))
                (local.set $d1 (v128.load offset=16 align=4 (local.get $dp)))
                (local.set $s (v128.load32_splat align=4 (i32.add (local.get $xp) (local.get $o0))))
                (local.set $a00 (f32x4.add (local.get $a00) (f32x4.mul (local.get $s) (local.get $d0))))
                (local.set $a01 (f32x4.add (local.get $a01) (f32x4.mul (local.get $s) (local.get $d1))))
                (local.set $s (v128.load32_splat align=4 (i32.add (local.get $xp) (local.get $o1))))
                (local.set $a10 (f32x4.add (local.get $a10) (f32x4.mul (local.get $s) (local.get $d0))))
                (local.set $a11 (f32x4.add (local.get $a11) (f32x4.mul (local.get $s) (local.get $d1))))
                (local.set $s (v128.load32_splat align=4 (i32.add (local.get $xp) (local.get $o2))))
                (local.set $a20 (f32x4.add (local.get $a20) (f32x4.mul (local.get $s) (local.get $d0))))
                (local.set $a21 (f32x4.add (local.get $a21) (f32x4.mul (local.get $s) (local.get $d1))))
                (local.set $s (v128.load32_splat align=4 (i32.add (local.get $xp) (local.get $o3))))
                (local.set $a30 (f32x4.add (local.get $a30) (f32x4.mul (local.get $s) (local.get $d0))))
                (local.set $a31 (f32x4.add (local.get $a31) (f32x4.mul (local.get $s) (local.get $d1))))
                (local.set $xp (i32.add (local.get $xp) (local.get $col)))
                (local.set $dp (i32.add (local.get $dp) (local.get $pos)))
                (local.set $j (i32.sub (local.get $j) (i32.const 1)))
                (br $cols)))
            ;; Back to this row's first window, then down one output row.
            (local.set $xp (i32.add
              (i32.sub (local.get $xp) (i32.mul (local.get $col) (local.get $outW)))
              (local.get $row)))
            (local.set $i (i32.sub (local.get $i) (i32.const 1)))
            (br $rows)))
        (local.set $xi (i32.add (local.get $xi) (local.get $image)))
        (local.set $img (i32.sub (local.get $img) (i32.const 1)))
        (br $images)))
    (v128.store align=4 (local.get $w0) (local.get $a00))
    (v128.store offset=16 align=4 (local.get $w0) (local.get $a01))
    (v128.store align=4 (local.get $w1) (local.get $a10))
    (v128.store offset=16 align=4 (local.get $w1) (local.get $a11))
    (v128.store align=4 (local.get $w2) (local.get $a20))
    (v128.store offset=16 align=4 (local.get $w2) (local.get $a21))
    (v128.store align=4 (local.get $w3) (local.get $a30))
    (v128.store offset=16 align=4 (local.get $w3) (local.get $a31)))

  ;; The same for 4 taps x 4 output channels (the last four of co % 8 == 4).
  (func (export "filterGrad4x4")
    (param $x i32) (param $dy i32) (param $n i32) (param $outH i32) (param $outW i32)
    (param $image i32) (param $row i32) (param $col i32) (param $pos i32)
    (param $o0 i32) (param $o1 i32) (param $o2 i32) (param $o3 i32)
    (param $w0 i32) (param $w1 i32) (param $w2 i32) (param $w3 i32)
    (local $a0 v128) (local $a1 v128) (local $a2 v128) (local $a3 v128) (local $d v128)
    (local $img i32) (local $i i32) (local $j i32) (local $xi i32) (local $xp i32) (local $dp i32)
    (local.set $dp (local.get $dy))
    (local.set $img (local.get $n))
    (local.set $xi (local.get $x))
    (block $imagesDone
      (loop $images
        (br_if $imagesDone (i32.eqz (local.get $img)))
        (local.set $i (local.get $outH))
        (local.set $xp (local.get $xi))
        (block $rowsDone
          (loop $rows
            (br_if $rowsDone (i32.eqz (local.get $i)))
            (local.set $j (local.get $outW))
            (block $colsDone
              (loop $cols
                (br_if $colsDone (i32.eqz (local.get $j)))
                (local.set $d (v128.load align=4 (local.get $dp)))
                (local.set $a0 (f32x4.add (local.get $a0) (f32x4.mul
                  (v128.load32_splat align=4 (i32.add (local.get $xp) (local.get $o0))) (local.get $d))))
                (local.set $a1 (f32x4.add (local.get $a1) (f32x4.mul
                  (v128.load32_splat align=4 (i32.add (local.get $xp) (local.get $o1))) (local.get $d))))
                (local.set $a2 (f32x4.add (local.get $a2) (f32x4.mul
                  (v128.load32_splat align=4 (i32.add (local.get $xp) (local.get $o2))) (local.get $d))))
                (local.set $a3 (f32x4.add (local.get $a3) (f32x4.mul
                  (v128.load32_splat align=4 (i32.add (local.get $xp) (local.get $o3))) (local.get $d))))
                (local.set $xp (i32.add (local.get $xp) (local.get $col)))
                (local.set $dp (i32.add (local.get $dp) (local.get $pos)))
                (local.set $j (i32.sub (local.get $j) (i32.const 1)))
                (br $cols)))
            (local.set $xp (i32.add
              (i32.sub (local.get $xp) (i32.mul (local.get $col) (local.get $outW)))
              (local.get $row)))
            (local.set $i (i32.sub (local.get $i) (i32.const 1)))
            (br $rows)))
        (local.set $xi (i32.add (local.get $xi) (local.get $image)))
        (local.set $img (i32.sub (local.get $img) (i32.const 1)))
        (br $images)))
    (v128.store align=4 (local.get $w0) (local.get $a0))
    (v128.store align=4 (local.get $w1) (local.get $a1))
    (v128.store align=4 (local.get $w2) (local.get $a2))
    (v128.store align=4 (local.get $w3) (local.get $a3)))

  ;; Bias gradient: out[c] = sum over r of x[r, c], for a [rows, cols] float32
  ;; matrix at $x; sixteen columns at a time, then four, then one. Each column
  ;; is summed over rows in order, as the cpu backend does.
  (func (export "sumRows") (param $x i32) (param $out i32) (param $rows i32) (param $cols i32)
    (local $a0 v128) (local $a1 v128) (local $a2 v128) (local $a3 v128) (local $f f32)
    (local $c i32) (local $r i32) (local $p i32) (local $stride i32)
    (local.set $stride (i32.shl (local.get $cols) (i32.const 2)))
    ;; Sixteen columns at a time.
    (block $wideDone
      (loop $wide
        (br_if $wideDone (i32.gt_u (i32.add (local.get $c) (i32.const 16)) (local.get $cols)))
        (local.set $a0 (v128.const i32x4 0 0 0 0))
        (local.set $a1 (v128.const i32x4 0 0 0 0))
        (local.set $a2 (v128.const i32x4 0 0 0 0))
        (local.set $a3 (v128.const i32x4 0 0 0 0))
        (local.set $p (i32.add (local.get $x) (i32.shl (local.get $c) (i32.const 2))))
        (local.set $r (local.get $rows))
        (block $rowsDone
          (loop $rowsLoop
            (br_if $rowsDone (i32.eqz (local.get $r)))
            (local.set $a0 (f32x4.add (local.get $a0) (v128.load align=4 (local.get $p))))
            (local.set $a1 (f32x4.add (local.get $a1) (v128.load offset=16 align=4 (local.get $p))))
            (local.set $a2 (f32x4.add (local.get $a2) (v128.load offset=32 align=4 (local.get $p))))
            (local.set $a3 (f32x4.add (local.get $a3) (v128.load offset=48 align=4 (local.get $p))))
            (local.set $p (i32.add (local.get $p) (local.get $stride)))
            (local.set $r (i32.sub (local.get $r) (i32.const 1)))
            (br $rowsLoop)))
        (local.set $p (i32.add (local.get $out) (i32.shl (local.get $c) (i32.const 2))))
        (v128.store align=4 (local.get $p) (local.get $a0))
        (v128.store offset=16 align=4 (local.get $p) (local.get $a1))
        (v128.store offset=32 align=4 (local.get $p) (local.get $a2))
        (v128.store offset=48 align=4 (local.get $p) (local.get $a3))
        (local.set $c (i32.add (local.get $c) (i32.const 16)))
        (br $wide)))
    ;; Four columns at a time.
    (block $narrowDone
      (loop $narrow
        (br_if $narrowDone (i32.gt_u (i32.add (local.get $c) (i32.const 4)) (local.get $cols)))
        (local.set $a0 (v128.const i32x4 0 0 0 0))
        (local.set $p (i32.add (local.get $x) (i32.shl (local.get $c) (i32.const 2))))
        (local.set $r (local.get $rows))
        (block $rowsDone
          (loop $rowsLoop
            (br_if $rowsDone (i32.eqz (local.get $r)))
            (local.set $a0 (f32x4.add (local.get $a0) (v128.load align=4 (local.get $p))))
            (local.set $p (i32.add (local.get $p) (local.get $stride)))
            (local.set $r (i32.sub (local.get $r) (i32.const 1)))
            (br $rowsLoop)))
        (v128.store align=4 (i32.add (local.get $out) (i32.shl (local.get $c) (i32.const 2))) (local.get $a0))
        (local.set $c (i32.add (local.get $c) (i32.const 4)))
        (br $narrow)))
    ;; The last cols % 4 columns one at a time.
    (block $singleDone
      (loop $single
        (br_if $singleDone (i32.ge_u (local.get $c) (local.get $cols)))
        (local.set $f (f32.const 0))
        (local.set $p (i32.add (local.get $x) (i32.shl (local.get $c) (i32.const 2))))
        (local.set $r (local.get $rows))
        (block $rowsDone
          (loop $rowsLoop
            (br_if $rowsDone (i32.eqz (local.get $r)))
            (local.set $f (f32.add (local.get $f) (f32.load align=4 (local.get $p))))
            (local.set $p (i32.add (local.get $p) (local.get $stride)))
            (local.set $r (i32.sub (local.get $r) (i32.const 1)))
            (br $rowsLoop)))
        (f32.store align=4 (i32.add (local.get $out) (i32.shl (local.get $c) (i32.const 2))) (local.get $f))
        (local.set $c (i32.add (local.get $c) (i32.const 1)))
        (br $single))))
;; Bias add: out[r, c] = x[r, c] + b[c], for a [rows, cols] float32 matrix
  ;; at $x and a row of cols at $b; four columns at a time, then one.
  (func (export "addRows") (param $x i32) (param $b i32) (param $out i32) (param $rows i32) (param $cols i32)
    (local $r i32) (local $c i32) (local $vectorEnd i32) (local $stride i32)
    (local.set $stride (i32.shl (local.get $cols) (i32.const 2)))
    (local.set $vectorEnd (i32.and (local.get $cols) (i32.const -4)))
    (local.set $r (local.get $rows))
    (block $rowsDone
      (loop $rowsLoop
        (br_if $rowsDone (i32.eqz (local.get $r)))
        (local.set $c (i32.const 0))
        (block $vectorsDone
          (loop $vectors
            (br_if $vectorsDone (i32.ge_u (local.get $c) (local.get $vectorEnd)))
            (v128.store align=4 (i32.add (local.get $out) (i32.shl (local.get $c) (i32.const 2)))
              (f32x4.add
                (v128.load align=4 (i32.add (local.get $x) (i32.shl (local.get $c) (i32.const 2))))
                (v128.load align=4 (i32.add (local.get $b) (i32.shl (local.get $c) (i32.const 2))))))
            (local.set $c (i32.add (local.get $c) (i32.const 4)))
            (br $vectors)))
        (block $scalarsDone
          (loop $scalars
            (br_if $scalarsDone (i32.ge_u (local.get $c) (local.get $cols)))
            (f32.store align=4 (i32.add (local.get $out) (i32.shl (local.get $c) (i32.const 2)))
              (f32.add
                (f32.load align=4 (i32.add (local.get $x) (i32.shl (local.get $c) (i32.const 2))))
                (f32.load align=4 (i32.add (local.get $b) (i32.shl (local.get $c) (i32.const 2))))))
            (local.set $c (i32.add (local.get $c) (i32.const 1)))
            (br $scalars)))
        (local.set $x (i32.add (local.get $x) (local.get $stride)))
        (local.set $out (i32.add (local.get $out) (local.get $stride)))
        (local.set $r (i32.sub (local.get $r) (i32.const 1)))
        (br $rowsLoop))))
)
