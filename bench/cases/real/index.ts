/** Every real bug of the corpus, in the order the benchmark runs them. */
import type { RealBug } from '../base';
import { adamLrHigh } from './adam-lr-high';
import { binaryCrossentropyMulticlass } from './binary-crossentropy-multiclass';
import { binaryLabelsOneHot } from './binary-labels-one-hot';
import { broadcastMse } from './broadcast-mse';
import { deepSigmoid } from './deep-sigmoid';
import { dyingRelu } from './dying-relu';
import { frozenOnlyLayer } from './frozen-only-layer';
import { imbalancedBiasOnly } from './imbalanced-bias-only';
import { integerPixelsZero } from './integer-pixels-zero';
import { linearSgdNan } from './linear-sgd-nan';
import { pixelsDividedTwice } from './pixels-divided-twice';
import { rawPixels } from './raw-pixels';
import { reluOutputNegative } from './relu-output-negative';
import { sgdLrTooHigh } from './sgd-lr-too-high';
import { sgdLrTooLow } from './sgd-lr-too-low';
import { sigmoidBceMulticlass } from './sigmoid-bce-multiclass';
import { softmaxOneUnit } from './softmax-one-unit';
import { sigmoidTwice } from './sigmoid-twice';
import { softmaxTwice } from './softmax-twice';
import { sparseLabelsCategorical } from './sparse-labels-categorical';
import { tanhOutputRegression } from './tanh-output-regression';
import { titanicNan } from './titanic-nan';
import { validationSplitSorted } from './validation-split-sorted';
import { validationTailClass } from './validation-tail-class';
import { x4Unscaled } from './x4-unscaled';
import { zeroInit } from './zero-init';

export const REAL_BUGS: readonly RealBug[] = [
  // data and labels
  rawPixels, linearSgdNan, x4Unscaled, titanicNan, sparseLabelsCategorical, binaryLabelsOneHot, imbalancedBiasOnly,
  validationSplitSorted, validationTailClass,
  // loss and output
  softmaxOneUnit, binaryCrossentropyMulticlass, sigmoidBceMulticlass, reluOutputNegative, tanhOutputRegression, broadcastMse,
  // trust (s4): pixels scaled twice, every input row the same, softmax applied twice
  pixelsDividedTwice, integerPixelsZero, softmaxTwice,
  // s5: sigmoid applied twice
  sigmoidTwice,
  // optimization and initialization
  sgdLrTooLow, sgdLrTooHigh, adamLrHigh, dyingRelu, deepSigmoid, zeroInit, frozenOnlyLayer,
];
