/**
 * Fresh optimizers configured like the user's: same class and settings, new
 * state. The user's optimizer is only read (class name and config).
 */
import * as tf from '@tensorflow/tfjs';

export interface OptimizerRecipe {
  name: string;
  learningRate?: number;
  make(): tf.Optimizer;
}

type OptimizerClass = tf.serialization.SerializableConstructor<tf.Optimizer> & {
  fromConfig(cls: tf.serialization.SerializableConstructor<tf.Optimizer>, config: tf.serialization.ConfigDict): tf.Optimizer;
};

function learningRateOf(config: tf.serialization.ConfigDict): number | undefined {
  const lr = config.learningRate;
  return typeof lr === 'number' ? lr : undefined;
}

/**
 * How to make a fresh optimizer: from options.optimizer, else the compiled
 * one, else Adam (tfjs's usual default). options.learningRate overrides.
 */
export function optimizerRecipe(model: tf.LayersModel, option: tf.Optimizer | undefined, learningRate: number | undefined): OptimizerRecipe {
  let template: tf.Optimizer | undefined = option;
  if (!template) {
    try {
      template = model.optimizer;
    } catch {
      template = undefined;
    }
  }
  if (!template) {
    const lr = learningRate ?? 0.001;
    return { name: 'Adam', learningRate: lr, make: () => tf.train.adam(lr) };
  }
  const className = template.getClassName();
  const config = template.getConfig();
  const lr = learningRate ?? learningRateOf(config);
  const entry = tf.serialization.SerializationMap.getMap().classNameMap[className] as unknown as
    | [OptimizerClass, OptimizerClass['fromConfig']]
    | undefined;
  return {
    name: className,
    learningRate: lr,
    make: () => {
      const settings = lr === undefined ? { ...config } : { ...config, learningRate: lr };
      if (entry) return entry[1](entry[0], settings);
      return tf.train.adam(lr ?? 0.001);
    },
  };
}
