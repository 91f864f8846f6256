/**
 * Safe copies of a user's model: probes train clones, never the original.
 * Copies are seeded: tfjs draws initial weights, dropout masks and Gaussian
 * noise from Math.random when a layer has no seed, so a clone runs every
 * forward pass (and its own construction) with Math.random swapped for a
 * seeded generator. The same seed then gives the same probe results.
 */
import * as tf from '@tensorflow/tfjs';
import { seededRandom, withRandom } from '../context/random';
import { RUNTIME_ERRORS } from '../messages/errors';
import { releaseDropoutMasks } from './dropout-masks';

export class CloneError extends Error {
  override name = 'CloneError';
}

type Topology = tf.io.ModelJSON['modelTopology'];

export interface CloneOptions {
  /** Where the copy's random layers draw from. Defaults to a generator seeded with 0. */
  random?: () => number;
  /**
   * Keep the model's weights (true, the default) or start from fresh, seeded
   * initial weights drawn by the layers' own initializers (a "re-initialize" fix).
   */
  weights?: 'copy' | 'initialize';
  /** Edits the serialized topology before the copy is built (e.g. another output activation); must keep weight shapes. */
  editTopology?: (topology: Topology) => Topology;
}

/** The warning tfjs prints when it serializes a layer called with tensors as keyword arguments (an RNN's `initialState`). */
const NON_SERIALIZABLE = /^Layer .* was passed non-serializable keyword arguments/;

/**
 * The model's topology (model.toJSON without weights), without the warning
 * tfjs prints for each layer called with `initialState` (an encoder-decoder's
 * decoder): the states are the layer's inbound tensors too, so the copy keeps
 * them; the warning would be noise in the user's notebook for a serialization
 * the user never asked for. Only that message, only during this synchronous
 * call, is held back; anything else reaches console.warn as usual.
 */
export function modelTopology(model: tf.LayersModel): Topology {
  const warn = console.warn;
  console.warn = (...args: unknown[]) => {
    if (typeof args[0] === 'string' && NON_SERIALIZABLE.test(args[0])) return;
    warn.apply(console, args);
  };
  try {
    return model.toJSON(null, false) as Topology;
  } finally {
    console.warn = warn;
  }
}

function buildFromTopology(topology: Topology, random: () => number): Promise<tf.LayersModel> {
  // modelFromJSON builds every layer (and draws its initial weights) synchronously
  // before its first await, so the seeded swap covers construction.
  return withRandom(random, () => tf.models.modelFromJSON({ modelTopology: topology } as tf.io.ModelJSON));
}

/**
 * The topology with every Orthogonal initializer replaced by Zeros. A copy
 * that takes the model's weights draws initial weights only to overwrite
 * them; tfjs's Orthogonal initializer runs a QR decomposition and prints
 * "Orthogonal initializer ... Slowness may result" for each LSTM/GRU of 32
 * units or more, once per copy: noise in the user's notebook, and time.
 * Other initializers are cheap and silent, and keep the seeded random stream.
 */
export function withoutOrthogonalInit<T>(topology: T): T {
  const walk = (value: unknown): unknown => {
    if (Array.isArray(value)) return value.map(walk);
    if (value === null || typeof value !== 'object') return value;
    const entries = Object.entries(value as Record<string, unknown>).map(([key, inner]) => {
      const orthogonal = key.endsWith('initializer') && typeof inner === 'object' && inner !== null && (inner as { class_name?: unknown }).class_name === 'Orthogonal';
      return [key, orthogonal ? { class_name: 'Zeros', config: {} } : walk(inner)];
    });
    return Object.fromEntries(entries);
  };
  return walk(topology) as T;
}

/** Every forward pass of the copy's layers draws from `random` (layer calls are synchronous). */
function seedLayerCalls(model: tf.LayersModel, random: () => number): void {
  for (const layer of model.layers) {
    const call = layer.call.bind(layer);
    layer.call = (inputs, kwargs) => withRandom(random, () => call(inputs, kwargs));
  }
}

/**
 * A new model with the same architecture, weights (trainable and not) and
 * `trainable` flags. The copy owns its variables: training it leaves the
 * original bit-identical. The caller disposes the copy.
 */
export async function cloneModel(model: tf.LayersModel, options: CloneOptions = {}): Promise<tf.LayersModel> {
  const random = options.random ?? seededRandom(0);
  let copy: tf.LayersModel;
  const variablesBefore = new Set(Object.keys(tf.engine().registeredVariables));
  try {
    const copying = (options.weights ?? 'copy') === 'copy';
    const topology = modelTopology(model);
    const edited = options.editTopology ? options.editTopology(topology) : topology;
    copy = await buildFromTopology(copying ? withoutOrthogonalInit(edited) : edited, random);
  } catch (error) {
    // Layers built before the failing one (an unregistered custom layer) already made their weights.
    for (const [name, variable] of Object.entries(tf.engine().registeredVariables)) if (!variablesBefore.has(name)) variable.dispose();
    const reason = error instanceof Error ? error.message : String(error);
    throw new CloneError(RUNTIME_ERRORS.cloneFailed(reason));
  }
  disposeAllWeightsOnDispose(copy);
  if ((options.weights ?? 'copy') === 'copy') copy.setWeights(model.getWeights());
  copy.layers.forEach((layer, i) => {
    layer.trainable = model.layers[i].trainable;
  });
  seedLayerCalls(copy, random);
  return copy;
}

/**
 * model.dispose() keeps the weights of a layer applied more than once (shared
 * layers: their reference count stays above 0). A copy is ours alone, so its
 * dispose() also frees every weight that survived.
 */
function disposeAllWeightsOnDispose(copy: tf.LayersModel): void {
  const weights = copy.weights;
  const dispose = copy.dispose.bind(copy);
  Object.defineProperty(copy, 'dispose', {
    value: () => {
      releaseDropoutMasks(copy);
      const result = dispose();
      for (const weight of weights) {
        try {
          weight.dispose();
        } catch {
          // Already disposed with its layer.
        }
      }
      return result;
    },
  });
}
