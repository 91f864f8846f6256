/**
 * The notebook panel of a run: one MIME bundle built from a history snapshot.
 * Live updates carry the Vega-Lite spec (JupyterLab, VS Code draw it) and a
 * light HTML header (progress bar, latest values, findings, a loss sparkline)
 * for front ends without a Vega-Lite renderer. The final update adds the
 * full static chart (finalBundle), so a saved notebook shows the whole run.
 */
import { SIZE } from '../charts/base';
import { downsampleRows } from '../charts/downsample';
import { VEGALITE_MIME, type MimeBundle } from '../render/bundle';
import { escapeHTML } from '../render/escape';
import { formatNumber } from '../charts/base';
import type { HistorySnapshot } from './history';
import { panelSpec, type PanelLayout } from './panel-spec';
import { snapshotRows, type BatchRow } from './panel-rows';
import { runStatus, type RunStatus } from './status';
import { thinned } from './series';
import * as messages from './messages';

/** "Training <model name>": the panel's title in the spec, the HTML header and the text. */
function panelTitle(snapshot: HistorySnapshot): string {
  return `Training ${snapshot.run?.modelName ?? 'model'}`;
}

export function panelLayout(snapshot: HistorySnapshot, status: RunStatus = runStatus(snapshot)): PanelLayout {
  const names = new Set<string>();
  for (const key of Object.keys(snapshot.batches)) names.add(key.replace(/^val_/, ''));
  for (const row of snapshot.epochs) for (const key of Object.keys(row.values)) names.add(key.replace(/^val_/, ''));
  names.delete('loss');
  return {
    title: panelTitle(snapshot),
    subtitle: [`${status.state}: ${status.line}`],
    metrics: [...names],
    gradientNorms: snapshot.measured.gradNorms,
    updateRatios: snapshot.measured.updateRatios,
  };
}

/** Heatmap cells an inline panel carries at most (each one is a rect in the static SVG too). */
const MAX_HEATMAP_CELLS = 720;

/** Datasets for an inline spec: batch series and heatmap columns thinned to what a chart can show. */
export function inlineRows(snapshot: HistorySnapshot) {
  const layerCount = Math.max(snapshot.run?.layers.length ?? 1, 1);
  const columns = Math.max(20, Math.floor(MAX_HEATMAP_CELLS / layerCount));
  const rows = snapshotRows({ ...snapshot, layers: thinned(snapshot.layers, columns) });
  const byMetric = new Map<string, BatchRow[]>();
  for (const row of rows.batches as BatchRow[]) {
    const list = byMetric.get(row.metric) ?? [];
    list.push(row);
    byMetric.set(row.metric, list);
  }
  const batches = [...byMetric.values()].flatMap((list) => downsampleRows(list, (r) => r.step, (r) => r.value, SIZE.maxPointsPerSeries));
  return { ...rows, batches };
}

export function notebookSpec(snapshot: HistorySnapshot) {
  const status = runStatus(snapshot);
  return panelSpec(panelLayout(snapshot, status), inlineRows(snapshot));
}

const STYLE =
  '.tfd-live{font:13px system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;max-width:700px}' +
  '.tfd-bar{height:8px;background:#e6e6e6;border-radius:4px;overflow:hidden;margin:4px 0}' +
  '.tfd-bar>div{height:100%;background:#1f6fb2}' +
  '.tfd-live ul{margin:4px 0;padding-left:18px}.tfd-error{color:#c62828}.tfd-warning{color:#a86400}.tfd-info{color:#1f6fb2}' +
  '.tfd-muted{color:#555}';

/** A loss sparkline as a small inline SVG polyline: no vega, microseconds to build. */
export function sparkline(snapshot: HistorySnapshot, width = 300, height = 48): string {
  const points = (snapshot.batches.loss ?? []).filter((p): p is { step: number; value: number } => p.value !== null && Number.isFinite(p.value));
  if (points.length < 2) return '';
  const shown = downsampleRows(points, (p) => p.step, (p) => p.value, 150);
  const xs = shown.map((p) => p.step);
  const ys = shown.map((p) => Math.log10(Math.max(p.value, 1e-12)));
  const [x0, x1, y0, y1] = [Math.min(...xs), Math.max(...xs), Math.min(...ys), Math.max(...ys)];
  const sx = (x: number) => ((x - x0) / Math.max(x1 - x0, 1e-12)) * (width - 2) + 1;
  const sy = (y: number) => height - 1 - ((y - y0) / Math.max(y1 - y0, 1e-12)) * (height - 2);
  const path = shown.map((p, i) => `${sx(xs[i]).toFixed(1)},${sy(ys[i]).toFixed(1)}`).join(' ');
  return (
    `<svg width="${width}" height="${height}" role="img" aria-label="training loss per batch (log scale)">` +
    `<polyline fill="none" stroke="#1f6fb2" stroke-width="1.5" points="${path}"/></svg>`
  );
}

/** The HTML header: progress, latest values, findings and notes. */
export function headerHTML(snapshot: HistorySnapshot, status: RunStatus = runStatus(snapshot)): string {
  const bar = status.fraction === null ? '' : `<div class="tfd-bar"><div style="width:${(status.fraction * 100).toFixed(1)}%"></div></div>`;
  const latest = Object.entries(status.latest)
    .map(([name, value]) => `${escapeHTML(name)} ${escapeHTML(formatNumber(value))}`)
    .join(' · ');
  const findings = status.findings
    .map((f) => `<li class="tfd-${f.severity}"><b>${escapeHTML(f.id)}</b>: ${escapeHTML(f.title)}<br><span class="tfd-muted">${escapeHTML(f.detail)}</span><br>Fix: ${escapeHTML(f.fix)}</li>`)
    .join('');
  const notes = status.notes.map((n) => `<li class="tfd-muted">${escapeHTML(n)}</li>`).join('');
  const hint = snapshot.measured.updateRatios && !snapshot.measured.gradNorms ? `<div class="tfd-muted">${escapeHTML(messages.gradientsNeedData())}</div>` : '';
  return (
    `<style>${STYLE}</style><div class="tfd-live">` +
    `<div><b>${escapeHTML(panelTitle(snapshot))}</b> <span class="tfd-muted">${escapeHTML(status.state)}: ${escapeHTML(status.line)}</span></div>` +
    bar +
    (latest ? `<div class="tfd-muted">${latest}</div>` : '') +
    (findings || notes ? `<ul>${findings}${notes}</ul>` : '') +
    hint +
    '</div>'
  );
}

export function panelText(snapshot: HistorySnapshot, status: RunStatus = runStatus(snapshot)): string {
  const lines = [`${panelTitle(snapshot)}: ${status.state}, ${status.line}`];
  const latest = Object.entries(status.latest).map(([k, v]) => `${k} ${formatNumber(v)}`);
  if (latest.length) lines.push(latest.join(', '));
  for (const f of status.findings) lines.push(`[${f.severity}] ${f.id}: ${f.title} Fix: ${f.fix}`);
  for (const n of status.notes) lines.push(n);
  return lines.join('\n');
}

/** The live bundle: spec + light HTML (header and sparkline) + text. */
export function liveBundle(snapshot: HistorySnapshot): MimeBundle {
  const status = runStatus(snapshot);
  return {
    [VEGALITE_MIME]: panelSpec(panelLayout(snapshot, status), inlineRows(snapshot)),
    'text/html': headerHTML(snapshot, status) + sparkline(snapshot),
    'text/plain': panelText(snapshot, status),
  };
}
