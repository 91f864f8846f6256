/**
 * Token inputs (issue 13): ids outside the Embedding, padding the model is not
 * told to mask, unknown tokens, token ids kept out of the scale checks, and the
 * issue's regressions for token and sequence models (leaks, integer gradients,
 * one-hot characters read as constant features).
 */
import { before, test } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs';
import { ready } from '../src/backend';
import { diagnose } from '../src/diagnose';
import { DiagnoseInputError } from '../src/data/errors';
import { tokenStats } from '../src/checks/sequence/tokens';
import { sequenceMessages } from '../src/messages/sequences';
import { assertNoProblems, diagnoseNoLeak, findingOf } from './helpers/diagnose';
import { untouched } from './helpers/unusual';
import { tokenClassifier, tokenData } from './helpers/zoo';
import { additionData, additionModel } from './helpers/data-models';
import { paddedReviewLstm, paddedReviews, PADDED } from '../bench/cases/zoo/sequences';

before(() => ready());

const TOKENS = { display: false as const, checks: { only: ['token-inputs'] } };

test('tokenStats(rows, inputDim) counts leading and trailing padding, lengths and ids past inputDim', () => {
  const stats = tokenStats([[0, 0, 5, 6], [7, 8, 0, 0], [0, 0, 0, 0], [3, 0, 4, 12]], 10);
  assert.deepEqual(stats.leading, [2, 0, 0, 0]);
  assert.deepEqual(stats.trailing, [0, 2, 4, 0]);
  assert.deepEqual(stats.lengths, [2, 2, 0, 4]);
  assert.equal(stats.outOfRange, 1);
  assert.equal(stats.rowsAffected, 1);
  assert.equal(stats.max, 12);
});

test('diagnose(sentiment LSTM, 1-based ids up to inputDim) reports tokens-out-of-range as the error to fix first, with the inputDim to set', async () => {
  const { x, y } = tokenData(200);
  const shifted = tf.tidy(() => x.add(1));
  const model = tokenClassifier('lstm');
  const report = await untouched(model, () => diagnose(model, { x: shifted, y }, { display: false }));
  const f = findingOf(report, 'tokens-out-of-range');
  assert.equal(f.severity, 'error');
  assert.equal(f.evidence.max, 50);
  assert.match(f.fix, /inputDim to at least 51/);
  assert.equal(report.triage?.first, 'tokens-out-of-range');
  assert.deepEqual(report.checks.filter((c) => c.status === 'error').map((c) => c.note), []);
  tf.dispose([x, y, shifted]);
  model.dispose();
});

test('diagnose(LSTM without maskZero, reviews padded after the words) warns padding-wrong-end; with maskZero, or padded before the words, it does not', async () => {
  const { x, labels } = paddedReviews(200);
  const y = labels.map((l) => [l]);
  const unmasked = paddedReviewLstm(true);
  const f = findingOf(await diagnoseNoLeak(unmasked, { x, y }, TOKENS), 'padding-wrong-end');
  assert.equal(f.severity, 'warning');
  assert.ok(Number(f.evidence.meanTrailing) >= 0.2 * PADDED.steps, String(f.evidence.meanTrailing));
  assert.equal(f.checklist, 'T13');
  const masked = paddedReviewLstm();
  const maskedReport = await diagnoseNoLeak(masked, { x, y }, TOKENS);
  assert.equal(maskedReport.findings.length, 0, maskedReport.findings.map((g) => g.id).join());
  assert.match(maskedReport.checks.find((c) => c.id === 'token-inputs')?.note ?? '', /masked; lengths 6\.\.16 of 32/);
  const prePadded = x.map((row) => [...row.filter((id) => id === 0), ...row.filter((id) => id !== 0)]);
  const pre = await diagnoseNoLeak(unmasked, { x: prePadded, y }, TOKENS);
  assert.equal(pre.findings.find((g) => g.id === 'padding-wrong-end'), undefined);
  // Leading padding over half the steps, unmasked: worth knowing, not a warning.
  assert.equal(findingOf(pre, 'padding-not-masked').severity, 'info');
  unmasked.dispose();
  masked.dispose();
});

test('diagnose(token model, { vocabulary with [UNK] }) reports tokens-oov-high when 40% of the tokens are unknown, nothing at 2%', async () => {
  const vocabulary = ['[PAD]', '[UNK]', ...Array.from({ length: 48 }, (_, i) => `w${i}`)];
  const { x, y } = tokenData(200);
  const ids = x.arraySync() as number[][];
  const withUnknown = (share: number) => ids.map((row, r) => row.map((id, t) => ((r * 20 + t) % 100 < share * 100 ? 1 : id)));
  const model = tokenClassifier('gru');
  const many = findingOf(await diagnoseNoLeak(model, { x: withUnknown(0.4), y }, { ...TOKENS, vocabulary }), 'tokens-oov-high');
  assert.equal(many.severity, 'warning');
  assert.ok(Math.abs(Number(many.evidence.share) - 0.4) < 0.02, String(many.evidence.share));
  assert.deepEqual(many, sequenceMessages.tokensOovHigh({ oovId: 1, oovToken: '[UNK]', share: Number(many.evidence.share), tokens: Number(many.evidence.tokens) }));
  const few = await diagnoseNoLeak(model, { x: withUnknown(0.02), y }, { ...TOKENS, vocabulary });
  assert.equal(few.findings.length, 0);
  tf.dispose([x, y]);
  model.dispose();
});

test('diagnose(model, data, { vocabulary: "abc" }) refuses a vocabulary that is not a list of strings', async () => {
  const model = tokenClassifier('lstm');
  const { x, y } = tokenData(40);
  await assert.rejects(diagnose(model, { x, y }, { display: false, vocabulary: 'abc' as unknown as string[] }), (e: unknown) => e instanceof DiagnoseInputError && /vocabulary/.test(e.message));
  tf.dispose([x, y]);
  model.dispose();
});

test('diagnose(Embedding model, ids up to 4999) keeps token ids out of data-unnormalized and data-constant-feature', async () => {
  const model = tf.sequential({ layers: [tf.layers.embedding({ inputDim: 5000, outputDim: 4, inputLength: 6 }), tf.layers.flatten(), tf.layers.dense({ units: 1, activation: 'sigmoid' })] });
  model.compile({ optimizer: 'adam', loss: 'binaryCrossentropy' });
  // Position 0 always holds the start token 1: constant, and ids reach 4999.
  const x = Array.from({ length: 120 }, (_, r) => [1, ...Array.from({ length: 5 }, (_, t) => (r * 977 + t * 131) % 5000)]);
  const report = await diagnoseNoLeak(model, { x, y: x.map((_, r) => [r % 2]) }, { display: false, checks: { only: ['data-scale', 'token-inputs'] } });
  assert.equal(report.findings.find((f) => f.id === 'data-unnormalized' || f.id === 'data-constant-feature'), undefined);
  model.dispose();
});

test('diagnose(addition rnn, one-hot characters) no longer calls the never-used space column data-constant-feature; a constant measured feature still is', async () => {
  const { x, y } = additionData(300);
  const model = additionModel();
  const report = await diagnoseNoLeak(model, { x, y }, { display: false, checks: { only: ['data-scale'] } });
  assert.equal(report.findings.find((f) => f.id === 'data-constant-feature'), undefined);
  // The same steps as measurements (not one-hot): a column that never moves is a constant feature.
  const measured = (x as number[][][]).map((row) => row.map((step) => step.map((v, k) => (k === 11 ? 0.5 : v + 0.1 * k))));
  findingOf(await diagnoseNoLeak(model, { x: measured, y }, { display: false, checks: { only: ['data-scale'] } }), 'data-constant-feature');
  model.dispose();
});

for (const cell of ['lstm', 'gru'] as const) {
  test(`diagnose(Embedding + ${cell.toUpperCase()} classifier, float32 and int32 ids) runs every check without an error, leaks nothing and leaves the model unchanged`, async () => {
    const { x, y } = tokenData(160);
    const ints = x.toInt();
    const model = tokenClassifier(cell);
    for (const ids of [x, ints]) {
      const report = await untouched(model, () => diagnose(model, { x: ids, y }, { display: false }));
      assertNoProblems(report);
      const skipped = report.checks.find((c) => c.id === 'batch-independence');
      assert.equal(skipped?.status, 'skipped');
      assert.match(skipped?.note ?? '', /token ids/);
    }
    tf.dispose([x, y, ints]);
    model.dispose();
  });
}
