// The dashboard's only client script, served from /dashboard/assets/dashboard.js: it draws the
// charts whose data the server put in the page, and fills the live table from the event stream.
// Every page works without it; the same numbers are in the tables.
export const DASHBOARD_SCRIPT = `(function () {
  'use strict';
  var palette = ['#0b5cad', '#d1495b', '#edae49', '#00798c', '#6a4c93', '#66a182', '#8d6a9f', '#2e4057'];
  var units = {
    usd: function (v) { return v == null ? '' : '$' + (v >= 1 ? v.toFixed(2) : v.toPrecision(3)); },
    ms: function (v) { return v == null ? '' : Math.round(v) + ' ms'; },
    count: function (v) { return v == null ? '' : String(Math.round(v)); },
    percent: function (v) { return v == null ? '' : (v * 100).toFixed(1) + '%'; }
  };

  function stack(series) {
    var sums = series[0].values.map(function () { return 0; });
    return series.map(function (s) {
      return s.values.map(function (v, i) { sums[i] += v || 0; return sums[i]; });
    });
  }

  function draw(figure) {
    var holder = figure.querySelector('.chart');
    var source = document.getElementById(figure.getAttribute('data-chart'));
    if (!holder || !source || typeof uPlot === 'undefined') return;
    var spec = JSON.parse(source.textContent);
    var fmt = units[spec.unit] || units.count;
    var values = spec.stacked ? stack(spec.series) : spec.series.map(function (s) { return s.values; });
    var order = spec.series.map(function (_, i) { return i; });
    // A stacked series is drawn over the taller ones below it, so draw the top of the stack first.
    if (spec.stacked) order.reverse();
    var bars = spec.stacked && uPlot.paths && uPlot.paths.bars ? uPlot.paths.bars({ size: [0.7, 60] }) : null;
    var series = [{ label: 'Time' }].concat(order.map(function (i) {
      var color = palette[i % palette.length];
      var s = spec.series[i];
      return {
        label: s.label,
        stroke: color,
        width: spec.stacked ? 1 : 2,
        fill: spec.stacked ? color : undefined,
        paths: bars || undefined,
        value: spec.stacked
          ? function (u, v, si, idx) { return idx == null ? '' : fmt(s.values[idx]); }
          : function (u, v) { return fmt(v); }
      };
    }));
    var data = [spec.x].concat(order.map(function (i) { return values[i]; }));
    holder.textContent = '';
    var width = Math.max(240, holder.clientWidth);
    var plot = new uPlot({
      width: width,
      height: width < 500 ? 200 : 260,
      series: series,
      scales: { x: { time: true }, y: { range: function (u, min, max) { return [0, max > 0 ? max * 1.1 : 1]; } } },
      axes: [{}, { values: function (u, ticks) { return ticks.map(fmt); }, size: 80 }],
      legend: { live: true }
    }, data, holder);
    var last = width;
    window.addEventListener('resize', function () {
      var next = Math.max(240, holder.clientWidth);
      if (Math.abs(next - last) > 8) { last = next; plot.setSize({ width: next, height: next < 500 ? 200 : 260 }); }
    });
  }

  Array.prototype.forEach.call(document.querySelectorAll('figure[data-chart]'), draw);

  Array.prototype.forEach.call(document.querySelectorAll('form[data-confirm]'), function (form) {
    form.addEventListener('submit', function (event) {
      if (!window.confirm(form.getAttribute('data-confirm'))) event.preventDefault();
    });
  });

  var live = document.getElementById('live-table');
  if (live && typeof EventSource !== 'undefined') {
    var body = live.querySelector('tbody');
    var state = document.getElementById('live-state');
    var rows = {};
    var cell = function (row, name) { return row.querySelector('[data-field="' + name + '"]'); };
    var rowFor = function (e) {
      var row = rows[e.requestId];
      if (row) return row;
      row = document.createElement('tr');
      ['time', 'request', 'model', 'scope', 'status', 'latency', 'cost'].forEach(function (name) {
        var td = document.createElement(name === 'time' || name === 'request' ? 'td' : 'td');
        td.setAttribute('data-field', name);
        if (name === 'latency' || name === 'cost') td.className = 'num';
        row.appendChild(td);
      });
      cell(row, 'time').textContent = e.time.slice(11, 19);
      cell(row, 'request').textContent = e.requestId;
      cell(row, 'model').textContent = (e.provider || '') + (e.model ? ':' + e.model : '');
      cell(row, 'scope').textContent = e.scope || '';
      cell(row, 'status').textContent = 'sent';
      rows[e.requestId] = row;
      body.insertBefore(row, body.firstChild);
      var empty = document.getElementById('live-empty');
      if (empty) empty.remove();
      while (body.children.length > 200) {
        var gone = body.lastElementChild;
        delete rows[gone.querySelector('[data-field="request"]').textContent];
        gone.remove();
      }
      return row;
    };
    var source = new EventSource(live.getAttribute('data-src'));
    source.onopen = function () { if (state) state.textContent = 'Connected: new requests appear below.'; };
    source.onerror = function () { if (state) state.textContent = 'Disconnected; reconnecting...'; };
    source.onmessage = function (message) {
      var e = JSON.parse(message.data);
      var row = rowFor(e);
      var status = cell(row, 'status');
      if (e.type === 'response') {
        status.textContent = 'ok (' + e.finishReason + ')';
        status.className = 'status-ok';
        cell(row, 'latency').textContent = Math.round(e.latencyMs) + ' ms';
      } else if (e.type === 'error') {
        status.textContent = 'error: ' + e.code + (e.status ? ' (' + e.status + ')' : '');
        status.className = 'status-error';
      } else if (e.type === 'cost') {
        cell(row, 'cost').textContent = e.cost;
      }
    };
  }
})();
`
