/**
 * Chart builders on awkward input: deep models, zero losses, empty and
 * all-missing measurements, long names. Each must still render cleanly.
 */
import assert from 'node:assert/strict';
import {
  activationHealthChart, combineByLayer, combineLayerRuns, confusionMatrixChart, dataProfileChart, findingsTableChart, gradientFlowChart,
  lossChart, lrRangeChart, predictionsChart, sampleGridChart,
} from '../src/charts';
import { formatNumber, wrapLine } from '../src/charts/base';
import { wrapText } from '../src/charts/table';
import type { WeightGradient } from '../src/measurements';
import { assertClean, chartTest, countMarks, render, texts } from './fixtures/render-chart';
import * as fx from './fixtures/measurements';

function weight(layer: string, layerIndex: number, name: string, size: number, gradNorm: number | null, weightNorm: number | null, updateRatio: number | null): WeightGradient {
  return { layer, layerIndex, weight: `${layer}/${name}`, shape: [size], gradNorm, weightNorm, meanAbsGrad: null, maxAbsGrad: null, updateRatio };
}

chartTest('combineByLayer(weights) takes norms of whole layers and the exact update ratio', async () => {
  const [conv] = combineByLayer([
    weight('conv', 0, 'kernel', 9, 3, 4, 0.01),
    weight('conv', 0, 'bias', 1, 4, 3, 0.02),
  ]);
  assert.equal(conv.weight, 'conv');
  assert.equal(conv.gradNorm, 5);
  assert.equal(conv.weightNorm, 5);
  // Updates 0.04 and 0.06: sqrt(0.0016 + 0.0036) / 5.
  assert.ok(Math.abs((conv.updateRatio as number) - Math.sqrt(0.0052) / 5) < 1e-12);
  const [fresh] = combineByLayer([weight('dense', 1, 'kernel', 4, 1, 2, 1e-3), weight('dense', 1, 'bias', 2, 1, 0, null)]);
  assert.equal(fresh.updateRatio, 1e-3, 'a zero-initialized bias does not hide the layer ratio');
  const [broken] = combineByLayer([weight('d', 2, 'kernel', 4, null, 2, 1e-3), weight('d', 2, 'bias', 2, 1, 1, 1e-3)]);
  assert.equal(broken.gradNorm, null, 'a missing gradient stays missing');
});

chartTest('gradientFlowChart(deep model) shows one row per layer beyond 60 weights', async () => {
  const weights = Array.from({ length: 40 }, (_, i) => [
    weight(`conv_${i}`, i, 'kernel', 576, 0.1 / (i + 1), 3, 1e-3),
    weight(`conv_${i}`, i, 'bias', 64, 0.01 / (i + 1), 0, null),
  ]).flat();
  const out = await render(gradientFlowChart({ weights }));
  assertClean(out);
  assert.equal(countMarks(out.svg, 'bar'), 40 + 40);
  assert.match(out.svg, /Layers \(80 weights combined per layer\)/);
});

chartTest('gradientFlowChart(1,500 layers) draws at most 100 rows of consecutive layers, input at the top', async () => {
  const weights = Array.from({ length: 1500 }, (_, i) => [
    weight(`conv_${i}`, i, 'kernel', 576, 0.1 / (i + 1), 3, 1e-3),
    weight(`conv_${i}`, i, 'bias', 64, 0.01 / (i + 1), 1, 1e-3),
  ]).flat();
  const out = await render(gradientFlowChart({ weights }));
  assertClean(out);
  assert.equal(countMarks(out.svg, 'bar'), 100 + 100, 'one bar per run of 15 layers in each panel');
  assert.match(out.svg, /Runs of consecutive layers \(1500 layers, 3000 weights\)/);
  const labels = texts(out.svg);
  const first = labels.find((t) => t.text.startsWith('conv_0 … conv_14'));
  const last = labels.find((t) => t.text.startsWith('conv_1485 … conv_1499'));
  assert.ok(first && last, 'runs are labelled by their first and last layer');
  assert.ok(first.y < last.y, 'model order: the input side is at the top');
});

chartTest('activationHealthChart(1,500 layers) draws 100 runs of layers, each with its worst dead fraction', async () => {
  const layers = Array.from({ length: 1500 }, (_, i) => ({
    layer: `conv_${i}`, layerIndex: i, activation: 'relu', mean: 0.1, std: 0.5, deadFraction: i === 700 ? 0.9 : 0.01, saturatedFraction: null,
  }));
  const out = await render(activationHealthChart({ layers }));
  assertClean(out);
  assert.match(out.svg, /Runs of consecutive layers \(1500 layers; each run shows its worst layer\)/);
  const runs = combineLayerRuns(layers);
  assert.equal(runs.length, 100);
  assert.equal(runs[46].layer, 'conv_690 … conv_704 (15 layers)');
  assert.equal(runs[46].deadFraction, 0.9, 'the one dead layer shows through its run');
  assert.equal(runs[0].deadFraction, 0.01);
  assert.ok(Math.abs((runs[0].std as number) - 0.5) < 1e-12);
  const labels = texts(out.svg);
  const first = labels.find((t) => t.text.startsWith('conv_0 … conv_14'));
  const last = labels.find((t) => t.text.startsWith('conv_1485 … conv_1499'));
  assert.ok(first && last && first.y < last.y, 'model order: the input side is at the top');
});

chartTest('lossChart(a probe that succeeded at step 0) shows its one point on a whole-number step axis', async () => {
  const out = await render(lossChart({ loss: fx.lossHealthy, curves: { chanceLoss: 2.3, points: [{ series: 'your optimizer (inference)', step: 0, loss: 0.17 }] } }));
  assertClean(out);
  assert.ok(countMarks(out.svg, 'point') >= 1, 'a single-point series is drawn as a point');
  assert.doesNotMatch(out.svg, /0\.000000/);
  assert.ok(texts(out.svg).some((t) => t.text === '1'), 'the axis spans step 0 to 1');
});

chartTest('lossChart(curves with exact zeros spanning decades) uses symlog instead of dropping the zeros', async () => {
  const points = Array.from({ length: 50 }, (_, step) => ({ series: 'overfit', step, loss: step >= 40 ? 0 : 2.3 * 10 ** (-step / 10) }));
  const out = await render(lossChart({ curves: { chanceLoss: 2.3, points } }));
  assertClean(out);
  assert.equal(out.vega.scales?.find((s) => s.name === 'y')?.type, 'symlog');
});

chartTest('lossChart(all losses non-finite) marks the divergence and says the initial loss is unknown', async () => {
  const loss = { ...fx.lossHealthy, initialLoss: null, initialLossPerBatch: [] };
  const alone = await render(lossChart({ loss }));
  assertClean(alone);
  assert.match(alone.svg, /could not be measured/);
  const withCurve = await render(lossChart({ loss, curves: { chanceLoss: 2.3, points: [{ series: 'train', step: 0, loss: 2.2 }, { series: 'train', step: 1, loss: null }] } }));
  assertClean(withCurve);
  assert.match(withCurve.svg, /loss not finite from here/);
});

chartTest('gradientFlowChart and activationHealthChart tell NaN/Inf apart from not measured', async () => {
  const grads = await render(gradientFlowChart({ weights: [weight('d', 0, 'kernel', 4, null, 1, null), { ...weight('e', 1, 'kernel', 4, null, 1, null), nonFiniteCount: 3 }] }));
  assertClean(grads);
  assert.equal(grads.svg.split('>n/a<').length - 1, 2, 'd: gradient and ratio not measured');
  assert.equal(grads.svg.split('>NaN/Inf<').length - 1, 2, 'e: gradient and ratio not finite');
  const layers = [
    { layer: 'dense', layerIndex: 0, activation: 'relu', mean: 1, std: 1, deadFraction: 0, saturatedFraction: null, nonFiniteCount: 0 },
    { layer: 'exploded', layerIndex: 1, activation: 'relu', mean: null, std: null, deadFraction: null, saturatedFraction: null, nonFiniteCount: 12 },
  ];
  const acts = await render(activationHealthChart({ layers }));
  assertClean(acts);
  assert.match(acts.svg, />NaN\/Inf in 12 outputs</);
  assert.equal(acts.svg.split('>NaN/Inf in').length - 1, 1, 'only the exploded layer');
});

chartTest('every builder renders minimal or all-missing measurements without a warning', async () => {
  const specs = [
    gradientFlowChart({ weights: [weight('d', 0, 'kernel', 4, null, null, null)] }),
    activationHealthChart({ layers: [{ layer: 'd', layerIndex: 0, activation: 'relu', mean: null, std: null, deadFraction: null, saturatedFraction: null }] }),
    activationHealthChart({ layers: [] }),
    dataProfileChart({ unit: 'feature', features: [], labels: [], samples: 0 }),
    dataProfileChart({ unit: 'feature', features: [], labels: fx.profileTabular.labels, samples: 10 }),
    sampleGridChart({ kind: 'image', rows: [] }),
    sampleGridChart({ kind: 'table', rows: [{ index: 3, label: 'a' }] }),
    predictionsChart({ kind: 'table', rows: [{ index: 0, label: 'a', prediction: 'b' }] }),
    predictionsChart({ kind: 'table', rows: [{ index: 0, label: '1', actualValue: 1, predictedValue: 1 }] }),
    confusionMatrixChart({ classes: [], cells: [] }),
    confusionMatrixChart({ classes: ['only'], cells: [{ actual: 'only', predicted: 'only', count: 3 }] }),
    lrRangeChart({ points: [], configuredLr: null, suggested: null, steepestLr: null, divergenceLr: null }),
    lrRangeChart({ points: [{ lr: 1e-3, loss: 1, smoothed: 1 }, { lr: 1e-2, loss: 0.5, smoothed: 0.5 }], configuredLr: null, suggested: null, steepestLr: null, divergenceLr: null }),
    findingsTableChart([]),
  ];
  for (const spec of specs) assertClean(await render(spec));
});

chartTest('confusionMatrixChart(100 classes) keeps the 30 classes with the most errors', async () => {
  const classes = Array.from({ length: 100 }, (_, i) => `class ${i}`);
  const cells = classes.flatMap((actual, a) => [
    { actual, predicted: actual, count: 50 },
    { actual, predicted: classes[(a + 1) % 100], count: a },
  ]);
  const out = await render(confusionMatrixChart({ classes, cells }));
  assertClean(out);
  assert.equal(countMarks(out.svg, 'rect mark') >= 30 * 30, true);
  assert.match(out.svg, /the 30 classes with the most errors, of 100/);
  assert.ok(out.svg.includes('>class 99<') && !out.svg.includes('>class 3<'));
});

chartTest('wrapText and wrapLine break at words, cut only what cannot fit, and mark the cut', async () => {
  assert.deepEqual(wrapText('Divide the learning rate by 10 before the next run.', 20, 3), ['Divide the learning', 'rate by 10 before', 'the next run.']);
  assert.deepEqual(wrapText('one two three four five six', 9, 2), ['one two', 'three…']);
  assert.deepEqual(wrapText('averyveryverylongname', 8, 2), ['averyve…']);
  assert.deepEqual(wrapLine('a b c d', 3), ['a b', 'c d']);
  assert.deepEqual(wrapLine('', 10), []);
  assert.deepEqual([formatNumber(2.302585), formatNumber(0.00012), formatNumber(1e6), formatNumber(null), formatNumber(0)], ['2.3', '1.2e-4', '1e+6', 'n/a', '0']);
});

chartTest('builders given the wrong measurement throw one clear error naming the builder and the expected input', async () => {
  const wrong = (value: unknown) => value as never;
  assert.throws(() => gradientFlowChart(wrong(undefined)), {
    message: 'gradientFlowChart: expected an object with a "weights" array (report.measurements.gradients); got undefined.',
  });
  assert.throws(() => gradientFlowChart(wrong({ weight: [] })), {
    message: 'gradientFlowChart: expected an object with a "weights" array (report.measurements.gradients); got "weights" = undefined.',
  });
  assert.throws(() => lossChart(wrong(null)), /^Error: lossChart: expected an object \(\{ loss: report\.measurements\.loss/);
  assert.throws(() => sampleGridChart(wrong([])), /sampleGridChart: expected an object with a "rows" array \(report\.measurements\.samples\); got an array\./);
  assert.throws(() => confusionMatrixChart(wrong('matrix')), /confusionMatrixChart: .*got string\./);
  assert.throws(() => findingsTableChart(wrong({})), /findingsTableChart: expected an array of findings \(report\.findings\); got object\./);
  for (const build of [activationHealthChart, dataProfileChart, lrRangeChart, predictionsChart]) {
    assert.throws(() => build(wrong(7)), new RegExp(`^Error: ${build.name}: expected an object with a "\\w+" array \\(report\\.measurements\\.\\w+\\); got number\\.$`));
  }
});
