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
 * Optimizers by the names model.compile accepts, with the settings compile
 * gives them (tfjs-layers getOptimizer); `lr` overrides the learning rate.
 */
const NAMED_OPTIMIZERS: Record<string, { name: string; learningRate: number; make(lr: number): tf.Optimizer }> = {
  sgd: { name: 'SGD', learningRate: 0.01, make: (lr) => tf.train.sgd(lr) },
  adam: { name: 'Adam', learningRate: 0.001, make: (lr) => tf.train.adam(lr, 0.9, 0.999, tf.backend().epsilon()) },
  rmsprop: { name: 'RMSProp', learningRate: 0.001, make: (lr) => tf.train.rmsprop(lr, 0.9, 0, tf.backend().epsilon()) },
  adagrad: { name: 'Adagrad', learningRate: 0.01, make: (lr) => tf.train.adagrad(lr) },
  adadelta: { name: 'Adadelta', learningRate: 1, make: (lr) => tf.train.adadelta(lr, 0.95, tf.backend().epsilon()) },
  adamax: { name: 'Adamax', learningRate: 0.002, make: (lr) => tf.train.adamax(lr, 0.9, 0.999, tf.backend().epsilon(), 0) },
};

/** The names options.optimizer accepts as a string, as model.compile does. */
export const OPTIMIZER_NAMES: readonly string[] = ['sgd', 'SGD', 'adam', 'Adam', 'rmsprop', 'RMSProp', 'adagrad', 'Adagrad', 'adadelta', 'Adadelta', 'adamax', 'Adamax'];

/**
 * How to make a fresh optimizer: from options.optimizer (an optimizer or a
 * name), else the compiled one, else Adam (tfjs's usual default).
 * options.learningRate overrides.
 */
export function optimizerRecipe(model: tf.LayersModel, option: tf.Optimizer | string | undefined, learningRate: number | undefined): OptimizerRecipe {
  if (typeof option === 'string') {
    const named = NAMED_OPTIMIZERS[option.toLowerCase()];
    const lr = learningRate ?? named.learningRate;
    return { name: named.name, learningRate: lr, make: () => named.make(lr) };
  }
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
