/**
 * Numerical gradient checks by central finite differences, in float32: the
 * analytic gradient (what tfjs backpropagates) against (L(w+h) - L(w-h)) / 2h
 * for the few entries with the largest analytic gradient (well above rounding
 * noise). Mutates the variables it perturbs and restores them: use on clones.
 */
import * as tf from '@tensorflow/tfjs';

export interface GradientComparison {
  /** Largest relative error |analytic - numerical| / max(|analytic|, |numerical|) over the entries checked. */
  maxRelativeError: number;
  /**
   * The median of the same: a wrong gradient is off on every entry, while a
   * ReLU kink crossed by one finite-difference step spoils a single entry.
   */
  medianRelativeError: number;
  analytic: number[];
  numerical: number[];
  /** Entries skipped because both gradients were below the rounding noise of the loss. */
  belowNoise: number;
}

export interface CheckOptions {
  /** How many entries to check. */
  entries: number;
  /** Finite-difference step. */
  step: number;
}

/** Relative errors, skipping entries whose gradients are both below the loss's float32 rounding noise. */
function compare(analytic: number[], numerical: number[], loss: number, step: number): GradientComparison {
  // float32 keeps ~7 digits: a loss of L is known to ~1.2e-7 * L (more after
  // long sums), so the difference quotient carries ~1.2e-7 * L / step of
  // noise; entries must carry 50x more signal to be judged.
  const noise = (50 * 1.2e-7 * Math.max(Math.abs(loss), 1e-3)) / step;
  const errors: number[] = [];
  let belowNoise = 0;
  analytic.forEach((a, i) => {
    const n = numerical[i];
    const scale = Math.max(Math.abs(a), Math.abs(n));
    if (!Number.isFinite(a) || !Number.isFinite(n)) {
      errors.push(Number.POSITIVE_INFINITY);
      return;
    }
    if (scale < noise) {
      belowNoise++;
      return;
    }
    errors.push(Math.abs(a - n) / scale);
  });
  const sorted = [...errors].sort((x, y) => x - y);
  return {
    maxRelativeError: sorted.length > 0 ? sorted[sorted.length - 1] : 0,
    // The upper median: fails when at least half of the entries disagree.
    medianRelativeError: sorted.length > 0 ? sorted[Math.floor(sorted.length / 2)] : 0,
    analytic,
    numerical,
    belowNoise,
  };
}

/** Indices (into the flattened tensor) of the `k` largest |values|, and those values. */
async function largest(values: tf.Tensor, k: number): Promise<{ indices: number[]; values: number[] }> {
  const { indices: order, picked } = tf.tidy(() => {
    const flat = values.reshape([-1]);
    const top = tf.topk(flat.abs(), Math.min(k, flat.size));
    return { indices: top.indices, picked: tf.gather(flat, top.indices) };
  });
  const [indices, chosen] = await Promise.all([order.data(), picked.data()]);
  tf.dispose([order, picked]);
  return { indices: Array.from(indices), values: Array.from(chosen) };
}

async function scalarOf(compute: () => tf.Scalar): Promise<number> {
  const value = tf.tidy(compute);
  const [number] = await value.data();
  value.dispose();
  return number;
}

/** Checks d loss / d variable for the `entries` largest-gradient entries of `variable`. */
export async function checkVariableGradient(
  lossOf: () => tf.Scalar, variable: tf.Variable, options: CheckOptions,
): Promise<GradientComparison> {
  const { value, grads } = tf.variableGrads(lossOf, [variable]);
  const [loss] = await value.data();
  const picked = await largest(grads[variable.name], options.entries);
  tf.dispose([value, ...Object.values(grads)]);
  const original = variable.clone();
  const numerical: number[] = [];
  try {
    for (const index of picked.indices) {
      const at = async (sign: number) => {
        const perturbed = tf.tidy(() => original.add(tf.oneHot([index], original.size).reshape(original.shape).mul(sign * options.step)));
        // assign() shares the data but the argument stays a tensor of its own.
        variable.assign(perturbed);
        perturbed.dispose();
        return scalarOf(lossOf);
      };
      const plus = await at(1);
      const minus = await at(-1);
      numerical.push((plus - minus) / (2 * options.step));
    }
  } finally {
    variable.assign(original);
    original.dispose();
  }
  return compare(picked.values, numerical, loss, options.step);
}

/** Checks d loss(y, p) / d p at a fixed prediction `p`: a custom loss's gradient, no model involved. */
export async function checkLossGradient(
  loss: (yTrue: tf.Tensor, yPred: tf.Tensor) => tf.Scalar, y: tf.Tensor, prediction: tf.Tensor, options: CheckOptions,
): Promise<GradientComparison> {
  const gradient = tf.grad((p: tf.Tensor) => loss(y, p))(prediction);
  const picked = await largest(gradient, options.entries);
  gradient.dispose();
  const base = await scalarOf(() => loss(y, prediction));
  const numerical: number[] = [];
  for (const index of picked.indices) {
    const at = (sign: number) =>
      scalarOf(() => loss(y, prediction.add(tf.oneHot([index], prediction.size).reshape(prediction.shape).mul(sign * options.step))));
    numerical.push(((await at(1)) - (await at(-1))) / (2 * options.step));
  }
  return compare(picked.values, numerical, base, options.step);
}
