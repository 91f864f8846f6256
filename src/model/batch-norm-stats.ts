/**
 * What each batch-normalization layer normalizes with: its moving mean and
 * variance (inference mode) next to the mean and variance of the batch it
 * receives (training mode), per channel, and how much those batch statistics
 * move from one batch to the next at a given batch size. Reads the model
 * through a tap model that shares its layers: nothing is trained or updated.
 */
import * as tf from '@tensorflow/tfjs';

/** Statistics of one batch-normalization layer, one entry per channel (feature) it normalizes. */
export interface BatchNormLayerStats {
  layer: string;
  layerIndex: number;
  momentum: number;
  epsilon: number;
  movingMean: number[];
  movingVariance: number[];
  /** Mean and variance of the layer's input over the probe rows (every axis but the channel axis). */
  batchMean: number[];
  batchVariance: number[];
  /** The moving statistics are still exactly the initializers' zeros and ones: no training step updated them. */
  atInit: boolean;
}

/** How the statistics of batches of `batchSize` rows scatter around those of all probe rows. */
export interface BatchNoise {
  layer: string;
  batchSize: number;
  batches: number;
  /** RMS over channels of the std of the batch mean across batches, in units of the channel's std. */
  meanNoise: number;
  /** RMS over channels of the std of ln(batch variance + epsilon) across batches. */
  logVarianceNoise: number;
}

interface Tapped {
  layer: tf.layers.Layer;
  index: number;
  input: tf.SymbolicTensor;
}

function isBatchNorm(layer: tf.layers.Layer): boolean {
  return layer.getClassName() === 'BatchNormalization';
}

/** Batch-norm layers called once, normalizing the last axis (the tfjs default), with their symbolic input. */
function tappable(model: tf.LayersModel): Tapped[] {
  return model.layers.flatMap((layer, index) => {
    if (!isBatchNorm(layer) || layer.inboundNodes.length !== 1) return [];
    const input = layer.input;
    if (Array.isArray(input)) return [];
    const axis = Number(layer.getConfig().axis ?? -1);
    if (axis !== -1 && axis !== input.shape.length - 1) return [];
    return [{ layer, index, input }];
  });
}

function movingWeights(layer: tf.layers.Layer): { mean?: tf.Tensor; variance?: tf.Tensor } {
  const find = (suffix: string) => layer.weights.find((w) => w.originalName.endsWith(suffix) || w.name.endsWith(suffix))?.read();
  return { mean: find('moving_mean'), variance: find('moving_variance') };
}

/** Inputs of every batch-norm layer for `x`, in inference mode, each reshaped to [positions, channels]; the caller disposes them. */
function layerInputs(model: tf.LayersModel, tapped: Tapped[], x: tf.Tensor): tf.Tensor2D[] {
  const taps = tf.model({ inputs: model.inputs, outputs: tapped.map((t) => t.input) });
  return tf.tidy(() => {
    const raw = taps.predict(x);
    const outputs = Array.isArray(raw) ? raw : [raw];
    return outputs.map((output) => output.reshape([-1, output.shape[output.shape.length - 1]]) as tf.Tensor2D);
  });
}

/**
 * Moving and batch statistics of every batch-norm layer over `x`, and (when
 * `batchSize` is given) the scatter of batch statistics across consecutive
 * batches of that many rows of `x`.
 */
export async function batchNormStats(
  model: tf.LayersModel, x: tf.Tensor, batchSize?: number,
): Promise<{ layers: BatchNormLayerStats[]; noise: BatchNoise[] }> {
  const tapped = tappable(model);
  if (tapped.length === 0) return { layers: [], noise: [] };
  const inputs = layerInputs(model, tapped, x);
  try {
    const layers: BatchNormLayerStats[] = [];
    for (const [i, { layer, index }] of tapped.entries()) {
      const { mean, variance } = movingWeights(layer);
      if (!mean || !variance) continue;
      const moments = tf.tidy(() => tf.moments(inputs[i], 0));
      const [movingMean, movingVariance, batchMean, batchVariance] = await Promise.all(
        [mean, variance, moments.mean, moments.variance].map(async (t) => Array.from(await t.data())),
      );
      tf.dispose([moments.mean, moments.variance]);
      const config = layer.getConfig();
      layers.push({
        layer: layer.name, layerIndex: index,
        momentum: Number(config.momentum ?? 0.99), epsilon: Number(config.epsilon ?? 1e-3),
        movingMean, movingVariance, batchMean, batchVariance,
        atInit: movingMean.every((v) => v === 0) && movingVariance.every((v) => v === 1),
      });
    }
    const noise = batchSize === undefined ? [] : await Promise.all(tapped.map((t, i) => batchNoise(t.layer, inputs[i], x.shape[0], batchSize)));
    return { layers, noise: noise.filter((n): n is BatchNoise => n !== undefined) };
  } finally {
    tf.dispose(inputs);
  }
}

/** Scatter of per-batch statistics over consecutive batches of `batchSize` rows (at least 4 batches, else undefined). */
async function batchNoise(layer: tf.layers.Layer, input: tf.Tensor2D, rows: number, batchSize: number): Promise<BatchNoise | undefined> {
  const batches = Math.floor(rows / batchSize);
  if (batches < 4) return undefined;
  const perRow = input.shape[0] / rows;
  const epsilon = Number(layer.getConfig().epsilon ?? 1e-3);
  const packed = tf.tidy(() => {
    const used = input.slice(0, batches * batchSize * perRow).reshape([batches, batchSize * perRow, input.shape[1]]);
    const { mean, variance } = tf.moments(used, 1);
    const population = tf.moments(used.reshape([-1, input.shape[1]]), 0);
    const scale = population.variance.add(epsilon).sqrt();
    const meanNoise = tf.moments(mean, 0).variance.sqrt().div(scale).square().mean().sqrt();
    const logVarianceNoise = tf.moments(variance.add(epsilon).log(), 0).variance.mean().sqrt();
    return tf.stack([meanNoise, logVarianceNoise]);
  });
  const [meanNoise, logVarianceNoise] = Array.from(await packed.data());
  packed.dispose();
  return { layer: layer.name, batchSize, batches, meanNoise, logVarianceNoise };
}
