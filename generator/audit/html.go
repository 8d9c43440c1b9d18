package audit

import (
	"encoding/json"
	"io"
	"strings"
)

// writeHTML writes one self-contained page: the report as embedded JSON,
// rendered by inline JavaScript (heatmap of coverage by group × target, a
// searchable/filterable matrix, traps and CPython parity). No external
// resources. Script errors are written into #js-errors (tests read it).
func writeHTML(w io.Writer, r *Report) error {
	data, err := json.Marshal(r) // escapes <, > and & so the JSON cannot end the script element
	if err != nil {
		return err
	}
	page := strings.Replace(htmlPage, "@@DATA@@", string(data), 1)
	_, err = io.WriteString(w, page)
	return err
}

const htmlPage = `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>sockspec constant audit</title>
<script>
window.auditErrors = [];
function auditError(msg) {
  window.auditErrors.push(String(msg));
  var el = document.getElementById('js-errors');
  if (el) { el.textContent = window.auditErrors.join('\n'); el.hidden = false; }
}
window.addEventListener('error', function (e) { auditError('Uncaught ' + (e.message || e)); });
window.addEventListener('unhandledrejection', function (e) { auditError('Unhandled rejection ' + e.reason); });
(function () { var ce = console.error; console.error = function () { auditError(Array.prototype.join.call(arguments, ' ')); ce.apply(console, arguments); }; })();
</script>
<style>
:root { --fg:#1b1f23; --muted:#5a6370; --line:#d8dde3; --bg:#fff; --head:#f3f5f7; --bad:#b42318; --warn:#f5e6b8; }
* { box-sizing: border-box; }
body { font: 14px/1.4 system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; color: var(--fg); background: var(--bg); margin: 0 1.5em 3em; }
h1 { font-size: 1.5em; margin: .8em 0 .2em; } h2 { font-size: 1.2em; margin: 1.4em 0 .4em; border-bottom: 1px solid var(--line); }
.muted { color: var(--muted); } code, .mono { font-family: ui-monospace, SFMono-Regular, Menlo, Consolas, monospace; font-size: 12.5px; }
table { border-collapse: collapse; } th, td { border: 1px solid var(--line); padding: 2px 6px; text-align: left; vertical-align: top; }
th { background: var(--head); position: sticky; top: 0; z-index: 1; }
#heat td.n { text-align: right; min-width: 5.5em; font-variant-numeric: tabular-nums; }
#heat tr:hover td { outline: 1px solid #888; cursor: pointer; }
td.nodata { background: repeating-linear-gradient(45deg,#eee,#eee 4px,#f8f8f8 4px,#f8f8f8 8px); color: var(--muted); text-align: center; }
td.absent { color: #bbb; text-align: center; }
tr.differs td.name::before { content: "! "; color: var(--bad); font-weight: bold; }
tr.differs td.v { background: var(--warn); }
.mk { color: #6941c6; font-weight: bold; } .py-yes { color: #067647; } .py-no { color: var(--bad); }
#controls { display: flex; flex-wrap: wrap; gap: .6em 1.2em; align-items: center; margin: .5em 0; padding: .5em; background: var(--head); border: 1px solid var(--line); }
#controls input[type=search] { width: 18em; padding: 3px 6px; }
#js-errors { color: var(--bad); background: #fee; border: 1px solid var(--bad); padding: .5em; white-space: pre-wrap; }
details { margin: .3em 0; } summary { cursor: pointer; }
.names code { display: inline-block; margin: 0 .5em .1em 0; }
#matrix-wrap { max-height: 75vh; overflow: auto; border: 1px solid var(--line); }
#matrix td.v { font-family: ui-monospace, Menlo, Consolas, monospace; font-size: 12.5px; white-space: nowrap; }
</style>
</head>
<body>
<pre id="js-errors" hidden></pre>
<h1>sockspec constant audit</h1>
<p id="summary" class="muted"></p>
<h2>Targets and provenance</h2>
<div id="targets"></div>
<h2>Coverage by group × target</h2>
<p class="muted">Constants per group and target; colour = share of the group's names present on the target. Click a row to filter the matrix. “CPython” columns count the group's names in CPython's list for that OS.</p>
<div id="heatmap"></div>
<h2>Portability traps</h2>
<div id="traps"></div>
<h2>Parity with CPython</h2>
<div id="parity"></div>
<h2>Matrix</h2>
<div id="controls">
  <label>Search <input type="search" id="q" placeholder="name: substring or glob (SO_*)"></label>
  <label>Group <select id="group"><option value="">all groups</option></select></label>
  <label><input type="checkbox" id="only-diff"> only values that differ</label>
  <label><input type="checkbox" id="only-missing"> only names missing on a target</label>
  <span id="target-toggles"></span>
  <span id="count" class="muted"></span>
</div>
<p class="muted">Marker after a value: <span class="mk">*</span> x/sys, <span class="mk">+</span> stated in the spec, none: C headers. Hover a value for its full provenance.</p>
<div id="matrix-wrap"><table id="matrix"></table></div>
<script type="application/json" id="audit-data">@@DATA@@</script>
<script>
(function () {
  'use strict';
  var R = JSON.parse(document.getElementById('audit-data').textContent);
  function esc(s) { return String(s).replace(/[&<>"']/g, function (c) { return {'&':'&amp;','<':'&lt;','>':'&gt;','"':'&quot;',"'":'&#39;'}[c]; }); }
  function mark(c) { return c.source_kind === 'go-module' ? '*' : c.source_kind === 'spec' ? '+' : ''; }
  var targets = R.targets, data = targets.filter(function (t) { return t.has_data; });
  var shown = {}; targets.forEach(function (t) { shown[t.target] = true; });
  var pyOS = R.parity.filter(function (p) { return p.list; }).map(function (p) { return p.os; });

  document.getElementById('summary').textContent = R.constants.length + ' constants, ' + data.length + ' records (' + R.records + '), ' +
    R.traps.length + ' portability traps. Filters: ' + (['groups','names','targets'].map(function (k) { return R.filters[k].length ? k + '=' + R.filters[k].join(',') : ''; }).filter(Boolean).join(' ') || 'none') + '.';

  var h = '<table><tr><th>target</th><th>record</th><th>constants</th><th>sources</th></tr>';
  targets.forEach(function (t) {
    if (!t.has_data) { h += '<tr><td>' + esc(t.target) + '</td><td class="nodata" colspan="3">no data</td></tr>'; return; }
    h += '<tr><td>' + esc(t.target) + '</td><td><code>' + esc(t.record) + '</code></td><td>' + t.constants + '</td><td>' +
      t.sources.map(function (s) {
        var parts = [s.kernel_headers, s.libc, s.extra, s.compiler, s.module].filter(Boolean);
        return '<b>' + esc(s.id) + '</b> (' + esc(s.kind) + '): ' + esc(parts.length ? parts.join('; ') : s.description);
      }).join('<br>') + '</td></tr>';
  });
  document.getElementById('targets').innerHTML = h + '</table>';

  h = '<table id="heat"><tr><th>group</th><th>names</th>';
  targets.forEach(function (t) { h += '<th>' + esc(t.target) + '</th>'; });
  pyOS.forEach(function (o) { h += '<th>CPython ' + esc(o) + '</th>'; });
  h += '</tr>';
  R.groups.forEach(function (g) {
    h += '<tr data-group="' + esc(g.group) + '" title="' + esc(g.doc + (g.availability ? ' — ' + g.availability : '')) + '"><td><b>' + esc(g.group) + '</b></td><td class="n">' + g.names + '</td>';
    targets.forEach(function (t) {
      if (!t.has_data) { h += '<td class="nodata">no data</td>'; return; }
      var n = g.counts[t.target] || 0, f = g.names ? n / g.names : 0;
      var bg = n === 0 ? '#f4d3d0' : 'hsl(' + Math.round(10 + 110 * f) + ',70%,' + Math.round(88 - 18 * f) + '%)';
      h += '<td class="n" style="background:' + bg + '">' + n + '</td>';
    });
    pyOS.forEach(function (o) { h += '<td class="n">' + (g.cpython[o] || 0) + '</td>'; });
    h += '</tr>';
  });
  document.getElementById('heatmap').innerHTML = h + '</table>';
  Array.prototype.forEach.call(document.querySelectorAll('#heat tr[data-group]'), function (tr) {
    tr.addEventListener('click', function () { document.getElementById('group').value = tr.getAttribute('data-group'); render(); document.getElementById('matrix-wrap').scrollIntoView(); });
  });

  if (!R.traps.length) { document.getElementById('traps').innerHTML = '<p>No name has different values on different targets.</p>'; }
  else {
    var arch = R.traps.filter(function (t) { return t.scope === 'arch'; }).length;
    h = '<p>' + R.traps.length + ' names differ between targets; ' + arch + ' of them between architectures of the same OS (scope <b>arch</b>).</p><details><summary>show them</summary><table><tr><th>name</th><th>group</th><th>scope</th>';
    targets.forEach(function (t) { h += '<th>' + esc(t.target) + '</th>'; });
    h += '</tr>';
    R.traps.forEach(function (t) {
      h += '<tr><td><code>' + esc(t.name) + '</code></td><td>' + esc(t.group) + '</td><td>' + esc(t.scope) + '</td>';
      targets.forEach(function (c) { h += !c.has_data ? '<td class="nodata">n/a</td>' : (c.target in t.values ? '<td class="v">' + esc(t.values[c.target]) + '</td>' : '<td class="absent">–</td>'); });
      h += '</tr>';
    });
    document.getElementById('traps').innerHTML = h + '</table></details>';
  }

  h = '';
  R.parity.forEach(function (p) {
    h += '<h3>' + esc(p.os) + '</h3>';
    if (!p.list) { h += '<p class="muted">No CPython name list.</p>'; return; }
    h += '<p class="muted"><code>' + esc(p.list) + '</code> (' + p.cpython_names + ' names): ' + esc(p.origin) + '</p>';
    if (!p.has_data) { h += '<p>No record to compare.</p>'; return; }
    h += '<p>Compared with ' + esc(p.targets.join(', ')) + ': CPython exports, we lack <b>' + p.missing.length + '</b>; we export, CPython lacks <b>' +
      p.extra.length + '</b>; values differing from CPython\'s list <b>' + p.value_mismatches.length + '</b>.</p>';
    [['We lack', p.missing], ['CPython lacks', p.extra]].forEach(function (pair) {
      if (!pair[1].length) return;
      h += '<details><summary>' + pair[0] + ' (' + pair[1].length + ')</summary><div class="names">' +
        pair[1].map(function (n) { return '<code title="' + esc(n.group + ': ' + n.targets.join(', ')) + '">' + esc(n.name) + '</code>'; }).join('') + '</div></details>';
    });
    p.value_mismatches.forEach(function (m) { h += '<div><code>' + esc(m.name) + '</code> on ' + esc(m.target) + ': ours ' + esc(m.ours) + ', CPython ' + esc(m.cpython) + '</div>'; });
  });
  document.getElementById('parity').innerHTML = h;

  var sel = document.getElementById('group');
  R.groups.forEach(function (g) { var o = document.createElement('option'); o.value = g.group; o.textContent = g.group + ' (' + g.names + ')'; sel.appendChild(o); });
  var tt = document.getElementById('target-toggles');
  targets.forEach(function (t) {
    var l = document.createElement('label'), cb = document.createElement('input');
    cb.type = 'checkbox'; cb.checked = true;
    cb.addEventListener('change', function () { shown[t.target] = cb.checked; render(); });
    l.appendChild(cb); l.appendChild(document.createTextNode(' ' + t.target + ' '));
    tt.appendChild(l);
  });

  function globRe(q) {
    return new RegExp('^' + q.replace(/[.+^${}()|\\]/g, '\\$&').replace(/\*/g, '.*').replace(/\?/g, '.') + '$', 'i');
  }
  function render() {
    var q = document.getElementById('q').value.trim(), g = sel.value;
    var onlyDiff = document.getElementById('only-diff').checked, onlyMissing = document.getElementById('only-missing').checked;
    var re = /[*?[]/.test(q) ? globRe(q) : null, qu = q.toUpperCase();
    var cols = targets.filter(function (t) { return shown[t.target]; });
    var out = ['<tr><th>name</th><th>group</th>'];
    cols.forEach(function (t) { out.push('<th>' + esc(t.target) + '</th>'); });
    pyOS.forEach(function (o) { out.push('<th>CPython ' + esc(o) + '</th>'); });
    out.push('</tr>');
    var n = 0;
    R.constants.forEach(function (c) {
      if (g && c.group !== g) return;
      if (q && (re ? !re.test(c.name) : c.name.toUpperCase().indexOf(qu) < 0)) return;
      if (onlyDiff && !c.differs) return;
      if (onlyMissing && !c.missing.length) return;
      n++;
      out.push('<tr' + (c.differs ? ' class="differs"' : '') + '><td class="name"><code>' + esc(c.name) + '</code></td><td>' + esc(c.group) + '</td>');
      cols.forEach(function (t) {
        if (!t.has_data) { out.push('<td class="nodata">n/a</td>'); return; }
        var v = c.values[t.target];
        if (!v) { out.push('<td class="absent" title="absent on ' + esc(t.target) + '">–</td>'); return; }
        out.push('<td class="v" title="' + esc(v.provenance) + '">' + esc(v.value) + '<span class="mk">' + mark(v) + '</span></td>');
      });
      pyOS.forEach(function (o) {
        out.push(c.cpython[o] ? '<td class="py-yes">yes</td>' : '<td class="py-no">no</td>');
      });
      out.push('</tr>');
    });
    document.getElementById('matrix').innerHTML = out.join('');
    document.getElementById('count').textContent = n + ' of ' + R.constants.length + ' names';
    document.body.setAttribute('data-rows', String(n));
  }
  ['q', 'group', 'only-diff', 'only-missing'].forEach(function (id) {
    var el = document.getElementById(id);
    el.addEventListener(id === 'q' ? 'input' : 'change', render);
  });
  render();
  document.body.setAttribute('data-ready', '1');
})();
</script>
</body>
</html>
`
