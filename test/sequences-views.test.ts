/**
 * Prediction views of sequence outputs (issue 13): tokens side by side per
 * timestep, with options.vocabulary turning ids into tokens.
 */
import { before, test } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs';
import { ready } from '../src/backend';
import { sequenceStepsChart } from '../src/charts/sequence-steps';
import { predictionsChart } from '../src/charts/predictions';
import { diagnoseNoLeak } from './helpers/diagnose';
import { assertClean, render } from './fixtures/render-chart';
import { additionData, additionModel } from './helpers/data-models';
import { tokenClassifier, tokenData } from './helpers/zoo';
import { charLanguageModel, charWindows, CHARS } from '../bench/cases/zoo/sequences';
import { oneHot } from './helpers/models';

before(() => ready());

const VIEWS = { display: false as const, checks: { only: ['sequence-steps', 'predictions'] } };
const ADDITION_VOCABULARY = [...'0123456789+ '];

test('diagnose(addition rnn, { vocabulary }) shows each sequence step by step as characters: input, true and predicted per timestep', async () => {
  const { x, y } = additionData(200);
  const model = additionModel();
  const report = await diagnoseNoLeak(model, { x, y }, { ...VIEWS, vocabulary: ADDITION_VOCABULARY });
  const view = report.measurements.sequences;
  assert.ok(view && view.rows.length === 8, JSON.stringify(view?.rows.length));
  // 5 question characters in, 3 answer characters out: each line keeps its own length.
  for (const row of view.rows) {
    assert.equal(row.steps.length, 5);
    assert.match(row.steps.map((s) => s.input).join(''), /^\d+\+\d+ *$/);
    assert.ok(row.steps.slice(0, 3).every((s) => ADDITION_VOCABULARY.includes(s.label) && ADDITION_VOCABULARY.includes(s.prediction)));
    assert.deepEqual(row.steps.slice(3).map((s) => [s.label, s.prediction, s.wrong]), [['', '', false], ['', '', false]]);
  }
  assert.deepEqual(report.context.classNames, ADDITION_VOCABULARY);
  // Highest loss first among the first half of the rows shown.
  const losses = view.rows.slice(0, 4).map((r) => r.loss ?? 0);
  assert.deepEqual(losses, [...losses].sort((a, b) => b - a));
  const out = await render(sequenceStepsChart(view));
  assertClean(out);
  assert.match(out.svg, /predicted/);
  model.dispose();
});

test('diagnose(char LM without vocabulary) shows ids per timestep; a wrong step is marked wrong exactly when true and predicted differ', async () => {
  const { x, next } = charWindows(120);
  const model = charLanguageModel();
  const report = await diagnoseNoLeak(model, { x, y: next.map((row) => oneHot(row, CHARS.vocab)) }, VIEWS);
  const view = report.measurements.sequences;
  assert.ok(view);
  assert.equal(view.totalSteps, CHARS.steps);
  for (const row of view.rows) {
    for (const s of row.steps) {
      assert.match(s.input, /^\d$/);
      assert.equal(s.wrong, s.label !== s.prediction);
    }
  }
  model.dispose();
});

test('diagnose(token classifier, { vocabulary }) shows the input as words in the predictions table; a one-label output gets no step view', async () => {
  const vocabulary = Array.from({ length: 50 }, (_, i) => `w${i}`);
  const { x, y } = tokenData(80);
  const model = tokenClassifier('lstm');
  const report = await diagnoseNoLeak(model, { x, y }, { ...VIEWS, vocabulary });
  const rows = report.measurements.predictions?.rows ?? [];
  assert.ok(rows.length > 0);
  assert.ok(rows.every((r) => /^w\d+( w\d+){19}$/.test(r.text ?? '')), rows[0]?.text);
  // Two classes are not named after a 50-token vocabulary.
  assert.deepEqual(report.context.classNames, ['0', '1']);
  assert.equal(report.checks.find((c) => c.id === 'sequence-steps')?.status, 'skipped');
  const out = await render(predictionsChart(report.measurements.predictions ?? { kind: 'table', rows: [] }));
  assertClean(out);
  assert.match(out.svg, /w\d+ w\d+/);
  tf.dispose([x, y]);
  model.dispose();
});
