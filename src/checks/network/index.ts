import type { Check } from '../base';

/** Checks inside the network and training probes (CHECKLIST S3, L6-L7, T1-T7), in run order. */
export const NETWORK_CHECKS: Check[] = [];
