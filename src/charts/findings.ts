/**
 * Findings as a Vega-Lite table (severity, title, layer, fix), for front ends
 * that show only the Vega-Lite output; the HTML report has its own native
 * table. Most severe first; a select control narrows to errors or warnings.
 */
import type { Finding, Severity } from '../types';
import { SEVERITY_COLOR, emptyChart, frame, type ChartSpec } from './base';
import { headerLayers, pixel, placeColumns, wrapText } from './table';

const TITLE = 'Findings';
export const FINDINGS_TABLE = {
  lineHeight: 14,
  rowPadding: 8,
  maxLines: 4,
  /** About 6px per character at 11px in browsers; 7 leaves room for wider fonts. */
  charWidth: 7,
} as const;

const RANK: Record<Severity, number> = { error: 0, warning: 1, info: 2 };

export function findingsTableChart(findings: readonly Finding[]): ChartSpec {
  if (!Array.isArray(findings as unknown)) {
    throw new Error(`findingsTableChart: expected an array of findings (report.findings); got ${findings === null ? 'null' : typeof findings}.`);
  }
  if (findings.length === 0) return emptyChart(TITLE, 'No findings: every check passed.');
  const { lineHeight, rowPadding, maxLines, charWidth } = FINDINGS_TABLE;
  const hasLayer = findings.some((f) => f.layer !== undefined && f.layer !== '');
  const { columns, width } = placeColumns([
    { header: 'severity', width: 62 },
    { header: 'finding', width: hasLayer ? 240 : 290 },
    ...(hasLayer ? [{ header: 'layer', width: 80 }] : []),
    { header: 'what to change', width: hasLayer ? 250 : 290 },
  ]);
  const [severity, title] = columns;
  const layer = hasLayer ? columns[2] : undefined;
  const fix = columns[columns.length - 1];
  const chars = (w: number) => Math.floor(w / charWidth);
  const rows = findings
    .map((f, order) => ({ f, order }))
    .sort((a, b) => RANK[a.f.severity] - RANK[b.f.severity] || a.order - b.order)
    .map(({ f, order }) => {
      const titleLines = wrapText(f.title, chars(title.width), maxLines);
      const fixLines = wrapText(f.fix, chars(fix.width), maxLines);
      const layerLines = f.layer ? wrapText(f.layer, chars(layer?.width ?? 80), 2) : [];
      const lines = Math.max(titleLines.length, fixLines.length, layerLines.length, 1);
      return {
        index: order, id: f.id, severity: f.severity, rank: RANK[f.severity], checklist: f.checklist,
        title: f.title, detail: f.detail, fix: f.fix, layer: f.layer ?? '',
        titleLines, fixLines, layerLines, height: lines * lineHeight + rowPadding,
      };
    });
  const totalHeight = rows.reduce((sum, r) => sum + r.height, 0);
  const headerHeight = 20;
  const tooltip = [
    { field: 'severity', type: 'nominal', title: 'severity' },
    { field: 'id', type: 'nominal', title: 'id' },
    { field: 'title', type: 'nominal', title: 'finding' },
    { field: 'detail', type: 'nominal', title: 'measured' },
    { field: 'fix', type: 'nominal', title: 'what to change' },
    { field: 'layer', type: 'nominal', title: 'layer' },
    { field: 'checklist', type: 'nominal', title: 'checklist' },
  ];
  const lines = (column: { anchor: number }, field: string, extra: object = {}) => ({
    mark: { type: 'text', align: 'left', baseline: 'top', fontSize: 11, lineHeight, dy: rowPadding / 2, ...extra },
    encoding: { x: { value: column.anchor }, y: pixel('top'), text: { field, type: 'nominal' } },
  });
  const counts = (['error', 'warning', 'info'] as const).map((s) => `${rows.filter((r) => r.severity === s).length} ${s}${rows.filter((r) => r.severity === s).length === 1 ? '' : 's'}`);
  return {
    ...frame(TITLE, [`${counts.join(', ')}; most severe first. Hover a row for what was measured.`]),
    width,
    height: headerHeight + totalHeight,
    params: [{
      name: 'show_severity', value: 'info',
      bind: { input: 'select', options: ['info', 'warning', 'error'], labels: ['all', 'errors and warnings', 'errors only'], name: 'Show ' },
    }],
    layer: [
      ...headerLayers(columns),
      {
        data: { values: rows },
        transform: [
          // `show_severity` names the least severe level shown; the comparison uses our own ranks, never user text.
          { calculate: "show_severity === 'error' ? 0 : show_severity === 'warning' ? 1 : 2", as: 'max_rank' },
          { filter: 'datum.rank <= datum.max_rank' },
          { window: [{ op: 'sum', field: 'height', as: 'bottom' }], sort: [{ field: 'rank', order: 'ascending' }, { field: 'index', order: 'ascending' }], frame: [null, 0] },
          { calculate: `datum.bottom - datum.height + ${headerHeight}`, as: 'top' },
          { calculate: `datum.bottom + ${headerHeight}`, as: 'end' },
        ],
        layer: [
          {
            params: [{ name: 'finding_hover', select: { type: 'point', fields: ['index'], on: 'mouseover', clear: 'mouseout' } }],
            mark: { type: 'rect' },
            encoding: {
              x: { value: 0 }, x2: { value: width }, y: pixel('top'), y2: { field: 'end' },
              fill: { condition: { param: 'finding_hover', empty: false, value: '#eef3fa' }, value: '#ffffff' },
              tooltip,
            },
          },
          {
            mark: { type: 'rule', color: '#e6e6e6' },
            encoding: { x: { value: 0 }, x2: { value: width }, y: pixel('end') },
          },
          {
            mark: { type: 'point', shape: 'circle', filled: true, size: 60, opacity: 1 },
            encoding: {
              x: { value: severity.anchor + 5 }, y: pixel('dot'),
              color: { field: 'severity', type: 'nominal', scale: { domain: ['error', 'warning', 'info'], range: [SEVERITY_COLOR.error, SEVERITY_COLOR.warning, SEVERITY_COLOR.info] }, legend: null },
            },
            transform: [{ calculate: `datum.top + ${rowPadding / 2 + lineHeight / 2}`, as: 'dot' }],
          },
          lines({ anchor: severity.anchor + 14 }, 'severity', { fontWeight: 600 }),
          lines(title, 'titleLines'),
          ...(layer ? [lines(layer, 'layerLines', { color: '#555', font: 'monospace', fontSize: 10 })] : []),
          lines(fix, 'fixLines'),
        ],
      },
    ],
  };
}
