/**
 * Boston housing: "why the loss (mse) calculated by keras is not the same as
 * mine": labels of shape [404] against predictions [404, 1] broadcast into a
 * 404 x 404 matrix of differences. As a training loss the same slip makes each
 * sample's loss depend on every other label. Fix: keep y as [n, 1].
 */
import * as tf from '@tensorflow/tfjs';
import { PLANNED_IDS, type RealBug, type Setup } from '../base';
import { housingTensors } from '../healthy';

/** MSE by hand, labels flattened to [n] as they came from the CSV column. */
function mseFlatLabels(yTrue: tf.Tensor, yPred: tf.Tensor): tf.Tensor {
  return tf.mean(tf.square(tf.sub(yPred, tf.reshape(yTrue, [-1]))));
}

function mse(yTrue: tf.Tensor, yPred: tf.Tensor): tf.Tensor {
  return tf.mean(tf.square(tf.sub(yPred, yTrue)));
}

function setup(loss: typeof mse): Setup {
  const model = tf.sequential();
  model.add(tf.layers.dense({ inputShape: [12], units: 64, activation: 'relu' }));
  model.add(tf.layers.dense({ units: 64, activation: 'relu' }));
  model.add(tf.layers.dense({ units: 1 }));
  model.compile({ optimizer: tf.train.rmsprop(0.001), loss });
  return { model, data: housingTensors(), fit: { epochs: 40 } };
}

export const broadcastMse: RealBug = {
  kind: 'real',
  id: 'broadcast-mse',
  source: 'https://github.com/keras-team/keras/issues/14627',
  symptom: 'Keras boston housing: MSE over labels [n] vs predictions [n, 1] broadcasts to n x n and disagrees',
  expected: { rootCause: PLANNED_IDS.lossMixing },
  buggy: () => setup(mseFlatLabels),
  fixed: () => setup(mse),
  trainsTo: { metric: 'loss', threshold: 25 },
};
