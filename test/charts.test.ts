/**
 * Chart builders: every spec compiles with vega-lite and renders with vega in
 * Node without warnings, and shows the expected marks.
 */
import assert from 'node:assert/strict';
import {
  SCHEMA, activationHealthChart, confusionMatrixChart, dataProfileChart, findingsTableChart, gradientFlowChart, lossChart,
  lrRangeChart, predictionsChart, sampleGridChart, type ChartSpec,
} from '../src/charts';
import * as fx from './fixtures/measurements';

import { assertClean, chartTest, countMarks, render, texts } from './fixtures/render-chart';

chartTest('lossChart({loss, curves}) draws one line per series, the chance band and the initial-loss marker, explained in the subtitle', async () => {
  const spec = lossChart({ loss: fx.lossHealthy, curves: fx.curvesProbes });
  assert.equal(spec.$schema, SCHEMA);
  const out = await render(spec);
  assertClean(out);
  assert.equal(countMarks(out.svg, 'line mark'), 2);
  assert.equal(countMarks(out.svg, 'rect mark'), 1, 'one chance band');
  // The chance line plus the initial-loss spread across probe batches.
  assert.equal(countMarks(out.svg, 'rule mark'), 2);
  const subtitle = (spec.title as { subtitle: string[] }).subtitle.join(' ');
  assert.match(subtitle, /Red diamond at step 0: initial categoricalCrossentropy loss 2\.34, the mean of \d+ probe batches \(red bar: lowest to highest\)\. Each curve starts on its own samples\./);
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
  const lineRows = (spec.datasets as Record<string, { step: number; loss?: number }[]>).curves;
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
  // 16 weights: dense_3 bias has gradient 0, dense_8 kernel's gradient is NaN.
  assert.equal(countMarks(out.svg, 'bar'), 14 + 14);
  assert.equal(countMarks(out.svg, 'point'), 2 + 2);
  assert.match(out.svg, />0</);
  assert.match(out.svg, />NaN\/Inf</);
  assert.ok(!out.svg.includes('>n/a<'), 'not finite is not the same as not measured');
  const x = out.vega.scales?.find((s) => s.name === 'concat_0_x');
  assert.equal(x?.type, 'log');
});

chartTest('gradientFlowChart({weights: []}) explains that there is nothing to show', async () => {
  const out = await render(gradientFlowChart({ weights: [] }));
  assertClean(out);
  assert.match(out.svg, /no trainable weights/);
});

chartTest('activationHealthChart(health) draws dead and saturated fractions per layer and the std through depth', async () => {
  const out = await render(activationHealthChart(fx.activationsMixed));
  assertClean(out);
  // 6 grey 100% tracks + 2 dead (relu) + 2 saturated (sigmoid, tanh) fractions.
  assert.equal(countMarks(out.svg, 'bar'), 6 + 4);
  assert.equal(countMarks(out.svg, 'point'), 6, 'one std point per layer');
  assert.equal(countMarks(out.svg, 'line mark'), 1);
  // std spans 0.0031..0.41: log scale.
  assert.equal(out.vega.scales?.find((s) => s.name === 'concat_1_x')?.type, 'log');
  const labels = ['conv2d_1', 'conv2d_2', 'flatten', 'dense_1'].map((l) => out.svg.indexOf(`>${l}<`));
  assert.ok(labels.every((p, i) => p > 0 && (i === 0 || p > labels[i - 1])), `layers in model order: ${labels}`);
  for (const activation of ['relu', 'linear', 'sigmoid', 'tanh', 'softmax']) assert.match(out.svg, new RegExp(`>${activation}<`));
});

chartTest('dataProfileChart(profile) shows mean ± std per feature and split, and the share of each class per split', async () => {
  const out = await render(dataProfileChart(fx.profileTabular));
  assertClean(out);
  // 8 features x 2 splits mean±std bars + 3 classes x 2 splits label bars.
  assert.equal(countMarks(out.svg, 'bar'), 16 + 6);
  assert.equal(countMarks(out.svg, 'tick'), 16, 'a mean tick per feature and split');
  assert.equal(countMarks(out.svg, 'rule mark'), 16, 'a min..max line per feature and split');
  // population (~1400) next to bedrooms (~1): symlog so both stay readable.
  assert.equal(out.vega.scales?.find((s) => s.name === 'concat_0_x')?.type, 'symlog');
  assert.ok(out.vega.signals?.some((s) => s.name === 'split_pick_split_legend'), 'legend picks a split');
});

chartTest('dataProfileChart(profile) for regression shows the target statistics instead of classes', async () => {
  const out = await render(dataProfileChart(fx.profileRegression));
  assertClean(out);
  assert.match(out.svg, /Regression target: mean 2\.07 ± 1\.15, range 0\.15 to 5/);
  assert.equal(countMarks(out.svg, 'bar'), 16 + 1);
});

chartTest('dataProfileChart(profile) keeps the 30 widest of 100 features and says so', async () => {
  const features = Array.from({ length: 100 }, (_, i) => ({ feature: `f${i}`, split: 'train' as const, mean: i, std: 1, min: i - 2, max: i + 2 }));
  const out = await render(dataProfileChart({ unit: 'feature', features, labels: [], samples: 500 }));
  assertClean(out);
  assert.equal(countMarks(out.svg, 'bar'), 30);
  assert.match(out.svg, /Per feature: the 30 widest of 100/);
  assert.ok(out.svg.includes('>f99<') && !out.svg.includes('>f0<'));
});

chartTest('sampleGridChart(images) draws each sample as one image mark with its caption, reordered by loss on request', async () => {
  const spec = sampleGridChart(fx.samplesImage);
  const byIndex = await render(spec);
  assertClean(byIndex);
  assert.equal(countMarks(byIndex.svg, 'image mark'), 24);
  assert.equal(countMarks(byIndex.svg, 'rect'), 0, 'pixels are never drawn as rects');
  const sortSignal = byIndex.vega.signals?.find((s) => s.name === 'sort_by');
  assert.deepEqual((sortSignal?.bind as { options: string[] }).options, ['index', 'loss']);
  const firstCaption = (svg: string) => texts(svg).filter((t) => t.text.includes('→')).sort((a, b) => a.y - b.y || a.x - b.x)[0].text;
  const first = fx.samplesImage.rows[0];
  assert.equal(firstCaption(byIndex.svg), `${first.label} → ${first.prediction}`);
  const byLoss = await render(spec, { sort_by: 'loss' });
  const worst = [...fx.samplesImage.rows].sort((a, b) => (b.loss ?? 0) - (a.loss ?? 0))[0];
  assert.equal(firstCaption(byLoss.svg), `${worst.label} → ${worst.prediction}`);
});

chartTest('sampleGridChart(table) shows rows as text with the feature columns, wrong predictions in red', async () => {
  const out = await render(sampleGridChart(fx.samplesTable));
  assertClean(out);
  assert.match(out.svg, />median inc…</);
  assert.match(out.svg, />bedrooms</);
  const wrong = fx.samplesTable.rows.filter((r) => r.correct === false).length;
  // Red: index, label, prediction, loss and 5 values of each wrong row.
  assert.equal(out.svg.split('fill="#c62828"').length - 1, wrong * 9);
});

chartTest('predictionsChart(images) lists input | true | predicted | confidence | loss, highest loss first; the checkbox keeps wrong ones', async () => {
  const spec = predictionsChart(fx.predictionsImage);
  const all = await render(spec);
  assertClean(all);
  assert.equal(countMarks(all.svg, 'image mark'), 16);
  assert.ok(all.vega.signals?.some((s) => s.name === 'wrong_only' && s.bind !== undefined));
  const losses = texts(all.svg).filter((t) => t.x > 400 && /^\d/.test(t.text)).sort((a, b) => a.y - b.y).map((t) => Number(t.text));
  assert.equal(losses.length, 16);
  assert.deepEqual(losses, [...losses].sort((a, b) => b - a), 'highest loss first');
  const wrongOnly = await render(spec, { wrong_only: true });
  const wrong = fx.predictionsImage.rows.filter((r) => r.correct === false).length;
  assert.ok(wrong > 0 && wrong < 16);
  assert.equal(countMarks(wrongOnly.svg, 'image mark'), wrong);
});

chartTest('predictionsChart(regression) plots predicted vs true with the identity line, and the residuals', async () => {
  const out = await render(predictionsChart(fx.predictionsRegression));
  assertClean(out);
  assert.equal(countMarks(out.svg, 'circle'), 200 * 2);
  assert.equal(countMarks(out.svg, 'line mark'), 1, 'identity line');
  assert.match(out.svg, /RMSE \d/);
  assert.ok(JSON.stringify(out.vega).includes('"brush_x"'), 'brush links the panels');
});

chartTest('confusionMatrixChart(matrix) fills every cell, prints non-zero counts, colours right and wrong apart', async () => {
  const out = await render(confusionMatrixChart(fx.confusionDigits));
  assertClean(out);
  const nonZero = fx.confusionDigits.cells.filter((c) => c.count > 0);
  // Background for all 100 cells, then one coloured rect per non-zero cell.
  assert.equal(countMarks(out.svg, 'rect mark'), 100 + nonZero.length);
  const printed = texts(out.svg).filter((t) => /^\d+$/.test(t.text)).length;
  assert.equal(printed, nonZero.length + 20, 'counts plus the 0-9 labels of both axes');
  assert.equal(countMarks(out.svg, 'legend'), 2, 'separate scales for right and wrong');
});

chartTest('lrRangeChart(test) draws raw and smoothed loss on a log learning-rate axis with the band and markers', async () => {
  const out = await render(lrRangeChart(fx.lrRangeTypical));
  assertClean(out);
  assert.equal(countMarks(out.svg, 'line mark'), 2);
  assert.equal(out.vega.scales?.find((s) => s.name === 'x')?.type, 'log');
  assert.match(out.svg, />suggested 3e-4–0\.003</);
  assert.match(out.svg, />your learning rate 0\.1</);
  assert.match(out.svg, />diverges at 0\.6</);
  assert.match(out.svg, />steepest descent 0\.0011</);
});

chartTest('findingsTableChart(findings) lists findings most severe first; the select control narrows them', async () => {
  const spec = findingsTableChart([...fx.findingsMixed].reverse());
  const all = await render(spec);
  assertClean(all);
  const severities = texts(all.svg).filter((t) => /^(error|warning|info)$/.test(t.text)).sort((a, b) => a.y - b.y).map((t) => t.text);
  assert.deepEqual(severities, ['error', 'warning', 'warning', 'info']);
  assert.equal(countMarks(all.svg, 'point'), 4, 'a coloured dot per finding');
  const errorsOnly = await render(spec, { show_severity: 'error' });
  assert.equal(countMarks(errorsOnly.svg, 'point'), 1);
});

chartTest('every builder keeps hostile strings as text: class, layer, feature and finding names never become markup', async () => {
  const h = fx.HOSTILE;
  const specs = [
    confusionMatrixChart(fx.confusionHostile),
    gradientFlowChart({ weights: fx.gradientsHealthy.weights.map((w) => ({ ...w, layer: h, weight: `${h}/${w.weight}` })) }),
    activationHealthChart({ layers: fx.activationsMixed.layers.map((l) => ({ ...l, layer: `${h}${l.layerIndex}`, activation: h })) }),
    dataProfileChart({ ...fx.profileTabular, features: fx.profileTabular.features.map((f) => ({ ...f, feature: `${h}${f.feature}` })), labels: fx.profileTabular.labels.map((l) => ({ ...l, label: h + l.label })) }),
    sampleGridChart({ ...fx.samplesTable, columns: [h, h], rows: fx.samplesTable.rows.map((r) => ({ ...r, label: h, prediction: `"${h}'` })) }),
    sampleGridChart({ kind: 'image', rows: [{ index: 0, image: 'javascript:alert(1)', label: h }] }),
    predictionsChart({ ...fx.samplesTable, rows: fx.samplesTable.rows.map((r) => ({ ...r, label: h })) }),
    lossChart({ loss: { ...fx.lossHealthy, lossName: h, chanceReason: h }, curves: { ...fx.curvesProbes, points: fx.curvesProbes.points.map((p) => ({ ...p, series: h + p.series })) } }),
    findingsTableChart(fx.findingsMixed.map((f) => ({ ...f, title: h, fix: h, layer: h }))),
  ];
  for (const spec of specs) {
    const out = await render(spec);
    assertClean(out);
    assert.ok(!/<img|<script|javascript:/i.test(out.svg), 'no markup or script URL from data');
    assert.ok(out.svg.includes('&lt;img src=x'), 'the string is shown, escaped');
  }
});

chartTest('every builder fits a ~700px notebook cell, even with Node\'s pessimistic text widths', async () => {
  const specs: [string, ChartSpec][] = [
    ['loss', lossChart({ loss: fx.lossHealthy, curves: fx.curvesProbes })],
    ['initial loss', lossChart({ loss: fx.lossAboveChance })],
    ['gradients', gradientFlowChart(fx.gradientsVanishing)],
    ['activations', activationHealthChart(fx.activationsMixed)],
    ['profile', dataProfileChart(fx.profileTabular)],
    ['samples', sampleGridChart(fx.samplesImage)],
    ['table', sampleGridChart(fx.samplesTable)],
    ['predictions', predictionsChart(fx.predictionsImage)],
    ['regression', predictionsChart(fx.predictionsRegression)],
    ['confusion', confusionMatrixChart(fx.confusionDigits)],
    ['lr', lrRangeChart(fx.lrRangeTypical)],
    ['findings', findingsTableChart(fx.findingsMixed)],
  ];
  for (const [name, spec] of specs) {
    const out = await render(spec);
    const width = Number(/<svg[^>]* width="([\d.]+)"/.exec(out.svg)?.[1]);
    assert.ok(width > 300 && width <= 760, `${name}: ${width}px wide`);
  }
});
