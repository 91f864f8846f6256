/**
 * T4 after training starts: ReLU units alive at initialization can die in the
 * first steps at a too-high learning rate (a big update pushes their bias or
 * weights to where no input activates them, and a dead ReLU gets no gradient
 * to come back). The overfit probe's clone, once trained at the user's rate,
 * is tapped like the activations check tapped the untrained model (same
 * probe samples), and the dead fractions are compared. Pure: both readings
 * in, a finding out.
 */
import type { Finding } from '../../types';
import type { LayerActivation } from '../../measurements';
import { networkMessages } from '../../messages/network';

const THRESHOLDS = {
  /**
   * A quarter of a layer that was alive at initialization dying within the
   * probe's steps: healthy training at a sane rate kills a few % at most
   * (MNIST MLP, Adam 1e-3: 0-3%); SGD at 3 kills 40-80% within 100 steps.
   * (At initialization, where no change is seen, the activations check asks for half.)
   */
  deadFraction: 0.25,
  newlyDead: 0.25,
  minDiedUnits: 2,
};

export interface DyingContext {
  steps: number;
  learningRate: number;
  optimizer: string;
  /** Units per layer name. */
  units: ReadonlyMap<string, number>;
}

/** activations-dead for hidden ReLU layers that died during training; null when none did. */
export function dyingUnits(before: readonly LayerActivation[], after: readonly LayerActivation[], ctx: DyingContext): Finding | null {
  const initial = new Map(before.filter((l) => l.deadFraction !== null).map((l) => [l.layer, l.deadFraction ?? 0]));
  const hidden = after.slice(0, -1).filter((l) => l.deadFraction !== null && (l.nonFiniteCount ?? 0) === 0 && initial.has(l.layer));
  const dying = hidden.filter((l) => {
    const now = l.deadFraction ?? 0;
    const died = Math.round((now - (initial.get(l.layer) ?? 0)) * (ctx.units.get(l.layer) ?? 0));
    // More than one unit (one of two is the luck of a tiny layer) unless the whole layer died.
    return now >= THRESHOLDS.deadFraction && now - (initial.get(l.layer) ?? 0) >= THRESHOLDS.newlyDead &&
      (now >= 1 || died >= THRESHOLDS.minDiedUnits);
  });
  if (dying.length === 0) return null;
  const first = dying[0];
  return networkMessages.activationsDying({
    layer: first.layer,
    deadFraction: first.deadFraction ?? 0,
    deadAtInit: initial.get(first.layer) ?? 0,
    units: ctx.units.get(first.layer) ?? 0,
    steps: ctx.steps,
    learningRate: ctx.learningRate,
    optimizer: ctx.optimizer,
    layers: dying.map((l) => l.layer).join(', '),
  });
}
