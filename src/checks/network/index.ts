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

/** Probes feed one input tensor and read one output: other models get a clear skip, not an error from deep inside tfjs. */
function singleInputOutput(check: NetworkCheck<InputKey>): NetworkCheck<InputKey> {
  return {
    ...check,
    async run(ctx) {
      const { inputs, outputs } = ctx.model;
      if (inputs.length !== 1 || outputs.length !== 1) {
        return { findings: [], skipped: `the model has ${inputs.length} inputs and ${outputs.length} outputs; network checks support one of each` };
      }
      return check.run(ctx);
    },
  };
}

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
].map(singleInputOutput);

/** The same checks as the pipeline's Check type (they need only part of the CheckContext). */
export const NETWORK_CHECKS: AnyCheck[] = [...NETWORK_CHECK_LIST];
