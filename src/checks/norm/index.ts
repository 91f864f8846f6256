import type { AnyCheck } from '../base';
import { batchNormCheck } from './batchnorm';
import { multilabelLabelsCheck, multilabelRelationCheck } from './multilabel';
import { multilabelPredictionsCheck } from './multilabel-views';

/** Batch normalization and multilabel checks (issue 13), after the network checks. */
export const NORM_CHECKS: readonly AnyCheck[] = [multilabelLabelsCheck, multilabelRelationCheck, multilabelPredictionsCheck, batchNormCheck];
