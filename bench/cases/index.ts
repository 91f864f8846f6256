/** Every case of the trust benchmark: real bugs (corpus), injected faults and healthy controls. */
import type { Case } from './base';
import { FAULTS } from './faults';
import { HEALTHY } from './healthy';
import { REAL_BUGS } from './real';
import { ZOO } from './zoo';

export const ALL_CASES: readonly Case[] = [...REAL_BUGS, ...FAULTS, ...HEALTHY];

export { REAL_BUGS, FAULTS, HEALTHY };

/** The zoo (issue 13): run with `--suite zoo`; kept out of ALL_CASES (and so out of npm test). */
export { ZOO };
