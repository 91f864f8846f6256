/**
 * What the network checks tell the user, one typed function per finding:
 * what we saw (title, detail with numbers); what it means; what to do first (fix).
 * Checks build findings only through this catalogue; tests compare against it.
 */
import type { Finding } from '../types';
import { num } from './format';


function listed(names: string[]): string {
  return `${names.slice(0, 8).join(', ')}${names.length > 8 ? ', ...' : ''}`;
}

function percent(fraction: number): string {
  return `${Math.round(fraction * 100)}%`;
}

export const networkMessages = {
  gradientsVanishing(e: { layer: string; relativeGradient: number; strongestLayer: string; strongest: number; ratio: number }): Finding {
    return {
      id: 'gradients-vanishing',
      severity: e.ratio < 1e-5 || e.relativeGradient < 1e-7 ? 'error' : 'warning',
      title: `Gradients vanish before they reach ${e.layer}`,
      detail:
        `The gradient of ${e.layer}'s kernel is ${num(e.relativeGradient)} of the kernel's size, ` +
        `${num(1 / e.ratio)} times smaller than in ${e.strongestLayer} (${num(e.strongest)}). ` +
        'Early layers barely change, so the network learns (if at all) only in its last layers.',
      fix:
        'Use ReLU-family activations with He initialization in hidden layers instead of sigmoid/tanh, ' +
        'make the network shallower, or add batch normalization or residual connections.',
      layer: e.layer,
      checklist: 'T2',
      evidence: { ...e },
    };
  },

  gradientsExploding(e: { layer: string; relativeGradient: number; growth: number; activationGrowth: number; lossBefore: number; lossAfter: number }): Finding {
    return {
      id: 'gradients-exploding',
      severity: 'warning',
      title: `Gradients are very large at ${e.layer}`,
      detail:
        `The gradient of ${e.layer}'s kernel is ${num(e.relativeGradient)} times the kernel's size` +
        (e.growth > 1 ? ` and grows ${num(e.growth)}x from the last layer back to the first` : '') +
        (e.activationGrowth >= 10 ? `; the activations grow ${num(e.activationGrowth)}x from the first hidden layer to the last` : '') +
        (e.lossAfter < e.lossBefore ? '. ' : `; one real step took the batch loss from ${num(e.lossBefore)} to ${num(e.lossAfter)}. `) +
        'Steps at an ordinary learning rate overwrite the weights; training tends to diverge to NaN.',
      fix:
        'Scale the inputs and the initialization down (Glorot/He), lower the learning rate, ' +
        'or clip gradients (clipNorm on the optimizer).',
      layer: e.layer,
      checklist: 'T2',
      evidence: { ...e },
    };
  },

  gradientsZero(e: { layer: string; weight: string; zeroWeights: number; trainableWeights: number; layers: string }): Finding {
    const all = e.zeroWeights === e.trainableWeights;
    return {
      id: 'gradients-zero',
      severity: all ? 'error' : 'warning',
      title: all ? 'No weight receives any gradient' : `${e.layer} receives exactly zero gradient`,
      detail:
        `${e.zeroWeights} of ${e.trainableWeights} trainable weights get a gradient that is exactly zero everywhere ` +
        `(first: ${e.layer}/${e.weight}; layers: ${e.layers}). They will never change during training: ` +
        'the layer is disconnected from the loss, every unit after it is dead, or the output is saturated ' +
        '(a loss on probabilities clips them, and a clipped prediction passes no gradient).',
      fix:
        'Look at the activations of the layers listed: dead ReLUs (large negative biases, too-high learning rate) ' +
        'or zero weights block the gradient. Re-initialize with the default (Glorot/He) initializers and zero biases.',
      layer: e.layer,
      checklist: 'T2',
      evidence: { ...e },
    };
  },

  nonfiniteValues(e: { where: 'activation' | 'loss' | 'gradient'; layer?: string; count: number }): Finding {
    const place = e.where === 'loss' ? 'the loss' : `the ${e.where}s of ${e.layer}`;
    return {
      id: 'nonfinite-values',
      severity: 'error',
      title: `NaN or Infinity first appears in ${place}`,
      detail:
        `${e.count} value(s) of ${place} are NaN or Infinity on the probe batch, although everything before is finite. ` +
        'Every weight update that touches them turns the model into NaN.',
      fix:
        e.where === 'activation'
          ? `Look for log, sqrt or division of non-positive numbers in ${e.layer}; add an epsilon or clip its input.`
          : e.where === 'loss'
            ? 'The loss takes log of 0 or divides by 0: clip predictions (e.g. tf.clipByValue(p, 1e-7, 1 - 1e-7)) or use a loss on logits.'
            : `A custom gradient or an operation without a stable gradient feeds ${e.layer}; lower the learning rate and check custom gradients.`,
      ...(e.layer ? { layer: e.layer } : {}),
      checklist: 'T6',
      evidence: { ...e },
    };
  },

  updateRatioOff(e: {
    median: number; factor: number; direction: 'high' | 'low'; learningRate: number; optimizer: string; worstLayer: string;
    firstStep: number; firstStepGain: number; lossBefore: number; lossAfter: number;
  }): Finding {
    const high = e.direction === 'high';
    const measurable = e.median > 0 && Number.isFinite(e.factor);
    const scaled = e.firstStepGain !== 1
      ? ` (scaled to its steady state: the first step from empty state measured ${num(e.firstStep)}, and ${e.optimizer}'s first step is ${num(e.firstStepGain)}x its steady size by construction)`
      : '';
    return {
      id: 'update-ratio-off',
      severity: 'warning',
      title: `One ${e.optimizer} step changes the weights ${high ? 'far too much' : 'far too little'}`,
      detail:
        (measurable
          ? `One real step at learning rate ${num(e.learningRate)} changes the weights by ${num(e.median)} of their size ` +
            `(median over layers)${scaled}, ${num(e.factor)} times ${high ? 'above' : 'below'} the healthy ~1e-3 ` +
            `(${high ? 'largest' : 'smallest'} in ${e.worstLayer}). `
          : `One real step at learning rate ${num(e.learningRate)} leaves the weights unchanged to float precision ` +
            `(median over layers; the healthy change is ~1e-3 of their size). `) +
        (high
          ? `That step took the batch loss from ${num(e.lossBefore)} to ${num(e.lossAfter)}: training will be unstable or diverge.`
          : 'Training will crawl or stall.'),
      fix: high
        ? `Lower the learning rate, roughly to ${num(e.learningRate / Math.max(e.factor / 3, 1))}.`
        : measurable
          ? `Raise the learning rate, roughly to ${num(e.learningRate * Math.max(e.factor / 3, 1))}.`
          : 'Find what stops the gradients first (see the other findings); a higher learning rate cannot move weights whose gradients are zero.',
      checklist: 'T3',
      evidence: { ...e },
    };
  },

  activationsDead(e: { layer: string; deadFraction: number; units: number; layers: string }): Finding {
    return {
      id: 'activations-dead',
      severity: e.deadFraction >= 0.9 ? 'error' : 'warning',
      title: `${percent(e.deadFraction)} of ${e.layer}'s ReLU units are dead`,
      detail:
        `${percent(e.deadFraction)} of the ${e.units} units of ${e.layer} output zero for every probe sample ` +
        `(layers affected: ${e.layers}). A dead ReLU has zero gradient, so it never recovers.`,
      fix:
        'Initialize biases to zero (or small positive) with He initialization, lower the learning rate, ' +
        'or use leakyReLU/ELU activations.',
      layer: e.layer,
      checklist: 'T4',
      evidence: { ...e },
    };
  },

  activationsDying(e: {
    layer: string; deadFraction: number; deadAtInit: number; units: number; steps: number; learningRate: number; optimizer: string; layers: string;
  }): Finding {
    return {
      id: 'activations-dead',
      severity: e.deadFraction >= 0.9 ? 'error' : 'warning',
      title: `${percent(e.deadFraction)} of ${e.layer}'s ReLU units die in the first ${e.steps} steps`,
      detail:
        `At initialization ${percent(e.deadAtInit)} of the ${e.units} units of ${e.layer} were dead on the probe samples; after the ${e.steps} ` +
        `${e.optimizer} steps of the tiny-batch probe at learning rate ${num(e.learningRate)} (on a copy of the model), ${percent(e.deadFraction)} output zero for every ` +
        `sample (layers affected: ${e.layers}). The first updates pushed them where no input activates them; a dead ReLU gets no gradient, so they never recover.`,
      fix: 'Lower the learning rate (see the range test), or use leakyReLU/ELU activations; with batch normalization before the ReLU units die less easily.',
      layer: e.layer,
      checklist: 'T4',
      evidence: { ...e, after: `after ${e.steps} steps` },
    };
  },

  activationsSaturated(e: { layer: string; saturatedFraction: number; activation: string; layers: string }): Finding {
    return {
      id: 'activations-saturated',
      severity: 'warning',
      title: `${percent(e.saturatedFraction)} of ${e.layer}'s ${e.activation} outputs are saturated`,
      detail:
        `${percent(e.saturatedFraction)} of the ${e.activation} outputs of ${e.layer} sit in its flat region ` +
        `(layers affected: ${e.layers}), where the slope is near zero and gradients vanish.`,
      fix:
        'Normalize the inputs, use Glorot initialization (smaller weights), add batch normalization before the activation, ' +
        'or switch hidden layers to ReLU.',
      layer: e.layer,
      checklist: 'T4',
      evidence: { ...e },
    };
  },

  initZero(e: { layer: string; weight: string; constant: number }): Finding {
    return {
      id: 'init-scale-off',
      severity: 'error',
      title: `${e.layer}'s ${e.weight} is ${e.constant === 0 ? 'all zeros' : 'constant'}: its units are identical`,
      detail:
        `Every entry of ${e.layer}/${e.weight} equals ${num(e.constant)}. All units of the layer compute the same ` +
        'value and receive the same gradient, so they stay identical forever (the symmetry is never broken).',
      fix: `Remove the custom kernelInitializer of ${e.layer} (the default glorotUniform is fine) or use heNormal for ReLU layers.`,
      layer: e.layer,
      checklist: 'T1',
      evidence: { ...e },
    };
  },

  initScaleOff(e: { layer: string; std: number; expected: number; factor: number; direction: 'large' | 'small'; scheme: string }): Finding {
    return {
      id: 'init-scale-off',
      severity: 'warning',
      title: `${e.layer}'s weights are ${num(e.factor)}x too ${e.direction} for its size`,
      detail:
        `The kernel of ${e.layer} has standard deviation ${num(e.std)}, where ${e.scheme} initialization gives ${num(e.expected)}. ` +
        (e.direction === 'large'
          ? 'Activations and gradients grow layer after layer (saturation, explosion).'
          : 'Signals shrink layer after layer and gradients vanish.'),
      fix: `Use the default glorotUniform initializer, or heNormal for ReLU layers (stddev ${num(e.expected)} here).`,
      layer: e.layer,
      checklist: 'T1',
      evidence: { ...e },
    };
  },

  overfitFailed(e: OverfitEvidence): Finding {
    const setupOnly = e.referenceSucceeded;
    if (!setupOnly && e.stillImproving) return overfitSlow(e);
    const outcome = e.diverged
      ? 'the loss became NaN/Infinity'
      : `the loss went from ${num(e.initialLoss)} to ${num(e.finalLoss)} (target ${num(e.target)})` +
        (Number.isFinite(e.accuracy) ? `, training accuracy ${Math.round(e.accuracy * 100)}%` : '');
    return {
      id: 'overfit-failed',
      severity: setupOnly ? 'info' : 'error',
      title: setupOnly
        ? `Your optimizer settings cannot memorize ${e.samples} samples in ${e.steps} steps`
        : `The model cannot memorize ${e.samples} samples`,
      detail:
        `Trained on the same ${e.samples} samples for ${e.steps} steps, ${outcome}. ` + trendSentence(e) +
        (setupOnly
          ? `A reference Adam at 1e-2 memorized them in ${e.referenceSteps} steps, so the model can learn: the optimizer or learning rate holds it back.`
          : 'A healthy model and training loop reach near-zero loss here; even a reference Adam at 1e-2 failed, ' +
            'so the model is too small or something between the data, the output layer and the loss is broken.'),
      fix: setupOnly
        ? 'Compare your learning rate with the learning-rate range test below, or try Adam at 1e-3.'
        : 'Fix the other findings first (dead or saturated units, vanishing gradients, loss/output mismatch); ' +
          'then check that the labels match the inputs and try a larger model.',
      checklist: 'S3',
      evidence: { ...e },
    };
  },

  trainEvalGap(e: {
    layer: string; layers: string; noiseToSignal: number; usualDropout: number; withoutDropout: number; cause: 'dropout-rate' | 'mode-layers';
  }): Finding {
    const heavyDropout = e.cause === 'dropout-rate';
    return {
      id: 'train-eval-gap',
      severity: 'warning',
      title: 'The model behaves very differently in training and inference mode',
      detail: heavyDropout
        ? `In training mode the outputs move ${num(e.noiseToSignal)} times more from pass to pass than they differ between samples ` +
          `in inference mode; with every dropout rate capped at the usual 0.5 they would move ${num(e.usualDropout)} times. ` +
          `The extra noise comes from the dropout rate of ${e.layer}, beyond what dropout adds by design. ` +
          'Training sees a mostly random network, unlike the one you evaluate: learning is slow and the training loss says little.'
        : `With dropout switched off, the outputs in training mode still move ${num(e.withoutDropout)} times more from pass to pass ` +
          `than they differ between samples in inference mode (batch normalization settled on the same batch). ` +
          `The layers that switch behaviour: ${e.layers}; the first that is not dropout: ${e.layer}. ` +
          'Training optimizes a different network from the one you evaluate.',
      fix: heavyDropout
        ? `Lower the rate of ${e.layer} (0.1-0.5 is usual) or remove it until the model trains, then add regularization back.`
        : `Check what ${e.layer} does when training is true (noise, batch statistics, custom code) and make both modes agree.`,
      layer: e.layer,
      checklist: 'T7',
      evidence: { ...e },
    };
  },

  dropoutBeforeBatchNorm(e: { dropout: string; batchNorm: string }): Finding {
    return {
      id: 'train-eval-gap',
      severity: 'info',
      title: `Dropout ${e.dropout} comes before batch normalization ${e.batchNorm}`,
      detail:
        `${e.batchNorm} learns its moving variance from activations thinned by ${e.dropout} during training; ` +
        'at inference dropout is off and the variance shifts ("variance shift"). Models built this way usually still train; ' +
        'it can cost some accuracy at inference.',
      fix: `If inference results lag the training ones, move ${e.dropout} after the last batch normalization layer (just before the output layer).`,
      layer: e.dropout,
      checklist: 'T7',
      evidence: { ...e },
    };
  },

  inputIgnored(e: { relativeSpread: number; relativeZeroChange: number; samples: number }): Finding {
    return {
      id: 'input-ignored',
      severity: 'error',
      title: 'The model\'s output does not depend on its input',
      detail:
        `Across ${e.samples} different inputs the outputs differ by ${num(e.relativeSpread)} of their size, and replacing the ` +
        `inputs with zeros changes them by ${num(e.relativeZeroChange)}. The network can only learn the label prior.`,
      fix:
        'Look for a first layer with zero weights or trainable: false, a multiplication by zero, or an input that ' +
        'never reaches the output; saturated or dead units in every early layer have the same effect.',
      checklist: 'D2',
      evidence: { ...e },
    };
  },

  lrTooHigh(e: LrEvidence & { severe: boolean; sweep: 'diverges' | 'rising' | 'lost-descent' | 'none' }): Finding {
    return {
      id: 'lr-too-high',
      severity: e.severe ? 'error' : 'warning',
      title: `The learning rate ${num(e.configuredLr)} is too high`,
      detail: sweepSentence(e) + probeSentences(e) +
        (e.severe ? 'Training will be unstable or end in NaN.' : 'At this rate training makes less progress than at a lower one.'),
      fix: bandAdvice(e, 'lower', 'Lower it 10x at a time until the loss falls steadily, or use Adam at 1e-3.'),
      checklist: 'T5',
      evidence: { ...e },
    };
  },

  lrTooLow(e: LrEvidence): Finding {
    return {
      id: 'lr-too-low',
      severity: 'warning',
      title: `The learning rate ${num(e.configuredLr)} is too low`,
      detail:
        (Number.isFinite(e.minLossLr)
          ? `In a learning-rate range test with ${e.optimizer}, the smoothed loss was lowest at ${num(e.minLossLr)}, ` +
            `${num(e.minLossLr / e.configuredLr)} times your rate. `
          : '') +
        (e.overfitProbe === 'stalled' ? 'In the tiny-batch probe your optimizer barely moved the loss, where a reference Adam at 1e-2 memorized the same samples. ' : '') +
        'At your rate training crawls or stalls.',
      fix: bandAdvice(e, 'higher', 'Raise it 10x at a time until the loss falls steadily, or use Adam at 1e-3.'),
      checklist: 'T5',
      evidence: { ...e },
    };
  },

  layersFrozenUntrained(e: { frozen: string[]; withWeights: number; distance: number }): Finding {
    const many = e.frozen.length > 1;
    return {
      id: 'layers-frozen',
      severity: 'warning',
      title: `${e.frozen.length} frozen layer${many ? 's are' : ' is'} still at ${many ? 'their' : 'its'} random initialization`,
      detail:
        `${listed(e.frozen)} ha${many ? 've' : 's'} trainable: false (${e.frozen.length} of ${e.withWeights} layers with weights), ` +
        `and ${many ? 'their' : 'its'} weights were never trained: biases exactly zero and kernel values distributed as a fresh draw ` +
        `of the initializer (within ${num(e.distance)} standard deviations at every quantile). ` +
        'A frozen random layer stays random: everything after it must learn around fixed noise.',
      fix: 'Set trainable = true on these layers (then compile again), or load the pretrained weights you meant to freeze before freezing them.',
      layer: e.frozen[0],
      checklist: 'L5',
      evidence: { frozen: e.frozen.length, withWeights: e.withWeights, first: e.frozen[0] ?? '', distance: e.distance, atInitialization: true },
    };
  },

  layersFrozenTrained(e: { frozen: string[]; withWeights: number }): Finding {
    const many = e.frozen.length > 1;
    return {
      id: 'layers-frozen',
      severity: 'info',
      title: `${e.frozen.length} layer${many ? 's are' : ' is'} frozen`,
      detail:
        `${listed(e.frozen)} ha${many ? 've' : 's'} trainable: false (${e.frozen.length} of ${e.withWeights} layers with weights); ` +
        `${many ? 'their' : 'its'} weights never change during training. They do not look freshly initialized, so this reads as a ` +
        'pretrained part kept fixed: fine when intended.',
      fix: 'Set layer.trainable = true on layers that should learn, then compile again (trainable changes take effect at compile).',
      layer: e.frozen[0],
      checklist: 'L5',
      evidence: { frozen: e.frozen.length, withWeights: e.withWeights, first: e.frozen[0] ?? '', atInitialization: false },
    };
  },

  layerBottleneck(e: { layer: string; units: number; classes: number }): Finding {
    return {
      id: 'layer-bottleneck',
      severity: 'warning',
      title: `${e.layer} squeezes every sample into ${e.units} number${e.units === 1 ? '' : 's'} before a ${e.classes}-class output`,
      detail:
        `Every path from the input to the output goes through ${e.layer}, which outputs ${e.units} value${e.units === 1 ? '' : 's'} per sample. ` +
        `The ${e.classes} classes must then line up along a single axis, and the output can only tell them apart as intervals of it: ` +
        'accuracy stays capped however long you train.',
      fix: `Widen ${e.layer} (at least as many units as classes is a safe start), or remove it.`,
      layer: e.layer,
      checklist: 'S4',
      evidence: { ...e },
    };
  },

  batchMixing(e: { layer: string; crossSampleGradient: number; ownGradient: number }): Finding {
    return {
      id: 'batch-mixing',
      severity: 'error',
      title: `${e.layer} mixes samples of a batch`,
      detail:
        `The output for one sample changes when other samples of the batch change (gradient ${num(e.crossSampleGradient)} ` +
        `across samples vs ${num(e.ownGradient)} for its own input); the first layer where this happens is ${e.layer}. ` +
        'A reshape or transpose across the batch axis still runs but trains on scrambled data.',
      fix: `In ${e.layer}, keep the batch axis first: use tf.transpose with the batch axis fixed (e.g. perm [0, 2, 1]) instead of reshaping across it.`,
      layer: e.layer,
      checklist: 'L6',
      evidence: { ...e },
    };
  },

  gradientCheckFailed(e: { target: string; through: string; relativeError: number; analytic: number; numerical: number; checked: number }): Finding {
    const isLoss = e.target === 'loss';
    return {
      id: 'gradient-check-failed',
      severity: 'error',
      title: isLoss ? 'The loss function\'s gradient is wrong' : `The gradient through ${e.target} is wrong`,
      detail:
        `Finite differences disagree with the backpropagated gradient ${isLoss ? 'of the loss' : `through ${e.target}`} ` +
        `(checked on the weights of ${e.through}): relative error ${num(e.relativeError)} ` +
        `(e.g. analytic ${num(e.analytic)} vs numerical ${num(e.numerical)}); healthy float32 code agrees to 1e-2 or better. ` +
        'Training follows a wrong direction.',
      fix: isLoss
        ? 'Check the custom loss: remove any tf.customGrad and let tfjs differentiate it, or fix the hand-written gradient.'
        : `Check ${e.target}'s call(): a tf.customGrad with a wrong gradFunc, or an operation whose gradient tfjs does not define as you expect.`,
      ...(isLoss ? {} : { layer: e.target }),
      checklist: 'L7',
      evidence: { ...e },
    };
  },
};

/** The numbers behind the learning-rate findings: NaN for what was not measured. */
export interface LrEvidence {
  configuredLr: number;
  /** Where the range test's smoothed loss was lowest; NaN when the curve showed no clear descent. */
  minLossLr: number;
  minLoss: number;
  /** Smoothed loss at the start of the range test, and at your rate. */
  startLoss: number;
  lossAtConfigured: number;
  divergenceLr: number;
  /** The band drawn on the chart; NaN when it draws none. */
  suggestedLow: number;
  suggestedHigh: number;
  optimizer: string;
  /** What the overfit probe saw with your optimizer while a reference Adam fit: 'went-up', 'stalled' or 'none'. */
  overfitProbe: string;
  /** Short runs at your rate and at a tenth of it (0 steps when not run). */
  probeSteps: number;
  probeInitialLoss: number;
  probeYourLoss: number;
  probeLowerLr: number;
  probeLowerLoss: number;
  /** The model started far below chance (trained before the diagnosis): divergence then means back above chance. */
  alreadyTrained: boolean;
}

/** What the range test showed about your rate, in the chart's own numbers. */
function sweepSentence(e: LrEvidence & { sweep: string }): string {
  const blewUp = Number.isFinite(e.divergenceLr) ? ` and blew up from ${num(e.divergenceLr)}` : '';
  if (e.sweep === 'diverges') {
    if (e.alreadyTrained && Number.isFinite(e.divergenceLr)) {
      return `Your model starts trained (loss ${num(e.startLoss)}, far below chance); in a learning-rate range test with ${e.optimizer} ` +
        `from there, the loss went back above the chance level (all that was learned, lost) from ${num(e.divergenceLr)}; ` +
        `your rate ${num(e.configuredLr)} is past that point. `;
    }
    return Number.isFinite(e.minLossLr)
      ? `In a learning-rate range test with ${e.optimizer}, the smoothed loss was lowest (${num(e.minLoss)}) at ${num(e.minLossLr)}${blewUp}; ` +
        `your rate ${num(e.configuredLr)} is past the point where it blows up. `
      : `In a learning-rate range test with ${e.optimizer}, the loss never fell clearly${blewUp}; your rate ${num(e.configuredLr)} is past that point. `;
  }
  if (e.sweep === 'rising' || e.sweep === 'lost-descent') {
    return `In a learning-rate range test with ${e.optimizer}, the smoothed loss fell from ${num(e.startLoss)} to its lowest, ` +
      `${num(e.minLoss)}, at ${num(e.minLossLr)}${blewUp}; at your rate ${num(e.configuredLr)} it is back up at ${num(e.lossAtConfigured)}` +
      (e.sweep === 'lost-descent' ? ', no better than where it started. ' : '. ');
  }
  return '';
}

function probeSentences(e: LrEvidence): string {
  const overfit = e.overfitProbe === 'went-up'
    ? 'In the tiny-batch probe your optimizer made the loss go UP, where a reference Adam at 1e-2 memorized the same samples. '
    : '';
  const probe = e.probeSteps > 0
    ? `Trained ${e.probeSteps} steps on the same samples, the loss went from ${num(e.probeInitialLoss)} to ` +
      `${Number.isFinite(e.probeYourLoss) ? num(e.probeYourLoss) : 'NaN'} at your rate and to ${num(e.probeLowerLoss)} at ${num(e.probeLowerLr)}. `
    : '';
  return overfit + probe;
}

/** The band drawn on the chart, when there is one and it lies on the side the finding points to. */
function bandAdvice(e: LrEvidence, direction: 'lower' | 'higher', otherwise: string): string {
  const drawn = Number.isFinite(e.suggestedLow) && Number.isFinite(e.suggestedHigh);
  const onThatSide = direction === 'lower' ? e.suggestedHigh < e.configuredLr : e.suggestedLow > e.configuredLr;
  return drawn && onThatSide
    ? `Use a learning rate in the green band of the range test, between ${num(e.suggestedLow)} and ${num(e.suggestedHigh)}.`
    : otherwise;
}

/** The numbers of the run an overfit verdict rests on (NaN where there is no trend). */
export interface OverfitEvidence {
  samples: number; steps: number; initialLoss: number; finalLoss: number; accuracy: number; target: number;
  diverged: boolean; referenceSucceeded: boolean; referenceSteps: number;
  /** On its way to the target ('slow'): info, not an error. */
  stillImproving: boolean;
  /** 'slow', 'too-slow', 'flat', 'rising', 'chance' or 'diverged' (see overfit.ts). */
  verdict: string;
  /** Which run the numbers come from: 'your optimizer' or 'reference Adam 1e-2'. */
  run: string;
  /** The window of the curve the trend was fitted on, as drawn on the chart. */
  trendFromStep: number; trendFromLoss: number; trendToStep: number; trendToLoss: number;
  /** More steps the fitted line (log scale) needs to reach the target. */
  stepsToGoal: number;
}

/** What the second half of the curve did, from the points the chart draws. */
function trendSentence(e: OverfitEvidence): string {
  if (e.diverged || !Number.isFinite(e.trendFromLoss)) return '';
  const window = `From step ${e.trendFromStep} to ${e.trendToStep} it`;
  const moved = `from ${num(e.trendFromLoss)} to ${num(e.trendToLoss)}`;
  switch (e.verdict) {
    case 'rising': return `${window} rose ${moved}. `;
    case 'flat': return `${window} stayed flat (${moved}). `;
    case 'chance': return `${window} stayed flat at the chance level (${moved}). `;
    case 'too-slow': return `${window} fell ${moved}, but at that pace it needs about ${num(Math.round(e.stepsToGoal))} more steps. `;
    default: return '';
  }
}

/** overfit-failed as info: the tiny batch is not memorized yet, but the fitted trend gets there within a few budgets. */
function overfitSlow(e: OverfitEvidence): Finding {
  const reference = e.run !== 'your optimizer';
  return {
    id: 'overfit-failed',
    severity: 'info',
    title: `The model memorizes ${e.samples} samples, but slowly`,
    detail:
      `Trained${reference ? ` with a ${e.run}` : ''} on the same ${e.samples} samples for ${e.steps} steps, the loss went from ${num(e.initialLoss)} to ${num(e.finalLoss)} ` +
      `(target ${num(e.target)})` + (Number.isFinite(e.accuracy) ? `, training accuracy ${Math.round(e.accuracy * 100)}%` : '') +
      `. From step ${e.trendFromStep} to ${e.trendToStep} it fell from ${num(e.trendFromLoss)} to ${num(e.trendToLoss)}, ` +
      `steadily on a log scale; at that pace it reaches the target in about ${num(Math.max(1, Math.round(e.stepsToGoal)))} more steps: slow, not broken.` +
      (reference ? ' Your own optimizer settings did not get there in the same budget.' : ''),
    fix: 'Nothing to fix for correctness. If training is slow overall, try a higher learning rate (see the range test) or wider layers.',
    checklist: 'S3',
    evidence: { ...e },
  };
}
