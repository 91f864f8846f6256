import type { Check } from './base';
import { DATA_CHECKS } from './data';
import { NETWORK_CHECKS } from './network';

/** Every check, in the order diagnose() runs them: cheap data checks before training probes. */
export const ALL_CHECKS: readonly Check[] = [...DATA_CHECKS, ...NETWORK_CHECKS];
