/**
 * A binary MLP (three 8-unit ReLU layers, sigmoid) on 88% negatives "only
 * learned the bias term and ended up predicting everything to be negative".
 * Fix: rebalance the classes (resampling or class weights).
 */
import * as tf from '@tensorflow/tfjs';
import type { RealBug, Setup } from '../base';
import { binary, reorder, shuffle } from '../data';

function setup(balance: 'natural' | 'balanced'): Setup {
  const all = binary(1600, 20, 37);
  const positives = all.labels.map((l, i) => ({ l, i })).filter(({ l }) => l === 1).map(({ i }) => i);
  const negatives = all.labels.map((l, i) => ({ l, i })).filter(({ l }) => l === 0).map(({ i }) => i);
  // natural: ~88% negatives (as in the thread); balanced: as many negatives as positives.
  const rows = balance === 'natural' ? [...negatives.slice(0, 440), ...positives.slice(0, 60)] : [...negatives.slice(0, 250), ...positives.slice(0, 250)];
  const data = shuffle(reorder(all, rows), 8);
  const model = tf.sequential();
  model.add(tf.layers.dense({ inputShape: [20], units: 8, activation: 'relu' }));
  model.add(tf.layers.dense({ units: 8, activation: 'relu' }));
  model.add(tf.layers.dense({ units: 8, activation: 'relu' }));
  model.add(tf.layers.dense({ units: 1, activation: 'sigmoid' }));
  model.compile({ optimizer: 'adam', loss: 'binaryCrossentropy', metrics: ['accuracy'] });
  return { model, data: { x: tf.tensor2d(data.x), y: tf.tensor2d(data.labels, [data.labels.length, 1]) }, fit: { epochs: 20 } };
}

export const imbalancedBiasOnly: RealBug = {
  kind: 'real',
  id: 'imbalanced-bias-only',
  source: 'https://datascience.stackexchange.com/questions/19283/why-mlp-only-learns-bias-for-unbalanced-binary-classification',
  symptom: 'Keras binary MLP on 88% negatives learns only the bias and predicts everything negative',
  expected: { rootCause: 'labels-imbalanced' },
  buggy: () => setup('natural'),
  fixed: () => setup('balanced'),
  trainsTo: { metric: 'acc', threshold: 0.85 },
};
