/** Every case of the trust benchmark: real bugs (corpus), injected faults and healthy controls. */
import type { Case } from './base';
import { FAULTS } from './faults';
import { HEALTHY } from './healthy';
import { REAL_BUGS } from './real';

export const ALL_CASES: readonly Case[] = [...REAL_BUGS, ...FAULTS, ...HEALTHY];

export { REAL_BUGS, FAULTS, HEALTHY };
