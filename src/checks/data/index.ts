import type { Check } from '../base';

/** Checks of data, labels, splits and loss configuration (CHECKLIST D, N, L1-L5), in run order. */
export const DATA_CHECKS: Check[] = [];
