import type { Check } from '../base';
import { integrityCheck } from './integrity';
import { scaleCheck } from './scale';
import { labelsCheck } from './labels';
import { batchesCheck } from './batches';
import { splitsCheck } from './splits';
import { lossConfigCheck } from './loss-config';
import { initialLossCheck } from './initial-loss';
import { relationCheck } from './relation';
import { samplesCheck, predictionsCheck } from './views';
import { outputRangeCheck } from './output-range';
import { lossMixingCheck } from './loss-mixing';
import { splitClassesCheck } from './split-classes';

/** Checks of data, labels, splits and loss configuration (CHECKLIST D, N, L1-L5), in run order. */
export const DATA_CHECKS: Check[] = [
  integrityCheck, scaleCheck, labelsCheck, batchesCheck, splitsCheck, lossConfigCheck, initialLossCheck, relationCheck,
  samplesCheck, predictionsCheck,
  outputRangeCheck, lossMixingCheck, splitClassesCheck,
];
