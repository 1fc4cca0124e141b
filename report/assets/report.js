// Starts the report's interactive parts from the data blob (the script element "aiprof-data"):
// the flame graph, the sandwich view of the selected function and the memory graph, and links
// the function table to them (click a row: its frames are outlined in the flame graph and the
// sandwich shows it). The tables and the session summary are plain HTML already.
// When it is done, <html data-rendered="yes">, which the browser test waits for.
(function () {
  'use strict';

  function byId(id) { return document.getElementById(id); }

  function tableRows() {
    return Array.prototype.slice.call(document.querySelectorAll('table.functions tr[data-function]'));
  }

  // Table rows select their function; the selection, wherever it comes from, marks its row.
  function linkTable(flame) {
    tableRows().forEach(function (row) {
      row.tabIndex = 0;
      row.classList.add('selectable');
      var fn = Number(row.getAttribute('data-function'));
      row.addEventListener('click', function () { flame.select(fn); });
      row.addEventListener('keydown', function (e) {
        if (e.key === 'Enter' || e.key === ' ') {
          e.preventDefault();
          flame.select(fn);
        }
      });
    });
    flame.on('select', function (fn) {
      tableRows().forEach(function (row) {
        row.classList.toggle('selected', Number(row.getAttribute('data-function')) === fn);
      });
    });
  }

  function run() {
    var data = JSON.parse(byId('aiprof-data').textContent);
    var flame = new aiprof.FlameGraph({
      graph: byId('flamegraph'),
      views: byId('flamegraph-views'),
      reset: byId('flamegraph-reset'),
      search: byId('flamegraph-search'),
      matchInfo: byId('flamegraph-match'),
      selection: byId('flamegraph-selection'),
      status: byId('flamegraph-status'),
      legend: byId('flamegraph-legend')
    }, data);
    var sandwich = new aiprof.Sandwich({
      root: byId('sandwich'),
      title: byId('sandwich-title'),
      summary: byId('sandwich-summary'),
      callers: byId('sandwich-callers'),
      callees: byId('sandwich-callees')
    }, flame);
    sandwich.onPick = function (fn) { flame.select(fn); };
    flame.on('select', function (fn) { sandwich.show(fn); });
    flame.on('view', function () { sandwich.render(); });
    flame.start();
    linkTable(flame);
    new aiprof.MemoryGraph(byId('memory-graph'), data).start();
    aiprof.report = { data: data, flameGraph: flame, sandwich: sandwich };
    document.documentElement.setAttribute('data-rendered', 'yes');
  }

  if (document.readyState === 'loading') document.addEventListener('DOMContentLoaded', run);
  else run();
})();
