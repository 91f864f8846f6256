/**
 * Sequence models (issue 13): gradient flow through time in recurrent layers
 * (vanishing in a long plain RNN, exploding with large recurrent weights, the
 * chart), and targets that are the inputs (labels-shifted).
 */
import { before, test } from 'node:test';
import assert from 'node:assert/strict';
import * as tf from '@tensorflow/tfjs';
import { ready } from '../src/backend';
import { throughTimeFindings } from '../src/checks/sequence/through-time';
import { matchShares } from '../src/checks/sequence/shift';
import { throughTimeChart } from '../src/charts/through-time';
import { diagnoseNoLeak, findingOf } from './helpers/diagnose';
import { assertClean, countMarks, render } from './fixtures/render-chart';
import { charLanguageModel, charWindows, CHARS, pulseSeries } from '../bench/cases/zoo/sequences';
import { oneHot } from './helpers/models';
import { oneHotSteps, TEXT, textWindows } from '../bench/cases/zoo/data';
import { textLstm } from '../bench/cases/zoo/models';

before(() => ready());

const THROUGH_TIME = { display: false as const, checks: { only: ['gradient-through-time'] } };
const SHIFT = { display: false as const, checks: { only: ['label-shift'] } };

type RecurrentInit = Parameters<typeof tf.layers.simpleRNN>[0]['recurrentInitializer'];

function plainRnn(steps: number, recurrentInitializer: RecurrentInit = tf.initializers.orthogonal({ seed: 3 }), units = 8): tf.Sequential {
  const model = tf.sequential();
  model.add(tf.layers.simpleRNN({ inputShape: [steps, 1], units, kernelInitializer: tf.initializers.glorotUniform({ seed: 2 }), recurrentInitializer }));
  model.add(tf.layers.dense({ units: 1, activation: 'sigmoid', kernelInitializer: tf.initializers.glorotUniform({ seed: 4 }) }));
  model.compile({ optimizer: tf.train.adam(0.01), loss: 'binaryCrossentropy' });
  return model;
}

function pulses(steps: number): { x: number[][][]; y: number[][] } {
  const { x, labels } = pulseSeries(128, steps);
  return { x, y: labels.map((l) => [l]) };
}

test('gradient-through-time flags a plain SimpleRNN over 150 steps as gradients-vanishing-through-time; over 20 steps it measures and stays quiet', async () => {
  const long = plainRnn(150);
  const report = await diagnoseNoLeak(long, pulses(150), THROUGH_TIME);
  const f = findingOf(report, 'gradients-vanishing-through-time');
  assert.equal(f.severity, 'warning');
  assert.equal(f.checklist, 'T13');
  // Judged where the signal sits: the pulse's steps get almost none of the gradient.
  assert.equal(f.evidence.signalSteps, '1..5');
  assert.ok(Number(f.evidence.share) < 5e-3, String(f.evidence.share));
  assert.match(f.fix, /LSTM or GRU/);
  assert.equal(report.measurements.throughTime?.layers[0].norms.length, 150);
  const short = plainRnn(20);
  const quiet = await diagnoseNoLeak(short, pulses(20), THROUGH_TIME);
  assert.equal(quiet.findings.length, 0, quiet.findings.map((g) => g.detail).join());
  assert.equal(quiet.checks.find((c) => c.id === 'gradient-through-time')?.status, 'pass');
  assert.equal(quiet.measurements.throughTime?.layers[0].norms.length, 20);
  long.dispose();
  short.dispose();
});

test('gradient-through-time flags recurrent weights of std 1 as gradients-exploding-through-time, with how to clip in tfjs', async () => {
  const model = plainRnn(40, tf.initializers.randomNormal({ stddev: 1, seed: 1 }), 16);
  const f = findingOf(await diagnoseNoLeak(model, pulses(40), THROUGH_TIME), 'gradients-exploding-through-time');
  assert.ok(Number(f.evidence.firstToLast) >= 1e3, String(f.evidence.firstToLast));
  assert.match(f.fix, /no clipnorm\/clipvalue/);
  assert.match(f.fix, /applyGradients/);
  model.dispose();
});

test('throughTimeFindings judges only plain RNNs on vanishing: an LSTM decaying the same way at initialization is measured, not flagged', () => {
  const decaying = Array.from({ length: 60 }, (_, t) => 10 ** (-(59 - t) / 5));
  assert.equal(throughTimeFindings({ layer: 'rnn', cell: 'SimpleRNN', norms: decaying })[0]?.id, 'gradients-vanishing-through-time');
  assert.deepEqual(throughTimeFindings({ layer: 'lstm', cell: 'LSTM', norms: decaying }), []);
  assert.deepEqual(throughTimeFindings({ layer: 'rnn', cell: 'SimpleRNN', norms: decaying.slice(-8) }), [], 'too few steps to judge');
});

test('gradient-through-time measures both recurrent layers of a branched functional model (no longer only chains)', async () => {
  const input = tf.input({ shape: [12, 1] });
  const a = tf.layers.simpleRNN({ units: 4, name: 'left', kernelInitializer: tf.initializers.glorotUniform({ seed: 1 }), recurrentInitializer: tf.initializers.orthogonal({ seed: 2 }) }).apply(input) as tf.SymbolicTensor;
  const b = tf.layers.gru({ units: 4, name: 'right', kernelInitializer: tf.initializers.glorotUniform({ seed: 3 }), recurrentInitializer: tf.initializers.orthogonal({ seed: 4 }) }).apply(input) as tf.SymbolicTensor;
  const joined = tf.layers.concatenate().apply([a, b]) as tf.SymbolicTensor;
  const out = tf.layers.dense({ units: 1, activation: 'sigmoid', kernelInitializer: tf.initializers.glorotUniform({ seed: 5 }) }).apply(joined) as tf.SymbolicTensor;
  const branched = tf.model({ inputs: input, outputs: out });
  branched.compile({ optimizer: 'adam', loss: 'binaryCrossentropy' });
  const report = await diagnoseNoLeak(branched, pulses(12), THROUGH_TIME);
  assert.equal(report.checks.find((c) => c.id === 'gradient-through-time')?.status, 'pass');
  assert.deepEqual(report.measurements.throughTime?.layers.map((l) => [l.layer, l.norms.length]), [['left', 12], ['right', 12]]);
  branched.dispose();
});

test('throughTimeChart(measurements) draws one line per recurrent layer on a log scale with the 1e-3 guide', async () => {
  const spec = throughTimeChart({ layers: [
    { layer: 'rnn', cell: 'SimpleRNN', norms: Array.from({ length: 30 }, (_, t) => 10 ** (-(29 - t) / 6)) },
    { layer: 'lstm', cell: 'LSTM', norms: Array.from({ length: 30 }, (_, t) => 10 ** (-(29 - t) / 10)) },
  ] });
  const out = await render(spec);
  assertClean(out);
  assert.equal(countMarks(out.svg, 'line mark'), 2);
  assert.equal(out.vega.scales?.find((s) => s.name === 'y')?.type, 'log');
  assert.match(out.svg, /1e-3 of the strongest step/);
  assert.match((spec.title as { subtitle: string[] | string }).subtitle.toString(), /only plain RNNs are judged/);
});

test('matchShares(x, y) measures targets against the same, previous and next input, skipping padding', () => {
  const x = [[1, 2, 3, 0], [4, 5, 6, 0]];
  assert.deepEqual(matchShares(x, x, true, 0), { copy: 1, previous: 0, next: 0, positions: 6, distinct: 6 });
  const next = [[2, 3, 0, 0], [5, 6, 0, 0]];
  const shares = matchShares(x, next, true, 0);
  assert.equal(shares.next, 1);
  assert.equal(shares.copy, 0);
});

test('diagnose(char LM, targets = inputs) reports labels-shifted (copy) as an error; the shifted targets are clean; targets one step back are labels-shifted (previous)', async () => {
  const { x, next } = charWindows(200);
  const model = charLanguageModel();
  const perStep = (rows: number[][]) => rows.map((row) => oneHot(row, CHARS.vocab));
  const copy = findingOf(await diagnoseNoLeak(model, { x, y: perStep(x) }, SHIFT), 'labels-shifted');
  assert.equal(copy.severity, 'error');
  assert.equal(copy.evidence.kind, 'copy');
  assert.equal(copy.checklist, 'D3');
  const healthy = await diagnoseNoLeak(model, { x, y: perStep(next) }, SHIFT);
  assert.equal(healthy.findings.length, 0);
  assert.match(healthy.checks.find((c) => c.id === 'label-shift')?.note ?? '', /the next input in 100%/);
  const back = x.map((row, r) => [r === 0 ? row[0] : x[r - 1][0], ...row.slice(0, -1)]);
  assert.equal(findingOf(await diagnoseNoLeak(model, { x, y: perStep(back) }, SHIFT), 'labels-shifted').evidence.kind, 'previous');
  model.dispose();
});

test('diagnose(text LSTM on one-hot windows, label = the window\'s last character) reports labels-shifted; the next character is clean', async () => {
  const { x, next } = charWindows(200);
  const model = tf.sequential({ layers: [tf.layers.lstm({ inputShape: [CHARS.steps, CHARS.vocab], units: 8 }), tf.layers.dense({ units: CHARS.vocab, activation: 'softmax' })] });
  model.compile({ optimizer: 'rmsprop', loss: 'categoricalCrossentropy' });
  const inputs = x.map((row) => oneHot(row, CHARS.vocab));
  const last = findingOf(await diagnoseNoLeak(model, { x: inputs, y: oneHot(x.map((row) => row[row.length - 1]), CHARS.vocab) }, SHIFT), 'labels-shifted');
  assert.equal(last.evidence.perStep, false);
  const fine = await diagnoseNoLeak(model, { x: inputs, y: oneHot(next.map((row) => row[row.length - 1]), CHARS.vocab) }, SHIFT);
  assert.equal(fine.findings.length, 0);
  model.dispose();
});

test('label-shift leaves an encoder-decoder (RepeatVector) that reproduces its input alone: a sequence autoencoder copies by design', async () => {
  const { x } = charWindows(120);
  const model = tf.sequential({ layers: [
    tf.layers.lstm({ inputShape: [CHARS.steps, CHARS.vocab], units: 8 }), tf.layers.repeatVector({ n: CHARS.steps }),
    tf.layers.lstm({ units: 8, returnSequences: true }), tf.layers.timeDistributed({ layer: tf.layers.dense({ units: CHARS.vocab, activation: 'softmax' }) }),
  ] });
  model.compile({ optimizer: 'adam', loss: 'categoricalCrossentropy' });
  const inputs = x.map((row) => oneHot(row, CHARS.vocab));
  const report = await diagnoseNoLeak(model, { x: inputs, y: inputs }, SHIFT);
  assert.equal(report.findings.length, 0);
  assert.match(report.checks.find((c) => c.id === 'label-shift')?.note ?? '', /RepeatVector/);
  model.dispose();
});

test('gradient-through-time advises clipping, and how in tfjs, when the first RMSProp step of a text LSTM at rate 2 explodes; not at 0.01', async () => {
  const { x, next } = textWindows(200);
  const data = { x: x.map((ids) => oneHotSteps(ids, TEXT.chars)), y: oneHot(next, TEXT.chars) };
  const note = async (rate: number): Promise<string> => {
    const model = textLstm(rate);
    const report = await diagnoseNoLeak(model, data, THROUGH_TIME);
    model.dispose();
    return report.checks.find((c) => c.id === 'gradient-through-time')?.note ?? '';
  };
  assert.match(await note(2), /clip the gradients\. tfjs optimizers have no clipnorm\/clipvalue option/);
  assert.doesNotMatch(await note(0.01), /clip/);
});

test('diagnose(GRU and bidirectional LSTM with dropout and recurrentDropout) leaks no dropout masks: not from its clones, not on the model', async () => {
  const { x, labels } = pulseSeries(200, 12);
  const data = { x: tf.tensor3d(x), y: tf.tensor2d(labels, [labels.length, 1]) };
  const gru = tf.sequential({ layers: [tf.layers.gru({ inputShape: [12, x[0][0].length], units: 8, dropout: 0.2, recurrentDropout: 0.2 }), tf.layers.dense({ units: 1, activation: 'sigmoid' })] });
  const bidirectional = tf.sequential({ layers: [
    tf.layers.bidirectional({ layer: tf.layers.lstm({ units: 6, dropout: 0.3, recurrentDropout: 0.3 }), inputShape: [12, x[0][0].length] }),
    tf.layers.dense({ units: 1, activation: 'sigmoid' }),
  ] });
  for (const model of [gru, bidirectional]) {
    model.compile({ optimizer: 'adam', loss: 'binaryCrossentropy' });
    const before = tf.memory().numTensors;
    // Every check: the network checks train clones, whose cells keep the masks of their last call.
    await diagnoseNoLeak(model, data, { display: false, checks: {} });
    assert.equal(tf.memory().numTensors, before);
    // The model's own cells hold no masks afterwards, as before.
    const cell = (model.layers[0] as unknown as { cell?: { dropoutMask: unknown } }).cell;
    if (cell) assert.equal(cell.dropoutMask, null);
    model.dispose();
  }
  tf.dispose([data.x, data.y]);
});
