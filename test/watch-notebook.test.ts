/**
 * notebooks/watch-a-run.ipynb executed through the real tslab kernel: the
 * saved final state of each live panel holds the whole run. No library call
 * runs in this process (the kernel's does), so there are no tensors to count.
 */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { executedNotebook, notebookFailure } from './helpers/notebook';

interface Output {
  output_type: string;
  data?: Record<string, unknown>;
  text?: string | string[];
}
interface Cell {
  cell_type: string;
  source: string | string[];
  outputs?: Output[];
}

const VEGALITE = 'application/vnd.vegalite.v5+json';
const text = (value: string | string[] | undefined) => (Array.isArray(value) ? value.join('') : value ?? '');

function cellWith(cells: Cell[], snippet: string): Cell {
  const cell = cells.find((c) => c.cell_type === 'code' && text(c.source).includes(snippet));
  assert.ok(cell, `no cell with ${snippet}`);
  return cell;
}

function panelOf(cell: Cell) {
  const panels = (cell.outputs ?? []).filter((o) => o.data?.[VEGALITE] !== undefined);
  assert.equal(panels.length, 1, 'one live panel per watched fit, updated in place');
  const data = panels[0].data as Record<string, unknown>;
  // Tables of the Vega-Lite part may travel as JSON strings (format: json).
  const packed = data[VEGALITE] as { datasets: Record<string, string | { metric?: string; step: number }[]> };
  const datasets = Object.fromEntries(
    Object.entries(packed.datasets).map(([name, rows]) => [name, (typeof rows === 'string' ? JSON.parse(rows) : rows) as { metric?: string; step: number }[]]),
  );
  const spec = { ...packed, datasets };
  const field = (mime: string) => text(data[mime] as string | string[] | undefined);
  return { spec, html: field('text/html'), plain: field('text/plain'), bytes: Buffer.byteLength(JSON.stringify(data)) };
}

test('watch-a-run.ipynb: each saved panel holds its whole run, the diverging one flags loss-diverging and the fix completes clean', { timeout: 10 * 60_000 }, async () => {
  const run = await executedNotebook('watch-a-run');
  assert.equal(notebookFailure('watch-a-run.ipynb', run), undefined, notebookFailure('watch-a-run.ipynb', run));
  const cells = (JSON.parse(readFileSync(run.executed, 'utf8')) as { cells: Cell[] }).cells;

  const diverging = panelOf(cellWith(cells, 'watch(tooFast'));
  const steps = Math.max(...diverging.spec.datasets.batches.filter((r) => r.metric === 'loss').map((r) => r.step));
  // 2,700 training rows (validationSplit 0.1) / 64 per batch = 43 batches x 2 epochs.
  assert.equal(steps, 86, 'the saved panel reaches the last batch');
  assert.equal(diverging.spec.datasets.epochs.filter((r) => r.metric === 'loss').length, 4, 'train and validation loss of 2 epochs');
  assert.ok(diverging.spec.datasets.marks.length >= 1, 'the step of the finding is marked');
  assert.match(diverging.html, /<img class="tfd-static" src="data:image\/svg\+xml;base64,/, 'the final state carries the static picture for exported HTML');
  assert.match(diverging.html, /loss-diverging/);
  assert.match(diverging.plain, /completed, step 86 of 86/);
  assert.ok(diverging.bytes < 1_000_000, `panel output ${diverging.bytes} bytes`);
  assert.match(text(cellWith(cells, 'diverging.findings').outputs?.map((o) => text(o.text)).join('')), /^loss-diverging: The loss is rising/m);

  const fixed = panelOf(cellWith(cells, 'watch(model'));
  assert.match(fixed.plain, /completed, step 86 of 86/);
  assert.equal(fixed.spec.datasets.marks.length, 0);
  assert.ok(fixed.spec.datasets.layers.some((r) => r.step > 75), 'per-layer samples through the end of the run');
  assert.match(text(cellWith(cells, 'fixed.findings').outputs?.map((o) => text(o.text)).join('')), /findings: none\ntest accuracy \d+\.\d% /);
});
