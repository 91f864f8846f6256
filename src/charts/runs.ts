/**
 * compareRuns() charts: the runs' curves on one chart, and a plain grid table
 * (settings that differ; findings per run). Pure: comparison data in, spec out.
 * Run names are user text: they travel as data values only.
 */
import { COLORS, FORMAT, SIZE, emptyChart, frame, type ChartSpec } from './base';
import { headerLayers, pixel, placeColumns, wrapText } from './table';

export interface RunCurvePoint {
  run: string;
  /** 'train' for the metric, 'validation' for its val_ twin. */
  split: 'train' | 'validation';
  x: number;
  value: number;
}

export interface RunCurvesInput {
  title: string;
  subtitle: string;
  /** Axis title: 'epoch' or 'step'. */
  xTitle: string;
  yTitle: string;
  points: readonly RunCurvePoint[];
}

/** Colours for up to ten runs, then repeating (tooltips and the legend name each run). */
const RUN_COLORS = ['#1f6fb2', '#e08a00', '#2e8b3a', '#c62828', '#7b4fa0', '#8c564b', '#d6589f', '#5f6b7a', '#b5a000', '#1aa3a3'];

export function runCurvesChart(input: RunCurvesInput): ChartSpec {
  if (input.points.length === 0) return emptyChart(input.title, 'No metrics were recorded for these runs.');
  const positive = input.points.every((p) => p.value > 0);
  const values = input.points.map((p) => p.value);
  const spread = positive ? Math.max(...values) / Math.min(...values) : 1;
  const hasValidation = input.points.some((p) => p.split === 'validation');
  return {
    ...frame(input.title, [input.subtitle]),
    width: SIZE.width,
    height: SIZE.height,
    data: { values: input.points },
    mark: { type: 'line', point: input.points.length <= 200 ? { size: 20 } : false, strokeWidth: 1.8, clip: true },
    encoding: {
      x: { field: 'x', type: 'quantitative', title: input.xTitle, axis: { format: FORMAT.integer, tickMinStep: 1 } },
      y: {
        field: 'value', type: 'quantitative', title: input.yTitle,
        scale: { type: positive && spread > 30 ? 'log' : 'linear', zero: false },
      },
      // Runs keep their order (first recorded, first colour), not alphabetical order.
      color: { field: 'run', type: 'nominal', title: 'run', scale: { domain: [...new Set(input.points.map((p) => p.run))], range: RUN_COLORS } },
      ...(hasValidation
        ? { strokeDash: { field: 'split', type: 'nominal', title: 'split', scale: { domain: ['train', 'validation'], range: [[1, 0], [5, 3]] }, legend: { symbolType: 'stroke', symbolStrokeColor: '#555', symbolStrokeWidth: 1.8 } } }
        : {}),
      detail: { field: 'split', type: 'nominal' },
      tooltip: [
        { field: 'run', type: 'nominal', title: 'run' },
        { field: 'split', type: 'nominal', title: 'split' },
        { field: 'x', type: 'quantitative', title: input.xTitle },
        { field: 'value', type: 'quantitative', title: input.yTitle, format: FORMAT.number },
      ],
    },
  };
}

export interface GridTableInput {
  title: string;
  subtitle: string;
  /** Column headers: the first names the row, then one per run. */
  headers: readonly string[];
  rows: readonly (readonly string[])[];
  /** Cells to colour by their text (e.g. severities). */
  cellColors?: Readonly<Record<string, string>>;
  empty: string;
}

const GRID = { lineHeight: 14, rowPadding: 6, charWidth: 7, firstColumn: 190, headerHeight: 20 } as const;

/** A table of text cells: one text layer per column, rows of wrapped lines. */
export function gridTableChart(input: GridTableInput): ChartSpec {
  if (input.rows.length === 0) return emptyChart(input.title, input.empty);
  const runColumns = input.headers.length - 1;
  const runWidth = Math.max(90, Math.floor((SIZE.cell - GRID.firstColumn - 10 * runColumns) / Math.max(runColumns, 1)));
  const { columns, width } = placeColumns(input.headers.map((header, i) => ({ header, width: i === 0 ? GRID.firstColumn : runWidth })));
  const chars = (w: number) => Math.max(4, Math.floor(w / GRID.charWidth));
  let top = GRID.headerHeight;
  const cells: object[] = [];
  const bands: object[] = [];
  input.rows.forEach((row, r) => {
    const wrapped = row.map((text, c) => wrapText(text, chars(columns[c].width), 3));
    const height = Math.max(...wrapped.map((w) => w.length), 1) * GRID.lineHeight + GRID.rowPadding;
    wrapped.forEach((lines, c) => cells.push({ row: r, column: c, x: columns[c].anchor, top, lines, text: row[c], color: input.cellColors?.[row[c]] ?? '#222' }));
    bands.push({ row: r, top, end: top + height });
    top += height;
  });
  return {
    ...frame(input.title, [input.subtitle]),
    width,
    height: top,
    layer: [
      ...headerLayers(columns),
      { data: { values: bands }, mark: { type: 'rule', color: '#e6e6e6' }, encoding: { x: { value: 0 }, x2: { value: width }, y: pixel('end') } },
      {
        data: { values: cells },
        mark: { type: 'text', align: 'left', baseline: 'top', fontSize: 11, lineHeight: GRID.lineHeight, dy: GRID.rowPadding / 2 },
        encoding: {
          x: pixel('x'), y: pixel('top'), text: { field: 'lines', type: 'nominal' },
          color: { field: 'color', type: 'nominal', scale: null },
          tooltip: { field: 'text', type: 'nominal' },
        },
      },
    ],
  };
}

export const RUN_TABLE_COLORS = { error: COLORS.error, warning: COLORS.warning, info: COLORS.info, '—': COLORS.neutral } as const;
