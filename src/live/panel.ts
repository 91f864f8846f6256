/**
 * The notebook panel of a run: one MIME bundle built from a history snapshot,
 * drawn through the report's rendering path (src/render): the chart as a
 * static picture with a short header (progress, latest values, findings),
 * styled inline like the report. Live updates are pictures only (an update
 * replaces the output about once a second; re-embedding vega each time would
 * flicker); the final bundle of a finished run adds the interactive upgrade,
 * so a saved notebook shows the whole run and, where scripts run, tooltips.
 */
import { SIZE, formatNumber } from '../charts/base';
import { downsampleRows } from '../charts/downsample';
import { trainingPanelChart, type TrainingPanelLayout } from '../charts/training';
import { widgetBundle, type MimeBundle } from '../render/bundle';
import { escapeHTML } from '../render/escape';
import { STYLE, badgeStyle } from '../render/style';
import { renderWidget } from '../render/widget';
import { sentence } from '../render/text';
import type { HistorySnapshot } from './history';
import { snapshotRows, type BatchRow } from './panel-rows';
import { runStatus, type RunStatus } from './status';
import { thinned } from './series';
import * as messages from './messages';

/** "Training <model name>": the panel's title, said once (in the chart) and in the text. */
function panelTitle(snapshot: HistorySnapshot): string {
  return `Training ${snapshot.run?.modelName ?? 'model'}`;
}

export function panelLayout(snapshot: HistorySnapshot, status: RunStatus = runStatus(snapshot)): TrainingPanelLayout {
  const names = new Set<string>();
  for (const key of Object.keys(snapshot.batches)) names.add(key.replace(/^val_/, ''));
  for (const row of snapshot.epochs) for (const key of Object.keys(row.values)) names.add(key.replace(/^val_/, ''));
  names.delete('loss');
  return {
    title: panelTitle(snapshot),
    subtitle: [sentence(`${status.state}: ${status.line}`)],
    metrics: [...names],
    gradientNorms: snapshot.measured.gradNorms,
    updateRatios: snapshot.measured.updateRatios,
  };
}

/** Heatmap cells an inline panel carries at most (each one is a rect in the static picture too). */
const MAX_HEATMAP_CELLS = 720;
/** Columns of a heatmap at most: about 4 px each at the width of two heatmaps side by side. */
const MAX_HEATMAP_COLUMNS = 60;

/** Datasets for an inline spec: batch series and heatmap columns thinned to what a chart can show. */
export function inlineRows(snapshot: HistorySnapshot) {
  const layerCount = Math.max(snapshot.run?.layers.length ?? 1, 1);
  const columns = Math.max(20, Math.min(MAX_HEATMAP_COLUMNS, Math.floor(MAX_HEATMAP_CELLS / layerCount)));
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
  return trainingPanelChart(panelLayout(snapshot, status), inlineRows(snapshot));
}

/** The header above the chart: progress bar, latest values, findings and notes (title and status line are the chart's). */
export function headerHTML(snapshot: HistorySnapshot, status: RunStatus = runStatus(snapshot)): string {
  const bar =
    status.fraction === null
      ? ''
      : `<div style="height:8px;background:#e6e6e6;border-radius:4px;overflow:hidden;margin:4px 0;max-width:600px">` +
        `<div style="height:8px;background:#1f6fb2;width:${(status.fraction * 100).toFixed(1)}%"></div></div>`;
  const latest = Object.entries(status.latest)
    .map(([name, value]) => `${escapeHTML(name)} ${escapeHTML(formatNumber(value))}`)
    .join(' · ');
  const findings = status.findings
    .map(
      (f) =>
        `<li style="${STYLE.item}"><span style="${badgeStyle(f.severity)}">${escapeHTML(f.severity)}</span> <b>${escapeHTML(f.title)}</b> ` +
        `<span style="${STYLE.muted}">(${escapeHTML(f.id)})</span><br><span style="${STYLE.muted}">${escapeHTML(f.detail)}</span><br>Fix: ${escapeHTML(f.fix)}</li>`,
    )
    .join('');
  const notes = status.notes.map((n) => `<li style="${STYLE.muted}">${escapeHTML(n)}</li>`).join('');
  const hint = snapshot.measured.updateRatios && !snapshot.measured.gradNorms ? `<div style="${STYLE.muted}">${escapeHTML(messages.gradientsNeedData())}</div>` : '';
  return (
    bar +
    (latest ? `<div style="${STYLE.muted}">${latest}</div>` : '') +
    (findings || notes ? `<ul style="${STYLE.list}">${findings}${notes}</ul>` : '') +
    hint
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

/**
 * The panel as one bundle: the header, then the chart drawn like every
 * report chart. `interactive` adds the upgrade to the vega view (final bundle).
 */
export function panelBundle(snapshot: HistorySnapshot, interactive: boolean): MimeBundle {
  const status = runStatus(snapshot);
  const spec = trainingPanelChart(panelLayout(snapshot, status), inlineRows(snapshot));
  const bundle = widgetBundle(renderWidget({ spec, summary: panelText(snapshot, status) }), { interactive });
  return {
    ...bundle,
    'text/html': `<div class="tfjs-doctor-live" style="${STYLE.report}">${headerHTML(snapshot, status)}${bundle['text/html'] ?? ''}</div>`,
  };
}

/** A live update: header and the chart as a picture. */
export function liveBundle(snapshot: HistorySnapshot): MimeBundle {
  return panelBundle(snapshot, false);
}
