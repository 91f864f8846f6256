/** Checks of token inputs and sequence models (issue 13). */
import type { AnyCheck, Check } from '../base';
import { tokenInputsCheck } from './tokens';
import { gradientThroughTimeCheck } from './through-time';
import { labelShiftCheck } from './shift';
import { sequenceStepsCheck } from './steps-view';

/** Data-side checks: token ids, padding, targets against inputs. */
export const SEQUENCE_DATA_CHECKS: Check[] = [tokenInputsCheck, labelShiftCheck, sequenceStepsCheck];

/** Network-side checks: gradients through time. */
export const SEQUENCE_NETWORK_CHECKS: AnyCheck[] = [gradientThroughTimeCheck];
