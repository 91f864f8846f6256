import type { AnyCheck, InputKey } from '../base';
import type { NetworkCheck } from './context';
import { initCheck } from './init';
import { activationsCheck } from './activations';
import { gradientFlowCheck } from './gradients';
import { batchMixingCheck } from './batch-mixing';
import { gradientCheck } from './gradient-check';
import { inputDependenceCheck } from './input';
import { overfitCheck } from './overfit';
import { trainEvalCheck } from './train-eval';
import { lrRangeCheck } from './lr-range';
import { frozenLayersCheck } from './frozen';
import { bottleneckCheck } from './bottleneck';

/**
 * Checks inside the network and training probes (CHECKLIST S3, L6-L7, T1-T7),
 * in run order: free reads of the weights, then single forward/backward
 * passes, then the probes that train clones for many steps. The activation
 * check runs first among the passes: the later ones skip when it found NaN;
 * lr-range runs after the overfit probe, whose verdict it uses.
 */
export const NETWORK_CHECK_LIST: readonly NetworkCheck<InputKey>[] = [
  initCheck,
  frozenLayersCheck,
  bottleneckCheck,
  activationsCheck,
  gradientFlowCheck,
  batchMixingCheck,
  gradientCheck,
  inputDependenceCheck,
  trainEvalCheck,
  overfitCheck,
  lrRangeCheck,
];

/** The same checks as the pipeline's Check type (they need only part of the CheckContext). */
export const NETWORK_CHECKS: AnyCheck[] = [...NETWORK_CHECK_LIST];
