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

  ;; Input gradient, NHWC, stride and padding of the forward pass, scattered
  ;; from dy (no padded copy of dy, no work on its padding):
  ;;
  ;;   dx[n, i*sh + a, j*sw + b, c] += sum over o of dy[n, i, j, o] * W[a, b, c, o]
  ;;
  ;; into dxp, the input's gradient with the forward padding around it, zeroed
  ;; by the caller. $wt is the filter with its channel axes swapped,
  ;; [fh, fw, co, ci], so eight input channels of one (a, b, o) are two loads.
  ;; Positions of dy are taken four at a time ($first to $first + 4*$groups,
  ;; in the order n, i, j); for each tap (a, b) and eight channels the four
  ;; sums over o stay in eight v128 registers, then are added to dxp. ci must
  ;; be a multiple of 8. $dxImage, $dxRow, $dxCol: bytes of dxp from one
  ;; image, output row and output column to the next (hp*wp*ci*4, sh*wp*ci*4,
  ;; sw*ci*4); $tapRow, $tapCol: bytes from one filter row, column to the next
  ;; (wp*ci*4, ci*4).
  (func $positionAddress
    (param $q i32) (param $dx i32) (param $outH i32) (param $outW i32)
    (param $dxImage i32) (param $dxRow i32) (param $dxCol i32) (result i32)
    (local $plane i32) (local $r i32)
    (local.set $plane (i32.mul (local.get $outH) (local.get $outW)))
    (local.set $r (i32.rem_u (local.get $q) (local.get $plane)))
    (i32.add (local.get $dx)
      (i32.add (i32.mul (i32.div_u (local.get $q) (local.get $plane)) (local.get $dxImage))
        (i32.add (i32.mul (i32.div_u (local.get $r) (local.get $outW)) (local.get $dxRow))
          (i32.mul (i32.rem_u (local.get $r) (local.get $outW)) (local.get $dxCol))))))

  (func (export "inputGrad4x8")
    (param $dy i32) (param $wt i32) (param $dx i32) (param $first i32) (param $groups i32)
    (param $outH i32) (param $outW i32) (param $co i32) (param $ci i32) (param $fh i32) (param $fw i32)
    (param $dxImage i32) (param $dxRow i32) (param $dxCol i32) (param $tapRow i32) (param $tapCol i32)
    (local $a00 v128) (local $a01 v128) (local $a10 v128) (local $a11 v128)
    (local $a20 v128) (local $a21 v128) (local $a30 v128) (local $a31 v128)
    (local $w0 v128) (local $w1 v128) (local $s v128)
    (local $q i32) (local $g i32) (local $d0 i32) (local $d1 i32) (local $d2 i32) (local $d3 i32)
    (local $dq i32) (local $posBytes i32) (local $a i32) (local $b i32) (local $c i32) (local $o i32)
    (local $wRow i32) (local $wp i32) (local $dp i32) (local $at i32) (local $tap i32)
    (local.set $posBytes (i32.shl (local.get $co) (i32.const 2)))
    (local.set $q (local.get $first))
    (local.set $g (local.get $groups))
    (block $groupsDone
      (loop $groupsLoop
        (br_if $groupsDone (i32.eqz (local.get $g)))
        (local.set $d0 (call $positionAddress (local.get $q) (local.get $dx) (local.get $outH) (local.get $outW) (local.get $dxImage) (local.get $dxRow) (local.get $dxCol)))
        (local.set $d1 (call $positionAddress (i32.add (local.get $q) (i32.const 1)) (local.get $dx) (local.get $outH) (local.get $outW) (local.get $dxImage) (local.get $dxRow) (local.get $dxCol)))
        (local.set $d2 (call $positionAddress (i32.add (local.get $q) (i32.const 2)) (local.get $dx) (local.get $outH) (local.get $outW) (local.get $dxImage) (local.get $dxRow) (local.get $dxCol)))
        (local.set $d3 (call $positionAddress (i32.add (local.get $q) (i32.const 3)) (local.get $dx) (local.get $outH) (local.get $outW) (local.get $dxImage) (local.get $dxRow) (local.get $dxCol)))
        (local.set $dq (i32.add (local.get $dy) (i32.mul (local.get $q) (local.get $posBytes))))
        (local.set $wRow (local.get $wt))
        (local.set $a (i32.const 0))
        (block $aDone
          (loop $aLoop
            (br_if $aDone (i32.ge_u (local.get $a) (local.get $fh)))
            (local.set $b (i32.const 0))
            (block $bDone
              (loop $bLoop
                (br_if $bDone (i32.ge_u (local.get $b) (local.get $fw)))
                (local.set $tap (i32.add (i32.mul (local.get $a) (local.get $tapRow)) (i32.mul (local.get $b) (local.get $tapCol))))
                (local.set $c (i32.const 0))
                (block $cDone
                  (loop $cLoop
                    (br_if $cDone (i32.ge_u (local.get $c) (local.get $ci)))
                    (local.set $a00 (v128.const i32x4 0 0 0 0)) (local.set $a01 (v128.const i32x4 0 0 0 0))
                    (local.set $a10 (v128.const i32x4 0 0 0 0)) (local.set $a11 (v128.const i32x4 0 0 0 0))
                    (local.set $a20 (v128.const i32x4 0 0 0 0)) (local.set $a21 (v128.const i32x4 0 0 0 0))
                    (local.set $a30 (v128.const i32x4 0 0 0 0)) (local.set $a31 (v128.const i32x4 0 0 0 0))
                    ;; $wp walks W[a, b, o, c..c+7] over o; $dp walks dy[q, o] over o.
                    (local.set $wp (i32.add (local.get $wRow) (i32.shl (local.get $c) (i32.const 2))))
                    (local.set $dp (local.get $dq))
                    (local.set $o (local.get $co))
                    (block $oDone
                      (loop $oLoop
                        (br_if $oDone (i32.eqz (local.get $o)))
                        (local.set $w0 (v128.load align=4 (local.get $wp)))
                        (local.set $w1 (v128.load offset=16 align=4 (local.get $wp)))
                        (local.set $s (v128.load32_splat align=4 (local.get $dp)))
                        (local.set $a00 (f32x4.add (local.get $a00) (f32x4.mul (local.get $s) (local.get $w0))))
                        (local.set $a01 (f32x4.add (local.get $a01) (f32x4.mul (local.get $s) (local.get $w1))))
                        (local.set $s (v128.load32_splat align=4 (i32.add (local.get $dp) (local.get $posBytes))))
                        (local.set $a10 (f32x4.add (local.get $a10) (f32x4.mul (local.get $s) (local.get $w0))))
                        (local.set $a11 (f32x4.add (local.get $a11) (f32x4.mul (local.get $s) (local.get $w1))))
                        (local.set $s (v128.load32_splat align=4 (i32.add (local.get $dp) (i32.shl (local.get $posBytes) (i32.const 1)))))
                        (local.set $a20 (f32x4.add (local.get $a20) (f32x4.mul (local.get $s) (local.get $w0))))
                        (local.set $a21 (f32x4.add (local.get $a21) (f32x4.mul (local.get $s) (local.get $w1))))
                        (local.set $s (v128.load32_splat align=4 (i32.add (local.get $dp) (i32.mul (local.get $posBytes) (i32.const 3)))))
                        (local.set $a30 (f32x4.add (local.get $a30) (f32x4.mul (local.get $s) (local.get $w0))))
                        (local.set $a31 (f32x4.add (local.get $a31) (f32x4.mul (local.get $s) (local.get $w1))))
                        (local.set $wp (i32.add (local.get $wp) (i32.shl (local.get $ci) (i32.const 2))))
                        (local.set $dp (i32.add (local.get $dp) (i32.const 4)))
                        (local.set $o (i32.sub (local.get $o) (i32.const 1)))
                        (br $oLoop)))
                    ;; Add the four positions' sums to dxp.
                    (local.set $at (i32.add (i32.add (local.get $d0) (local.get $tap)) (i32.shl (local.get $c) (i32.const 2))))
                    (v128.store align=4 (local.get $at) (f32x4.add (v128.load align=4 (local.get $at)) (local.get $a00)))
                    (v128.store offset=16 align=4 (local.get $at) (f32x4.add (v128.load offset=16 align=4 (local.get $at)) (local.get $a01)))
                    (local.set $at (i32.add (i32.add (local.get $d1) (local.get $tap)) (i32.shl (local.get $c) (i32.const 2))))
                    (v128.store align=4 (local.get $at) (f32x4.add (v128.load align=4 (local.get $at)) (local.get $a10)))
                    (v128.store offset=16 align=4 (local.get $at) (f32x4.add (v128.load offset=16 align=4 (local.get $at)) (local.get $a11)))
                    (local.set $at (i32.add (i32.add (local.get $d2) (local.get $tap)) (i32.shl (local.get $c) (i32.const 2))))
                    (v128.store align=4 (local.get $at) (f32x4.add (v128.load align=4 (local.get $at)) (local.get $a20)))
                    (v128.store offset=16 align=4 (local.get $at) (f32x4.add (v128.load offset=16 align=4 (local.get $at)) (local.get $a21)))
                    (local.set $at (i32.add (i32.add (local.get $d3) (local.get $tap)) (i32.shl (local.get $c) (i32.const 2))))
                    (v128.store align=4 (local.get $at) (f32x4.add (v128.load align=4 (local.get $at)) (local.get $a30)))
                    (v128.store offset=16 align=4 (local.get $at) (f32x4.add (v128.load offset=16 align=4 (local.get $at)) (local.get $a31)))
                    (local.set $c (i32.add (local.get $c) (i32.const 8)))
                    (br $cLoop)))
                ;; The next tap's [co, ci] block of the swapped filter.
                (local.set $wRow (i32.add (local.get $wRow) (i32.shl (i32.mul (local.get $co) (local.get $ci)) (i32.const 2))))
                (local.set $b (i32.add (local.get $b) (i32.const 1)))
                (br $bLoop)))
            (local.set $a (i32.add (local.get $a) (i32.const 1)))
            (br $aLoop)))
        (local.set $q (i32.add (local.get $q) (i32.const 4)))
        (local.set $g (i32.sub (local.get $g) (i32.const 1)))
        (br $groupsLoop))))

  ;; The same for single positions ($first to $first + $count), for the last
  ;; positions % 4.
  (func (export "inputGrad1x8")
    (param $dy i32) (param $wt i32) (param $dx i32) (param $first i32) (param $count i32)
    (param $outH i32) (param $outW i32) (param $co i32) (param $ci i32) (param $fh i32) (param $fw i32)
    (param $dxImage i32) (param $dxRow i32) (param $dxCol i32) (param $tapRow i32) (param $tapCol i32)
    (local $a0 v128) (local $a1 v128) (local $s v128)
    (local $q i32) (local $g i32) (local $d0 i32) (local $dq i32) (local $a i32) (local $b i32) (local $c i32) (local $o i32)
    (local $wRow i32) (local $wp i32) (local $dp i32) (local $at i32) (local $tap i32)
    (local.set $q (local.get $first))
    (local.set $g (local.get $count))
    (block $posDone
      (loop $posLoop
        (br_if $posDone (i32.eqz (local.get $g)))
        (local.set $d0 (call $positionAddress (local.get $q) (local.get $dx) (local.get $outH) (local.get $outW) (local.get $dxImage) (local.get $dxRow) (local.get $dxCol)))
        (local.set $dq (i32.add (local.get $dy) (i32.shl (i32.mul (local.get $q) (local.get $co)) (i32.const 2))))
        (local.set $wRow (local.get $wt))
        (local.set $a (i32.const 0))
        (block $aDone
          (loop $aLoop
            (br_if $aDone (i32.ge_u (local.get $a) (local.get $fh)))
            (local.set $b (i32.const 0))
            (block $bDone
              (loop $bLoop
                (br_if $bDone (i32.ge_u (local.get $b) (local.get $fw)))
                (local.set $tap (i32.add (i32.mul (local.get $a) (local.get $tapRow)) (i32.mul (local.get $b) (local.get $tapCol))))
                (local.set $c (i32.const 0))
                (block $cDone
                  (loop $cLoop
                    (br_if $cDone (i32.ge_u (local.get $c) (local.get $ci)))
                    (local.set $a0 (v128.const i32x4 0 0 0 0))
                    (local.set $a1 (v128.const i32x4 0 0 0 0))
                    (local.set $wp (i32.add (local.get $wRow) (i32.shl (local.get $c) (i32.const 2))))
                    (local.set $dp (local.get $dq))
                    (local.set $o (local.get $co))
                    (block $oDone
                      (loop $oLoop
                        (br_if $oDone (i32.eqz (local.get $o)))
                        (local.set $s (v128.load32_splat align=4 (local.get $dp)))
                        (local.set $a0 (f32x4.add (local.get $a0) (f32x4.mul (local.get $s) (v128.load align=4 (local.get $wp)))))
                        (local.set $a1 (f32x4.add (local.get $a1) (f32x4.mul (local.get $s) (v128.load offset=16 align=4 (local.get $wp)))))
                        (local.set $wp (i32.add (local.get $wp) (i32.shl (local.get $ci) (i32.const 2))))
                        (local.set $dp (i32.add (local.get $dp) (i32.const 4)))
                        (local.set $o (i32.sub (local.get $o) (i32.const 1)))
                        (br $oLoop)))
                    (local.set $at (i32.add (i32.add (local.get $d0) (local.get $tap)) (i32.shl (local.get $c) (i32.const 2))))
                    (v128.store align=4 (local.get $at) (f32x4.add (v128.load align=4 (local.get $at)) (local.get $a0)))
                    (v128.store offset=16 align=4 (local.get $at) (f32x4.add (v128.load offset=16 align=4 (local.get $at)) (local.get $a1)))
                    (local.set $c (i32.add (local.get $c) (i32.const 8)))
                    (br $cLoop)))
                (local.set $wRow (i32.add (local.get $wRow) (i32.shl (i32.mul (local.get $co) (local.get $ci)) (i32.const 2))))
                (local.set $b (i32.add (local.get $b) (i32.const 1)))
                (br $bLoop)))
            (local.set $a (i32.add (local.get $a) (i32.const 1)))
            (br $aLoop)))
        (local.set $q (i32.add (local.get $q) (i32.const 1)))
        (local.set $g (i32.sub (local.get $g) (i32.const 1)))
        (br $posLoop))))

  ;; Forward convolution: y[q, o] = sum over a, b, c of
  ;; xp[window of q + a*tapRow + b*tapCol + c] * W[a, b, c, o], positions q
  ;; four at a time ($first to $first + 4*$groups), eight output channels at
  ;; a time in eight v128 registers (co a multiple of 8), stored to y. $w is
  ;; the filter as tfjs keeps it, [fh, fw, ci, co]; xp has the padding added;
  ;; $xImage, $xRow, $xCol: bytes of xp from one image, output row and output
  ;; column's window to the next; $tapRow, $tapCol: from one filter row and
  ;; column to the next (dilations included).
  (func (export "conv4x8")
    (param $x i32) (param $w i32) (param $y i32) (param $first i32) (param $groups i32)
    (param $outH i32) (param $outW i32) (param $co i32) (param $ci i32) (param $fh i32) (param $fw i32)
    (param $xImage i32) (param $xRow i32) (param $xCol i32) (param $tapRow i32) (param $tapCol i32)
    (local $a00 v128) (local $a01 v128) (local $a10 v128) (local $a11 v128)
    (local $a20 v128) (local $a21 v128) (local $a30 v128) (local $a31 v128)
    (local $w0 v128) (local $w1 v128) (local $s v128)
    (local $q i32) (local $g i32) (local $x0 i32) (local $x1 i32) (local $x2 i32) (local $x3 i32)
    (local $yq i32) (local $posBytes i32) (local $o i32) (local $a i32) (local $b i32) (local $c i32)
    (local $wp i32) (local $tap i32) (local $at i32)
    (local.set $posBytes (i32.shl (local.get $co) (i32.const 2)))
    (local.set $q (local.get $first))
    (local.set $g (local.get $groups))
    (block $groupsDone
      (loop $groupsLoop
        (br_if $groupsDone (i32.eqz (local.get $g)))
        (local.set $x0 (call $positionAddress (local.get $q) (local.get $x) (local.get $outH) (local.get $outW) (local.get $xImage) (local.get $xRow) (local.get $xCol)))
        (local.set $x1 (call $positionAddress (i32.add (local.get $q) (i32.const 1)) (local.get $x) (local.get $outH) (local.get $outW) (local.get $xImage) (local.get $xRow) (local.get $xCol)))
        (local.set $x2 (call $positionAddress (i32.add (local.get $q) (i32.const 2)) (local.get $x) (local.get $outH) (local.get $outW) (local.get $xImage) (local.get $xRow) (local.get $xCol)))
        (local.set $x3 (call $positionAddress (i32.add (local.get $q) (i32.const 3)) (local.get $x) (local.get $outH) (local.get $outW) (local.get $xImage) (local.get $xRow) (local.get $xCol)))
        (local.set $yq (i32.add (local.get $y) (i32.mul (local.get $q) (local.get $posBytes))))
        (local.set $o (i32.const 0))
        (block $oDone
          (loop $oLoop
            (br_if $oDone (i32.ge_u (local.get $o) (local.get $co)))
            (local.set $a00 (v128.const i32x4 0 0 0 0)) (local.set $a01 (v128.const i32x4 0 0 0 0))
            (local.set $a10 (v128.const i32x4 0 0 0 0)) (local.set $a11 (v128.const i32x4 0 0 0 0))
            (local.set $a20 (v128.const i32x4 0 0 0 0)) (local.set $a21 (v128.const i32x4 0 0 0 0))
            (local.set $a30 (v128.const i32x4 0 0 0 0)) (local.set $a31 (v128.const i32x4 0 0 0 0))
            ;; $wp walks W[a, b, c, o..o+7] over the taps in order.
            (local.set $wp (i32.add (local.get $w) (i32.shl (local.get $o) (i32.const 2))))
            (local.set $a (i32.const 0))
            (block $aDone
              (loop $aLoop
                (br_if $aDone (i32.ge_u (local.get $a) (local.get $fh)))
                (local.set $b (i32.const 0))
                (block $bDone
                  (loop $bLoop
                    (br_if $bDone (i32.ge_u (local.get $b) (local.get $fw)))
                    (local.set $tap (i32.add (i32.mul (local.get $a) (local.get $tapRow)) (i32.mul (local.get $b) (local.get $tapCol))))
                    (local.set $c (local.get $ci))
                    (block $cDone
                      (loop $cLoop
                        (br_if $cDone (i32.eqz (local.get $c)))
                        (local.set $w0 (v128.load align=4 (local.get $wp)))
                        (local.set $w1 (v128.load offset=16 align=4 (local.get $wp)))
                        (local.set $s (v128.load32_splat align=4 (i32.add (local.get $x0) (local.get $tap))))
                        (local.set $a00 (f32x4.add (local.get $a00) (f32x4.mul (local.get $s) (local.get $w0))))
                        (local.set $a01 (f32x4.add (local.get $a01) (f32x4.mul (local.get $s) (local.get $w1))))
                        (local.set $s (v128.load32_splat align=4 (i32.add (local.get $x1) (local.get $tap))))
                        (local.set $a10 (f32x4.add (local.get $a10) (f32x4.mul (local.get $s) (local.get $w0))))
                        (local.set $a11 (f32x4.add (local.get $a11) (f32x4.mul (local.get $s) (local.get $w1))))
                        (local.set $s (v128.load32_splat align=4 (i32.add (local.get $x2) (local.get $tap))))
                        (local.set $a20 (f32x4.add (local.get $a20) (f32x4.mul (local.get $s) (local.get $w0))))
                        (local.set $a21 (f32x4.add (local.get $a21) (f32x4.mul (local.get $s) (local.get $w1))))
                        (local.set $s (v128.load32_splat align=4 (i32.add (local.get $x3) (local.get $tap))))
                        (local.set $a30 (f32x4.add (local.get $a30) (f32x4.mul (local.get $s) (local.get $w0))))
                        (local.set $a31 (f32x4.add (local.get $a31) (f32x4.mul (local.get $s) (local.get $w1))))
                        (local.set $wp (i32.add (local.get $wp) (local.get $posBytes)))
                        (local.set $tap (i32.add (local.get $tap) (i32.const 4)))
                        (local.set $c (i32.sub (local.get $c) (i32.const 1)))
                        (br $cLoop)))
                    (local.set $b (i32.add (local.get $b) (i32.const 1)))
                    (br $bLoop)))
                (local.set $a (i32.add (local.get $a) (i32.const 1)))
                (br $aLoop)))
            (local.set $at (i32.add (local.get $yq) (i32.shl (local.get $o) (i32.const 2))))
            (v128.store align=4 (local.get $at) (local.get $a00))
            (v128.store offset=16 align=4 (local.get $at) (local.get $a01))
            (local.set $at (i32.add (local.get $at) (local.get $posBytes)))
            (v128.store align=4 (local.get $at) (local.get $a10))
            (v128.store offset=16 align=4 (local.get $at) (local.get $a11))
            (local.set $at (i32.add (local.get $at) (local.get $posBytes)))
            (v128.store align=4 (local.get $at) (local.get $a20))
            (v128.store offset=16 align=4 (local.get $at) (local.get $a21))
            (local.set $at (i32.add (local.get $at) (local.get $posBytes)))
            (v128.store align=4 (local.get $at) (local.get $a30))
            (v128.store offset=16 align=4 (local.get $at) (local.get $a31))
            (local.set $o (i32.add (local.get $o) (i32.const 8)))
            (br $oLoop)))
        (local.set $q (i32.add (local.get $q) (i32.const 4)))
        (local.set $g (i32.sub (local.get $g) (i32.const 1)))
        (br $groupsLoop))))
)
