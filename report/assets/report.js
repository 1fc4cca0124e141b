// Starts the report's interactive parts from the data blob (the script element "aiprof-data"):
// the flame graph and the memory graph. The tables and the session header are plain HTML already.
// When it is done, <html data-rendered="yes">, which the browser test waits for.
(function () {
  'use strict';

  function byId(id) { return document.getElementById(id); }

  function run() {
    var data = JSON.parse(byId('aiprof-data').textContent);
    var flame = new aiprof.FlameGraph({
      graph: byId('flamegraph'),
      views: byId('flamegraph-views'),
      reset: byId('flamegraph-reset'),
      search: byId('flamegraph-search'),
      matchInfo: byId('flamegraph-match'),
      status: byId('flamegraph-status'),
      legend: byId('flamegraph-legend')
    }, data);
    flame.start();
    new aiprof.MemoryGraph(byId('memory-graph'), data).start();
    aiprof.report = { data: data, flameGraph: flame };
    document.documentElement.setAttribute('data-rendered', 'yes');
  }

  if (document.readyState === 'loading') document.addEventListener('DOMContentLoaded', run);
  else run();
})();
