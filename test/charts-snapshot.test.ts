/**
 * Snapshots of every builder's spec for the shared fixtures, after removing
 * noise (numbers rounded to 4 significant digits, image data URLs shortened),
 * so any change to a chart shows up in review as a diff of
 * test/__snapshots__/charts.json. Regenerate with UPDATE_SNAPSHOTS=1.
 */
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import {
  activationHealthChart, confusionMatrixChart, dataProfileChart, findingsTableChart, gradientFlowChart, lossChart,
  lrRangeChart, predictionsChart, sampleGridChart, type ChartSpec,
} from '../src/charts';
import { chartTest } from './fixtures/render-chart';
import * as fx from './fixtures/measurements';

// Compiled to dist/test/; the snapshot lives next to the sources.
const SNAPSHOT = join(__dirname, '..', '..', 'test', '__snapshots__', 'charts.json');

const CASES: Record<string, () => ChartSpec> = {
  'loss probes': () => lossChart({ loss: fx.lossHealthy, curves: fx.curvesProbes }),
  'loss above chance': () => lossChart({ loss: fx.lossAboveChance }),
  'loss long diverging': () => lossChart({ curves: fx.curvesLongDiverging }),
  'gradients healthy': () => gradientFlowChart(fx.gradientsHealthy),
  'gradients vanishing': () => gradientFlowChart(fx.gradientsVanishing),
  activations: () => activationHealthChart(fx.activationsMixed),
  'profile image': () => dataProfileChart(fx.profileImage),
  'profile tabular': () => dataProfileChart(fx.profileTabular),
  'profile regression': () => dataProfileChart(fx.profileRegression),
  'samples image': () => sampleGridChart(fx.samplesImage),
  'samples table': () => sampleGridChart(fx.samplesTable),
  'predictions image': () => predictionsChart(fx.predictionsImage),
  'predictions regression': () => predictionsChart(fx.predictionsRegression),
  confusion: () => confusionMatrixChart(fx.confusionDigits),
  'lr range': () => lrRangeChart(fx.lrRangeTypical),
  findings: () => findingsTableChart(fx.findingsMixed),
};

/** Inline data rows kept per dataset: the exact tests check the data; the snapshot checks the spec around it. */
const ROWS_KEPT = 3;

/** Rounds numbers, shortens data URLs and long data tables, so the snapshot holds structure, not noise. */
export function normalize(value: unknown, key = ''): unknown {
  if (typeof value === 'number') return Number.isInteger(value) ? value : Number(value.toPrecision(4));
  if (typeof value === 'string') return value.startsWith('data:image/png;base64,') ? `data:image/png;base64,(${value.length} chars)` : value;
  if (Array.isArray(value)) {
    // Inline rows ('values') and named datasets (under 'datasets') alike.
    const rows = key === 'values' || key.startsWith('datasets.');
    const kept = rows && value.length > ROWS_KEPT + 1 ? [...value.slice(0, ROWS_KEPT), `(${value.length} rows)`] : value;
    return kept.map((inner) => normalize(inner));
  }
  if (value !== null && typeof value === 'object') {
    return Object.fromEntries(Object.entries(value).map(([name, inner]) => [name, normalize(inner, key === 'datasets' ? `datasets.${name}` : name)]));
  }
  return value;
}

chartTest('every builder produces the spec in test/__snapshots__/charts.json for the shared fixtures', async () => {
  const actual = Object.fromEntries(Object.entries(CASES).map(([name, build]) => [name, normalize(build())]));
  if (process.env.UPDATE_SNAPSHOTS || !existsSync(SNAPSHOT)) {
    mkdirSync(dirname(SNAPSHOT), { recursive: true });
    writeFileSync(SNAPSHOT, `${JSON.stringify(actual, null, 1)}\n`);
  }
  const expected: Record<string, unknown> = JSON.parse(readFileSync(SNAPSHOT, 'utf8'));
  assert.deepEqual(Object.keys(actual), Object.keys(expected));
  for (const name of Object.keys(actual)) assert.deepEqual(actual[name], expected[name], `${name} changed: rerun with UPDATE_SNAPSHOTS=1 if intended`);
});

chartTest('normalize(spec) rounds numbers, shortens image data URLs and long data tables only', async () => {
  assert.deepEqual(normalize({ a: [1.234567, 3, 'x', 4, 5], b: 'data:image/png;base64,AAAA', c: null, data: { values: [1, 2, 3, 4, 5] } }), {
    a: [1.235, 3, 'x', 4, 5], b: 'data:image/png;base64,(26 chars)', c: null, data: { values: [1, 2, 3, '(5 rows)'] },
  });
});
