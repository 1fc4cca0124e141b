// The flame graph of the call tree, drawn as SVG (root at the top, callees below their caller).
//
// Reads the data blob's "frames" and "nodes" (html_report.cpp writes nodes in depth-first
// preorder, so a parent always comes before its children). Two views when the profile has both:
// "exact" (width = inclusive time) and "sampled" (width = inclusive samples). Click zooms into a
// frame, the reset button zooms out (Esc also clears the selection), the search box highlights
// matching frames and
// shows their share. A function can be selected (a row of the function table, a frame clicked):
// every frame of it is outlined and the rest dimmed, and onSelect/onView listeners (the sandwich
// view) are told. Frames narrower than MIN_FRAME_PX, and frames past MAX_FRAMES, are not
// drawn (and counted), so a huge tree stays responsive.
(function () {
  'use strict';

  var FRAME_HEIGHT = 18;
  var MIN_FRAME_PX = 1;
  var MAX_FRAMES = 12000;
  var CHAR_PX = 6.7;  // 11px monospace, close enough to decide how much of a name fits
  var DEFAULT_WIDTH = 1200;

  // Node fields (see node_fields in the blob).
  var F_FRAME = 0, F_PARENT = 1, F_CALLS = 2, F_INCL = 3, F_SELF = 4, F_SINCL = 5, F_SSELF = 6;
  var F_FLAGS = 7, F_ALLOCS = 8, F_ALLOC_BYTES = 9;
  var FLAG_EXACT = 1, FLAG_DISAGREEMENT = 2;

  var VIEWS = {
    exact: { label: 'Exact (inclusive time)', field: F_INCL, selfField: F_SELF },
    sampled: { label: 'Sampled (samples)', field: F_SINCL, selfField: F_SSELF }
  };

  var KIND_LEGEND = [
    ['function', 'guest function / module / expression'],
    ['builtin', 'builtin'],
    ['native', 'native frame'],
    ['gc', 'garbage collector'],
    ['custom', 'custom span']
  ];

  // A stable colour per name, with a hue range per kind of frame (native frames are blue).
  function hash(text) {
    var h = 2166136261;
    for (var i = 0; i < text.length; i++) {
      h ^= text.charCodeAt(i);
      h = Math.imul(h, 16777619);
    }
    return (h >>> 0) / 4294967296;
  }
  function colour(kind, name) {
    var v = hash(name);
    switch (kind) {
      case 'native': return 'hsl(' + (195 + 30 * v).toFixed(0) + ',62%,' + (58 + 10 * v).toFixed(0) + '%)';
      case 'builtin': return 'hsl(' + (140 + 30 * v).toFixed(0) + ',50%,' + (55 + 10 * v).toFixed(0) + '%)';
      case 'gc': return 'hsl(0,0%,' + (62 + 10 * v).toFixed(0) + '%)';
      case 'custom': return 'hsl(' + (265 + 25 * v).toFixed(0) + ',45%,' + (66 + 8 * v).toFixed(0) + '%)';
      case 'root': return 'hsl(220,10%,82%)';
      default: return 'hsl(' + (5 + 45 * v).toFixed(0) + ',78%,' + (58 + 8 * v).toFixed(0) + '%)';
    }
  }
  function kindClass(kind) {
    return (kind === 'native' || kind === 'builtin' || kind === 'gc' || kind === 'custom' || kind === 'root')
      ? kind : 'function';
  }

  // Children lists, depths and subtree sizes from the preorder node array.
  function buildTree(nodes) {
    var count = nodes.length;
    var children = new Array(count);
    var depth = new Int32Array(count);
    var descendants = new Int32Array(count);
    for (var i = 0; i < count; i++) children[i] = [];
    for (i = 1; i < count; i++) {
      var parent = nodes[i][F_PARENT];
      children[parent].push(i);
      depth[i] = depth[parent] + 1;
    }
    for (i = count - 1; i > 0; i--) descendants[nodes[i][F_PARENT]] += descendants[i] + 1;
    return { children: children, depth: depth, descendants: descendants };
  }

  function FlameGraph(elements, data) {
    this.el = elements;
    this.data = data;
    this.nodes = data.nodes || [];
    this.frames = data.frames || [];
    this.tree = buildTree(this.nodes);
    this.views = [];
    if (data.views && data.views.exact) this.views.push('exact');
    if (data.views && data.views.sampled) this.views.push('sampled');
    this.view = this.views.indexOf(data.default_view) >= 0 ? data.default_view : this.views[0];
    this.zoom = 0;
    this.query = '';
    this.matched = null;
    this.drawnFrames = 0;
    this.hiddenFrames = 0;
    this.frameFunction = data.frame_function || [];
    this.selectedFunction = -1;
    this.selected = null;  // per node: 1 when its frame belongs to the selected function
    this.listeners = { select: [], view: [] };
  }

  // The function a node belongs to (frame_function in the blob; -1 for the root).
  FlameGraph.prototype.functionOf = function (node) {
    if (node === 0) return -1;
    var frame = this.nodes[node][F_FRAME];
    var f = this.frameFunction[frame];
    return f === undefined ? frame : f;
  };
  FlameGraph.prototype.on = function (event, listener) { this.listeners[event].push(listener); };
  FlameGraph.prototype.emit = function (event, value) {
    this.listeners[event].forEach(function (listener) { listener(value); });
  };

  // Outlines every frame of one function (-1: none) and tells the listeners.
  FlameGraph.prototype.select = function (fn) {
    this.selectedFunction = fn;
    this.selected = null;
    if (fn >= 0) {
      this.selected = new Uint8Array(this.nodes.length);
      for (var i = 1; i < this.nodes.length; i++) if (this.functionOf(i) === fn) this.selected[i] = 1;
    }
    this.highlight();
    this.emit('select', fn);
  };

  FlameGraph.prototype.name = function (node) {
    var frame = this.frames[this.nodes[node][F_FRAME]];
    if (node === 0) return this.data.program ? 'all (' + this.data.program + ')' : 'all';
    return frame ? frame[0] : '?';
  };
  FlameGraph.prototype.kind = function (node) {
    var frame = this.frames[this.nodes[node][F_FRAME]];
    return node === 0 ? 'root' : (frame ? frame[3] : 'function');
  };
  FlameGraph.prototype.value = function (node) {
    var v = this.nodes[node][VIEWS[this.view].field];
    if (node !== 0) return v;
    // The root's own figure may be missing (sampling) or smaller than its children's sum.
    var sum = 0;
    var kids = this.tree.children[0];
    for (var i = 0; i < kids.length; i++) sum += this.nodes[kids[i]][VIEWS[this.view].field];
    return Math.max(v, sum);
  };
  FlameGraph.prototype.sortedChildren = function (node) {
    var self = this;
    return this.tree.children[node].slice().sort(function (a, b) {
      var d = self.value(b) - self.value(a);
      if (d !== 0) return d;
      var na = self.name(a), nb = self.name(b);
      return na < nb ? -1 : (na > nb ? 1 : 0);
    });
  };

  FlameGraph.prototype.start = function () {
    var self = this;
    this.drawLegend();
    this.drawViewControls();
    if (!this.drawable()) {
      this.render();
      this.el.search.disabled = true;
      return;
    }
    this.el.reset.addEventListener('click', function () { self.setZoom(0); });
    this.el.search.addEventListener('input', function () { self.search(self.el.search.value); });
    document.addEventListener('keydown', function (e) {
      if (e.key !== 'Escape' || document.activeElement === self.el.search) return;
      self.setZoom(0);
      self.select(-1);
    });
    var resizeTimer = null;
    window.addEventListener('resize', function () {
      clearTimeout(resizeTimer);
      resizeTimer = setTimeout(function () { self.render(); }, 150);
    });
    this.render();
  };

  FlameGraph.prototype.drawable = function () {
    return this.nodes.length > 1 && this.views.length > 0;
  };

  FlameGraph.prototype.drawViewControls = function () {
    var box = this.el.views;
    var self = this;
    while (box.firstChild) box.removeChild(box.firstChild);
    if (this.views.length === 2) {
      aiprof.element('span', null, 'View: ', box);
      this.views.forEach(function (view) {
        var button = aiprof.element('button', view === self.view ? 'active' : '', VIEWS[view].label, box);
        button.type = 'button';
        button.setAttribute('data-view', view);
        button.addEventListener('click', function () { self.setView(view); });
      });
    } else if (this.views.length === 1) {
      var why = this.views[0] === 'exact' ? 'no samples in this profile' : 'exact times were not measured';
      aiprof.element('span', 'only', 'View: ' + VIEWS[this.views[0]].label + ' (' + why + ')', box);
    }
  };

  FlameGraph.prototype.drawLegend = function () {
    var box = this.el.legend;
    KIND_LEGEND.forEach(function (entry) {
      var item = aiprof.element('span', null, null, box);
      var swatch = aiprof.element('span', 'swatch', null, item);
      swatch.style.background = colour(entry[0], entry[1]);
      item.appendChild(document.createTextNode(entry[1]));
    });
    var item = aiprof.element('span', null, null, box);
    aiprof.element('span', 'swatch disagreement', null, item);
    item.appendChild(document.createTextNode('exact and sampled figures disagree'));
  };

  FlameGraph.prototype.setView = function (view) {
    if (view === this.view || this.views.indexOf(view) < 0) return;
    this.view = view;
    var buttons = this.el.views.querySelectorAll('button');
    for (var i = 0; i < buttons.length; i++)
      buttons[i].className = buttons[i].getAttribute('data-view') === view ? 'active' : '';
    if (this.value(this.zoom) <= 0) this.zoom = 0;
    this.render();
    this.updateMatchInfo();
    this.emit('view', view);
  };

  FlameGraph.prototype.setZoom = function (node) {
    if (this.value(node) <= 0) return;
    this.zoom = node;
    this.render();
    this.updateMatchInfo();
  };

  // Lays out and draws the frames visible at the current zoom, breadth first, so that when the
  // frame cap is reached it is the deepest frames that are left out.
  FlameGraph.prototype.render = function () {
    var container = this.el.graph;
    var self = this;
    while (container.firstChild) container.removeChild(container.firstChild);
    aiprof.hideTooltip();
    if (!this.drawable()) {
      var message = this.nodes.length <= 1
        ? 'No call-tree data: nothing was recorded below the root.'
        : 'Call tree: not measured (no exact times and no samples in this profile).';
      aiprof.element('div', 'empty', message, container);
      this.el.status.textContent = '';
      return;
    }
    var width = aiprof.widthOf(container, DEFAULT_WIDTH);
    var svg = aiprof.svg('svg', { width: width, height: FRAME_HEIGHT, 'class': 'flamegraph-svg' }, container);
    var zoomValue = this.value(this.zoom);
    var scale = zoomValue > 0 ? width / zoomValue : 0;
    var drawn = 0, hidden = 0, capped = false, maxRow = 0;

    // The zoomed frame's ancestors, full width, dimmed: click one to zoom out to it.
    var chain = [];
    for (var a = this.zoom === 0 ? -1 : this.nodes[this.zoom][F_PARENT]; a >= 0; a = this.nodes[a][F_PARENT]) chain.unshift(a);
    chain.forEach(function (node) {
      var row = self.tree.depth[node];
      self.drawFrame(svg, node, 0, row, width, 'ancestor');
      maxRow = Math.max(maxRow, row);
      drawn++;
    });

    var queue = [[this.zoom, 0, width]];
    for (var head = 0; head < queue.length; head++) {
      var node = queue[head][0], x = queue[head][1], w = queue[head][2];
      if (w < MIN_FRAME_PX || drawn >= MAX_FRAMES) {
        if (drawn >= MAX_FRAMES) capped = true;
        hidden += 1 + this.tree.descendants[node];
        continue;
      }
      var row = this.tree.depth[node];
      this.drawFrame(svg, node, x, row, w, '');
      maxRow = Math.max(maxRow, row);
      drawn++;
      var right = x + w;
      var childX = x;
      var kids = this.sortedChildren(node);
      for (var k = 0; k < kids.length; k++) {
        var childW = Math.min(this.value(kids[k]) * scale, right - childX);
        queue.push([kids[k], childX, Math.max(0, childW)]);
        childX += Math.max(0, childW);
      }
    }
    svg.setAttribute('height', (maxRow + 1) * FRAME_HEIGHT + 2);
    svg.addEventListener('mousemove', function (e) { self.hover(e); });
    svg.addEventListener('mouseleave', function () { aiprof.hideTooltip(); });
    svg.addEventListener('click', function (e) {
      var g = e.target.closest ? e.target.closest('g.frame') : null;
      if (!g) return;
      var node = Number(g.getAttribute('data-node'));
      self.setZoom(node);
      self.select(self.functionOf(node));
    });
    this.drawnFrames = drawn;
    this.hiddenFrames = hidden;
    this.el.reset.disabled = this.zoom === 0;
    var status = drawn + ' frames drawn';
    if (hidden > 0) {
      status += '; ' + hidden + ' not drawn (' + (capped ? 'beyond the ' + MAX_FRAMES + '-frame cap or ' : '') +
        'narrower than ' + MIN_FRAME_PX + 'px, or without ' + (this.view === 'exact' ? 'time' : 'samples') +
        ' in this view): zoom in to see them';
    }
    if (this.data.hidden_nodes > 0) {
      status += '. ' + this.data.hidden_nodes + ' deeper nodes are not in this report (max_call_stack_depth ' +
        this.data.max_depth + ')';
    }
    this.el.status.textContent = status + '.';
    this.highlight();
  };

  FlameGraph.prototype.drawFrame = function (svg, node, x, row, w, extraClass) {
    var kind = this.kind(node);
    var name = this.name(node);
    var flags = this.nodes[node][F_FLAGS];
    var classes = 'frame kind-' + kindClass(kind) + (extraClass ? ' ' + extraClass : '');
    if (flags & FLAG_DISAGREEMENT) classes += ' disagreement';
    if (this.matched && this.matched[node]) classes += ' match';
    if (this.selected && this.selected[node]) classes += ' selected';
    var g = aiprof.svg('g', { 'class': classes, 'data-node': node, 'aria-label': name }, svg);
    var y = row * FRAME_HEIGHT;
    aiprof.svg('rect', { x: x.toFixed(2), y: y, width: Math.max(w - 0.5, 0.5).toFixed(2), height: FRAME_HEIGHT - 1,
      fill: colour(kind, name) }, g);
    var label = (flags & FLAG_DISAGREEMENT ? '! ' : '') + name;
    var fits = Math.floor((w - 6) / CHAR_PX);
    if (fits >= 3) {
      var text = aiprof.svg('text', { x: (x + 3).toFixed(2), y: y + FRAME_HEIGHT - 5 }, g);
      text.textContent = label.length <= fits ? label : label.slice(0, fits - 2) + '..';
    }
  };

  FlameGraph.prototype.hover = function (e) {
    var g = e.target.closest ? e.target.closest('g.frame') : null;
    if (!g) {
      aiprof.hideTooltip();
      return;
    }
    aiprof.showTooltip(e, this.describe(Number(g.getAttribute('data-node'))));
  };

  // The tooltip's lines: name, location, calls, times and samples with their shares.
  FlameGraph.prototype.describe = function (node) {
    var n = this.nodes[node];
    var frame = this.frames[n[F_FRAME]] || ['?', '', 0, 'function'];
    var lines = [{ text: this.name(node) }];
    var where = frame[1] ? frame[1] + (frame[2] ? ':' + frame[2] : '') : 'location unknown';
    lines.push({ text: this.kind(node) + ', ' + where });
    var exactTotal = this.data.views.exact ? this.valueIn('exact', 0) : 0;
    var sampleTotal = this.data.views.sampled ? this.valueIn('sampled', 0) : 0;
    if (this.data.views.exact) {
      if (n[F_FLAGS] & FLAG_EXACT || node === 0) {
        lines.push({ text: 'calls: ' + aiprof.formatCount(n[F_CALLS]) });
        lines.push({ text: 'inclusive: ' + aiprof.formatDuration(this.valueIn('exact', node)) + ' (' +
          aiprof.percent(this.valueIn('exact', node), exactTotal) + ' of total)' });
        lines.push({ text: 'self: ' + aiprof.formatDuration(n[F_SELF]) + ' (' + aiprof.percent(n[F_SELF], exactTotal) + ')' });
      } else {
        lines.push({ text: 'exact time: not measured for this frame (seen in samples only)', className: 'muted' });
      }
    }
    if (this.data.views.sampled) {
      lines.push({ text: 'samples: ' + aiprof.formatCount(this.valueIn('sampled', node)) + ' inclusive (' +
        aiprof.percent(this.valueIn('sampled', node), sampleTotal) + '), ' + aiprof.formatCount(n[F_SSELF]) +
        ' self (' + aiprof.percent(n[F_SSELF], sampleTotal) + ')' });
    }
    if (this.zoom !== 0 && node !== this.zoom) {
      lines.push({ text: aiprof.percent(this.value(node), this.value(this.zoom)) + ' of the zoomed frame ' + this.name(this.zoom) });
    }
    if (n[F_ALLOCS] > 0) {
      lines.push({ text: 'allocations: ' + aiprof.formatCount(n[F_ALLOCS]) + ' (' + aiprof.formatBytes(n[F_ALLOC_BYTES]) + ')' });
    }
    if (n[F_FLAGS] & FLAG_DISAGREEMENT) {
      lines.push({ text: 'exact and sampled shares disagree beyond the confidence interval', className: 'warn' });
    }
    lines.push({ text: node === this.zoom ? (node === 0 ? '' : 'zoomed; Esc or Reset zoom to zoom out') : 'click to zoom in and select the function', className: 'muted' });
    return lines;
  };

  FlameGraph.prototype.valueIn = function (view, node) {
    var saved = this.view;
    this.view = view;
    var v = this.value(node);
    this.view = saved;
    return v;
  };

  // Marks every node whose name contains the query (case-insensitive), drawn or not.
  FlameGraph.prototype.search = function (query) {
    this.query = query.trim().toLowerCase();
    if (!this.query) {
      this.matched = null;
    } else {
      this.matched = new Uint8Array(this.nodes.length);
      for (var i = 1; i < this.nodes.length; i++)
        if (this.name(i).toLowerCase().indexOf(this.query) >= 0) this.matched[i] = 1;
    }
    this.highlight();
    this.updateMatchInfo();
  };

  // Marks the drawn frames that the search matches and those of the selected function, and
  // says how many of the selected function's frames are drawn.
  FlameGraph.prototype.highlight = function () {
    var frames = this.el.graph.querySelectorAll('g.frame');
    var drawnSelected = 0;
    for (var i = 0; i < frames.length; i++) {
      var node = Number(frames[i].getAttribute('data-node'));
      var selected = !!(this.selected && this.selected[node]);
      frames[i].classList.toggle('match', !!(this.matched && this.matched[node]));
      frames[i].classList.toggle('selected', selected);
      if (selected) drawnSelected++;
    }
    var svg = this.el.graph.querySelector('svg');
    if (svg) svg.classList.toggle('has-selection', !!this.selected);
    this.updateSelectionInfo(drawnSelected);
  };

  FlameGraph.prototype.updateSelectionInfo = function (drawn) {
    var info = this.el.selection;
    if (!info) return;
    if (!this.selected) {
      info.textContent = '';
      info.removeAttribute('data-drawn');
      return;
    }
    var total = 0;
    for (var i = 1; i < this.nodes.length; i++) total += this.selected[i];
    var name = this.frames[this.selectedFunction] ? this.frames[this.selectedFunction][0] : '?';
    info.textContent = 'Selected: ' + name + ', ' + total + (total === 1 ? ' frame' : ' frames') +
      (drawn < total ? ' (' + drawn + ' drawn at this zoom and width)' : '');
    info.setAttribute('data-drawn', String(drawn));
  };

  // The matched share: each matching node counts once, not again under a matching ancestor.
  FlameGraph.prototype.updateMatchInfo = function () {
    var info = this.el.matchInfo;
    if (!this.matched) {
      info.textContent = '';
      return;
    }
    var covered = new Uint8Array(this.nodes.length);
    var share = 0, count = 0;
    for (var i = 1; i < this.nodes.length; i++) {
      var parent = this.nodes[i][F_PARENT];
      covered[i] = covered[parent] || (this.matched[parent] ? 1 : 0);
      if (this.matched[i]) {
        count++;
        if (!covered[i]) share += this.value(i);
      }
    }
    info.textContent = count === 0
      ? 'No frame matches'
      : 'Matched: ' + aiprof.percent(share, this.value(0)) + ' of total (' + count + (count === 1 ? ' frame)' : ' frames)');
    info.setAttribute('data-matched', String(count));
  };

  aiprof.FlameGraph = FlameGraph;
  aiprof.frameColour = colour;
  aiprof.frameKindClass = kindClass;
  aiprof.FRAME_HEIGHT = FRAME_HEIGHT;
  aiprof.CHAR_PX = CHAR_PX;
})();
