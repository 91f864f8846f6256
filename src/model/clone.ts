/**
 * Safe copies of a user's model: probes train clones, never the original.
 */
import * as tf from '@tensorflow/tfjs';

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
  try {
    const topology = model.toJSON(null, false) as tf.io.ModelJSON['modelTopology'];
    copy = await tf.models.modelFromJSON({ modelTopology: topology } as tf.io.ModelJSON);
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    throw new CloneError(
      `tfjs-doctor could not copy the model to probe it (${reason}). ` +
        'Custom layers must be registered with tf.serialization.registerClass(YourLayer) and implement getConfig().',
    );
  }
  copy.setWeights(model.getWeights());
  copy.layers.forEach((layer, i) => {
    layer.trainable = model.layers[i].trainable;
  });
  return copy;
}
