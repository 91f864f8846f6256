/**
 * Keras, about 1,000 screenshots of a 3D game in two classes: loss stuck at
 * 17.27 and accuracy 0.5 whatever was tried; "When normalizing each pixel to
 * [0, 1], the array was still int, and each pixel became 0". In JavaScript the
 * same slip is normalizing 8-bit pixels in place in their Uint8Array: x / 255
 * is stored truncated, 0 for every value under 255, so every input row is the
 * same row of zeros. Fix: normalize into a Float32Array.
 */
import * as tf from '@tensorflow/tfjs';
import type { RealBug, Setup } from '../base';
import { oneHot } from '../data';
import { seededRandom } from '../../../src/context/random';

const SIDE = 16;
const ROWS = 400;

/**
 * 8-bit grayscale "screenshots": a lit scene (a gradient with noise, 40..200)
 * and, in class 1, another player as a bright 4x4 patch (225..250) somewhere.
 * Like most rendered frames, no pixel is pure white (255).
 */
function screenshots(): { pixels: Uint8Array; labels: number[] } {
  const random = seededRandom(255);
  const pixels = new Uint8Array(ROWS * SIDE * SIDE);
  const labels: number[] = [];
  for (let r = 0; r < ROWS; r++) {
    const label = r % 2;
    labels.push(label);
    const light = 0.5 + 0.5 * random();
    const px = Math.floor(random() * (SIDE - 4));
    const py = Math.floor(random() * (SIDE - 4));
    for (let y = 0; y < SIDE; y++) {
      for (let x = 0; x < SIDE; x++) {
        const player = label === 1 && x >= px && x < px + 4 && y >= py && y < py + 4;
        const value = player ? 225 + 25 * random() : 40 + 130 * light * (y / SIDE) + 30 * random();
        pixels[(r * SIDE + y) * SIDE + x] = Math.round(value);
      }
    }
  }
  return { pixels, labels };
}

function setup(normalizeInPlace: boolean): Setup {
  const { pixels, labels } = screenshots();
  let scaled: Float32Array;
  if (normalizeInPlace) {
    // The bug: the division's result is stored back into the 8-bit array (truncated to 0).
    for (let i = 0; i < pixels.length; i++) pixels[i] = pixels[i] / 255;
    scaled = Float32Array.from(pixels);
  } else {
    scaled = Float32Array.from(pixels, (v) => v / 255);
  }
  const model = tf.sequential();
  model.add(tf.layers.conv2d({ inputShape: [SIDE, SIDE, 1], filters: 8, kernelSize: 3, activation: 'relu' }));
  model.add(tf.layers.maxPooling2d({ poolSize: 2 }));
  model.add(tf.layers.flatten());
  model.add(tf.layers.dense({ units: 2, activation: 'softmax' }));
  model.compile({ optimizer: 'adam', loss: 'categoricalCrossentropy', metrics: ['accuracy'] });
  return {
    model,
    data: { x: tf.tensor4d(scaled, [ROWS, SIDE, SIDE, 1]), y: tf.tensor2d(oneHot(labels, 2)) },
    fit: { epochs: 10 },
  };
}

export const integerPixelsZero: RealBug = {
  kind: 'real',
  id: 'integer-pixels-zero',
  source: 'https://github.com/keras-team/keras/issues/255',
  symptom: 'Keras binary classifier on game screenshots: loss stuck at 17.27, accuracy 0.5; pixels normalized in an int array all became 0',
  expected: { rootCause: 'data-rows-identical' },
  buggy: () => setup(true),
  fixed: () => setup(false),
  trainsTo: { metric: 'acc', threshold: 0.9 },
};
