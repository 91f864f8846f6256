/*
 * tfjs-doctor live dashboard (browser side). Connects to the server it was
 * served from, receives the panel as a compiled Vega spec with every row so
 * far, then streams new rows into the running view (view.insert + runAsync):
 * no re-render. Reconnects by itself; a reconnect receives the history again.
 * Plain browser JavaScript: vega and vega-embed come from the same server.
 */
(function () {
  'use strict';
  var token = new URLSearchParams(location.search).get('token') || '';
  // Exposed for tests and curious users: the current view and counters.
  var state = (window.tfjsDoctorDashboard = { view: null, specs: 0, inserts: 0, connected: false });
  var queue = Promise.resolve();
  var retryMs = 500;

  function text(id, value, className) {
    var element = document.getElementById(id);
    element.textContent = value;
    if (className !== undefined) element.className = className;
  }

  function format(value) {
    if (typeof value !== 'number' || !isFinite(value)) return 'n/a';
    var magnitude = Math.abs(value);
    return magnitude !== 0 && (magnitude >= 1e5 || magnitude < 1e-3) ? value.toExponential(2) : String(Number(value.toPrecision(3)));
  }

  function renderStatus(status) {
    if (!status) return;
    text('state', status.state, status.state);
    text('line', status.line);
    document.getElementById('bar').style.width = status.fraction === null ? '0' : (status.fraction * 100).toFixed(1) + '%';
    text('latest', Object.keys(status.latest).map(function (k) { return k + ' ' + format(status.latest[k]); }).join(' · '));
    var list = document.getElementById('findings');
    list.textContent = '';
    status.findings.forEach(function (finding) {
      var item = document.createElement('li');
      item.className = finding.severity;
      var title = document.createElement('b');
      title.textContent = finding.id + ': ';
      item.appendChild(title);
      item.appendChild(document.createTextNode(finding.title));
      var detail = document.createElement('div');
      detail.className = 'muted';
      detail.textContent = finding.detail + ' Fix: ' + finding.fix;
      item.appendChild(detail);
      list.appendChild(item);
    });
    status.notes.forEach(function (note) {
      var item = document.createElement('li');
      item.className = 'muted';
      item.textContent = note;
      list.appendChild(item);
    });
  }

  function embedSpec(spec, rows) {
    (spec.data || []).forEach(function (data) {
      if (rows && Object.prototype.hasOwnProperty.call(rows, data.name)) data.values = rows[data.name];
    });
    if (state.view) state.view.finalize();
    state.view = null;
    return vegaEmbed('#chart', spec, { mode: 'vega', actions: false, renderer: 'svg' }).then(function (result) {
      state.view = result.view;
      state.specs += 1;
    });
  }

  function insertRows(rows) {
    var view = state.view;
    if (!view) return Promise.resolve();
    Object.keys(rows).forEach(function (name) {
      if (rows[name].length === 0) return;
      try {
        view.insert(name, rows[name]);
        state.inserts += rows[name].length;
      } catch (error) {
        // A dataset the current layout does not draw: the next spec message brings it.
      }
    });
    return view.runAsync();
  }

  function handle(message) {
    if (message.type === 'spec') return embedSpec(message.vega, message.rows).then(function () { renderStatus(message.status); });
    if (message.type === 'rows') return insertRows(message.rows).then(function () { renderStatus(message.status); });
    return Promise.resolve();
  }

  function connect() {
    var socket = new WebSocket((location.protocol === 'https:' ? 'wss://' : 'ws://') + location.host + '/ws?token=' + encodeURIComponent(token));
    socket.onopen = function () {
      retryMs = 500;
      state.connected = true;
      socket.send(JSON.stringify({ type: 'hello' }));
    };
    socket.onmessage = function (event) {
      var message;
      try {
        message = JSON.parse(event.data);
      } catch (error) {
        return;
      }
      // One message at a time, in order: rows must not reach a view still being embedded.
      queue = queue.then(function () { return handle(message); }).catch(function () {});
    };
    socket.onclose = function () {
      state.connected = false;
      text('state', 'disconnected, retrying…', 'disconnected');
      setTimeout(connect, retryMs);
      retryMs = Math.min(retryMs * 2, 5000);
    };
  }

  connect();
})();
