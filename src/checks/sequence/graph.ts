/**
 * A model's layer graph run by hand, as tfjs's executor runs it (each layer
 * applied to the values of its node's input tensors), with the value of any
 * symbolic tensor inside the graph given instead of computed: the gradient of
 * the loss with respect to a recurrent layer's input sequence then works on
 * any functional model (encoder-decoders, several inputs, recurrent layers
 * anywhere), not only on chains of layers. Read-only: the model's layers are
 * applied, never changed. Call inside tf.tidy or a gradient function.
 */
import * as tf from '@tensorflow/tfjs';

type Symbolic = tf.SymbolicTensor;
type LayerCall = tf.layers.Layer['inboundNodes'][number];

/** The call of a layer (its node) whose output is `t`. */
function producerOf(t: Symbolic): LayerCall | undefined {
  return t.sourceLayer.inboundNodes.find((n) => n.outputTensors.some((o) => o.id === t.id));
}

/** Every symbolic tensor `model.outputs` depend on, each once (the model's inputs included). */
export function graphTensors(model: tf.LayersModel): Symbolic[] {
  const seen = new Map<number, Symbolic>();
  const stack = [...model.outputs];
  while (stack.length > 0) {
    const t = stack.pop();
    if (!t || seen.has(t.id)) continue;
    seen.set(t.id, t);
    if (model.inputs.some((input) => input.id === t.id)) continue;
    stack.push(...(producerOf(t)?.inputTensors ?? []));
  }
  return [...seen.values()];
}

/**
 * The values of `fetches` for the model inputs `inputs` (model.inputs order),
 * where `given` (by symbolic tensor id) replaces what a tensor's layer would compute.
 */
export function runGraph(model: tf.LayersModel, inputs: readonly tf.Tensor[], fetches: readonly Symbolic[], given: ReadonlyMap<number, tf.Tensor> = new Map()): tf.Tensor[] {
  const values = new Map<number, tf.Tensor>(given);
  model.inputs.forEach((input, i) => {
    if (!values.has(input.id)) values.set(input.id, inputs[i]);
  });
  const valueOf = (t: Symbolic): tf.Tensor => {
    const known = values.get(t.id);
    if (known) return known;
    const node = producerOf(t);
    if (!node) throw new Error(`tfjs-doctor: no layer call produces ${t.name}`);
    const out = t.sourceLayer.apply(node.inputTensors.map(valueOf), { training: false });
    const list = Array.isArray(out) ? out : [out];
    node.outputTensors.forEach((o, k) => {
      const value = list[k];
      if (!(value instanceof tf.Tensor)) throw new Error(`tfjs-doctor: ${t.sourceLayer.name} returned a symbolic output`);
      values.set(o.id, value);
    });
    const value = values.get(t.id);
    if (!value) throw new Error(`tfjs-doctor: ${t.sourceLayer.name} did not produce ${t.name}`);
    return value;
  };
  return fetches.map(valueOf);
}

/**
 * The input sequence of `layer` in the model's graph (the first input of its
 * one call there), or undefined when the model calls it more than once or not at all.
 */
export function layerInput(model: tf.LayersModel, layer: tf.layers.Layer, tensors: readonly Symbolic[] = graphTensors(model)): Symbolic | undefined {
  const made = tensors.filter((t) => t.sourceLayer === layer);
  const calls = new Set(made.map((t) => producerOf(t)));
  if (calls.size !== 1) return undefined;
  return [...calls][0]?.inputTensors[0];
}
