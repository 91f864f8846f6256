/** Checks of token inputs and sequence models (issue 13). */
import type { AnyCheck, Check } from '../base';
import { tokenInputsCheck } from './tokens';

/** Data-side checks: token ids, padding, targets against inputs. */
export const SEQUENCE_DATA_CHECKS: Check[] = [tokenInputsCheck];

/** Network-side checks: gradients through time. */
export const SEQUENCE_NETWORK_CHECKS: AnyCheck[] = [];
