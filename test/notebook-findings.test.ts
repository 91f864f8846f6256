/**
 * Every finding a notebook's text promises is the one its report shows: code
 * cells carry `"tfjs_doctor": {"expect": [ids] | "clean"}` in their metadata
 * (notebooks/workshop/CONVENTIONS.md), checked here against the outputs of the
 * notebook executed through the real tslab kernel (shared with
 * notebooks.test.ts: each notebook runs once per `npm test`).
 *
 * No test here calls the library in this process (notebooks run in the
 * kernel's), so there are no tensors to count.
 */
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { readNotebook, type NotebookRun } from '../scripts/lib/notebook';
import { repoPaths } from '../scripts/lib/paths';
import { reportToText } from '../src/render';
import { healthyReport, sickReport } from './render-fixture';
import { executedNotebook, executedNotebooks, notebookFailure, notebookNames } from './helpers/notebook';
import {
  cellExpectation,
  expectationFailure,
  firstLine,
  isHiddenSolution,
  isSolution,
  reportsInCell,
  type ExpectCell,
} from './helpers/notebook-expectations';

const paths = repoPaths();
// Generous: a notebook may wait for others in the two-at-a-time queue (about 15 notebooks) before its own run.
const NOTEBOOK_TIMEOUT_MS = 25 * 60_000;
/** Folders whose notebooks teach: each promises findings and ends clean. */
const TEACHING = /^(workshop|investigations)\//;

const code = (source: string, metadata: Record<string, unknown>, ...texts: string[]): ExpectCell => ({
  cell_type: 'code',
  source,
  metadata,
  outputs: texts.map((text) => ({ output_type: 'display_data', data: { 'text/plain': text, 'text/html': '<div></div>' } })),
});

const REPORT_WITH_FINDINGS = [
  'tfjs-doctor: sequential_1',
  '1 error, 1 warning. Fix first: Learning rate far too high.',
  '',
  '- ERROR Learning rate far too high (lr-too-high, checklist T4)',
  '    The loss diverges from 0.1.',
  '    Fix: Lower it.',
  '- WARNING Dead units (ReLU) [layer dense_1] (activations-dead, checklist G2)',
  '    40% of units never fire.',
  '    Fix: Use a smaller learning rate.',
  '- INFO Classes slightly imbalanced (labels-imbalanced, checklist D2)',
  '    ...',
].join('\n');
const CLEAN_REPORT = 'tfjs-doctor: sequential_2\nNo problems found in 20 checks: 18 passed, 2 skipped (1 note).\n\n- INFO A note (labels-imbalanced, checklist D2)\n';

describe('notebook expectations (test/helpers/notebook-expectations.ts)', () => {
  it('reportsInCell(cell) reads id and severity from a displayed report and from printed toText()', () => {
    const printed: ExpectCell = { cell_type: 'code', source: '', outputs: [{ output_type: 'stream', name: 'stdout', text: ['some log\n', CLEAN_REPORT] }] };
    assert.deepEqual(reportsInCell(code('', {}, REPORT_WITH_FINDINGS, 'Loss: a chart summary')), [[
      { severity: 'error', id: 'lr-too-high' },
      { severity: 'warning', id: 'activations-dead' },
      { severity: 'info', id: 'labels-imbalanced' },
    ]]);
    assert.deepEqual(reportsInCell(printed), [[{ severity: 'info', id: 'labels-imbalanced' }]]);
  });

  it('reportsInCell(cell) reads every finding of the text report render writes (src/render/text.ts)', () => {
    const ids = (data: typeof sickReport) => data.findings.map(({ severity, id }) => ({ severity, id }));
    assert.ok(sickReport.findings.some((f) => f.severity === 'error') && sickReport.findings.some((f) => f.layer !== undefined));
    assert.deepEqual(reportsInCell(code('', {}, reportToText(sickReport))), [ids(sickReport)]);
    assert.deepEqual(reportsInCell(code('', {}, reportToText(healthyReport))), [ids(healthyReport)]);
  });

  it('reportsInCell(cell) finds no report in a cell that only logs a tfjs-doctor message', () => {
    assert.deepEqual(reportsInCell(code('', {}, 'tfjs-doctor: not inside a tslab kernel; use toHTML() or toText() instead.')), []);
  });

  it('expectationFailure(ids) passes when every id is at warning or error, and names what is missing or only a note', () => {
    const reports = reportsInCell(code('', {}, REPORT_WITH_FINDINGS));
    assert.equal(expectationFailure({ kind: 'ids', ids: ['lr-too-high', 'activations-dead'] }, reports), undefined);
    assert.match(expectationFailure({ kind: 'ids', ids: ['labels-imbalanced'] }, reports) ?? '', /should show labels-imbalanced at warning or error severity; it shows: lr-too-high \(error\)/);
    assert.match(expectationFailure({ kind: 'ids', ids: ['data-nonfinite'] }, reports) ?? '', /should show data-nonfinite/);
  });

  it('expectationFailure(clean) passes with notes only and fails on a warning', () => {
    assert.equal(expectationFailure({ kind: 'clean' }, reportsInCell(code('', {}, CLEAN_REPORT))), undefined);
    assert.match(expectationFailure({ kind: 'clean' }, reportsInCell(code('', {}, REPORT_WITH_FINDINGS))) ?? '', /should be clean .* but shows: lr-too-high \(error\)/);
  });

  it('expectationFailure(...) checks every report a cell shows, and says when there is none', () => {
    const twice = reportsInCell(code('', {}, CLEAN_REPORT, REPORT_WITH_FINDINGS));
    assert.match(expectationFailure({ kind: 'clean' }, twice) ?? '', /report 2 of 2 should be clean/);
    assert.match(expectationFailure({ kind: 'clean' }, []) ?? '', /shows no report in its outputs/);
  });

  it('cellExpectation(cell) reads "clean" and id lists, and rejects unknown ids and other shapes', () => {
    assert.equal(cellExpectation(code('', {})), undefined);
    assert.deepEqual(cellExpectation(code('', { tfjs_doctor: { expect: 'clean' } })), { kind: 'clean' });
    assert.deepEqual(cellExpectation(code('', { tfjs_doctor: { expect: ['lr-too-high'] } })), { kind: 'ids', ids: ['lr-too-high'] });
    assert.throws(() => cellExpectation(code('', { tfjs_doctor: { expect: ['lr-to-high'] } })), /unknown finding id\(s\) lr-to-high/);
    assert.throws(() => cellExpectation(code('', { tfjs_doctor: { expect: [] } })), /must be \{"expect": "clean"\}/);
    assert.throws(() => cellExpectation(code('', { tfjs_doctor: 'clean' })), /must be \{"expect": "clean"\}/);
  });

  it('isHiddenSolution(cell) wants the "solution" tag and a collapsed source', () => {
    assert.equal(isHiddenSolution(code('', { tags: ['solution'], jupyter: { source_hidden: true } })), true);
    assert.equal(isHiddenSolution(code('', { tags: ['solution'] })), false);
    assert.equal(isHiddenSolution(code('', { jupyter: { source_hidden: true } })), false);
  });
});

describe('teaching notebooks (workshop/, investigations/) as committed', () => {
  const teaching = notebookNames(paths.notebooks).filter((name) => TEACHING.test(name));
  const source = (name: string) => readNotebook(`${paths.notebooks}/${name}.ipynb`).cells as ExpectCell[];

  for (const name of teaching) {
    it(`${name} promises at least one finding and a clean fixed setup, with well-formed expectations`, () => {
      const expectations = source(name).filter((cell) => cell.cell_type === 'code').map(cellExpectation);
      assert.ok(expectations.some((e) => e?.kind === 'ids'), `${name}: no code cell has "tfjs_doctor": {"expect": [ids]} in its metadata`);
      assert.ok(expectations.some((e) => e?.kind === 'clean'), `${name}: no code cell has "tfjs_doctor": {"expect": "clean"} (the fixed setup must diagnose clean)`);
    });
  }

  for (const name of teaching.filter((n) => n.startsWith('workshop/'))) {
    it(`${name} has a solution cell, and every solution cell is collapsed`, () => {
      const solutions = source(name).filter(isSolution);
      assert.ok(solutions.length > 0, `${name}: no cell tagged "solution" (metadata "tags": ["solution"])`);
      const shown = solutions.filter((cell) => !isHiddenSolution(cell));
      assert.deepEqual(shown.map(firstLine), [], `${name}: solution cells need "jupyter": {"source_hidden": true} in their metadata`);
    });
  }
});

describe('notebook findings through the tslab kernel', () => {
  // Not in a before() hook: a run filtered to other tests would execute every notebook.
  let started: Map<string, Promise<NotebookRun>> | undefined;
  const runs = () => (started ??= executedNotebooks(notebookNames(paths.notebooks)));

  for (const name of notebookNames(paths.notebooks)) {
    const cells = readNotebook(`${paths.notebooks}/${name}.ipynb`).cells as ExpectCell[];
    if (!cells.some((cell) => cell.cell_type === 'code' && cell.metadata?.tfjs_doctor !== undefined)) continue;
    it(`${name} shows in each cell the findings its metadata promises`, { timeout: NOTEBOOK_TIMEOUT_MS }, async () => {
      const run = await (runs().get(name) ?? executedNotebook(name));
      const failure = notebookFailure(`${name}.ipynb`, run);
      if (failure !== undefined) assert.fail(failure);
      const executed = readNotebook(run.executed).cells as ExpectCell[];
      const broken = executed.flatMap((cell, index) => {
        const expectation = cell.cell_type === 'code' ? cellExpectation(cell) : undefined;
        const why = expectation && expectationFailure(expectation, reportsInCell(cell));
        return why ? [`cell ${index + 1} (${firstLine(cell)}): ${why}`] : [];
      });
      assert.deepEqual(broken, [], `${name}: ${broken.join('\n')}\n(executed notebook: ${run.executed})`);
    });
  }
});
