/**
 * T4 and T6 (forward half): activation health per layer from ONE forward pass
 * of a tap model: dead ReLU units, saturated sigmoid/tanh outputs, the
 * activation scale through depth, and the first layer that outputs NaN/Inf.
 */
import type { Finding } from '../../types';
import type { LayerActivation } from '../../measurements';
import { activationStats, tapModel } from '../../model/taps';
import { networkMessages } from '../../messages/network';
import { evidenceMargin } from '../strength';
import type { NetworkCheck } from './context';
import { headBatch, nameList } from './batch';

/** Enough samples that a live unit almost surely fires for at least one of them (also read after training, by the overfit probe). */
export const ACTIVATION_PROBE_SAMPLES = 64;

const THRESHOLDS = {
  probeSamples: ACTIVATION_PROBE_SAMPLES,
  /**
   * Healthy ReLU nets at init have a few % dead units on a probe batch (MNIST
   * MLP: 1-5%); half the layer dead is a real loss of capacity.
   */
  deadFraction: 0.5,
  minDeadUnits: 2,
  /** Healthy sigmoid/tanh layers at Glorot init have ~0% saturated outputs. */
  saturatedFraction: 0.3,
};

function isHidden(layer: LayerActivation, all: LayerActivation[]): boolean {
  // The output layer's sigmoid is a probability: confident predictions are supposed to sit at 0 or 1.
  return layer !== all[all.length - 1];
}

/** Half the layer or more, and more than one unit (one of two units is the luck of a tiny layer's draw) unless all are dead. */
function isDeadLayer(layer: LayerActivation, units: number): boolean {
  const fraction = layer.deadFraction ?? 0;
  return fraction >= THRESHOLDS.deadFraction && (fraction >= 1 || Math.round(fraction * units) >= THRESHOLDS.minDeadUnits);
}

/**
 * Whether the layer tapped just before outputs exactly zero everywhere: the
 * units after it are "dead" because nothing reaches them (a zeroed input, a
 * masking bug), which input-ignored reports as the cause.
 */
function fedZeros(layer: LayerActivation, all: LayerActivation[]): boolean {
  const before = all[all.indexOf(layer) - 1];
  return before !== undefined && before.rms === 0;
}

function findDead(layers: LayerActivation[], units: Map<string, number>): Finding | null {
  const dead = layers.filter((l) => isHidden(l, layers) && isDeadLayer(l, units.get(l.layer) ?? 0) && !fedZeros(l, layers));
  if (dead.length === 0) return null;
  const first = dead[0];
  return networkMessages.activationsDead({
    layer: first.layer,
    deadFraction: first.deadFraction ?? 0,
    units: units.get(first.layer) ?? 0,
    layers: nameList(dead.map((l) => l.layer)),
  });
}

function findSaturated(layers: LayerActivation[]): Finding | null {
  const saturated = layers.filter((l) => isHidden(l, layers) && (l.saturatedFraction ?? 0) >= THRESHOLDS.saturatedFraction);
  if (saturated.length === 0) return null;
  const first = saturated[0];
  return networkMessages.activationsSaturated({
    layer: first.layer,
    saturatedFraction: first.saturatedFraction ?? 0,
    activation: first.activation,
    layers: nameList(saturated.map((l) => l.layer)),
  });
}

function findNonFinite(layers: LayerActivation[]): Finding | null {
  const first = layers.find((l) => (l.nonFiniteCount ?? 0) > 0);
  return first ? networkMessages.nonfiniteValues({ where: 'activation', layer: first.layer, count: first.nonFiniteCount ?? 0 }) : null;
}

export const activationsCheck: NetworkCheck = {
  id: 'activations',
  checklist: ['T4', 'T6'],
  findings: ['activations-dead', 'activations-saturated', 'nonfinite-values'],
  provides: ['forwardPass'],
  explains: {
    'activations-dead': ['gradients-zero', 'gradients-vanishing', 'overfit-failed', 'input-ignored'],
    'activations-saturated': ['gradients-vanishing', 'overfit-failed'],
    'nonfinite-values': ['overfit-failed', 'loss-above-chance'],
  },
  strength: (f) => (f.id === 'activations-dead' ? evidenceMargin(f, 'deadFraction', 0.5, 0.3) : undefined),
  async run(ctx) {
    const taps = tapModel(ctx.model);
    if (taps.layers.length === 0) return { findings: [], skipped: 'the model has no layer outputs to tap', outputs: { forwardPass: { nonFinite: false } } };
    const batch = headBatch(ctx, THRESHOLDS.probeSamples);
    let layers: LayerActivation[];
    try {
      layers = await activationStats(taps, batch.x);
    } finally {
      batch.x.dispose();
      batch.y.dispose();
    }
    const units = new Map(taps.model.outputs.map((output, i) => [taps.layers[i].name, output.shape[output.shape.length - 1] ?? 0]));
    const nonFinite = findNonFinite(layers);
    // NaN poisons every statistic after it: report the source, not its consequences.
    const findings = nonFinite ? [nonFinite] : [findDead(layers, units), findSaturated(layers)].filter((f): f is Finding => f !== null);
    return {
      findings,
      outputs: { forwardPass: { nonFinite: nonFinite !== null, ...(nonFinite?.layer ? { firstLayer: nonFinite.layer } : {}), layers } },
      measurements: { activations: { layers } },
      note: `${layers.length} layers tapped on ${batch.size} samples`,
    };
  },
};
