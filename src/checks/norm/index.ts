import type { AnyCheck } from '../base';
import { batchNormCheck } from './batchnorm';

/** Batch normalization and multilabel checks (issue 13), after the network checks. */
export const NORM_CHECKS: readonly AnyCheck[] = [batchNormCheck];
