/**
 * The finished run's bundle: the live header above the full static chart
 * (vega SVG that the page upgrades to the interactive view), so a notebook
 * saved or exported after the run holds the complete picture.
 */
import { widgetBundle, type MimeBundle } from '../render/bundle';
import { renderWidget } from '../render/widget';
import type { HistorySnapshot } from './history';
import { headerHTML, notebookSpec, panelText } from './panel';

export async function finalBundle(snapshot: HistorySnapshot): Promise<MimeBundle> {
  const widget = await renderWidget({ spec: notebookSpec(snapshot), summary: panelText(snapshot) });
  const bundle = widgetBundle(widget);
  return { ...bundle, 'text/html': headerHTML(snapshot) + (bundle['text/html'] ?? '') };
}
