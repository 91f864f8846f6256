/**
 * T1: weight initialization against Glorot/He expectations; all-zero or
 * constant kernels that leave every unit identical.
 */
import * as tf from '@tensorflow/tfjs';
import type { Finding } from '../../types';
import { listLayers, type LayerInfo, type WeightInfo } from '../../model/layers';
import { networkMessages } from '../../messages/network';
import { evidenceMargin } from '../strength';
import type { NetworkCheck } from './context';

/** Layers whose kernel layout we know: [..., fanIn-ish, units]. */
const KERNEL_LAYERS = new Set(['Dense', 'Conv1D', 'Conv2D', 'Conv3D']);

const THRESHOLDS = {
  /**
   * A kernel std more than 5x outside the band spanned by the standard schemes
   * (from min(Glorot, LeCun) to He) is no accident of a scheme choice; training
   * typically moves weights by less than 2-3x, so trained models stay inside.
   */
  factor: 5,
};

interface Kernel {
  layer: LayerInfo;
  weight: WeightInfo;
  fanIn: number;
  fanOut: number;
}

function kernels(layers: LayerInfo[]): Kernel[] {
  return layers.flatMap((layer) => {
    if (!KERNEL_LAYERS.has(layer.className)) return [];
    const weight = layer.weights.find((w) => w.name === 'kernel');
    if (!weight || weight.shape.length < 2) return [];
    const receptive = weight.shape.slice(0, -2).reduce((a, b) => a * b, 1);
    const [inputs, outputs] = weight.shape.slice(-2);
    return [{ layer, weight, fanIn: receptive * inputs, fanOut: receptive * outputs }];
  });
}

function judge(kernel: Kernel, std: number, mean: number, isOutput: boolean): Finding | null {
  const { layer, weight, fanIn, fanOut } = kernel;
  // Float rounding leaves a constant kernel with a std of a few ulps, not exactly 0.
  if (std <= 1e-6 * Math.abs(mean) || std === 0) {
    // A zero output layer is a deliberate, working choice: each output unit
    // gets a different gradient from its own target, so symmetry breaks at once.
    return isOutput ? null : networkMessages.initZero({ layer: layer.name, weight: weight.name, constant: mean });
  }
  const glorot = Math.sqrt(2 / (fanIn + fanOut));
  const lecun = Math.sqrt(1 / fanIn);
  const he = Math.sqrt(2 / fanIn);
  const low = Math.min(glorot, lecun);
  const expected = layer.family === 'relu' ? he : glorot;
  const scheme = layer.family === 'relu' ? 'He' : 'Glorot';
  if (std > he * THRESHOLDS.factor) {
    return networkMessages.initScaleOff({ layer: layer.name, std, expected, factor: std / expected, direction: 'large', scheme });
  }
  if (std < low / THRESHOLDS.factor) {
    return networkMessages.initScaleOff({ layer: layer.name, std, expected, factor: expected / std, direction: 'small', scheme });
  }
  return null;
}

export const initCheck: NetworkCheck = {
  id: 'weight-init',
  checklist: ['T1'],
  findings: ['init-scale-off'],
  explains: {
    'init-scale-off': [
      'gradients-zero', 'gradients-vanishing', 'gradients-exploding', 'activations-dead', 'activations-saturated', 'loss-above-chance',
      'overfit-failed', 'input-ignored',
    ],
  },
  strength: (f) => evidenceMargin(f, 'factor', 3, 2),
  async run(ctx) {
    const list = kernels(listLayers(ctx.model));
    if (list.length === 0) return { findings: [], skipped: 'no Dense or Conv kernels to inspect' };
    const packed = tf.tidy(() =>
      tf.stack(list.map(({ weight }) => {
        const { mean, variance } = tf.moments(weight.variable.read());
        return tf.stack([mean, variance.sqrt()]);
      })),
    );
    const numbers = await packed.data();
    packed.dispose();
    const outputLayer = ctx.model.layers[ctx.model.layers.length - 1].name;
    const judged = list.map((kernel, i) => judge(kernel, numbers[2 * i + 1], numbers[2 * i], kernel.layer.name === outputLayer));
    const first = judged.find((finding): finding is Finding => finding !== null);
    const extra = Object.fromEntries(list.map((k, i) => [`${k.layer.name}.std`, numbers[2 * i + 1]]));
    return {
      findings: first ? [first] : [],
      measurements: { extra: { 'weight-init': extra } },
      note: `${list.length} kernels inspected`,
    };
  },
};
