/**
 * Chart builders: every spec compiles with vega-lite and renders with vega in
 * Node without warnings, and shows the expected marks.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs';
import { lossChart, gradientFlowChart, SCHEMA, type ChartSpec } from '../src/charts';
import * as fx from './fixtures/measurements';

interface Rendered {
  svg: string;
  warnings: string[];
  /** Compiled Vega spec (for checks on signals, scales and data). */
  vega: { signals?: { name: string; bind?: unknown }[]; scales?: { name: string; type?: string }[]; [key: string]: unknown };
}

/** Compiles with vega-lite and renders to SVG with vega (no DOM), collecting every warning. */
export async function render(spec: ChartSpec): Promise<Rendered> {
  const vl = await import('vega-lite');
  const vega = await import('vega');
  const warnings: string[] = [];
  interface Logger { level(): Logger; warn(...args: unknown[]): Logger; error(...args: unknown[]): Logger; info(): Logger; debug(): Logger }
  const logger: Logger = {
    level: () => logger,
    warn: (...args: unknown[]) => { warnings.push(args.join(' ')); return logger; },
    error: (...args: unknown[]) => { warnings.push(`error: ${args.join(' ')}`); return logger; },
    info: () => logger,
    debug: () => logger,
  };
  // The spec must survive a JSON round trip: it travels as a MIME bundle.
  const json = JSON.parse(JSON.stringify(spec));
  const compiled = vl.compile(json, { logger });
  const view = new vega.View(vega.parse(compiled.spec), { renderer: 'none', logger });
  const svg = await view.toSVG();
  view.finalize();
  return { svg, warnings, vega: compiled.spec as Rendered['vega'] };
}

/** Number of scenegraph items of one kind in the SVG ("bar", "point", "line", "text", "image", "rule"...). */
export function countMarks(svg: string, kind: string): number {
  return svg.split(`aria-roledescription="${kind}"`).length - 1;
}

/** Runs a builder test and checks that no tensor was created or leaked on the way. */
function chartTest(name: string, body: () => Promise<void>): void {
  test(name, async () => {
    const before = tf.memory().numTensors;
    await body();
    assert.equal(tf.memory().numTensors, before);
  });
}

function assertClean(rendered: Rendered): void {
  assert.deepEqual(rendered.warnings, []);
  assert.match(rendered.svg, /^<svg/);
}

chartTest('lossChart({loss, curves}) draws one line per series, the chance band and the initial-loss marker', async () => {
  const spec = lossChart({ loss: fx.lossHealthy, curves: fx.curvesProbes });
  assert.equal(spec.$schema, SCHEMA);
  const out = await render(spec);
  assertClean(out);
  assert.equal(countMarks(out.svg, 'line mark'), 2);
  assert.equal(countMarks(out.svg, 'rect mark'), 1, 'one chance band');
  // The chance line plus the initial-loss spread across probe batches.
  assert.equal(countMarks(out.svg, 'rule mark'), 2);
  assert.match(out.svg, /initial 2\.34/);
  assert.match(out.svg, /chance 2\.3/);
  // 2.34 -> 0.0021 spans three orders of magnitude: log scale.
  assert.equal(out.vega.scales?.find((s) => s.name === 'y')?.type, 'log');
  // Clicking a legend entry highlights a series.
  assert.ok(out.vega.signals?.some((s) => s.name === 'series_pick_series_legend'));
});

chartTest('lossChart({loss}) without curves shows each probe batch against the chance band, linear scale', async () => {
  const out = await render(lossChart({ loss: fx.lossAboveChance }));
  assertClean(out);
  assert.equal(countMarks(out.svg, 'point'), fx.lossAboveChance.initialLossPerBatch.length);
  assert.match(out.svg, /mean initial 41\.7/);
  assert.equal(out.vega.scales?.find((s) => s.name === 'y')?.type, 'linear');
});

chartTest('lossChart({curves}) downsamples 10,000 steps and marks where the loss stopped being finite', async () => {
  const spec = lossChart({ curves: fx.curvesLongDiverging });
  const layers = spec.layer as { data?: { values?: { step: number; loss?: number }[] } }[];
  const lineRows = layers.find((l) => l.data?.values?.some((v) => v.loss !== undefined))?.data?.values ?? [];
  assert.ok(lineRows.length <= 300 && lineRows.length > 100, `${lineRows.length} rows`);
  assert.equal(lineRows[0].step, 0);
  const out = await render(spec);
  assertClean(out);
  assert.match(out.svg, /loss not finite from here/);
  assert.ok(!out.svg.includes('>series<'), 'no legend for a single series');
});

chartTest('lossChart({}) says that nothing was measured instead of drawing empty axes', async () => {
  const out = await render(lossChart({}));
  assertClean(out);
  assert.match(out.svg, /No loss was measured/);
});

chartTest('gradientFlowChart(flow) draws one bar per weight with a finite norm, in model order, with the 1e-3 guide', async () => {
  const out = await render(gradientFlowChart(fx.gradientsHealthy));
  assertClean(out);
  // 6 gradient bars; update ratios exist for the 3 kernels only (zero-initialized biases have no ratio).
  assert.equal(countMarks(out.svg, 'bar'), 6 + 3);
  assert.equal(countMarks(out.svg, 'point'), 3, 'n/a markers for the bias ratios');
  assert.match(out.svg, /0\.001 guide/);
  const order = ['dense_1 · kernel', 'dense_2 · kernel', 'dense_3 · bias'].map((label) => out.svg.indexOf(`>${label}<`));
  assert.ok(order.every((position, i) => position > 0 && (i === 0 || position > order[i - 1])), `labels in model order: ${order}`);
});

chartTest('gradientFlowChart(flow) shows zero and missing gradients as labelled crosses, not as missing bars', async () => {
  const out = await render(gradientFlowChart(fx.gradientsVanishing));
  assertClean(out);
  // 16 weights: dense_3 bias has gradient 0, dense_8 kernel has none.
  assert.equal(countMarks(out.svg, 'bar'), 14 + 14);
  assert.equal(countMarks(out.svg, 'point'), 2 + 2);
  assert.match(out.svg, />0</);
  assert.match(out.svg, />n\/a</);
  const x = out.vega.scales?.find((s) => s.name === 'concat_0_x');
  assert.equal(x?.type, 'log');
});

chartTest('gradientFlowChart({weights: []}) explains that there is nothing to show', async () => {
  const out = await render(gradientFlowChart({ weights: [] }));
  assertClean(out);
  assert.match(out.svg, /no trainable weights/);
});
