/**
 * The part of the CheckContext that the network checks read. Declaring the
 * narrower type keeps these checks runnable (and testable) on a context built
 * from tensors alone; every CheckContext satisfies it.
 */
import type { CheckContext, CheckResult } from '../base';

export type NetworkContext = Pick<
  CheckContext,
  'model' | 'train' | 'info' | 'loss' | 'makeOptimizer' | 'cloneModel' | 'random' | 'earlier' | 'progress'
>;

/** A Check whose run() needs only a NetworkContext (assignable to Check). */
export interface NetworkCheck {
  id: string;
  checklist: string[];
  findings: readonly import('../../types').FindingId[];
  thoroughOnly?: boolean;
  run(context: NetworkContext): Promise<CheckResult>;
}
