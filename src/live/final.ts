/**
 * The finished run's bundle: the header above the full chart, upgraded to the
 * interactive view where scripts run, so a notebook saved or exported after
 * the run holds the complete picture.
 */
import type { MimeBundle } from '../render/bundle';
import type { HistorySnapshot } from './history';
import { panelBundle } from './panel';

export async function finalBundle(snapshot: HistorySnapshot): Promise<MimeBundle> {
  return panelBundle(snapshot, true);
}
