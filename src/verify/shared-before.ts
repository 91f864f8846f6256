/**
 * The verification's "before" probe, read off the overfit probe instead of run
 * again. Both train a copy of the user's weights with a fresh copy of the user's
 * optimizer on the same first rows of the probe data with the same loss (see
 * overfit.ts and verify/index.ts); when nothing in the model draws random numbers
 * in training mode and nothing between steps changes the weights, the two runs
 * take the same steps and reach the same losses, and the overfit probe already
 * recorded them: its training loss at every step and an inference-mode
 * evaluation every 5 steps. So the before probe costs nothing where it repeats.
 *
 * Read only when it is the same run: the user's run did not fit (a run that
 * fits stops early), did not diverge, ran at least `steps` steps on the same
 * number of samples, was evaluated at step `steps`, and the model has no layer
 * that behaves randomly or keeps batch statistics in training mode (dropout,
 * noise, batch normalization, recurrent dropout) and no custom layer.
 */
import type * as tf from '@tensorflow/tfjs';
import type { CurvePoint, Measurements } from '../measurements';
import type { ProbeSummary } from './types';

const OVERFIT_ID = 'overfit-tiny-batch';
const USER_SERIES = 'your optimizer';

/** Layer classes that compute the same thing on every training-mode call (tfjs's own, less dropout, noise and batch normalization). */
const REPEATABLE = new Set([
  'Activation', 'Add', 'Average', 'AveragePooling1D', 'AveragePooling2D', 'Bidirectional', 'Concatenate', 'Conv1D', 'Conv2D',
  'Conv2DTranspose', 'Cropping2D', 'Dense', 'DepthwiseConv2D', 'Dot', 'ELU', 'Embedding', 'Flatten', 'Functional', 'GRU',
  'GlobalAveragePooling1D', 'GlobalAveragePooling2D', 'GlobalMaxPooling1D', 'GlobalMaxPooling2D', 'InputLayer', 'LSTM',
  'LayerNormalization', 'LeakyReLU', 'Masking', 'MaxPooling1D', 'MaxPooling2D', 'Maximum', 'Minimum', 'Model', 'Multiply', 'PReLU',
  'Permute', 'ReLU', 'RepeatVector', 'Reshape', 'SeparableConv2D', 'Sequential', 'SimpleRNN', 'Softmax', 'ThresholdedReLU',
  'TimeDistributed', 'UpSampling2D', 'ZeroPadding2D',
]);

/** A layer and every layer inside it (nested models, wrappers). */
function allLayers(layer: tf.layers.Layer | tf.LayersModel): tf.layers.Layer[] {
  const inner = ['layers', 'layer', 'forwardLayer', 'backwardLayer'].flatMap((key) => {
    const value: unknown = Reflect.get(layer, key);
    return Array.isArray(value) ? value : value === undefined ? [] : [value];
  }).filter((l): l is tf.layers.Layer => typeof (l as Partial<tf.layers.Layer>).getClassName === 'function');
  return [layer as tf.layers.Layer, ...inner.flatMap(allLayers)];
}

/** True when a training-mode pass of `model` is a pure function of its weights and inputs (no dropout, noise, batch statistics or custom layer). */
export function repeatableTraining(model: tf.LayersModel): boolean {
  return model.layers.flatMap(allLayers).every((layer) => {
    if (!REPEATABLE.has(layer.getClassName())) return false;
    const config = layer.getConfig();
    return !(Number(config.dropout ?? 0) > 0) && !(Number(config.recurrentDropout ?? 0) > 0);
  });
}

/**
 * True when the overfit probe's run memorized the same samples within `steps`
 * steps and it is the same run as the before probe (see the top of this file):
 * the probe as set up fits, so every fix's outcome would be "inconclusive" (the
 * probe cannot show a difference), and the fixes need not be trained at all.
 */
export function fitAsSetUp(model: tf.LayersModel, measurements: Measurements, steps: number, samples: number): boolean {
  const record = measurements.extra?.[OVERFIT_ID];
  if (!record || record.succeeded !== true || record.samples !== samples) return false;
  return typeof record.steps === 'number' && record.steps <= steps && repeatableTraining(model);
}

/**
 * The before probe of `steps` steps on `samples` samples, from the overfit
 * probe's record in `measurements`; undefined when it would not be the same run
 * (see the top of this file).
 */
export function sharedBefore(
  model: tf.LayersModel, measurements: Measurements, steps: number, samples: number, series: string,
): { summary: ProbeSummary; points: CurvePoint[] } | undefined {
  const record = measurements.extra?.[OVERFIT_ID];
  if (!record || record.succeeded !== false || record.diverged !== false || record.samples !== samples) return undefined;
  if (typeof record.steps !== 'number' || record.steps < steps) return undefined;
  const points = measurements.curves?.points ?? [];
  const evaluation = (step: number) => points.find((p) => p.series === `${USER_SERIES} (inference)` && p.step === step);
  const start = evaluation(0);
  const end = evaluation(steps);
  if (!start || !end || !repeatableTraining(model)) return undefined;
  const training = new Map(points.filter((p) => p.series === `${USER_SERIES} (training)`).map((p) => [p.step, p.loss]));
  const losses = Array.from({ length: steps }, (_, i) => training.get(i + 1));
  if (losses.some((loss) => loss === undefined || loss === null)) return undefined;
  return {
    summary: { initialLoss: start.loss, finalLoss: end.loss, finalAccuracy: end.metric ?? null, fit: false },
    points: [{ series, step: 0, loss: start.loss }, ...losses.map((loss, i) => ({ series, step: i + 1, loss: loss ?? null }))],
  };
}
