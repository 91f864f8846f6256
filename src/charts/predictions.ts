/**
 * Side-by-side predictions (CHECKLIST T10): input | true | predicted |
 * confidence | loss, highest loss first, with a checkbox to keep only the
 * wrong ones. Regression sets (numeric target and prediction) get the
 * predicted-vs-true scatter instead (see regression.ts).
 */
import type { SampleRow, SampleSet } from '../measurements';
import { COLORS, FORMAT, clip, emptyChart, frame, isFiniteNumber, round, expectMeasurement, type ChartSpec } from './base';
import { regressionChart } from './regression';
import { headerLayers, pixel, placeColumns, rankRows } from './table';

const TITLE = 'Predictions side by side';
export const PREDICTIONS = {
  /** The rows with the highest loss are kept when there are more (fewer for images: they are taller). */
  maxRows: 32,
  maxImageRows: 20,
  imageSize: 48,
  textRowHeight: 22,
  confidenceWidth: 120,
} as const;

/** Highest loss first; without losses, least confident first; then by index. */
const SORT_KEY = 'isValid(datum.loss) ? -datum.loss : isValid(datum.confidence) ? datum.confidence : datum.index';

function isRegression(set: SampleSet): boolean {
  const numeric = set.rows.filter((r) => isFiniteNumber(r.actualValue) && isFiniteNumber(r.predictedValue));
  return numeric.length > 0 && numeric.length >= set.rows.length / 2;
}

/** Keeps the hardest rows: highest loss, else lowest confidence. */
function hardest(rows: readonly SampleRow[], max: number): SampleRow[] {
  if (rows.length <= max) return rows.slice();
  const score = (r: SampleRow) => (isFiniteNumber(r.loss) ? r.loss : isFiniteNumber(r.confidence) ? 1 - r.confidence : 0);
  return [...rows].sort((a, b) => score(b) - score(a)).slice(0, max);
}

function inputText(row: SampleRow): string {
  if (row.text !== undefined) return clip(row.text, 34);
  if (!row.values || row.values.length === 0) return '';
  const shown = row.values.slice(0, 4).map((v) => (isFiniteNumber(v) ? String(Number(v.toPrecision(3))) : 'NaN'));
  return clip(`${shown.join(', ')}${row.values.length > 4 ? ', …' : ''}`, 34);
}

export function predictionsChart(set: SampleSet): ChartSpec {
  expectMeasurement('predictionsChart', set, 'report.measurements.predictions', 'rows');
  if (isRegression(set)) return regressionChart(set);
  const withPrediction = set.rows.filter((r) => r.prediction !== undefined);
  if (withPrediction.length === 0) return emptyChart(TITLE, 'No predictions were recorded.');
  const images = set.kind === 'image' && withPrediction.every((r) => typeof r.image === 'string' && r.image.startsWith('data:image/'));
  const rows = hardest(withPrediction, images ? PREDICTIONS.maxImageRows : PREDICTIONS.maxRows);
  const rowHeight = images ? PREDICTIONS.imageSize + 8 : PREDICTIONS.textRowHeight;
  const { columns, width } = placeColumns([
    { header: 'input', width: images ? PREDICTIONS.imageSize : 200 },
    { header: 'true', width: 90 },
    { header: 'predicted', width: 90 },
    { header: 'confidence', width: PREDICTIONS.confidenceWidth + 40 },
    { header: 'loss', width: 60, align: 'right' as const },
  ]);
  const [input, actual, predicted, confidence, loss] = columns;
  const data = rows.map((r) => ({
    index: r.index,
    image: images ? r.image ?? null : null,
    input: images ? '' : inputText(r),
    label: r.label,
    prediction: r.prediction ?? null,
    confidence: isFiniteNumber(r.confidence) ? round(r.confidence, 4) : null,
    loss: isFiniteNumber(r.loss) ? round(r.loss, 4) : null,
    wrong: r.correct === false || (r.correct === undefined && r.prediction !== undefined && r.prediction !== r.label),
  }));
  const wrongCount = data.filter((d) => d.wrong).length;
  const headerHeight = 20;
  const middle = rowHeight / 2;
  const tooltip = [
    { field: 'index', type: 'quantitative', title: 'sample' },
    { field: 'label', type: 'nominal', title: 'true' },
    { field: 'prediction', type: 'nominal', title: 'predicted' },
    { field: 'confidence', type: 'quantitative', title: 'confidence', format: FORMAT.percent },
    { field: 'loss', type: 'quantitative', title: 'loss', format: FORMAT.number },
  ];
  const text = (column: typeof actual, field: string, extra: object = {}) => ({
    mark: { type: 'text', baseline: 'middle', fontSize: 12, align: column.align ?? 'left', ...extra },
    encoding: {
      x: { value: column.anchor }, y: pixel('middle'), text: { field, type: field === 'loss' ? 'quantitative' : 'nominal', ...(field === 'loss' ? { format: FORMAT.column } : {}) },
      color: { condition: { test: 'datum.wrong', value: COLORS.error }, value: '#222' },
    },
  });
  return {
    ...frame(TITLE, [
      `${rows.length}${set.rows.length > rows.length ? ` hardest of ${set.rows.length}` : ''} samples, highest loss first; ${wrongCount} of these predicted wrong (red).`,
    ]),
    width,
    height: headerHeight + rows.length * rowHeight,
    params: [{ name: 'wrong_only', value: false, bind: { input: 'checkbox', name: 'Wrong predictions only ' } }],
    layer: [
      ...headerLayers(columns),
      {
        data: { values: data },
        transform: [
          { filter: '!wrong_only || datum.wrong' },
          ...rankRows(SORT_KEY, rowHeight, headerHeight),
          { calculate: `datum.top + ${middle}`, as: 'middle' },
          { calculate: `${confidence.left} + ${PREDICTIONS.confidenceWidth} * (isValid(datum.confidence) ? datum.confidence : 0)`, as: 'confidence_end' },
        ],
        layer: [
          {
            params: [{ name: 'row_hover', select: { type: 'point', fields: ['index'], on: 'mouseover', clear: 'mouseout' } }],
            mark: { type: 'rect', height: rowHeight - 2 },
            encoding: {
              x: { value: 0 }, x2: { value: width }, y: pixel('middle'),
              fill: { condition: { param: 'row_hover', empty: false, value: '#eef3fa' }, value: '#fafafa' },
              tooltip,
            },
          },
          images
            ? {
                mark: { type: 'image', width: PREDICTIONS.imageSize, height: PREDICTIONS.imageSize, smooth: false },
                encoding: { x: { value: input.left + PREDICTIONS.imageSize / 2 }, y: pixel('middle'), url: { field: 'image', type: 'nominal' }, description: { field: 'label', type: 'nominal' }, tooltip },
              }
            : text(input, 'input', { fontSize: 11, color: '#444' }),
          text(actual, 'label'),
          text(predicted, 'prediction', { fontWeight: 600 }),
          {
            mark: { type: 'rect', height: 10, tooltip: false },
            encoding: {
              x: { value: confidence.left }, x2: pixel('confidence_end'), y: pixel('middle'),
              fill: { condition: { test: 'datum.wrong', value: COLORS.error }, value: COLORS.info },
            },
          },
          {
            mark: { type: 'text', baseline: 'middle', align: 'left', dx: 4, fontSize: 11, color: '#444' },
            encoding: { x: pixel('confidence_end'), y: pixel('middle'), text: { field: 'confidence', type: 'quantitative', format: '.0%' } },
          },
          text(loss, 'loss'),
        ],
      },
    ],
  };
}
