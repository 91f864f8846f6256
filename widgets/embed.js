/*
 * tfjs-doctor embed bootstrap: runs in the notebook page or the HTML file and
 * upgrades static chart pictures to interactive vega-embed views.
 *
 * Protocol (version 1; keep it backward compatible, pages mix outputs of
 * several tfjs-doctor versions):
 * - A chart is <div class="tfjs-doctor-chart"> holding its static picture
 *   (img.tfd-static, or an inline SVG in .tfd-static from older versions),
 *   its compiled Vega spec (<script type="application/x-tfjs-doctor-spec">,
 *   JSON or gzip + base64 per data-encoding; older versions:
 *   <script type="application/json" class="tfd-spec">) and a one-line script
 *   that pushes the div onto window.__tfjsDoctorQueue and calls
 *   window.__tfjsDoctorEmbed1.flush() when the bootstrap is already there.
 * - A carrier, a script element of type application/x-tfjs-doctor-runtime,
 *   holds vega and vega-embed, as plain text or gzip + base64 (data-encoding).
 *   Browsers do not run it; this bootstrap evaluates the first carrier it
 *   finds, once per page, and only when a chart comes near the viewport
 *   (IntersectionObserver): a notebook of a hundred charts upgrades the ones
 *   the reader scrolls to.
 * - The bootstrap itself follows each carrier; the first one defines
 *   window.__tfjsDoctorEmbed1, later ones only flush the queue.
 * When anything fails (no carrier, no DecompressionStream, a runtime error),
 * the chart keeps its static picture: it is a picture, never a blank.
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
    return gunzipBase64(text);
  }

  function gunzipBase64(text) {
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

  function readSpec(chart) {
    var element = chart.querySelector('script[type="application/x-tfjs-doctor-spec"]') || chart.querySelector('script.tfd-spec');
    if (!element) return Promise.reject(new Error('no spec'));
    return decode(element).then(function (text) { return JSON.parse(text); });
  }

  function embedChart(runtime, chart) {
    var state = chart.getAttribute('data-tfd-state');
    if (state === 'interactive' || state === 'embedding') return;
    chart.setAttribute('data-tfd-state', 'embedding');
    readSpec(chart).then(function (spec) { show(runtime, chart, spec); }, function (error) { markStatic(chart, error); });
  }

  function show(runtime, chart, spec) {
    var staticView = chart.querySelector('.tfd-static');
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

  // Upgrades a chart once it comes near the viewport (all at once without IntersectionObserver).
  var observer = typeof IntersectionObserver === 'undefined' ? null : new IntersectionObserver(function (entries) {
    entries.forEach(function (entry) {
      if (!entry.isIntersecting) return;
      observer.unobserve(entry.target);
      upgrade(entry.target);
    });
  }, { rootMargin: '600px 0px' });

  function upgrade(chart) {
    var loading = load();
    if (!loading) return markStatic(chart, new Error('no runtime on the page'));
    loading.then(
      function (runtime) { embedChart(runtime, chart); },
      function (error) { markStatic(chart, error); },
    );
  }

  function flush() {
    var queue = root[QUEUE] || (root[QUEUE] = []);
    finalizeDetached();
    if (!queue.length) return;
    // No runtime loaded and none on the page yet: the next carrier flushes again. (Once loaded, the
    // runtime stays usable even when the output that carried it is cleared or re-executed.)
    if (!api.loading && !document.querySelector(CARRIER)) return;
    var charts = queue.splice(0, queue.length).filter(function (chart) {
      return chart && chart.classList && chart.classList.contains('tfjs-doctor-chart');
    });
    charts.forEach(function (chart) {
      if (observer) observer.observe(chart);
      else upgrade(chart);
    });
  }

  flush();
})(window);
