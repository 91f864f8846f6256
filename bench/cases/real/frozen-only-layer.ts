/**
 * Keras FAQ "How can I freeze Keras layers?": with `trainable = False` set on
 * the layer, "both frozen_model and trainable_model are unable to train (i.e.
 * weights won't update)": every weight of the model is frozen, fit changes
 * nothing. Small: a price regression whose only Dense layers are frozen.
 */
import * as tf from '@tensorflow/tfjs';
import type { RealBug, Setup } from '../base';
import { housingTensors } from '../healthy';

function setup(trainable: boolean): Setup {
  const model = tf.sequential();
  model.add(tf.layers.dense({ inputShape: [12], units: 32, activation: 'relu', trainable }));
  model.add(tf.layers.dense({ units: 1, trainable }));
  model.compile({ optimizer: tf.train.rmsprop(0.01), loss: 'meanSquaredError' });
  return { model, data: housingTensors(), fit: { epochs: 30 } };
}

export const frozenOnlyLayer: RealBug = {
  kind: 'real',
  id: 'frozen-only-layer',
  source: 'https://github.com/keras-team/keras/issues/4910',
  symptom: 'Keras FAQ freeze example: the model is unable to train, weights never update',
  expected: { rootCause: 'layers-frozen' },
  buggy: () => setup(false),
  fixed: () => setup(true),
  trainsTo: { metric: 'loss', threshold: 25 },
};
