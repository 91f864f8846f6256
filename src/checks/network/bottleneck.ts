/**
 * A layer too narrow for what it must carry: on a plain chain of layers (every
 * layer feeding the next), each hidden layer's width bounds what reaches the
 * output. A 1-unit hidden layer in front of a 3-or-more-class output squeezes
 * the whole input into one number: the classes must line up along a single
 * axis, and the output can only separate them as intervals of it. Two units
 * are enough to separate many classes by angle (2-D feature embeddings of
 * MNIST train to ~99%), so only width 1 is judged. Branching models
 * (attention scores from a Dense(1), gates) are not judged: a narrow side
 * branch is not a bottleneck.
 */
import * as tf from '@tensorflow/tfjs';
import { networkMessages } from '../../messages/network';
import type { NetworkCheck } from './context';

const SETTINGS = {
  /** Widths at or below this are a bottleneck for `minClasses` classes or more. */
  maxWidth: 1,
  minClasses: 3,
};

/** Layers that only reshape or regularize: their width is their input's. */
const PASS_THROUGH = new Set(['InputLayer', 'Dropout', 'SpatialDropout1D', 'GaussianNoise', 'GaussianDropout', 'AlphaDropout', 'Activation', 'BatchNormalization', 'LayerNormalization']);

/** Whether every layer has exactly one inbound layer, the one before it. */
function isChain(model: tf.LayersModel): boolean {
  return model.layers.every((layer, i) =>
    layer.inboundNodes.every((node) => node.inboundLayers.length <= 1 && (i === 0 || node.inboundLayers.length === 0 || node.inboundLayers[0] === model.layers[i - 1])));
}

/** Values per sample leaving the layer (a 1-channel feature map still carries its height x width). */
function width(layer: tf.layers.Layer): number | null {
  const shape = layer.outputShape;
  if (!Array.isArray(shape) || Array.isArray(shape[0])) return null;
  const dims = shape.slice(1);
  return dims.every((d) => typeof d === 'number') ? dims.reduce((a: number, d) => a * Number(d), 1) : null;
}

export const bottleneckCheck: NetworkCheck = {
  id: 'layer-widths',
  checklist: ['S4'],
  findings: ['layer-bottleneck'],
  explains: {
    // Too few units to carry the classes: the overfit fails, and the units and gradients behind it look dead.
    'layer-bottleneck': ['overfit-failed', 'activations-dead', 'gradients-zero', 'gradients-vanishing', 'input-ignored'],
  },
  async run(ctx) {
    const classes = ctx.info.task.value === 'multiclass' || ctx.info.task.value === 'multilabel' ? ctx.info.numClasses ?? 0 : 0;
    if (classes < SETTINGS.minClasses) return { findings: [], skipped: `judged for outputs of ${SETTINGS.minClasses} or more classes` };
    if (!isChain(ctx.model)) return { findings: [], skipped: 'the model branches; only plain chains of layers are judged' };
    const hidden = ctx.model.layers.slice(0, -1).filter((layer) => !PASS_THROUGH.has(layer.getClassName()));
    const narrow = hidden.find((layer) => {
      const units = width(layer);
      return units !== null && units <= SETTINGS.maxWidth;
    });
    if (!narrow) return { findings: [], note: `narrowest hidden layer: ${Math.min(...hidden.map((l) => width(l) ?? Infinity))} units for ${classes} classes` };
    return {
      findings: [networkMessages.layerBottleneck({ layer: narrow.name, units: width(narrow) ?? 0, classes })],
      note: `${narrow.name} has ${width(narrow)} unit(s) for ${classes} classes`,
    };
  },
};
