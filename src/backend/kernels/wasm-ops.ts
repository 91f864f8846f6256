/**
 * Calls the wasm backend's own kernels from inside another kernel.
 *
 * The training kernels tfjs-doctor adds are compositions of kernels the wasm
 * backend already runs fast (XNNPACK convolutions, transposes, pads). They work
 * on raw `TensorInfo`s, below the engine: no tape, no tensor tracking, so every
 * intermediate must be released by hand. A `WasmOps` records each output it
 * makes and `runComposed` releases all of them except the result.
 */
import * as tf from '@tensorflow/tfjs';

/** The part of a tfjs backend the composed kernels need. */
export interface DataBackend {
  disposeData(dataId: tf.DataId, force?: boolean): boolean;
  write(values: tf.backend_util.BackendValues | null, shape: number[], dtype: tf.DataType): tf.DataId;
  readSync(dataId: tf.DataId): tf.backend_util.BackendValues;
}

function isDataBackend(backend: object): backend is DataBackend {
  return (
    'disposeData' in backend && typeof backend.disposeData === 'function' &&
    'write' in backend && typeof backend.write === 'function' &&
    'readSync' in backend && typeof backend.readSync === 'function'
  );
}

/** Explicit 4D padding as tfjs kernels take it: [[0,0],[top,bottom],[left,right],[0,0]]. */
export type ExplicitPads = [[number, number], [number, number], [number, number], [number, number]];

export function spatialPads(top: number, bottom: number, left: number, right: number): ExplicitPads {
  return [[0, 0], [top, bottom], [left, right], [0, 0]];
}

export class WasmOps {
  private readonly made = new Set<tf.TensorInfo>();

  constructor(
    readonly backend: DataBackend,
    private readonly backendName: string,
  ) {}

  transpose(x: tf.TensorInfo, perm: number[]): tf.TensorInfo {
    return this.run(tf.Transpose, { x }, { perm });
  }

  reshape(x: tf.TensorInfo, shape: number[]): tf.TensorInfo {
    return this.run(tf.Reshape, { x }, { shape });
  }

  pad(x: tf.TensorInfo, paddings: Array<[number, number]>, constantValue = 0): tf.TensorInfo {
    return this.run(tf.PadV2, { x }, { paddings, constantValue });
  }

  slice(x: tf.TensorInfo, begin: number[], size: number[]): tf.TensorInfo {
    return this.run(tf.Slice, { x }, { begin, size });
  }

  /** Pads (with `constantValue`) by the positive amounts and crops by the negative ones, per axis. */
  padOrCrop(x: tf.TensorInfo, amounts: Array<[number, number]>, constantValue = 0): tf.TensorInfo {
    const cropBefore = amounts.map(([before]) => Math.max(0, -before));
    const cropAfter = amounts.map(([, after]) => Math.max(0, -after));
    let out = x;
    if (cropBefore.some((c) => c > 0) || cropAfter.some((c) => c > 0)) {
      const size = x.shape.map((n, i) => n - cropBefore[i] - cropAfter[i]);
      out = this.slice(out, cropBefore, size);
    }
    const pads = amounts.map(([before, after]): [number, number] => [Math.max(0, before), Math.max(0, after)]);
    if (pads.some(([before, after]) => before > 0 || after > 0)) {
      out = this.pad(out, pads, constantValue);
    }
    return out;
  }

  reverse(x: tf.TensorInfo, dims: number[]): tf.TensorInfo {
    return this.run(tf.Reverse, { x }, { dims });
  }

  sum(x: tf.TensorInfo, axis: number[]): tf.TensorInfo {
    return this.run(tf.Sum, { x }, { axis, keepDims: false });
  }

  conv2d(x: tf.TensorInfo, filter: tf.TensorInfo, strides: [number, number], dilations: [number, number], pad: ExplicitPads): tf.TensorInfo {
    return this.run(tf.Conv2D, { x, filter }, { strides, dilations, pad, dataFormat: 'NHWC' });
  }

  depthwiseConv2d(x: tf.TensorInfo, filter: tf.TensorInfo, strides: [number, number], dilations: [number, number], pad: ExplicitPads): tf.TensorInfo {
    return this.run(tf.DepthwiseConv2dNative, { x, filter }, { strides, dilations, pad, dataFormat: 'NHWC' });
  }

  argMax(x: tf.TensorInfo, axis: number): tf.TensorInfo {
    return this.run(tf.ArgMax, { x }, { axis });
  }

  /** float32 one-hot rows. (wasm's OneHot always writes int32 data whatever dtype it is told, hence the cast.) */
  oneHot(indices: tf.TensorInfo, depth: number): tf.TensorInfo {
    const ints = this.run(tf.OneHot, { indices }, { depth, onValue: 1, offValue: 0, dtype: 'int32' });
    return this.cast(ints, 'float32');
  }

  cast(x: tf.TensorInfo, dtype: tf.DataType): tf.TensorInfo {
    return this.run(tf.Cast, { x }, { dtype });
  }

  /** Takes charge of a tensor made outside these ops, to be released with the rest. */
  adopt(info: tf.TensorInfo): tf.TensorInfo {
    return this.own(info);
  }

  multiply(a: tf.TensorInfo, b: tf.TensorInfo): tf.TensorInfo {
    return this.run(tf.Multiply, { a, b }, {});
  }

  depthwiseBackpropInput(dy: tf.TensorInfo, filter: tf.TensorInfo, inputShape: number[], strides: [number, number]): tf.TensorInfo {
    return this.run(tf.DepthwiseConv2dNativeBackpropInput, { dy, filter }, { strides, dilations: [1, 1], pad: 'valid', inputShape });
  }

  matMul(a: tf.TensorInfo, b: tf.TensorInfo): tf.TensorInfo {
    return this.run(tf.BatchMatMul, { a, b }, { transposeA: false, transposeB: false });
  }

  scatterNd(indices: tf.TensorInfo, updates: tf.TensorInfo, shape: number[]): tf.TensorInfo {
    return this.run(tf.ScatterNd, { indices, updates }, { shape });
  }

  /** A new tensor on this backend holding `values`. */
  fromValues(values: Int32Array | Float32Array, shape: number[], dtype: 'int32' | 'float32'): tf.TensorInfo {
    return this.own({ dataId: this.backend.write(values, shape, dtype), shape, dtype });
  }

  /** Releases every tensor this object made, except `keep`. */
  releaseAllBut(keep?: tf.TensorInfo): void {
    for (const info of this.made) {
      if (info !== keep) this.backend.disposeData(info.dataId);
    }
    this.made.clear();
  }

  private run(kernelName: string, inputs: tf.NamedTensorInfoMap, attrs: tf.NamedAttrMap): tf.TensorInfo {
    const kernel = tf.getKernel(kernelName, this.backendName);
    if (kernel == null) {
      throw new Error(`tfjs-doctor: the ${this.backendName} backend has no ${kernelName} kernel, which its training kernels build on.`);
    }
    const out = kernel.kernelFunc({ inputs, backend: this.backend, attrs });
    if (Array.isArray(out)) {
      throw new Error(`tfjs-doctor: expected one output from ${kernelName}, got ${out.length}.`);
    }
    return this.own(out);
  }

  private own(info: tf.TensorInfo): tf.TensorInfo {
    this.made.add(info);
    return info;
  }
}

/**
 * Runs `compose` with fresh ops on `backend` and releases every intermediate,
 * also when `compose` throws. The result stays alive for the engine to own.
 */
export function runComposed(backend: object, backendName: string, compose: (ops: WasmOps) => tf.TensorInfo): tf.TensorInfo {
  if (!isDataBackend(backend)) {
    throw new Error(`tfjs-doctor: the ${backendName} backend does not expose disposeData/write/readSync.`);
  }
  const ops = new WasmOps(backend, backendName);
  let result: tf.TensorInfo | undefined;
  try {
    result = compose(ops);
    return result;
  } finally {
    ops.releaseAllBut(result);
  }
}
