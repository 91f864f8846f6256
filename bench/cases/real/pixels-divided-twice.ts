/**
 * "The input image batch was being divided by 255 twice before being fed to
 * the model": pixels already scaled to [0, 1] by the input pipeline get / 255
 * again, so every value lies in [0, 1/255]. On MNIST an MLP stays near chance
 * for epochs (loss 2.18 after 5 epochs against 0.26). Fix: scale once.
 */
import type { RealBug } from '../base';
import { scaledPixelsSetup } from './raw-pixels';

export const pixelsDividedTwice: RealBug = {
  kind: 'real',
  id: 'pixels-divided-twice',
  source: 'https://github.com/pkmital/pycadl/pull/5',
  symptom: 'TensorFlow DRAW input pipeline: the image batch was divided by 255 twice before being fed to the model',
  expected: { rootCause: 'data-unnormalized' },
  // The digits come already divided by 255: the second division is the pipeline's bug.
  buggy: () => scaledPixelsSetup(1 / 255),
  fixed: () => scaledPixelsSetup(1),
  trainsTo: { metric: 'acc', threshold: 0.85 },
};
