// The sandwich view of the selected function, as in speedscope: its callers above it and its
// callees below it, each merged over every call path on which the function runs.
//
// Only the function's outermost activations count (a recursive call inside another is part of
// its callee tree), so its figure is what function_totals() gives it: inclusive time (or
// samples) counted once. Callers: for each outermost activation, its chain of ancestors up to
// the root, merged by function; drawn upside down, the function at the bottom and its direct
// callers just above it. Callees: the activations' subtrees merged by function, the function
// at the top. Widths follow the flame graph's view (time or samples); clicking a frame selects
// that function.
(function () {
  'use strict';

  var MIN_FRAME_PX = 1;
  var MAX_FRAMES = 4000;

  // A merged tree node: one function under one parent, with the sum of its values.
  function merged(fn, node) { return { fn: fn, node: node, value: 0, kids: [], byFn: {} }; }
  function childOf(parent, fn, node) {
    var kid = parent.byFn[fn];
    if (!kid) {
      kid = merged(fn, node);
      parent.byFn[fn] = kid;
      parent.kids.push(kid);
    }
    return kid;
  }

  function Sandwich(elements, flame) {
    this.el = elements;
    this.flame = flame;
    this.fn = -1;
  }

  // The nodes where `fn` runs with no activation of it above (preorder: parents first).
  Sandwich.prototype.outermost = function (fn) {
    var flame = this.flame, nodes = flame.nodes;
    var inside = new Uint8Array(nodes.length);
    var out = [];
    for (var i = 1; i < nodes.length; i++) {
      var parent = nodes[i][1];
      inside[i] = inside[parent];
      if (flame.functionOf(i) !== fn) continue;
      if (!inside[i]) out.push(i);
      inside[i] = 1;
    }
    return out;
  };

  Sandwich.prototype.callers = function (roots) {
    var flame = this.flame, nodes = flame.nodes;
    var top = merged(this.fn, roots[0]);
    roots.forEach(function (node) {
      var v = flame.value(node);
      top.value += v;
      var at = top;
      for (var a = nodes[node][1]; a > 0; a = nodes[a][1]) {
        at = childOf(at, flame.functionOf(a), a);
        at.value += v;
      }
    });
    return top;
  };

  Sandwich.prototype.callees = function (roots) {
    var flame = this.flame;
    var top = merged(this.fn, roots[0]);
    var stack = [];
    roots.forEach(function (node) {
      top.value += flame.value(node);
      stack.push([node, top]);
    });
    while (stack.length) {
      var item = stack.pop();
      var kids = flame.tree.children[item[0]];
      for (var k = 0; k < kids.length; k++) {
        var v = flame.value(kids[k]);
        if (v <= 0) continue;
        var kid = childOf(item[1], flame.functionOf(kids[k]), kids[k]);
        kid.value += v;
        stack.push([kids[k], kid]);
      }
    }
    return top;
  };

  Sandwich.prototype.show = function (fn) {
    this.fn = fn;
    this.render();
  };

  Sandwich.prototype.render = function () {
    var el = this.el;
    [el.callers, el.callees].forEach(function (box) {
      while (box.firstChild) box.removeChild(box.firstChild);
    });
    el.root.classList.toggle('active', this.fn >= 0);
    if (this.fn < 0) {
      el.title.textContent = 'Callers and callees';
      el.summary.textContent = 'Select a function: click a row of the table or a frame of the flame graph.';
      return;
    }
    var frame = this.flame.frames[this.fn] || ['?', '', 0, 'function'];
    el.title.textContent = frame[0];
    el.root.setAttribute('data-function', String(this.fn));
    var roots = this.outermost(this.fn);
    var live = roots.filter(function (n) { return this.flame.value(n) > 0; }, this);
    if (live.length === 0) {
      el.summary.textContent = roots.length === 0
        ? 'Not in the call tree of this report (deeper than max_call_stack_depth?).'
        : 'No ' + (this.flame.view === 'exact' ? 'time' : 'samples') + ' in this view.';
      return;
    }
    var callers = this.callers(live), callees = this.callees(live);
    var total = this.flame.value(0);
    el.summary.textContent = (frame[1] ? frame[1] + (frame[2] ? ':' + frame[2] : '') + '; ' : '') +
      this.describeValue(callers.value) + ' inclusive (' + aiprof.percent(callers.value, total) +
      ' of total), on ' + live.length + (live.length === 1 ? ' call path' : ' call paths');
    this.draw(el.callers, callers, true);
    this.draw(el.callees, callees, false);
  };

  Sandwich.prototype.describeValue = function (v) {
    return this.flame.view === 'exact' ? aiprof.formatDuration(v) : aiprof.formatCount(v) + ' samples';
  };

  // Draws a merged tree as an icicle; `upward`: the top node at the bottom, its kids above it.
  Sandwich.prototype.draw = function (box, top, upward) {
    var self = this, H = aiprof.FRAME_HEIGHT;
    var width = aiprof.widthOf(box, 500);
    var scale = top.value > 0 ? width / top.value : 0;
    var rows = [], drawn = 0, hidden = 0, maxDepth = 0;
    var queue = [[top, 0, width, 0]];
    for (var head = 0; head < queue.length; head++) {
      var item = queue[head], node = item[0], x = item[1], w = item[2], depth = item[3];
      if (w < MIN_FRAME_PX || drawn >= MAX_FRAMES) {
        hidden++;
        continue;
      }
      rows.push(item);
      drawn++;
      maxDepth = Math.max(maxDepth, depth);
      var kids = node.kids.slice().sort(function (a, b) { return b.value - a.value; });
      var childX = x;
      for (var k = 0; k < kids.length; k++) {
        var childW = Math.min(kids[k].value * scale, x + w - childX);
        queue.push([kids[k], childX, Math.max(0, childW), depth + 1]);
        childX += Math.max(0, childW);
      }
    }
    var svg = aiprof.svg('svg', { width: width, height: (maxDepth + 1) * H + 2 }, box);
    rows.forEach(function (item) {
      var row = upward ? maxDepth - item[3] : item[3];
      self.drawFrame(svg, item[0], item[1], row * H, item[2], item[3] === 0, top.value);
    });
    svg.addEventListener('click', function (e) {
      var g = e.target.closest ? e.target.closest('g.frame') : null;
      if (g && !g.classList.contains('focus')) self.onPick(Number(g.getAttribute('data-function')));
    });
    svg.addEventListener('mouseleave', function () { aiprof.hideTooltip(); });
    if (hidden > 0) {
      aiprof.element('div', 'status', hidden + (hidden === 1 ? ' frame' : ' frames') + ' narrower than ' +
        MIN_FRAME_PX + 'px not drawn, nor the ' + (upward ? 'callers' : 'callees') + ' beyond them', box);
    }
  };

  Sandwich.prototype.drawFrame = function (svg, item, x, y, w, focus, focusValue) {
    var flame = this.flame, H = aiprof.FRAME_HEIGHT;
    var frame = flame.frames[item.fn] || ['?', '', 0, 'function'];
    var kind = flame.kind(item.node);
    var g = aiprof.svg('g', { 'class': 'frame kind-' + aiprof.frameKindClass(kind) + (focus ? ' focus' : ''),
      'data-function': item.fn, 'aria-label': frame[0] }, svg);
    aiprof.svg('rect', { x: x.toFixed(2), y: y, width: Math.max(w - 0.5, 0.5).toFixed(2), height: H - 1,
      fill: aiprof.frameColour(kind, frame[0]) }, g);
    var fits = Math.floor((w - 6) / aiprof.CHAR_PX);
    if (fits >= 3) {
      var text = aiprof.svg('text', { x: (x + 3).toFixed(2), y: y + H - 5 }, g);
      text.textContent = frame[0].length <= fits ? frame[0] : frame[0].slice(0, fits - 2) + '..';
    }
    var self = this;
    g.addEventListener('mousemove', function (e) {
      aiprof.showTooltip(e, [
        { text: frame[0] },
        { text: self.describeValue(item.value) + ' (' + aiprof.percent(item.value, flame.value(0)) + ' of total, ' +
          aiprof.percent(item.value, focusValue) + ' of the selected function)' },
        { text: focus ? 'the selected function' : 'click to select it', className: 'muted' }
      ]);
    });
  };

  aiprof.Sandwich = Sandwich;
})();
