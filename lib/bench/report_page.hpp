#pragma once
/// The page of `mqbench --report`: HTML, CSS and a small SVG plotting
/// script, all inline, with no network fetch of any kind. html_report()
/// puts the run's data (a JSON object) where @DATA@ stands.
///
/// The script marks <body> for tests: data-rendered="ok" once every plot is
/// drawn, data-plots (plots drawn) and data-elements (lines and points
/// drawn); a window.onerror handler writes each script error into
/// <pre id="errors"> and counts them in data-errors.

namespace mq::bench {

inline constexpr const char* kReportPage = R"PAGE(<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'; script-src 'unsafe-inline'; img-src data:">
<title>mqbench report</title>
<style>
body{font:14px/1.4 system-ui,sans-serif;margin:24px auto;max-width:1000px;color:#222;padding:0 12px}
h1{font-size:22px}h2{font-size:17px;margin-top:28px;border-bottom:1px solid #ddd}
table{border-collapse:collapse;margin:8px 0}td,th{padding:2px 10px;border-bottom:1px solid #eee;text-align:right}
td:first-child,th:first-child{text-align:left}pre{background:#f6f6f6;padding:8px;overflow:auto}
svg{background:#fff;border:1px solid #ddd}.axis{stroke:#999}.grid{stroke:#eee}
text{font:11px system-ui,sans-serif;fill:#444}.warn{color:#a00;font-weight:bold}#errors:empty{display:none}
</style></head>
<body>
<script>
window.onerror = function (message, source, line) {
  var pre = document.getElementById('errors');
  if (pre) pre.textContent += message + ' (line ' + line + ')\n';
  document.body.dataset.errors = String(Number(document.body.dataset.errors || 0) + 1);
};
</script>
<pre id="errors" class="warn"></pre>
<h1>mqbench report</h1>
<p id="when"></p>
<div id="warnings"></div>
<h2>Throughput over time</h2><div id="rates"></div>
<h2>End-to-end latency over time</h2><div id="latency"></div>
<h2 id="distribution-title">Latency distribution</h2><div id="distribution"></div>
<h2>Latency</h2><table id="latency-table"></table>
<h2>Summary</h2><pre id="table"></pre>
<h2>Settings</h2><table id="settings"></table>
<h2>Machine</h2><table id="machine"></table>
<script type="application/json" id="data">@DATA@</script>
<script>
'use strict';
var SVG = 'http://www.w3.org/2000/svg';  // a namespace name, never fetched
var drawn = 0, plots = 0;
var COLORS = ['#1f77b4', '#d62728', '#2ca02c', '#9467bd', '#ff7f0e', '#555'];

function el(name, attrs, parent) {
  var e = document.createElementNS(SVG, name);
  for (var k in attrs) e.setAttribute(k, attrs[k]);
  if (parent) parent.appendChild(e);
  return e;
}
function label(parent, x, y, text, anchor) {
  var t = el('text', {x: x, y: y, 'text-anchor': anchor || 'middle'}, parent);
  t.textContent = text;
  return t;
}
function fmt(v) {
  if (v === 0) return '0';
  var a = Math.abs(v);
  if (a >= 1e6) return (v / 1e6).toPrecision(3) + 'M';
  if (a >= 1e3) return (v / 1e3).toPrecision(3) + 'k';
  return Number(v.toPrecision(3)).toString();
}
// Ticks at round values (1, 2 or 5 times a power of ten) from a to b.
function ticks(a, b) {
  var raw = (b - a) / 5, p = Math.pow(10, Math.floor(Math.log10(raw))), step = p;
  [1, 2, 5, 10].forEach(function (m) { if (raw / (m * p) >= 1) step = m * p; });
  var out = [];
  for (var v = Math.ceil(a / step) * step; v <= b + step * 1e-9 && out.length < 20; v += step) out.push(v);
  return out;
}
// Series: [{name, xs, ys}] with null ys as gaps. opts: xlabel, ylabel,
// logy, xmin (where the x axis starts; else at the first point), xticks
// (optional [[value, text]]).
function plot(container, series, opts) {
  var W = 940, H = 320, L = 64, R = 140, T = 14, B = 40;
  var svg = el('svg', {width: W, height: H, viewBox: '0 0 ' + W + ' ' + H});
  container.appendChild(svg);
  var xs = [], ys = [];
  series.forEach(function (s) {
    s.ys.forEach(function (y, i) { if (y !== null && (!opts.logy || y > 0)) { xs.push(s.xs[i]); ys.push(y); } });
  });
  if (!ys.length) { label(svg, W / 2, H / 2, 'no data'); return; }
  var x0 = 'xmin' in opts ? opts.xmin : Math.min.apply(null, xs), x1 = Math.max.apply(null, xs);
  if (x1 === x0) x1 = x0 + 1;
  var fy = opts.logy ? function (v) { return Math.log10(v); } : function (v) { return v; };
  var y0 = opts.logy ? Math.floor(fy(Math.min.apply(null, ys))) : 0;
  var y1 = opts.logy ? Math.ceil(fy(Math.max.apply(null, ys))) : Math.max.apply(null, ys) * 1.1;
  if (y1 <= y0) y1 = y0 + 1;
  var sx = function (x) { return L + (x - x0) / (x1 - x0) * (W - L - R); };
  var sy = function (y) { return H - B - (fy(y) - y0) / (y1 - y0) * (H - T - B); };
  var yt = [];
  if (opts.logy) { for (var e = y0; e <= y1; ++e) yt.push(Math.pow(10, e)); }
  else { yt = ticks(0, y1); }
  yt.forEach(function (v) {
    el('line', {x1: L, x2: W - R, y1: sy(v), y2: sy(v), 'class': 'grid'}, svg);
    label(svg, L - 6, sy(v) + 4, fmt(v), 'end');
  });
  var xt = opts.xticks || ticks(x0, x1).map(function (v) { return [v, fmt(v)]; });
  xt.forEach(function (t) { if (t[0] >= x0 && t[0] <= x1) label(svg, sx(t[0]), H - B + 16, t[1]); });
  el('line', {x1: L, x2: W - R, y1: H - B, y2: H - B, 'class': 'axis'}, svg);
  el('line', {x1: L, x2: L, y1: T, y2: H - B, 'class': 'axis'}, svg);
  label(svg, (L + W - R) / 2, H - 6, opts.xlabel);
  var yl = label(svg, 14, (T + H - B) / 2, opts.ylabel);
  yl.setAttribute('transform', 'rotate(-90 14 ' + (T + H - B) / 2 + ')');
  series.forEach(function (s, n) {
    var color = COLORS[n % COLORS.length], d = '', pen = 'M';
    s.ys.forEach(function (y, i) {
      if (y === null || (opts.logy && y <= 0)) { pen = 'M'; return; }
      d += pen + sx(s.xs[i]).toFixed(1) + ' ' + sy(y).toFixed(1) + ' ';
      pen = 'L';
      if (s.ys.length <= 120) { el('circle', {cx: sx(s.xs[i]), cy: sy(y), r: 2, fill: color}, svg); ++drawn; }
    });
    if (d) { el('path', {d: d, fill: 'none', stroke: color, 'stroke-width': 1.6}, svg); ++drawn; }
    el('rect', {x: W - R + 12, y: T + 16 * n, width: 10, height: 10, fill: color}, svg);
    label(svg, W - R + 28, T + 9 + 16 * n, s.name, 'start');
  });
  ++plots;
}
function table(id, rows, head) {
  var t = document.getElementById(id);
  if (head) { var tr = t.insertRow(); head.forEach(function (h) { var th = document.createElement('th'); th.textContent = h; tr.appendChild(th); }); }
  rows.forEach(function (r) {
    var tr = t.insertRow();
    r.forEach(function (c) { tr.insertCell().textContent = typeof c === 'number' ? fmt(c) : String(c); });
  });
}

var data = JSON.parse(document.getElementById('data').textContent);
document.getElementById('when').textContent = 'Measured ' + data.measured_s.toFixed(2) + ' s from ' +
    (data.started_at || 'an unknown time') + ', after a warm-up of ' + data.warmup_s.toFixed(2) + ' s' +
    (data.workers > 1 ? ', ' + data.workers + ' workers merged' : '') + '. The warm-up is in no figure.';
data.warnings.forEach(function (w) {
  var p = document.createElement('p'); p.className = 'warn'; p.textContent = 'warning: ' + w;
  document.getElementById('warnings').appendChild(p);
});
var ot = data.over_time;
plot(document.getElementById('rates'), ['published', 'acked', 'received', 'connects'].map(function (k) {
  return {name: k + '/s', xs: ot.t, ys: ot.rates[k]};
}).filter(function (s) { return s.ys.some(function (y) { return y > 0; }); }),
  {xlabel: 'seconds into the measured phase', ylabel: 'per second', xmin: 0});
plot(document.getElementById('latency'), Object.keys(ot.latency).map(function (k) {
  return {name: k, xs: ot.t, ys: ot.latency[k]};
}), {xlabel: 'seconds into the measured phase', ylabel: 'latency (us)', logy: true, xmin: 0});
// Percentile spectrum: x is -log10(1 - q), so 90%, 99%, 99.9% are evenly spaced.
var dist = data.distribution.filter(function (p) { return p[0] < 1; });
var last = data.distribution[data.distribution.length - 1];
var xs = dist.map(function (p) { return -Math.log10(1 - p[0]); });
var ys = dist.map(function (p) { return p[1]; });
if (last) { xs.push(xs.length ? Math.max(xs[xs.length - 1] + 0.5, 1) : 1); ys.push(last[1]); }
document.getElementById('distribution-title').textContent = 'Latency distribution (' + data.distribution_of + ')';
plot(document.getElementById('distribution'), [{name: data.distribution_of, xs: xs, ys: ys}], {
  xlabel: 'percentile', ylabel: 'latency (us)', logy: true,
  xticks: [[0, '0%'], [1, '90%'], [2, '99%'], [3, '99.9%'], [4, '99.99%'], [5, '99.999%'], [6, '99.9999%']]
});
table('latency-table', data.latency_rows, data.latency_head);
document.getElementById('table').textContent = data.table;
table('settings', Object.keys(data.settings).map(function (k) {
  var v = data.settings[k]; return [k, typeof v === 'object' ? JSON.stringify(v) : String(v)];
}));
table('machine', Object.keys(data.machine).map(function (k) { return [k, String(data.machine[k])]; }));
document.body.dataset.plots = String(plots);
document.body.dataset.elements = String(drawn);
document.body.dataset.rendered = 'ok';
</script>
</body></html>
)PAGE";

}  // namespace mq::bench
