/** Every real bug of the corpus, in the order the benchmark runs them. */
import type { RealBug } from '../base';
import { binaryCrossentropyMulticlass } from './binary-crossentropy-multiclass';
import { rawPixels } from './raw-pixels';
import { reluOutputNegative } from './relu-output-negative';
import { sgdLrTooHigh } from './sgd-lr-too-high';
import { sgdLrTooLow } from './sgd-lr-too-low';
import { softmaxOneUnit } from './softmax-one-unit';
import { sparseLabelsCategorical } from './sparse-labels-categorical';
import { tanhOutputRegression } from './tanh-output-regression';

export const REAL_BUGS: readonly RealBug[] = [
  rawPixels,
  softmaxOneUnit,
  binaryCrossentropyMulticlass,
  sparseLabelsCategorical,
  reluOutputNegative,
  tanhOutputRegression,
  sgdLrTooLow,
  sgdLrTooHigh,
];
