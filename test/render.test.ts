/**
 * Rendering in Node: static SVG, MIME bundles, the report layout, text, and
 * display through a tslab kernel (simulated by a stand-in for tslab's jupyter
 * module in require.cache, as the kernel's own copy sits there).
 */
import { afterEach, beforeEach, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as tf from '@tensorflow/tfjs';
import {
  createLiveDisplay, displayReport, displayWidget, inNotebook, reportToHTML, reportToText, widgetToBundle, widgetToHTML,
  type MimeBundle,
} from '../src/render';
import { escapeHTML, jsonForScript } from '../src/render/escape';
import { scopeSvgIds } from '../src/render/bundle';
import { RUNTIME_TYPE } from '../src/render/runtime';
import { reportSections } from '../src/render/sections';
import { renderReport, reportPage } from '../src/render/report';
import { specToSVG } from '../src/render/svg';
import { compactSvg } from '../src/render/compact';
import { show } from '../src/render/show';
import { verdictText } from '../src/render/text';
import { HOSTILE, healthyReport, sickReport } from './render-fixture';

const VEGALITE = 'application/vnd.vegalite.v5+json';

/** Three bars, one labelled with markup that must stay text. */
const barSpec = {
  $schema: 'https://vega.github.io/schema/vega-lite/v5.json',
  width: 200,
  height: 100,
  data: { values: [{ label: 'cat', n: 3 }, { label: HOSTILE, n: 5 }, { label: 'dog', n: 2 }] },
  mark: 'bar',
  encoding: { x: { field: 'label', type: 'nominal' }, y: { field: 'n', type: 'quantitative' }, tooltip: [{ field: 'label' }] },
};

/** Counts the marks vega drew for a mark type in an SVG string (one <path> per bar). */
function countRectMarks(svg: string): number {
  const group = svg.match(/<g class="mark-rect role-mark[^"]*"[^>]*>(.*?)<\/g>/s);
  return group ? (group[1].match(/<path /g) ?? []).length : 0;
}

/** A page without the runtime carrier and bootstrap (vega's own code mentions <img>, charts, links). */
function withoutRuntime(html: string): string {
  return html.replace(/<script type="application\/x-tfjs-doctor-runtime"[^>]*>.*?<\/script><script>.*?<\/script>/s, '');
}

/** Every test leaves the tensor count as it found it. */
let tensorsBefore = 0;
beforeEach(() => {
  tensorsBefore = tf.memory().numTensors;
});
afterEach(() => {
  assert.equal(tf.memory().numTensors, tensorsBefore, 'tensors leaked');
});

describe('escaping', () => {
  it('escapeHTML(text) turns every markup character into an entity', () => {
    assert.equal(escapeHTML(`<a href="x" title='y'>&</a>`), '&lt;a href=&quot;x&quot; title=&#39;y&#39;&gt;&amp;&lt;/a&gt;');
  });

  it('jsonForScript(value) never closes a script element and parses back to the same value', () => {
    const value = { label: '</script><script>alert(1)</script>', line: '\u2028' };
    const text = jsonForScript(value);
    assert.equal(text.includes('<'), false);
    assert.deepEqual(JSON.parse(text), value);
  });
});

describe('specToSVG(spec)', () => {
  it('draws a Vega-Lite spec as SVG in Node, one mark per datum, labels as escaped text', async () => {
    const { svg, vega } = await specToSVG(barSpec);
    assert.match(svg, /^<svg /);
    assert.equal(countRectMarks(svg), 3);
    assert.ok(svg.includes('&lt;img src=x onerror='), 'the axis label is escaped text');
    assert.equal(svg.includes('<img'), false);
    assert.ok('marks' in vega && Array.isArray(vega.marks), 'compiled to a Vega spec with marks');
  });

  it('rejects a spec vega cannot draw with its reason', async () => {
    await assert.rejects(() => specToSVG({ ...barSpec, transform: [{ calculate: 'datum.n +', as: 'm' }] }), {
      message: /^the Vega-Lite spec could not be drawn: .+/,
    });
  });

  it('scopeSvgIds(svg, prefix) renames clip and gradient ids and their references together', () => {
    const svg = '<defs><clipPath id="clip1"></clipPath></defs><g clip-path="url(#clip1)"><use href="#clip1"/></g>';
    assert.equal(
      scopeSvgIds(svg, 'tfd-a'),
      '<defs><clipPath id="tfd-a-clip1"></clipPath></defs><g clip-path="url(#tfd-a-clip1)"><use href="#tfd-a-clip1"/></g>',
    );
  });
});

describe('widgetToBundle(widget)', () => {
  it('gives one bundle: the Vega-Lite spec, HTML with the static SVG and its upgrade, and the summary', async () => {
    const bundle = await widgetToBundle({ spec: barSpec, summary: `3 classes, ${HOSTILE} is the largest` });
    assert.deepEqual(Object.keys(bundle).sort(), [VEGALITE, 'text/html', 'text/plain']);
    assert.deepEqual(bundle[VEGALITE], barSpec);
    assert.equal(bundle['text/plain'], `3 classes, ${HOSTILE} is the largest`);
    const html = bundle['text/html'] ?? '';
    assert.match(html, /<div class="tfd-static"><svg /);
    assert.match(html, /<script type="application\/json" class="tfd-spec">\{/);
    assert.equal(html.includes('<img'), false, 'the hostile label is text in the summary, the SVG and the spec');
  });

  it('gives two widgets of the same spec distinct element and SVG ids', async () => {
    const spec = { ...barSpec, mark: { type: 'bar', clip: true } };
    const [a, b] = await Promise.all([widgetToBundle({ spec, summary: 'a' }), widgetToBundle({ spec, summary: 'b' })]);
    const ids = (html: string | undefined) => new Set([...(html ?? '').matchAll(/\bid="([^"]+)"/g)].map((m) => m[1]));
    const shared = [...ids(a['text/html'])].filter((id) => ids(b['text/html']).has(id));
    assert.ok(ids(a['text/html']).size >= 2, 'the chart element and its clip path have ids');
    assert.deepEqual(shared, []);
  });

  it('adds image/svg+xml only when asked', async () => {
    const bundle = await widgetToBundle({ spec: barSpec, summary: 's' }, { includeSvg: true });
    assert.match(bundle['image/svg+xml'] ?? '', /^<svg /);
  });
});

describe('reportToText(data)', () => {
  it('starts with the verdict and lists every finding with its fix, then what each chart shows', () => {
    const text = reportToText(sickReport);
    assert.equal(text.split('\n')[2], verdictText(sickReport));
    assert.equal(verdictText(sickReport), '2 errors, 2 warnings. Fix first: Inputs are raw 0-255 pixel values.');
    for (const finding of sickReport.findings) {
      assert.ok(text.includes(finding.title), finding.id);
      assert.ok(text.includes(`Fix: ${finding.fix}`), finding.id);
    }
    assert.match(text, /^Loss: Initial categoricalCrossentropy loss 41\.7 against chance level 2\.3/m);
    assert.match(text, /^Task: multiclass \(inferred: softmax output with 10 units\)$/m);
    assert.match(text, /^Input: image \(given\)$/m);
  });

  it('says plainly when nothing is wrong', () => {
    assert.equal(verdictText(healthyReport), 'No problems found: 2 checks passed.');
  });
});

describe('reportToHTML(data)', () => {
  it('lays out verdict, findings table, one section per measured chart with its findings, context and checks', async () => {
    const html = await reportToHTML(healthyReport);
    assert.deepEqual([...html.matchAll(/data-section="([^"]+)"/g)].map((m) => m[1]), ['loss', 'gradients']);
    assert.ok(html.includes('No problems found: 2 checks passed.'));
    assert.equal(/<table class="[^"]*tfd-findings/.test(html), false, 'no empty findings table');
    const dataOnly = await reportToHTML({ ...healthyReport, findings: sickReport.findings.filter((f) => f.layer === undefined) });
    assert.match(dataOnly, /<th>Finding<\/th><th>What to change<\/th>/, 'no empty layer column');
    assert.match(html, /<details class="tfd-checks"><summary>Checks run: 2 \(2 passed\)<\/summary>/);
  });

  it('puts each finding next to the chart that proves it', async () => {
    const html = await reportToHTML(sickReport);
    const section = (key: string) => html.match(new RegExp(`<section class="tfd-section" data-section="${key}">(.*?)</section>`, 's'))?.[1] ?? '';
    assert.ok(section('loss').includes('The first loss is 18x the chance level'));
    assert.ok(section('gradients').includes(escapeHTML(`Updates too large in layer ${HOSTILE}`)));
    assert.equal(section('loss').includes('Updates too large'), false);
    assert.equal((html.match(/<tr data-finding=/g) ?? []).length, sickReport.findings.length);
    assert.match(html, /<th>Finding<\/th><th>Layer<\/th>/, 'a layer column when a finding names a layer');
  });

  it('keeps hostile class, layer and model names as text and inlines the runtime once', async () => {
    const html = await reportToHTML(sickReport);
    assert.equal(withoutRuntime(html).includes('<img'), false);
    assert.ok(html.includes(escapeHTML(HOSTILE)));
    assert.equal(html.split(`<script type="${RUNTIME_TYPE}"`).length - 1, 1);
    assert.equal(/(src|href)="(https?:)?\/\//.test(withoutRuntime(html)), false, 'no network reference');
  });

  it('shows a section whose chart vega cannot draw with its findings and the reason, not a failed report', async () => {
    const [loss, ...others] = reportSections(sickReport.measurements);
    const broken = { ...loss, spec: { ...barSpec, transform: [{ calculate: 'datum.n +', as: 'm' }] } };
    const html = reportPage(await renderReport(sickReport, [broken, ...others]));
    const section = html.match(/<section class="tfd-section" data-section="loss">(.*?)<\/section>/s)?.[1] ?? '';
    assert.match(section, /<p class="tfd-chart-error">The loss chart could not be drawn \(the Vega-Lite spec could not be drawn: .+\)\.<\/p>/);
    assert.ok(section.includes('The first loss is 18x the chance level'));
    assert.equal((withoutRuntime(html).match(/<div class="tfjs-doctor-chart"/g) ?? []).length, others.length, 'the other charts are drawn');
  });
});

describe('widgetToHTML(widgets)', () => {
  it('makes a standalone page with the runtime and every chart', async () => {
    const html = await widgetToHTML([{ spec: barSpec, summary: 'bars' }, { spec: barSpec, summary: 'again' }], 'Two charts');
    assert.match(html, /^<!DOCTYPE html>/);
    assert.equal((withoutRuntime(html).match(/class="tfjs-doctor-chart"/g) ?? []).length, 2);
    assert.ok(html.includes('<title>Two charts</title>'));
  });
});

/** A stand-in for the kernel's tslab jupyter module, recording what the front end would receive. */
function fakeKernel(copy = 'fake-kernel') {
  const key = join(tmpdir(), copy, 'node_modules', 'tslab', 'dist', 'jupyter.js');
  const sent: { data: MimeBundle; displayId?: string; update: boolean; cell: number }[] = [];
  let cell = 0;
  const exports: { lastWriteDisplayData: unknown } = { lastWriteDisplayData: null };
  const newCell = () => {
    const number = ++cell;
    exports.lastWriteDisplayData = (message: { data: MimeBundle; transient: { display_id?: string } }, update: boolean) =>
      sent.push({ data: message.data, displayId: message.transient.display_id, update, cell: number });
  };
  require.cache[key] = { exports } as NodeJS.Module;
  return { sent, newCell, remove: () => delete require.cache[key] };
}

describe('in a tslab kernel', () => {
  it('inNotebook() is false outside a kernel', () => {
    assert.equal(inNotebook(), false);
  });

  it('displayReport(data) sends the runtime once per cell, then header, one bundle per chart, footer', async () => {
    const kernel = fakeKernel();
    try {
      kernel.newCell();
      assert.equal(inNotebook(), true);
      await displayReport(sickReport);
      await displayReport(healthyReport);
      kernel.newCell();
      await displayWidget(barSpec, 'bars');
      const runtimeOutputs = kernel.sent.filter((m) => m.data['text/html']?.includes(`type="${RUNTIME_TYPE}"`));
      assert.deepEqual(runtimeOutputs.map((m) => m.cell), [1, 2]);
      const charts = reportSections(sickReport.measurements).length;
      const [header, ...rest] = kernel.sent.filter((m) => m.cell === 1).slice(1, charts + 3);
      const footer = rest.pop();
      assert.match(header.data['text/html'] ?? '', /tfd-verdict/);
      assert.equal(charts, 8);
      assert.deepEqual(rest.map((m) => m.data[VEGALITE] !== undefined), Array(charts).fill(true));
      assert.match(footer?.data['text/html'] ?? '', /Checks run: 5/);
      assert.ok(kernel.sent.every((m) => m.update === false && m.displayId === undefined));
    } finally {
      kernel.remove();
    }
  });

  it("finds the kernel's tslab when the user's project loaded another copy, whose writer is never set", async () => {
    const projectCopy = fakeKernel('a-project-copy');
    const kernel = fakeKernel('the-kernel');
    try {
      kernel.newCell();
      await displayWidget(barSpec, 'bars');
      assert.equal(kernel.sent.length, 2, 'runtime and chart');
      assert.equal(projectCopy.sent.length, 0);
    } finally {
      projectCopy.remove();
      kernel.remove();
    }
  });

  it("falls back to tslab's display.html() when the jupyter module's writer is gone", async () => {
    const key = join(tmpdir(), 'tslab-without-writer', 'node_modules', 'tslab', 'dist', 'public.js');
    const shown: string[] = [];
    require.cache[key] = { exports: { display: { html: (html: string) => shown.push(html) } } } as NodeJS.Module;
    try {
      assert.equal(inNotebook(), true);
      await displayWidget(barSpec, 'bars');
      assert.equal(shown.length, 1);
      assert.ok(shown[0].startsWith(`<script type="${RUNTIME_TYPE}"`));
      assert.match(shown[0], /<div class="tfjs-doctor-chart"/);
    } finally {
      delete require.cache[key];
    }
  });

  it('createLiveDisplay() creates one output and then updates it in place', async () => {
    const kernel = fakeKernel();
    try {
      kernel.newCell();
      const live = createLiveDisplay();
      assert.equal(live.shown, false);
      live.update(await widgetToBundle({ spec: barSpec, summary: 'epoch 1' }));
      kernel.newCell(); // training callbacks may run while another cell executes
      live.update(await widgetToBundle({ spec: barSpec, summary: 'epoch 2' }));
      const [runtime, first, second] = kernel.sent;
      assert.equal(kernel.sent.length, 3);
      assert.ok(runtime.data['text/html']?.includes(RUNTIME_TYPE));
      assert.deepEqual([first.update, second.update], [false, true]);
      assert.ok(first.displayId !== undefined && first.displayId === second.displayId);
      assert.deepEqual([first.cell, second.cell], [1, 1]);
      assert.equal(second.data['text/plain'], 'epoch 2');
    } finally {
      kernel.remove();
    }
  });
});

describe('displayReport(data) outside a notebook', () => {
  it('prints the text report and writes the HTML report to .tfjs-doctor/, saying where', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'tfjs-doctor-render-'));
    const cwd = process.cwd();
    const write = process.stdout.write;
    let printed = '';
    process.stdout.write = ((chunk: string) => ((printed += chunk), true)) as typeof process.stdout.write;
    try {
      process.chdir(dir);
      await displayReport(healthyReport);
    } finally {
      process.stdout.write = write;
      process.chdir(cwd);
    }
    try {
      const files = readdirSync(join(dir, '.tfjs-doctor'));
      assert.equal(files.length, 1);
      const path = join(dir, '.tfjs-doctor', files[0]);
      assert.ok(printed.startsWith(reportToText(healthyReport)));
      assert.ok(printed.includes(`Charts: ${path}`));
      assert.ok(existsSync(path) && readFileSync(path, 'utf8').includes('data-section="loss"'));
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('compactSvg(svg)', () => {
  it('drops transparent marks and per-mark aria, rounds coordinates, keeps text and visible marks', () => {
    const svg =
      '<svg role="graphics-document" aria-label="chart"><g class="mark-symbol role-mark" role="graphics-object">' +
      '<path aria-label="step: 1" role="graphics-symbol" transform="translate(4.666666666666667,88.30165678192849)" d="M3.16227,0" opacity="0"/>' +
      '<path aria-label="step: 2" role="graphics-symbol" transform="translate(9.333333333,80)" d="M3.16227,0" opacity="1"/>' +
      '</g><text transform="translate(1.23456,0)">loss 0.00832</text></svg>';
    assert.equal(
      compactSvg(svg),
      '<svg role="graphics-document" aria-label="chart"><g class="mark-symbol role-mark">' +
        '<path transform="translate(9.33,80)" d="M3.16,0" opacity="1"/>' +
        '</g><text transform="translate(1.23,0)">loss 0.00832</text></svg>',
    );
  });
});

describe('show(target)', () => {
  it('shows a diagnosis as the report and a Vega-Lite spec as one chart', async () => {
    const kernel = fakeKernel();
    try {
      kernel.newCell();
      const diagnosis = { ...healthyReport, show: () => Promise.resolve(), toText: () => '' };
      await show(diagnosis);
      const reportOutputs = kernel.sent.length;
      await show(barSpec, 'bars');
      const last = kernel.sent[kernel.sent.length - 1];
      assert.equal(reportOutputs, 1 + 1 + 2 + 1, 'runtime, header, two charts, footer');
      assert.equal(kernel.sent.length, reportOutputs + 1);
      assert.deepEqual(last.data[VEGALITE], barSpec);
      assert.equal(last.data['text/plain'], 'bars');
    } finally {
      kernel.remove();
    }
  });

  it('shows a diagnosis with its triage: the header names the finding to fix first, as report.show() does', async () => {
    const kernel = fakeKernel();
    try {
      kernel.newCell();
      const last = sickReport.findings[sickReport.findings.length - 1];
      const triaged = { ...sickReport, triage: { first: last.id, layer: last.layer, explains: [] } };
      await show(triaged);
      const header = kernel.sent.find((output) => output.data['text/plain'].includes('Fix first'));
      assert.ok(header?.data['text/plain'].includes(verdictText(triaged)));
      assert.notEqual(verdictText(triaged), verdictText(sickReport));
    } finally {
      kernel.remove();
    }
  });

  it('rejects anything else with an error naming the argument', async () => {
    await assert.rejects(() => show(42 as unknown as typeof barSpec), {
      name: 'TypeError',
      message: /^show\(target\): target must be the result of diagnose\(\) or a Vega-Lite spec .*got number\.$/,
    });
  });
});
