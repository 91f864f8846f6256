/*
 * tfjs-doctor embed bootstrap: runs in the notebook page or the HTML file and
 * upgrades static SVG charts to interactive vega-embed views.
 *
 * Protocol (version 1; keep it backward compatible, pages mix outputs of
 * several tfjs-doctor versions):
 * - A chart is <div class="tfjs-doctor-chart"> holding its static SVG
 *   (.tfd-static), its compiled Vega spec (<script type="application/json"
 *   class="tfd-spec">) and a one-line script that pushes the div onto
 *   window.__tfjsDoctorQueue and calls window.__tfjsDoctorEmbed1.flush() when
 *   the bootstrap is already there.
 * - A carrier, a script element of type application/x-tfjs-doctor-runtime,
 *   holds vega and vega-embed, as plain text or gzip + base64 (data-encoding). Browsers do not
 *   run it; this bootstrap evaluates the first carrier it finds, once per page.
 * - The bootstrap itself follows each carrier; the first one defines
 *   window.__tfjsDoctorEmbed1, later ones only flush the queue.
 * When anything fails (no carrier, no DecompressionStream, a runtime error),
 * the chart keeps its static SVG: it is a picture, never a blank.
 */
(function (root) {
  'use strict';
  var KEY = '__tfjsDoctorEmbed1';
  var QUEUE = '__tfjsDoctorQueue';
  var CARRIER = 'script[type="application/x-tfjs-doctor-runtime"]';
  var EMBED_OPTIONS = {
    mode: 'vega',
    renderer: 'svg',
    // Export works offline; the editor and source views would need the network or vega-lite.
    actions: { export: true, source: false, compiled: false, editor: false },
  };

  if (root[KEY]) {
    root[KEY].flush();
    return;
  }
  var api = { version: 1, flush: flush, runtime: null, loading: null, views: [], evaluations: 0 };
  root[KEY] = api;

  function decode(carrier) {
    var text = carrier.textContent || '';
    if (carrier.getAttribute('data-encoding') !== 'gzip-base64') return Promise.resolve(text);
    if (typeof DecompressionStream === 'undefined') {
      return Promise.reject(new Error('this browser has no DecompressionStream'));
    }
    var binary = atob(text.trim());
    var bytes = new Uint8Array(binary.length);
    for (var i = 0; i < binary.length; i++) bytes[i] = binary.charCodeAt(i);
    var stream = new Blob([bytes]).stream().pipeThrough(new DecompressionStream('gzip'));
    return new Response(stream).text();
  }

  // vega's UMD builds register with an AMD loader (require.js in the classic
  // Notebook) or CommonJS when they see one: hide those names so they attach to
  // the page, take what they attached, and put back any vega globals that
  // another library (Altair, an older vega) had set.
  function evaluate(code) {
    var names = ['vega', 'vegaEmbed', 'vegaLite'];
    var saved = {};
    names.forEach(function (name) { saved[name] = { has: name in root, value: root[name] }; });
    api.evaluations += 1;
    var script = document.createElement('script');
    script.text = '(function (define, module, exports, require) {\n' + code + '\n}).call(window);';
    (document.head || document.documentElement).appendChild(script);
    script.parentNode.removeChild(script);
    var runtime = { vega: root.vega, embed: root.vegaEmbed };
    names.forEach(function (name) {
      if (saved[name].has) root[name] = saved[name].value;
      else delete root[name];
    });
    if (typeof runtime.embed !== 'function') throw new Error('vega-embed did not load');
    return runtime;
  }

  function load() {
    if (api.loading) return api.loading;
    var carrier = document.querySelector(CARRIER);
    if (!carrier) return null;
    api.loading = decode(carrier).then(function (code) {
      api.runtime = evaluate(code);
      return api.runtime;
    });
    return api.loading;
  }

  function markStatic(chart, error) {
    chart.setAttribute('data-tfd-state', 'static');
    if (error) chart.setAttribute('data-tfd-error', String(error.message || error));
  }

  function embedChart(runtime, chart) {
    var state = chart.getAttribute('data-tfd-state');
    if (state === 'interactive' || state === 'embedding') return;
    var specElement = chart.querySelector('script.tfd-spec');
    var staticView = chart.querySelector('.tfd-static');
    if (!specElement) return markStatic(chart, new Error('no spec'));
    var spec;
    try {
      spec = JSON.parse(specElement.textContent || '');
    } catch (error) {
      return markStatic(chart, error);
    }
    chart.setAttribute('data-tfd-state', 'embedding');
    var target = document.createElement('div');
    target.className = 'tfd-interactive';
    chart.insertBefore(target, staticView || null);
    runtime.embed(target, spec, EMBED_OPTIONS).then(
      function (result) {
        api.views.push({ chart: chart, result: result });
        if (staticView) staticView.style.display = 'none';
        chart.setAttribute('data-tfd-state', 'interactive');
      },
      function (error) {
        if (target.parentNode) target.parentNode.removeChild(target);
        markStatic(chart, error);
      },
    );
  }

  // Views of outputs that were cleared or re-executed hold timers and listeners: release them.
  function finalizeDetached() {
    api.views = api.views.filter(function (entry) {
      if (entry.chart.isConnected) return true;
      entry.result.finalize();
      return false;
    });
  }

  function flush() {
    var queue = root[QUEUE] || (root[QUEUE] = []);
    finalizeDetached();
    if (!queue.length) return;
    var loading = load();
    if (!loading) return; // no runtime on the page yet: the next carrier flushes again
    var charts = queue.splice(0, queue.length).filter(function (chart) {
      return chart && chart.classList && chart.classList.contains('tfjs-doctor-chart');
    });
    loading.then(
      function (runtime) { charts.forEach(function (chart) { embedChart(runtime, chart); }); },
      function (error) { charts.forEach(function (chart) { markStatic(chart, error); }); },
    );
  }

  flush();
})(window);
