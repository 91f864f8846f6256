/**
 * Safe copies of a user's model: probes train clones, never the original.
 */
import * as tf from '@tensorflow/tfjs';
import { RUNTIME_ERRORS } from '../messages/errors';

export class CloneError extends Error {
  override name = 'CloneError';
}

/**
 * A new model with the same architecture, weights (trainable and not) and
 * `trainable` flags. The copy owns its variables: training it leaves the
 * original bit-identical. The caller disposes the copy.
 */
export async function cloneModel(model: tf.LayersModel): Promise<tf.LayersModel> {
  let copy: tf.LayersModel;
  const variablesBefore = new Set(Object.keys(tf.engine().registeredVariables));
  try {
    const topology = model.toJSON(null, false) as tf.io.ModelJSON['modelTopology'];
    copy = await tf.models.modelFromJSON({ modelTopology: topology } as tf.io.ModelJSON);
  } catch (error) {
    // Layers built before the failing one (an unregistered custom layer) already made their weights.
    for (const [name, variable] of Object.entries(tf.engine().registeredVariables)) if (!variablesBefore.has(name)) variable.dispose();
    const reason = error instanceof Error ? error.message : String(error);
    throw new CloneError(RUNTIME_ERRORS.cloneFailed(reason));
  }
  disposeAllWeightsOnDispose(copy);
  copy.setWeights(model.getWeights());
  copy.layers.forEach((layer, i) => {
    layer.trainable = model.layers[i].trainable;
  });
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
