/**
 * UnsortedSegmentSum for wasm: the gradient of gather (so of Embedding layers).
 *
 *   out[s, ...] = sum of x[i, ...] over every i with segmentIds[i] == s
 *
 * is a wasm ScatterNd, which adds rows that land on the same index. Ids
 * outside [0, numSegments) are dropped, as TensorFlow does: they are sent to
 * one spare row past the end, which is then cut off.
 */
import * as tf from '@tensorflow/tfjs';
import { input, integerAttr } from './attrs';
import { runComposed } from './wasm-ops';

const KERNEL = 'UnsortedSegmentSum';

/** The ids as scatter indices, out-of-range ones mapped to `numSegments`; null when all are in range. */
export function spareRowIndices(ids: ArrayLike<number>, numSegments: number): Int32Array | null {
  let outOfRange = false;
  for (let i = 0; i < ids.length; i++) {
    if (ids[i] < 0 || ids[i] >= numSegments) {
      outOfRange = true;
      break;
    }
  }
  if (!outOfRange) return null;
  return Int32Array.from(ids, (id) => (id < 0 || id >= numSegments ? numSegments : id));
}

function unsortedSegmentSum({ inputs, backend, attrs }: { inputs: tf.NamedTensorInfoMap; backend: object; attrs?: tf.NamedAttrMap }): tf.TensorInfo {
  const x = input(inputs, 'x', KERNEL);
  const segmentIds = input(inputs, 'segmentIds', KERNEL);
  const numSegments = integerAttr(attrs, 'numSegments', KERNEL);
  const idCount = segmentIds.shape.reduce((a, b) => a * b, 1);
  const prefix = x.shape.slice(0, segmentIds.shape.length);
  if (prefix.length !== segmentIds.shape.length || prefix.some((d, i) => d !== segmentIds.shape[i])) {
    throw new Error(`tfjs-doctor ${KERNEL}: segmentIds shape [${segmentIds.shape}] must be a prefix of x shape [${x.shape}].`);
  }
  const rowShape = x.shape.slice(segmentIds.shape.length);

  return runComposed(backend, 'wasm', (ops) => {
    const updates = ops.reshape(x, [idCount, ...rowShape]);
    const ids = ops.backend.readSync(segmentIds.dataId);
    if (!(ids instanceof Int32Array || ids instanceof Float32Array)) {
      throw new Error(`tfjs-doctor ${KERNEL}: segmentIds must be a numeric tensor, got dtype ${segmentIds.dtype}.`);
    }
    const remapped = spareRowIndices(ids, numSegments);
    if (remapped === null) {
      const indices = ops.reshape(segmentIds, [idCount, 1]);
      return ops.scatterNd(indices, updates, [numSegments, ...rowShape]);
    }
    const indices = ops.fromValues(remapped, [idCount, 1], 'int32');
    const withSpare = ops.scatterNd(indices, updates, [numSegments + 1, ...rowShape]);
    return ops.slice(withSpare, withSpare.shape.map(() => 0), [numSegments, ...rowShape]);
  });
}

export const unsortedSegmentSumConfig: tf.KernelConfig = {
  kernelName: tf.UnsortedSegmentSum,
  backendName: 'wasm',
  kernelFunc: unsortedSegmentSum,
};
