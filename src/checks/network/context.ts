/**
 * The part of the CheckContext that the network checks read. Declaring the
 * narrower type keeps these checks runnable (and testable) on a context built
 * from tensors alone; every CheckContext satisfies it.
 */
import type { CheckContext, CheckResult, Explains, InputKey } from '../base';
import type { Finding, FindingId } from '../../types';

export type NetworkContext<N extends InputKey = never> = Pick<
  CheckContext<N>,
  'model' | 'train' | 'info' | 'loss' | 'makeOptimizer' | 'cloneModel' | 'random' | 'inputs' | 'progress'
>;

/** A Check whose run() needs only a NetworkContext (assignable to Check). */
export interface NetworkCheck<N extends InputKey = never> {
  id: string;
  checklist: string[];
  findings: readonly FindingId[];
  thoroughOnly?: boolean;
  needs?: readonly N[];
  provides?: readonly InputKey[];
  explains?: Explains;
  strength?(finding: Finding): number | undefined;
  run(context: NetworkContext<N>): Promise<CheckResult>;
}
