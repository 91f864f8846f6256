/**
 * Sample grid (CHECKLIST D1): the inputs exactly as the network receives them,
 * with label, prediction and loss beneath each one. Images are PNG data URLs in
 * an image mark (upscaled by the mark, not in the PNG); tabular inputs are rows
 * of a text table. A select control orders the samples by index or by loss.
 */
import type { SampleRow, SampleSet } from '../measurements';
import { COLORS, FORMAT, clip, emptyChart, frame, isFiniteNumber, round, expectMeasurement, type ChartSpec } from './base';
import { headerLayers, pixel, placeColumns, rankRows, type Column } from './table';

const TITLE = 'Samples as the network sees them';
export const GRID = {
  columns: 8,
  cellWidth: 84,
  /** Display size of an image: 28x28 digits are drawn at 2x. */
  imageSize: 56,
  captionHeight: 34,
  /** Most samples one grid shows. */
  maxSamples: 64,
  /** Most feature columns a table row shows. */
  maxColumns: 5,
  rowHeight: 20,
} as const;

/** Vega expression giving each sample its place in the chosen order (the param `sort_by` is ours, never user text). */
const SORT_KEY = "sort_by === 'loss' ? -datum.loss : datum.index";

function sortControl(hasLoss: boolean) {
  return hasLoss
    ? [{
        name: 'sort_by', value: 'index',
        bind: { input: 'select', options: ['index', 'loss'], labels: ['index', 'loss (highest first)'], name: 'Order by ' },
      }]
    : [{ name: 'sort_by', value: 'index' }];
}

function captions(row: SampleRow) {
  const prediction = row.prediction === undefined ? '' : ` → ${row.prediction}`;
  const loss = isFiniteNumber(row.loss) ? `loss ${Number(row.loss.toPrecision(2))}` : '';
  const confidence = isFiniteNumber(row.confidence) ? `${Math.round(row.confidence * 100)}%` : '';
  return {
    caption: clip(`${row.label}${prediction}`, 14),
    detail: [loss, confidence].filter(Boolean).join(' · '),
  };
}

const tooltip = [
  { field: 'index', type: 'quantitative', title: 'sample' },
  { field: 'label', type: 'nominal', title: 'label' },
  { field: 'prediction', type: 'nominal', title: 'prediction' },
  { field: 'confidence', type: 'quantitative', title: 'confidence', format: FORMAT.percent },
  { field: 'loss', type: 'quantitative', title: 'loss', format: FORMAT.number },
];

function commonRow(row: SampleRow) {
  return {
    index: row.index,
    label: row.label,
    prediction: row.prediction ?? null,
    confidence: isFiniteNumber(row.confidence) ? round(row.confidence, 4) : null,
    loss: isFiniteNumber(row.loss) ? round(row.loss, 4) : null,
    wrong: row.correct === false,
    ...captions(row),
  };
}

function imageGrid(set: SampleSet, rows: SampleRow[], hasLoss: boolean): ChartSpec {
  const { columns, cellWidth, imageSize, captionHeight } = GRID;
  const cellHeight = imageSize + captionHeight;
  const data = rows.map((row) => ({ ...commonRow(row), image: row.image ?? null }));
  const gridRows = Math.ceil(data.length / columns);
  const textColor = { condition: { test: 'datum.wrong', value: COLORS.error }, value: '#222' };
  return {
    ...frame(TITLE, subtitle(set, rows, hasLoss)),
    width: Math.min(data.length, columns) * cellWidth,
    height: gridRows * cellHeight,
    data: { values: data },
    params: sortControl(hasLoss),
    transform: [
      ...rankRows(SORT_KEY, cellHeight, 0, columns, cellWidth),
      { calculate: `datum.left + ${cellWidth / 2}`, as: 'centre' },
      { calculate: `datum.top + ${imageSize / 2}`, as: 'middle' },
    ],
    layer: [
      {
        params: [{ name: 'sample_hover', select: { type: 'point', fields: ['index'], on: 'mouseover', clear: 'mouseout' } }],
        mark: { type: 'image', width: imageSize, height: imageSize, smooth: false },
        // The caption, not the data URL, is what screen readers (and the SVG's aria-label) get.
        encoding: { x: pixel('centre'), y: pixel('middle'), url: { field: 'image', type: 'nominal' }, description: { field: 'caption', type: 'nominal' }, tooltip },
      },
      {
        // Frame: red around wrong predictions, dark around the hovered sample.
        mark: { type: 'rect', fill: null, strokeWidth: 2, width: imageSize + 4, height: imageSize + 4, tooltip: false },
        encoding: {
          x: pixel('centre'), y: pixel('middle'),
          stroke: { condition: { test: 'datum.wrong', value: COLORS.error }, value: '#ddd' },
          strokeOpacity: { condition: [{ param: 'sample_hover', empty: false, value: 1 }, { test: 'datum.wrong', value: 1 }], value: 0.6 },
        },
      },
      {
        mark: { type: 'text', baseline: 'top', fontSize: 11, fontWeight: 600, dy: imageSize / 2 + 4 },
        encoding: { x: pixel('centre'), y: pixel('middle'), text: { field: 'caption', type: 'nominal' }, color: textColor },
      },
      {
        mark: { type: 'text', baseline: 'top', fontSize: 9, dy: imageSize / 2 + 18, color: COLORS.neutral },
        encoding: { x: pixel('centre'), y: pixel('middle'), text: { field: 'detail', type: 'nominal' } },
      },
    ],
  };
}

function tableGrid(set: SampleSet, rows: SampleRow[], hasLoss: boolean): ChartSpec {
  const { rowHeight, maxColumns } = GRID;
  const names = (set.columns ?? []).slice(0, maxColumns);
  const valueCount = Math.min(maxColumns, Math.max(names.length, ...rows.map((r) => r.values?.length ?? 0)));
  const hasPrediction = rows.some((r) => r.prediction !== undefined);
  // Fixed field names (v0, v1...): user column names are data, never field paths.
  const data = rows.map((row) => {
    const values = Object.fromEntries(Array.from({ length: valueCount }, (_, i) => [`v${i}`, finiteOrNull(row.values?.[i])]));
    return { ...commonRow(row), ...values };
  });
  const columns: (Column & { text: object })[] = [
    { header: '#', width: 44, text: { field: 'index', type: 'quantitative' }, align: 'right' },
    { header: 'label', width: 80, text: { field: 'label', type: 'nominal' } },
    ...(hasPrediction ? [{ header: 'prediction', width: 80, text: { field: 'prediction', type: 'nominal' } }] : []),
    ...(hasLoss ? [{ header: 'loss', width: 56, text: { field: 'loss', type: 'quantitative', format: FORMAT.number }, align: 'right' as const }] : []),
    ...Array.from({ length: valueCount }, (_, i) => ({
      header: clip(names[i] ?? `x${i}`, 11), width: 74,
      text: { field: `v${i}`, type: 'quantitative', format: '.4~g' }, align: 'right' as const,
    })),
  ];
  const { columns: placed, width } = placeColumns(columns);
  const top = rowHeight + 2;
  const textColor = { condition: { test: 'datum.wrong', value: COLORS.error }, value: '#222' };
  return {
    ...frame(TITLE, subtitle(set, rows, hasLoss)),
    width,
    height: top + data.length * rowHeight,
    params: sortControl(hasLoss),
    layer: [
      ...headerLayers(placed),
      {
        data: { values: data },
        transform: rankRows(SORT_KEY, rowHeight, top),
        layer: [
          {
            params: [{ name: 'sample_hover', select: { type: 'point', fields: ['index'], on: 'mouseover', clear: 'mouseout' } }],
            mark: { type: 'rect', height: rowHeight, tooltip: true },
            encoding: {
              x: { value: 0 }, x2: { value: width }, y: pixel('top'), yOffset: { value: rowHeight / 2 },
              fill: { condition: { param: 'sample_hover', empty: false, value: '#eef3fa' }, value: '#ffffff' },
              tooltip,
            },
          },
          ...placed.map((c) => ({
            mark: { type: 'text', baseline: 'top', fontSize: 11, align: c.align ?? 'left', dy: 4 },
            encoding: { x: { value: c.anchor }, y: pixel('top'), text: c.text, color: textColor },
          })),
        ],
      },
    ],
  };
}

function finiteOrNull(value: number | undefined): number | null {
  return isFiniteNumber(value) ? round(value, 4) : null;
}

function subtitle(set: SampleSet, shown: SampleRow[], hasLoss: boolean): string[] {
  const count = set.rows.length > shown.length ? `${shown.length} of ${set.rows.length} samples` : `${shown.length} samples`;
  const wrong = shown.filter((r) => r.correct === false).length;
  return [
    `${count}, exactly as the model receives them.${wrong > 0 ? ` ${wrong} predicted wrong (red).` : ''}${hasLoss ? ' Order by loss to see the hardest first.' : ''}`,
  ];
}

export function sampleGridChart(set: SampleSet): ChartSpec {
  expectMeasurement('sampleGridChart', set, 'report.measurements.samples', 'rows');
  if (set.rows.length === 0) return emptyChart(TITLE, 'No samples were recorded.');
  const rows = set.rows.slice(0, GRID.maxSamples);
  const hasLoss = rows.every((r) => isFiniteNumber(r.loss));
  const images = set.kind === 'image' && rows.every((r) => typeof r.image === 'string' && r.image.startsWith('data:image/'));
  return images ? imageGrid(set, rows, hasLoss) : tableGrid(set, rows, hasLoss);
}
