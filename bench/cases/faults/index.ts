/** Every injected fault, grouped by what is broken. */
import type { InjectedFault } from '../base';
import { CONFIG_FAULTS } from './config';
import { DATA_FAULTS } from './data';
import { NETWORK_FAULTS } from './network';

export const FAULTS: readonly InjectedFault[] = [...DATA_FAULTS, ...CONFIG_FAULTS, ...NETWORK_FAULTS];
