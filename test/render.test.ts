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
import { SPEC_TYPE } from '../src/render/bundle';
import { RUNTIME_TYPE } from '../src/render/runtime';
import { resetRuntimeSent } from '../src/render/tslab';
import { reportSections } from '../src/render/sections';
import { chartsDrawn, renderReport, reportPage } from '../src/render/report';
import { DiagnosisReport } from '../src/report';
import { specToSVG } from '../src/render/svg';
import { compactSvg } from '../src/render/compact';
import { gunzipSync } from 'node:zlib';
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

/** Counts the bars vega drew in an SVG string (one <path> per bar, in vega's default colour). */
function countBars(svg: string): number {
  return (svg.match(/<path [^>]*fill="#4c78a8"/g) ?? []).length;
}

/** The SVG documents inside a page's or output's static pictures. */
function pictures(html: string): string[] {
  return [...html.matchAll(/<img class="tfd-static" src="data:image\/svg\+xml;base64,([^"]+)"/g)].map((m) => Buffer.from(m[1], 'base64').toString('utf8'));
}

/** The Vega specs a page or output carries for the interactive upgrade. */
function specs(html: string): unknown[] {
  return [...html.matchAll(new RegExp(`<script type="${SPEC_TYPE}" data-encoding="([^"]+)">([^<]*)</script>`, 'g'))].map((m) =>
    JSON.parse(m[1] === 'json' ? m[2] : gunzipSync(Buffer.from(m[2], 'base64')).toString('utf8')),
  );
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
  it('draws a Vega-Lite spec as SVG in Node, synchronously, one mark per datum, labels as escaped text', () => {
    const { svg, vega, width, height } = specToSVG(barSpec);
    assert.match(svg, /^<svg /);
    assert.equal(countBars(svg), 3);
    assert.ok(width > 200 && height > 100, `the picture holds the plot and its axes (${width}x${height})`);
    assert.ok(svg.includes('&lt;img src=x onerror='), 'the axis label is escaped text');
    assert.equal(svg.includes('<img'), false);
    assert.ok('marks' in vega && Array.isArray(vega.marks), 'compiled to a Vega spec with marks');
  });

  it('throws for a spec vega cannot draw, with its reason', () => {
    assert.throws(() => specToSVG({ ...barSpec, transform: [{ calculate: 'datum.n +', as: 'm' }] }), {
      message: /^the Vega-Lite spec could not be drawn: .+/,
    });
  });

  it('draws image marks with their data URL (images load asynchronously in vega, not here)', () => {
    const png = 'data:image/png;base64,iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg==';
    const { svg } = specToSVG({ width: 40, height: 40, data: { values: [{ u: png }] }, mark: { type: 'image', width: 30, height: 30 }, encoding: { url: { field: 'u', type: 'nominal' } } });
    assert.ok(svg.includes(`href="${png}"`));
  });
});

describe('widgetToBundle(widget)', () => {
  it('gives one bundle: the Vega-Lite spec, HTML with the static picture as an <img> and its upgrade, and the summary', () => {
    const bundle = widgetToBundle({ spec: barSpec, summary: `3 classes, ${HOSTILE} is the largest` });
    assert.deepEqual(Object.keys(bundle).sort(), [VEGALITE, 'text/html', 'text/plain']);
    assert.deepEqual(bundle[VEGALITE], barSpec);
    assert.equal(bundle['text/plain'], `3 classes, ${HOSTILE} is the largest`);
    const html = bundle['text/html'] ?? '';
    assert.equal(/<svg|<style/.test(html), false, 'no inline SVG and no <style>: sanitizers drop both');
    const [svg] = pictures(html);
    assert.equal(countBars(svg), 3, 'three bars in the picture');
    assert.ok(html.includes(`alt="${escapeHTML(`3 classes, ${HOSTILE} is the largest`)}"`), 'the summary is the alt text');
    assert.equal((html.match(/<img/g) ?? []).length, 1, 'the hostile label stays text: one image only, the picture');
    assert.ok(specs(html).length === 1 && 'marks' in (specs(html)[0] as object), 'the compiled Vega spec, gzipped');
  });

  it('gives two widgets of the same spec distinct element ids', () => {
    const spec = { ...barSpec, mark: { type: 'bar', clip: true } };
    const [a, b] = [widgetToBundle({ spec, summary: 'a' }), widgetToBundle({ spec, summary: 'b' })];
    const ids = (html: string | undefined) => new Set([...(html ?? '').matchAll(/\bid="([^"]+)"/g)].map((m) => m[1]));
    const shared = [...ids(a['text/html'])].filter((id) => ids(b['text/html']).has(id));
    assert.equal(ids(a['text/html']).size, 1);
    assert.deepEqual(shared, []);
  });

  it('leaves out the upgrade when asked (live updates stay pictures)', () => {
    const html = widgetToBundle({ spec: barSpec, summary: 's' }, { interactive: false })['text/html'] ?? '';
    assert.equal(pictures(html).length, 1);
    assert.equal(/<script/.test(html), false);
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
    assert.equal(verdictText(healthyReport), 'No problems found in 2 checks: 2 passed.');
  });
});

describe('reportToHTML(data)', () => {
  it('lays out verdict, findings table, one section per measured chart with its findings, context and checks', async () => {
    const html = await reportToHTML(healthyReport);
    assert.deepEqual([...html.matchAll(/data-section="([^"]+)"/g)].map((m) => m[1]), ['loss', 'gradients']);
    assert.ok(html.includes('No problems found in 2 checks: 2 passed.'));
    assert.equal(/<table class="[^"]*tfd-findings/.test(html), false, 'no empty findings table');
    const dataOnly = await reportToHTML({ ...healthyReport, findings: sickReport.findings.filter((f) => f.layer === undefined) });
    assert.match(dataOnly, /Finding<\/th><th [^>]*>What to change<\/th>/, 'no empty layer column');
    assert.match(html, /<details class="tfd-checks"><summary [^>]*>Checks run: 2 checks: 2 passed<\/summary>/);
  });

  it('puts each finding next to the chart that proves it', async () => {
    const html = await reportToHTML(sickReport);
    const section = (key: string) => html.match(new RegExp(`<section data-section="${key}"[^>]*>(.*?)</section>`, 's'))?.[1] ?? '';
    assert.ok(section('loss').includes('The first loss is 18x the chance level'));
    assert.ok(section('gradients').includes(escapeHTML(`Updates too large in layer ${HOSTILE}`)));
    assert.equal(section('loss').includes('Updates too large'), false);
    assert.equal((html.match(/<tr data-finding=/g) ?? []).length, sickReport.findings.length);
    assert.match(html, /Finding<\/th><th [^>]*>Layer<\/th>/, 'a layer column when a finding names a layer');
  });

  it('keeps hostile class, layer and model names as text and inlines the runtime once', async () => {
    const html = await reportToHTML(sickReport);
    assert.equal((withoutRuntime(html).match(/<img/g) ?? []).length, reportSections(sickReport.measurements).length, 'one image per chart, none from names');
    assert.ok(html.includes(escapeHTML(HOSTILE)));
    assert.equal(html.split(`<script type="${RUNTIME_TYPE}"`).length - 1, 1);
    assert.equal(/(src|href)="(https?:)?\/\//.test(withoutRuntime(html)), false, 'no network reference');
  });

  it('shows a section whose chart vega cannot draw with its findings and the reason, not a failed report', async () => {
    const [loss, ...others] = reportSections(sickReport.measurements);
    const broken = { ...loss, spec: { ...barSpec, transform: [{ calculate: 'datum.n +', as: 'm' }] } };
    const html = reportPage(renderReport(sickReport, [broken, ...others]));
    const section = html.match(/<section data-section="loss"[^>]*>(.*?)<\/section>/s)?.[1] ?? '';
    assert.match(section, /<p [^>]*>The loss chart could not be drawn \(the Vega-Lite spec could not be drawn: .+\)\.<\/p>/);
    assert.ok(section.includes('The first loss is 18x the chance level'));
    assert.equal((withoutRuntime(html).match(/<div class="tfjs-doctor-chart"/g) ?? []).length, others.length, 'the other charts are drawn');
  });
});

describe('DiagnosisReport (what diagnose() returns)', () => {
  it('draws nothing until asked; toHTML() draws once, synchronously, and returns the same page again', () => {
    const data = { ...sickReport, measurements: { ...sickReport.measurements } };
    const report = new DiagnosisReport(data);
    assert.equal(chartsDrawn(data.measurements), false, 'a report nobody looked at costs no drawing');
    const html = report.toHTML();
    assert.equal(typeof html, 'string');
    assert.ok(chartsDrawn(data.measurements));
    assert.equal(report.toHTML(), html, 'memoized');
    assert.match(html, /^<!DOCTYPE html>/);
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

  it('displayReport(data) sends the runtime once per kernel, then header, one bundle per chart, footer', async () => {
    const kernel = fakeKernel();
    resetRuntimeSent();
    try {
      kernel.newCell();
      assert.equal(inNotebook(), true);
      await displayReport(sickReport);
      await displayReport(healthyReport);
      kernel.newCell();
      await displayWidget(barSpec, 'bars');
      const runtimeOutputs = kernel.sent.filter((m) => m.data['text/html']?.includes(`type="${RUNTIME_TYPE}"`));
      assert.deepEqual(runtimeOutputs.map((m) => m.cell), [1]);
      const charts = reportSections(sickReport.measurements).length;
      const [header, ...rest] = kernel.sent.filter((m) => m.cell === 1).slice(1, charts + 3);
      const footer = rest.pop();
      assert.match(header.data['text/html'] ?? '', /tfd-verdict/);
      assert.equal(charts, 8);
      assert.deepEqual(rest.map((m) => m.data[VEGALITE] !== undefined), Array(charts).fill(true));
      assert.match(footer?.data['text/html'] ?? '', /Checks run: 5 checks: 2 warned, 2 failed, 1 skipped/);
      for (const output of kernel.sent.filter((m) => m.cell === 1).slice(1)) {
        assert.equal(/<style|<svg/.test(output.data['text/html'] ?? ''), false, 'no <style> block and no inline SVG in any report output');
      }
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
      resetRuntimeSent();
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
      resetRuntimeSent();
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
      resetRuntimeSent();
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
  it('drops transparent and unpainted marks (not clip outlines), aria, classes and defaults, says the font once, rounds coordinates, keeps text and visible marks', () => {
    const font = 'system-ui, Arial';
    const svg =
      '<svg role="graphics-document" aria-label="chart"><g class="mark-symbol role-mark" role="graphics-object">' +
      '<path aria-label="step: 1" role="graphics-symbol" transform="translate(4.666666666666667,88.30165678192849)" d="M3.16227,0" opacity="0"/>' +
      '<path aria-label="step: 2" role="graphics-symbol" transform="translate(9.333333333,80)" d="M3.16227,0" fill="#333" opacity="1" stroke-width="1"/>' +
      '<path class="voronoi" d="M1,1L2,2Z" stroke-width="0.35"/>' +
      '<clipPath id="clip1"><path d="M0,0h5v5h-5Z"/></clipPath>' +
      `</g><g class="empty"><g></g></g><text font-family="${font}" transform="translate(1.23456,0)">loss 0.00832</text>` +
      `<text font-family="${font}" opacity="0.5">b</text><text font-family="serif">c</text></svg>`;
    assert.equal(
      compactSvg(svg),
      `<svg font-family="${font}"><g>` +
        '<path transform="translate(9.3,80)" d="M3.1,0" fill="#333"/>' +
        '<clipPath id="clip1"><path d="M0,0h5v5h-5Z"/></clipPath>' +
        '</g><text transform="translate(1.2,0)">loss 0.00832</text><text opacity="0.5">b</text><text font-family="serif">c</text></svg>',
    );
  });
});

describe('show(target)', () => {
  it('shows a diagnosis as the report and a Vega-Lite spec as one chart', async () => {
    const kernel = fakeKernel();
    try {
      kernel.newCell();
      resetRuntimeSent();
      const diagnosis = { ...healthyReport, show: () => Promise.resolve(), toText: () => '' };
      await show(diagnosis);
      const reportOutputs = kernel.sent.length;
      await show(barSpec, 'bars');
      const last = kernel.sent[kernel.sent.length - 1];
      assert.equal(reportOutputs, 1 + 1 + 2 + 1, 'runtime (once per kernel), header, two charts, footer');
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
