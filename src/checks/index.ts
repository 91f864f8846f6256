import type { AnyCheck } from './base';
import { DATA_CHECKS } from './data';
import { NETWORK_CHECKS } from './network';
import { SEQUENCE_DATA_CHECKS, SEQUENCE_NETWORK_CHECKS } from './sequence';

/**
 * Every check: cheap data checks before training probes. diagnose() runs them
 * in this order except where a check `needs` another's outputs (see
 * context/select.ts: providers first).
 */
export const ALL_CHECKS: readonly AnyCheck[] = [...DATA_CHECKS, ...SEQUENCE_DATA_CHECKS, ...NETWORK_CHECKS, ...SEQUENCE_NETWORK_CHECKS];
