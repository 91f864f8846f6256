/**
 * DiagnosisData fixtures for the render tests: the chart engineer's
 * measurement fixtures put together as diagnose() returns them, with a
 * hostile class name and layer name that must stay text everywhere.
 */
import * as fx from './fixtures/measurements';
import type { DiagnosisData, Finding } from '../src/types';
import { sortFindings } from '../src/types';

export const HOSTILE = fx.HOSTILE;

const lossFinding: Finding = {
  id: 'loss-above-chance', severity: 'error', title: 'The first loss is 18x the chance level',
  detail: 'Initial categoricalCrossentropy 41.7 against ln(10) = 2.30 for 10 balanced classes.',
  fix: 'Normalize the inputs (divide pixels by 255) and check the output activation.',
  evidence: { initialLoss: 41.73, chanceLoss: 2.303 }, checklist: 'L1',
};

/** A sick MNIST CNN: raw pixels, dead ReLUs, a hostile layer name; every measurement present. */
export const sickReport: DiagnosisData = {
  findings: sortFindings([...fx.findingsMixed, lossFinding]),
  checks: [
    { id: 'data-profile', status: 'fail', ms: 41.2 },
    { id: 'initial-loss', status: 'fail', ms: 120.9 },
    { id: 'gradient-flow', status: 'warn', ms: 310.4 },
    { id: 'activations', status: 'warn', ms: 95.1 },
    { id: 'lr-range', status: 'skipped', ms: 0, note: 'budget quick' },
  ],
  measurements: {
    loss: fx.lossAboveChance,
    curves: fx.curvesProbes,
    gradients: fx.gradientsHealthy,
    activations: fx.activationsMixed,
    dataProfile: fx.profileImage,
    samples: fx.samplesImage,
    predictions: fx.predictionsImage,
    confusion: fx.confusionHostile,
    lrRange: fx.lrRangeTypical,
  },
  context: {
    backend: 'wasm',
    task: { value: 'multiclass', source: 'inferred', reason: 'softmax output with 10 units' },
    inputKind: { value: 'image', source: 'option' },
    numClasses: 3,
    classNames: ['cat', HOSTILE, 'dog & "friends"'],
    lossName: 'categoricalCrossentropy',
    chanceLoss: Math.log(10),
    learningRate: 1e-3,
    optimizerName: 'adam',
    batchSize: 32,
    samplesSeen: 512,
    budget: 'quick',
    seed: 42,
    modelName: `cnn ${HOSTILE}`,
    parameterCount: 93322,
  },
};

/** A healthy model: no findings, a few measurements (sections without measurements are skipped). */
export const healthyReport: DiagnosisData = {
  findings: [],
  checks: [
    { id: 'data-profile', status: 'pass', ms: 30 },
    { id: 'initial-loss', status: 'pass', ms: 80 },
  ],
  measurements: { loss: fx.lossHealthy, gradients: fx.gradientsHealthy },
  context: { ...sickReport.context, modelName: 'mlp', classNames: undefined, numClasses: 10 },
};
