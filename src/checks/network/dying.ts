/**
 * T4 after training starts: ReLU units alive at initialization can die in the
 * first steps at a too-high learning rate (a big update pushes their bias or
 * weights to where no input activates them, and a dead ReLU gets no gradient
 * to come back). A clone trains a few steps at the user's rate on real
 * batches, then the same tap as the activations check counts dead units
 * again and compares with the count at initialization.
 */
import * as tf from '@tensorflow/tfjs';
import type { Finding } from '../../types';
import type { LayerActivation } from '../../measurements';
import { activationStats, tapModel } from '../../model/taps';
import { trainStep, trainableVariables } from '../../model/train';
import { networkMessages } from '../../messages/network';
import type { NetworkCheck } from './context';
import { NON_FINITE_SKIP, headBatch, nonFiniteSeen, trainingBatchSize, withClone, withOptimizer } from './batch';

const SETTINGS = {
  /** Steps at the user's rate: dying at a too-high rate happens in the first handful (SGD 1: 5-10 steps). */
  steps: 20,
  /** Batches cut from the probe data and cycled, as training would. */
  maxBatches: 4,
  /** Samples the dead units are counted on (as the activations check). */
  probeSamples: 64,
  /** As the activations check: half a layer dead is a real loss of capacity... */
  deadFraction: 0.5,
  /** ...and it must be new: at least a quarter of the layer died during the steps. */
  newlyDead: 0.25,
};

function deadByLayer(layers: LayerActivation[]): Map<string, number> {
  return new Map(layers.filter((l) => l.deadFraction !== null).map((l) => [l.layer, l.deadFraction ?? 0]));
}

export const dyingUnitsCheck: NetworkCheck = {
  id: 'activations-after-steps',
  checklist: ['T4'],
  findings: ['activations-dead'],
  async run(ctx) {
    if (nonFiniteSeen(ctx)) return { findings: [], skipped: NON_FINITE_SKIP };
    const taps = tapModel(ctx.model);
    if (!taps.layers.slice(0, -1).some((l) => l.family === 'relu')) return { findings: [], skipped: 'no hidden ReLU layer' };
    if (trainableVariables(ctx.model).length === 0) return { findings: [], skipped: 'the model has no trainable weights' };
    const size = trainingBatchSize(ctx);
    const count = Math.max(1, Math.min(SETTINGS.maxBatches, Math.floor(ctx.train.x.shape[0] / size)));
    const batches = Array.from({ length: count }, (_, i) => ({ x: ctx.train.x.slice(i * size, size), y: ctx.train.y.slice(i * size, size) }));
    const probe = headBatch(ctx, SETTINGS.probeSamples);
    try {
      const { before, after, steps } = await withClone(ctx, (clone) =>
        withOptimizer(ctx, async (optimizer) => {
          const cloneTaps = tapModel(clone);
          const before = await activationStats(cloneTaps, probe.x);
          const variables = trainableVariables(clone);
          let steps = 0;
          for (; steps < SETTINGS.steps; steps++) {
            const batch = batches[steps % batches.length];
            if (!Number.isFinite(await trainStep(clone, optimizer, variables, batch.x, batch.y, ctx.loss))) break;
          }
          return { before, after: await activationStats(cloneTaps, probe.x), steps };
        }),
      );
      const initial = deadByLayer(before);
      const hidden = after.slice(0, -1).filter((l) => l.deadFraction !== null && (l.nonFiniteCount ?? 0) === 0);
      const dying = hidden.filter((l) => {
        const now = l.deadFraction ?? 0;
        return now >= SETTINGS.deadFraction && now - (initial.get(l.layer) ?? 0) >= SETTINGS.newlyDead;
      });
      const units = new Map(taps.model.outputs.map((output, i) => [taps.layers[i].name, output.shape[output.shape.length - 1] ?? 0]));
      const findings: Finding[] = dying.length === 0 ? [] : [networkMessages.activationsDying({
        layer: dying[0].layer,
        deadFraction: dying[0].deadFraction ?? 0,
        deadAtInit: initial.get(dying[0].layer) ?? 0,
        units: units.get(dying[0].layer) ?? 0,
        steps,
        learningRate: ctx.info.learningRate ?? Number.NaN,
        optimizer: ctx.info.optimizerName ?? 'optimizer',
        layers: dying.map((l) => l.layer).join(', '),
      })];
      const extra = Object.fromEntries(hidden.map((l) => [`${l.layer}.deadAfter`, l.deadFraction]));
      return {
        findings,
        measurements: { extra: { 'activations-after-steps': { steps, ...extra } } },
        note: `dead ReLU units counted again after ${steps} steps at the configured learning rate`,
      };
    } finally {
      tf.dispose([probe.x, probe.y, ...batches.flatMap((b) => [b.x, b.y])]);
    }
  },
};
