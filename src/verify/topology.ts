/**
 * Edits of a model's serialized topology (model.toJSON(null, false), Keras
 * "pythonic" keys) for fixes that change the architecture of a clone but keep
 * every weight shape: another output activation, default initializers.
 */
import type * as tf from '@tensorflow/tfjs';

type Topology = tf.io.ModelJSON['modelTopology'];
type Json = Record<string, unknown>;

const isObject = (value: unknown): value is Json => typeof value === 'object' && value !== null && !Array.isArray(value);

function layerConfigs(topology: Json): Json[] {
  const config = topology.config;
  const layers = isObject(config) ? config.layers : undefined;
  return Array.isArray(layers) ? layers.filter(isObject).map((l) => l.config).filter(isObject) : [];
}

/** The configs that decide the output activation: the output layer's, walking back over layers without one (Sequential). */
function outputActivationConfig(topology: Json): Json | undefined {
  const configs = layerConfigs(topology);
  const config = topology.config;
  const outputs = isObject(config) ? config.output_layers : undefined;
  if (Array.isArray(outputs) && Array.isArray(outputs[0])) {
    const name = outputs[0][0];
    const output = configs.find((c) => c.name === name);
    return output && 'activation' in output ? output : undefined;
  }
  return [...configs].reverse().find((c) => 'activation' in c);
}

function copyOf(topology: Topology): Json | undefined {
  const copy: unknown = JSON.parse(JSON.stringify(topology));
  return isObject(copy) ? copy : undefined;
}

/** The topology with the output activation replaced, or undefined when the output layer has none to replace. */
export function withOutputActivation(topology: Topology, activation: string): Topology | undefined {
  const copy = copyOf(topology);
  const output = copy && outputActivationConfig(copy);
  if (!copy || !output) return undefined;
  output.activation = activation;
  return copy;
}

/** The output activation as serialized ('linear' when there is none). */
export function outputActivationOf(topology: Topology): string {
  const copy = copyOf(topology);
  const output = copy && outputActivationConfig(copy);
  return typeof output?.activation === 'string' ? output.activation : 'linear';
}

/** The topology with every kernel and bias initializer removed, so each layer draws from its default. */
export function withDefaultInitializers(topology: Topology): Topology {
  const copy = copyOf(topology);
  if (!copy) return topology;
  for (const config of layerConfigs(copy)) {
    delete config.kernel_initializer;
    delete config.bias_initializer;
  }
  return copy;
}
