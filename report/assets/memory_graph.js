// The memory-over-time graph: live heap bytes (memory.heap_bytes) as a line over the session's
// time, each garbage-collector run (memory.gc_runs) marked where it started (shaded for its
// duration). Axes carry their units. Without a series it says so: the report must state what it
// could not measure. Long series are thinned to a min/max pair per pixel column.
(function () {
  'use strict';

  var HEIGHT = 260;
  var MARGIN = { left: 74, right: 22, top: 14, bottom: 46 };
  var DEFAULT_WIDTH = 1200;
  var MAX_GC_MARKERS = 5000;

  // A step of 1, 2 or 5 times a power of ten giving about `count` ticks up to max.
  function niceStep(max, count) {
    var raw = max / Math.max(count, 1);
    var power = Math.pow(10, Math.floor(Math.log10(raw)));
    var steps = [1, 2, 5, 10];
    for (var i = 0; i < steps.length; i++) if (steps[i] * power >= raw) return steps[i] * power;
    return 10 * power;
  }
  function ticks(max, count) {
    if (!(max > 0)) return [0];
    var step = niceStep(max, count);
    var out = [];
    for (var v = 0; v <= max * (1 + 1e-9); v += step) out.push(v);
    return out;
  }
  function timeUnit(maxNs) {
    if (maxNs >= 1e9) return { name: 's', scale: 1e9 };
    if (maxNs >= 1e6) return { name: 'ms', scale: 1e6 };
    if (maxNs >= 1e3) return { name: 'us', scale: 1e3 };
    return { name: 'ns', scale: 1 };
  }
  function byteUnit(maxBytes) {
    if (maxBytes >= 1073741824) return { name: 'GB', scale: 1073741824 };
    if (maxBytes >= 1048576) return { name: 'MB', scale: 1048576 };
    if (maxBytes >= 1024) return { name: 'KB', scale: 1024 };
    return { name: 'bytes', scale: 1 };
  }
  function tickText(v) {
    return String(Number(v.toPrecision(6)));
  }

  // At most two points (the lowest and highest) per pixel column, in time order.
  function thin(points, x) {
    if (points.length <= 4 * DEFAULT_WIDTH) return points;
    var out = [];
    var column = null, low = null, high = null;
    function flush() {
      if (low === null) return;
      if (low === high) out.push(low);
      else if (low[0] <= high[0]) out.push(low, high);
      else out.push(high, low);
    }
    points.forEach(function (p) {
      var c = Math.floor(x(p[0]));
      if (c !== column) {
        flush();
        column = c;
        low = high = p;
      } else {
        if (p[1] < low[1]) low = p;
        if (p[1] > high[1]) high = p;
      }
    });
    flush();
    return out;
  }

  function message(container, text) {
    aiprof.element('div', 'empty', text, container);
  }

  function MemoryGraph(container, data) {
    this.container = container;
    this.memory = data.memory || {};
    this.duration = data.duration_ns || 0;
  }

  MemoryGraph.prototype.start = function () {
    var self = this;
    this.render();
    var timer = null;
    window.addEventListener('resize', function () {
      clearTimeout(timer);
      timer = setTimeout(function () { self.render(); }, 150);
    });
  };

  MemoryGraph.prototype.render = function () {
    var container = this.container;
    while (container.firstChild) container.removeChild(container.firstChild);
    var m = this.memory;
    var series = m.heap_bytes || [];
    var gcRuns = m.gc_runs || [];
    if (!m.measured) {
      message(container, 'Memory over time: not measured (memory tracking was off in this session).');
      return;
    }
    if (series.length === 0) {
      message(container, 'Memory over time: not measured (no heap-bytes series was recorded in this session)' +
        (gcRuns.length ? '; ' + gcRuns.length + ' GC runs were recorded, see the memory table.' : '.'));
      return;
    }
    this.draw(series, gcRuns);
  };

  MemoryGraph.prototype.draw = function (series, gcRuns) {
    var container = this.container;
    var width = aiprof.widthOf(container, DEFAULT_WIDTH);
    var plotW = width - MARGIN.left - MARGIN.right;
    var plotH = HEIGHT - MARGIN.top - MARGIN.bottom;
    var maxT = this.duration;
    var maxV = 0;
    series.forEach(function (p) {
      maxT = Math.max(maxT, p[0]);
      maxV = Math.max(maxV, p[1]);
    });
    gcRuns.forEach(function (g) { maxT = Math.max(maxT, g[0] + g[1]); });
    if (!(maxT > 0)) maxT = 1;
    var tUnit = timeUnit(maxT);
    var vUnit = byteUnit(maxV);
    var vTicks = ticks(maxV / vUnit.scale * 1.05, 5);
    var vTop = Math.max(vTicks[vTicks.length - 1] * vUnit.scale, maxV, 1);
    var tTicks = ticks(maxT / tUnit.scale, 8);
    function x(t) { return MARGIN.left + plotW * t / maxT; }
    function y(v) { return MARGIN.top + plotH * (1 - v / vTop); }

    var svg = aiprof.svg('svg', { width: width, height: HEIGHT, 'class': 'memory-svg' }, container);
    var grid = aiprof.svg('g', { 'class': 'grid' }, svg);
    var axes = aiprof.svg('g', { 'class': 'axis' }, svg);
    vTicks.forEach(function (v) {
      var py = y(v * vUnit.scale);
      if (py < MARGIN.top - 0.5) return;
      aiprof.svg('line', { x1: MARGIN.left, x2: MARGIN.left + plotW, y1: py, y2: py }, grid);
      aiprof.svg('text', { x: MARGIN.left - 6, y: py + 4, 'text-anchor': 'end' }, axes).textContent = tickText(v);
    });
    tTicks.forEach(function (t) {
      var px = x(t * tUnit.scale);
      if (px > MARGIN.left + plotW + 0.5) return;
      aiprof.svg('line', { x1: px, x2: px, y1: MARGIN.top + plotH, y2: MARGIN.top + plotH + 4 }, axes);
      aiprof.svg('text', { x: px, y: MARGIN.top + plotH + 16, 'text-anchor': 'middle' }, axes).textContent = tickText(t);
    });
    aiprof.svg('line', { x1: MARGIN.left, x2: MARGIN.left + plotW, y1: MARGIN.top + plotH, y2: MARGIN.top + plotH }, axes);
    aiprof.svg('line', { x1: MARGIN.left, x2: MARGIN.left, y1: MARGIN.top, y2: MARGIN.top + plotH }, axes);
    aiprof.svg('text', { 'class': 'axis-label', x: MARGIN.left + plotW / 2, y: HEIGHT - 8, 'text-anchor': 'middle' }, svg)
      .textContent = 'time since session start (' + tUnit.name + ')';
    aiprof.svg('text', { 'class': 'axis-label', x: 14, y: MARGIN.top + plotH / 2, 'text-anchor': 'middle',
      transform: 'rotate(-90 14 ' + (MARGIN.top + plotH / 2) + ')' }, svg)
      .textContent = 'live heap (' + vUnit.name + ')';

    // GC runs first, so the heap line stays on top of their shading.
    var gcLayer = aiprof.svg('g', { 'class': 'gc-runs' }, svg);
    var shown = Math.min(gcRuns.length, MAX_GC_MARKERS);
    for (var i = 0; i < shown; i++) this.drawGcRun(gcLayer, gcRuns[i], i, x, plotH);

    var points = thin(series, x);
    var line = points.map(function (p) { return x(p[0]).toFixed(1) + ',' + y(p[1]).toFixed(1); }).join(' ');
    var base = y(0).toFixed(1);
    aiprof.svg('polygon', { 'class': 'heap-area', points: x(points[0][0]).toFixed(1) + ',' + base + ' ' + line + ' ' +
      x(points[points.length - 1][0]).toFixed(1) + ',' + base }, svg);
    aiprof.svg('polyline', { 'class': 'heap-line', points: line }, svg);
    if (points.length === 1) aiprof.svg('circle', { 'class': 'heap-line', cx: x(points[0][0]), cy: y(points[0][1]), r: 3 }, svg);

    var rss = this.memory.rss_bytes || [];
    if (rss.length) this.drawRss(svg, thin(rss, x), x, width, plotH);

    this.addCursor(svg, series, x, y, plotH);
    var caption = series.length + (series.length === 1 ? ' heap measurement' : ' heap measurements') + ', peak ' +
      aiprof.formatBytes(maxV) + '; ' + gcRuns.length + (gcRuns.length === 1 ? ' GC run' : ' GC runs') + ' marked' +
      (gcRuns.length > shown ? ' (first ' + shown + ' drawn)' : '') + '.' +
      (rss.length ? ' Dashed: the process resident set (RSS), right axis.' : ' Process RSS: not measured.');
    aiprof.element('p', 'status', caption, container);
  };

  // The process's resident set size (memory.rss_bytes), dashed, on its own axis at the right:
  // it is usually far larger than the heap, which would otherwise lie flat along the bottom.
  MemoryGraph.prototype.drawRss = function (svg, points, x, width, plotH) {
    var maxR = 0;
    points.forEach(function (p) { maxR = Math.max(maxR, p[1]); });
    var rUnit = byteUnit(maxR);
    var rTicks = ticks(maxR / rUnit.scale * 1.05, 5);
    var rTop = Math.max(rTicks[rTicks.length - 1] * rUnit.scale, maxR, 1);
    function y2(v) { return MARGIN.top + plotH * (1 - v / rTop); }
    var right = width - MARGIN.right;
    var axis = aiprof.svg('g', { 'class': 'axis rss-axis' }, svg);
    aiprof.svg('line', { x1: right, x2: right, y1: MARGIN.top, y2: MARGIN.top + plotH }, axis);
    rTicks.forEach(function (v) {
      var py = y2(v * rUnit.scale);
      if (py < MARGIN.top - 0.5) return;
      aiprof.svg('text', { x: right - 4, y: py - 2, 'text-anchor': 'end' }, axis).textContent = tickText(v) + ' ' + rUnit.name;
    });
    var line = points.map(function (p) { return x(p[0]).toFixed(1) + ',' + y2(p[1]).toFixed(1); }).join(' ');
    aiprof.svg('polyline', { 'class': 'rss-line', points: line }, svg);
  };

  MemoryGraph.prototype.drawGcRun = function (layer, run, index, x, plotH) {
    var g = aiprof.svg('g', { 'class': 'gc-run', 'data-gc': index }, layer);
    var x0 = x(run[0]);
    aiprof.svg('rect', { x: x0, y: MARGIN.top, width: Math.max(x(run[0] + run[1]) - x0, 1), height: plotH }, g);
    aiprof.svg('line', { x1: x0, x2: x0, y1: MARGIN.top, y2: MARGIN.top + plotH }, g);
    aiprof.svg('path', { d: 'M' + (x0 - 4) + ',' + MARGIN.top + ' h8 l-4,6 z' }, g);
    var lines = [
      { text: 'GC run ' + (index + 1) + ' at ' + aiprof.formatDuration(run[0]) },
      { text: 'took ' + aiprof.formatDuration(run[1]) },
      { text: 'reclaimed ' + aiprof.formatBytes(run[2]) + ' in ' + aiprof.formatCount(run[3]) + ' objects' }
    ];
    g.addEventListener('mousemove', function (e) {
      e.stopPropagation();
      aiprof.showTooltip(e, lines);
    });
    g.addEventListener('mouseleave', function () { aiprof.hideTooltip(); });
  };

  // A vertical cursor that follows the mouse and shows the nearest heap measurement.
  MemoryGraph.prototype.addCursor = function (svg, series, x, y, plotH) {
    var cursor = aiprof.svg('line', { 'class': 'cursor', y1: MARGIN.top, y2: MARGIN.top + plotH, visibility: 'hidden' }, svg);
    svg.addEventListener('mousemove', function (e) {
      if (e.target.closest && e.target.closest('.gc-run')) return;
      var box = svg.getBoundingClientRect();
      var px = e.clientX - box.left;
      var lo = 0, hi = series.length - 1;
      while (lo < hi) {
        var mid = (lo + hi) >> 1;
        if (x(series[mid][0]) < px) lo = mid + 1; else hi = mid;
      }
      if (lo > 0 && Math.abs(x(series[lo - 1][0]) - px) < Math.abs(x(series[lo][0]) - px)) lo--;
      var p = series[lo];
      cursor.setAttribute('x1', x(p[0]));
      cursor.setAttribute('x2', x(p[0]));
      cursor.setAttribute('visibility', 'visible');
      aiprof.showTooltip(e, [{ text: aiprof.formatBytes(p[1]) + ' live' }, { text: 'at ' + aiprof.formatDuration(p[0]) }]);
    });
    svg.addEventListener('mouseleave', function () {
      cursor.setAttribute('visibility', 'hidden');
      aiprof.hideTooltip();
    });
  };

  aiprof.MemoryGraph = MemoryGraph;
})();
