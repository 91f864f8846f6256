/**
 * MaxPoolGrad for wasm, replacing the one tfjs-backend-wasm 4.22 ships.
 *
 * That kernel starts each window's running maximum at the smallest positive
 * float instead of -infinity, so a window whose values are all negative sends
 * no gradient at all (seen: maxPool of [-1, -2] gives gradient [0, 0]; cpu gives
 * [1, 0]). Pooling after a convolution without ReLU, or before batch norm, hits
 * this on every step.
 *
 * This version routes each output gradient to the first maximum of its window,
 * as the cpu backend does, using exact operations only:
 *   1. pad the input with -FLT_MAX and cut out every window as channels, with a
 *      depthwise convolution whose filter is one-hot per window position;
 *   2. argmax per window, one-hot it, scale by dy;
 *   3. put the pieces back where they came from: the transpose of step 1, which
 *      is DepthwiseConv2dNativeBackpropInput with the same filter; remove the padding.
 */
import * as tf from '@tensorflow/tfjs';
import { input, padAttr, pairAttr, roundingAttr, shape4D } from './attrs';
import { backpropFilterPads } from './backprop-geometry';
import { runComposed, spatialPads, WasmOps } from './wasm-ops';

const KERNEL = 'MaxPoolGrad';
/** Padding that never wins a max against a real value. */
const LOWEST = -3.4028234663852886e38;

/** [fh, fw, c, fh*fw]: channel c of window position (a, b) goes to output channel c*K + a*fw + b. */
function windowPicker(ops: WasmOps, fh: number, fw: number, channels: number): tf.TensorInfo {
  const k = fh * fw;
  const values = new Float32Array(k * channels * k);
  for (let position = 0; position < k; position++) {
    for (let c = 0; c < channels; c++) {
      values[(position * channels + c) * k + position] = 1;
    }
  }
  return ops.fromValues(values, [fh, fw, channels, k], 'float32');
}

function maxPoolGrad({ inputs, backend, attrs }: { inputs: tf.NamedTensorInfoMap; backend: object; attrs?: tf.NamedAttrMap }): tf.TensorInfo {
  const dy = input(inputs, 'dy', KERNEL);
  const x = input(inputs, 'input', KERNEL);
  const [n, h, w, c] = shape4D(x, 'input', KERNEL);
  const info = tf.backend_util.computePool2DInfo(
    [n, h, w, c],
    pairAttr(attrs, 'filterSize', KERNEL),
    pairAttr(attrs, 'strides', KERNEL),
    1,
    padAttr(attrs, KERNEL),
    roundingAttr(attrs, KERNEL),
  );
  const { filterHeight: fh, filterWidth: fw, strideHeight: sh, strideWidth: sw, outHeight, outWidth } = info;
  const k = fh * fw;
  const rows = backpropFilterPads(h, outHeight, fh, sh, 1, info.padInfo.top);
  const cols = backpropFilterPads(w, outWidth, fw, sw, 1, info.padInfo.left);
  const around: Array<[number, number]> = [[0, 0], rows, cols, [0, 0]];

  return runComposed(backend, 'wasm', (ops) => {
    const padded = ops.padOrCrop(x, around, LOWEST);
    const picker = windowPicker(ops, fh, fw, c);
    const windows = ops.depthwiseConv2d(padded, picker, [sh, sw], [1, 1], spatialPads(0, 0, 0, 0));
    const windowCount = n * outHeight * outWidth * c;
    const winner = ops.oneHot(ops.argMax(ops.reshape(windows, [windowCount, k]), 1), k);
    const routed = ops.multiply(winner, ops.reshape(dy, [windowCount, 1]));
    const dxPadded = ops.depthwiseBackpropInput(ops.reshape(routed, [n, outHeight, outWidth, c * k]), picker, padded.shape, [sh, sw]);
    return ops.padOrCrop(dxPadded, around.map(([before, after]): [number, number] => [-before, -after]));
  });
}

export const maxPoolGradConfig: tf.KernelConfig = {
  kernelName: tf.MaxPoolGrad,
  backendName: 'wasm',
  kernelFunc: maxPoolGrad,
};
