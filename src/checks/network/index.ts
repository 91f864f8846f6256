import type { Check } from '../base';
import { initCheck } from './init';
import { activationsCheck } from './activations';
import { gradientFlowCheck } from './gradients';

/**
 * Checks inside the network and training probes (CHECKLIST S3, L6-L7, T1-T7),
 * in run order: free reads of the weights, then one forward pass, then one
 * training step, then the probes that train clones for many steps.
 */
export const NETWORK_CHECKS: Check[] = [initCheck, activationsCheck, gradientFlowCheck];
