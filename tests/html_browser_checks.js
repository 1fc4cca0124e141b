// Injected by tests/html_browser_test.sh into a copy of an HTML report, after the report's own
// scripts, with window.AIPROF_CHECK naming the page. It uses the page as a reader would
// (hover, search, click to zoom, reset, switch views) and writes one "PASS name" or
// "FAIL name: detail" line per check, then "DONE n checks", into a pre element with the id
// browser-test-results. It runs once the report has (on DOMContentLoaded, after the report's).
function aiprofBrowserChecks() {
  'use strict';
  var results = [];
  function check(name, ok, detail) {
    results.push((ok ? 'PASS ' : 'FAIL ') + name + (ok || detail === undefined ? '' : ': ' + String(detail)));
  }
  function $(selector, root) { return (root || document).querySelector(selector); }
  function $$(selector, root) { return Array.prototype.slice.call((root || document).querySelectorAll(selector)); }
  function frames() { return $$('#flamegraph g.frame'); }
  function labels() { return frames().map(function (g) { return g.getAttribute('aria-label'); }); }
  function frameNamed(name) { return frames().filter(function (g) { return g.getAttribute('aria-label') === name; })[0]; }
  function click(element) { element.dispatchEvent(new MouseEvent('click', { bubbles: true })); }
  function hover(element) {
    var box = element.getBoundingClientRect();
    element.dispatchEvent(new MouseEvent('mousemove', { bubbles: true, clientX: box.left + 2, clientY: box.top + 2 }));
  }
  function search(text) {
    var box = $('#flamegraph-search');
    box.value = text;
    box.dispatchEvent(new Event('input', { bubbles: true }));
  }
  function tooltip() {
    var tip = $('#aiprof-tooltip');
    return tip.hidden ? '' : tip.textContent;
  }
  function svgWidth() { return Number($('#flamegraph svg').getAttribute('width')); }
  function widthOf(g) { return Number(g.querySelector('rect').getAttribute('width')); }

  function zoomAndReset(frame) {
    var node = frame.getAttribute('data-node');
    click(frame.querySelector('rect'));
    var zoomed = $('#flamegraph g.frame[data-node="' + node + '"]');
    check('click zooms: the frame spans the width', zoomed && Math.abs(widthOf(zoomed) - svgWidth()) < 2,
      zoomed && widthOf(zoomed) + ' of ' + svgWidth());
    check('the zoomed frame\'s callers are shown above it', $$('#flamegraph g.frame.ancestor').length >= 1);
    check('reset is enabled while zoomed', !$('#flamegraph-reset').disabled);
    $('#flamegraph-reset').click();
    check('reset zooms out', $('#flamegraph-reset').disabled && $$('#flamegraph g.frame.ancestor').length === 0);
  }

  function rowNamed(name) {
    return $$('table.functions tr[data-function]').filter(function (tr) {
      return $('td.name', tr).textContent === name;
    })[0];
  }
  function sandwichFrames(part) { return $$('#sandwich-' + part + ' g.frame'); }
  function sandwichNames(part) { return sandwichFrames(part).map(function (g) { return g.getAttribute('aria-label'); }); }
  function frameY(g) { return Number(g.querySelector('rect').getAttribute('y')); }

  // The graph comes first; the session header is one line until it is opened.
  function graphFirst() {
    var details = $('#session-details');
    check('the session header is folded into one summary line', details && !details.open &&
      $('#session-details > summary').getBoundingClientRect().height < 60,
      details && $('#session-details > summary').getBoundingClientRect().height);
    var top = $('#flamegraph').getBoundingClientRect().top;
    check('the flame graph starts near the top of the page (at 1400 px)', top > 0 && top < 220, top);
    check('the flame graph comes before the function table',
      $('#flamegraph').getBoundingClientRect().bottom <= $('table.functions').getBoundingClientRect().top + 1);
    $('#session-details > summary').click();
    check('clicking the summary line opens the session table', details.open &&
      $('#session-details table.session').getBoundingClientRect().height > 100);
    $('#session-details > summary').click();
    check('clicking it again folds it', !details.open);
  }

  // Clicking the table row of `name` outlines exactly its frames and shows it in the sandwich.
  function rowSelects(name) {
    var row = rowNamed(name);
    check('the table has a row for ' + name, !!row);
    if (!row) return;
    click($('td.name', row));
    var selected = $$('#flamegraph g.frame.selected');
    var named = frames().filter(function (g) { return g.getAttribute('aria-label') === name; });
    check('clicking the row of ' + name + ' highlights its frames in the flame graph',
      selected.length > 0 && selected.length === named.length &&
      selected.every(function (g) { return g.getAttribute('aria-label') === name; }),
      selected.length + ' selected, ' + named.length + ' named ' + name);
    check('the row of ' + name + ' is marked selected', row.classList.contains('selected') &&
      $$('table.functions tr.selected').length === 1);
    check('the selection is stated above the graph',
      $('#flamegraph-selection').textContent.indexOf('Selected: ' + name + ', ') === 0,
      $('#flamegraph-selection').textContent);
    check('the sandwich shows ' + name, $('#sandwich-title').textContent === name &&
      $('#sandwich').getAttribute('data-function') === row.getAttribute('data-function'),
      $('#sandwich-title').textContent);
    var focusCallers = $('#sandwich-callers g.frame.focus'), focusCallees = $('#sandwich-callees g.frame.focus');
    check('the sandwich puts ' + name + ' between its callers and callees',
      focusCallers && focusCallees && focusCallers.getAttribute('aria-label') === name &&
      focusCallees.getAttribute('aria-label') === name);
    check('its callers are drawn above it, its callees below',
      sandwichFrames('callers').every(function (g) { return frameY(g) <= frameY(focusCallers); }) &&
      sandwichFrames('callees').every(function (g) { return frameY(g) >= frameY(focusCallees); }));
  }

  function memoryGraphDrawn() {
    var memory = $('#memory-graph');
    check('memory graph is drawn', !!$('svg polyline.heap-line', memory), memory.textContent.slice(0, 200));
    check('memory graph axes carry units', /live heap \((bytes|KB|MB|GB)\)/.test(memory.textContent) &&
      /time since session start \((ns|us|ms|s)\)/.test(memory.textContent), memory.textContent.slice(0, 200));
  }

  var pages = {
    // The real binary's hybrid profile of tests/html_browser_program.ai (a small demo.ai).
    demo: function () {
      // fib(23) and the sort take most of the run: main and fib are wide; the other functions may
      // be too narrow to draw on some machine, but the search finds them in the graph's tree.
      var names = labels();
      ['m.main', 'm.fib'].forEach(function (name) {
        check('flame graph has a frame for ' + name, names.indexOf(name) >= 0, names.slice(0, 30).join(', '));
      });
      check('frame names are drawn as text', /m\.main/.test($('#flamegraph').textContent) &&
        /m\.fib/.test($('#flamegraph').textContent));
      ['m.quicksort', 'm.makeOrders', 'm.groupTotals', 'm.pad', 'm.bar'].forEach(function (name) {
        search(name);
        check('the flame graph\'s tree has ' + name, /^Matched: .* \(\d+ frames?\)$/.test($('#flamegraph-match').textContent),
          $('#flamegraph-match').textContent);
      });
      search('');
      var fib = frameNamed('m.fib');
      hover(fib);
      var tip = tooltip();
      check('tooltip: name, file:line, calls, inclusive and self time with shares',
        /m\.fib/.test(tip) && /html_browser_program\.ai:\d+/.test(tip) && /calls: \d/.test(tip) &&
        /inclusive: [\d.]+(ns|us|ms|s) \([\d.]+% of total\)/.test(tip) && /self: [\d.]+/.test(tip), tip);
      search('FIB');
      var info = $('#flamegraph-match').textContent;
      check('search shows the matched share', /^Matched: \d+\.\d% of total \(\d+ frames?\)$/.test(info), info);
      var matches = $$('#flamegraph g.frame.match');
      check('search highlights the matching frames, only them', matches.length > 0 &&
        matches.every(function (g) { return /fib/i.test(g.getAttribute('aria-label')); }), matches.length);
      zoomAndReset(fib);
      check('the highlight survives zooming', $$('#flamegraph g.frame.match').length === matches.length);
      search('');
      check('clearing the search clears the highlight',
        $$('#flamegraph g.frame.match').length === 0 && $('#flamegraph-match').textContent === '');
      check('both views are offered (hybrid)', $$('#flamegraph-views button').length === 2,
        $('#flamegraph-views').textContent);
      memoryGraphDrawn();
      graphFirst();
      check('the summary line gives mode, rates and drops',
        /^hybrid \(function\) · [\d.]+m?s · 1000\.0 Hz asked, [\d.]+ delivered · \d+ samples, \d+ dropped/.test(
          $('#session-details > summary').textContent), $('#session-details > summary').textContent);
      rowSelects('m.quicksort');
      check('m.quicksort recursing counts once: its only caller is m.main',
        sandwichNames('callers').join() === 'm.quicksort,m.main', sandwichNames('callers').join());
      check('m.quicksort\'s callees include itself and Array.filter',
        sandwichNames('callees').indexOf('m.quicksort', 1) > 0 && sandwichNames('callees').indexOf('Array.filter') > 0,
        sandwichNames('callees').join());
      check('the sandwich gives its inclusive figure, on one call path',
        /; [\d.]+(ns|us|ms|s) inclusive \([\d.]+% of total\), on 1 call path$/.test($('#sandwich-summary').textContent),
        $('#sandwich-summary').textContent);
      rowSelects('m.fib');
      var mainInCallers = sandwichFrames('callers').filter(function (g) { return g.getAttribute('aria-label') === 'm.main'; })[0];
      check('m.fib is called by m.main', !!mainInCallers, sandwichNames('callers').join());
      if (mainInCallers) {
        click(mainInCallers.querySelector('rect'));
        check('clicking a caller in the sandwich selects it everywhere', $('#sandwich-title').textContent === 'm.main' &&
          $$('table.functions tr.selected').length === (rowNamed('m.main') ? 1 : 0) &&
          $$('#flamegraph g.frame.selected').length === 1 &&
          $$('#flamegraph g.frame.selected')[0].getAttribute('aria-label') === 'm.main', $('#sandwich-title').textContent);
      }
      click(frameNamed('m.fib').querySelector('rect'));
      check('clicking a frame of the flame graph selects its function', $('#sandwich-title').textContent === 'm.fib' &&
        rowNamed('m.fib').classList.contains('selected'), $('#sandwich-title').textContent);
      document.dispatchEvent(new KeyboardEvent('keydown', { key: 'Escape', bubbles: true }));
      check('Esc zooms out and clears the selection', $('#flamegraph-reset').disabled &&
        $$('#flamegraph g.frame.selected').length === 0 && $$('table.functions tr.selected').length === 0 &&
        !$('#sandwich').classList.contains('active'));
      // Left for the screenshot: m.quicksort selected from its row.
      click($('td.name', rowNamed('m.quicksort')));
    },

    // Exact and sampled figures, a native frame, a disagreement, a GC run.
    hybrid: function () {
      graphFirst();
      check('the summary line counts the disagreement once',
        /1 disagreement \(exact vs sampled\)/.test($('#session-details > summary').textContent),
        $('#session-details > summary').textContent);
      var findings = $$('#session-details ul.disagreements li');
      check('each disagreement is listed once', findings.length === 1, findings.length);
      var buttons = $$('#flamegraph-views button');
      check('both views are offered', buttons.length === 2, buttons.length);
      check('the exact view is shown first', buttons.length === 2 && buttons[0].className === 'active');
      check('a frame without time is not drawn in the exact view', !frameNamed('memcpy'));
      var fib = frameNamed('m.fib');
      check('the disagreeing frame is marked', fib && fib.classList.contains('disagreement'));
      hover(fib);
      check('its tooltip says so', /disagree/.test(tooltip()), tooltip());
      var exactWidth = widthOf(frameNamed('m.load'));
      buttons[1].click();
      check('the sampled view is active after its button', buttons[1].className === 'active');
      var native = frameNamed('memcpy');
      check('the sampled view draws the native frame', !!native);
      check('the native frame is coloured as native', native && native.classList.contains('kind-native') &&
        /^hsl\((19\d|2[0-2]\d),/.test(native.querySelector('rect').getAttribute('fill')),
        native && native.querySelector('rect').getAttribute('fill'));
      check('a function frame is coloured differently', /^hsl\(([0-9]|[1-4]\d|50),/.test(
        frameNamed('m.main').querySelector('rect').getAttribute('fill')));
      check('widths follow samples in the sampled view', !frameNamed('m.load') && exactWidth > 1,
        'm.load has no samples; exact width ' + exactWidth);
      hover(native);
      check('the tooltip gives samples and their share', /samples: 10 inclusive \(3\.4%\), 10 self/.test(tooltip()), tooltip());
      rowSelects('m.fib');
      check('the sandwich follows the sampled view: m.fib calls memcpy',
        sandwichNames('callees').indexOf('memcpy') > 0 && /200 samples inclusive/.test($('#sandwich-summary').textContent),
        sandwichNames('callees').join() + ' / ' + $('#sandwich-summary').textContent);
      buttons[0].click();
      check('back to the exact view', !!frameNamed('m.load') && !frameNamed('memcpy'));
      check('the sandwich is redrawn in the exact view', sandwichNames('callees').indexOf('memcpy') < 0 &&
        /900ms inclusive/.test($('#sandwich-summary').textContent), $('#sandwich-summary').textContent);
      memoryGraphDrawn();
      var gc = $$('#memory-graph g.gc-run');
      check('the GC run is marked', gc.length === 1, gc.length);
      if (gc.length) {
        hover(gc[0].querySelector('rect'));
        check('the GC marker tells when and what it reclaimed',
          /GC run 1 at 700ms/.test(tooltip()) && /reclaimed 256\.0KB in 640 objects/.test(tooltip()), tooltip());
      }
    },

    // Names that are markup must show as text and run nothing.
    hostile: function () {
      var evil = '\u003cscript>alert(1)\u003c/script>';  // no end tag in this inline script
      var frame = frameNamed(evil);
      check('the frame named like a script tag is drawn', !!frame, labels().join(', '));
      check('its label is text', frame && frame.querySelector('text') &&
        frame.querySelector('text').textContent.indexOf('\u003cscript>') === 0);
      check('no element came from a name', document.scripts.length === 5 && !$('b') && !$('i'),
        document.scripts.length + ' scripts');
      check('the table shows the name as text',
        $$('table.functions td.name').some(function (td) { return td.textContent === evil; }));
      check('the title is text', document.title === 'aiprof: <b>x&y</b>.ai', document.title);
      hover(frame);
      check('the tooltip shows the name and file as text', tooltip().indexOf(evil) === 0 &&
        tooltip().indexOf('\u003c/script>\u003cscript>alert(2)\u003c/script>:3') > 0, tooltip());
    },

    // Nothing recorded: both graphs say so.
    empty: function () {
      var empty = $('#flamegraph .empty');
      check('the flame graph says there is no call tree', empty && /No call-tree data/.test(empty.textContent));
      check('no frame is drawn', frames().length === 0);
      check('search is disabled', $('#flamegraph-search').disabled);
      check('the memory graph says not measured', /not measured/.test($('#memory-graph').textContent),
        $('#memory-graph').textContent);
    },

    // More frames than are drawn: the cap and the minimum width apply, and say so.
    wide: function () {
      var count = frames().length;
      check('frames are drawn up to the cap', count > 1000 && count <= 12000, count);
      var status = $('#flamegraph-status').textContent;
      check('the status counts the frames not drawn', /not drawn \(beyond the 12000-frame cap/.test(status), status);
      check('frames narrower than a pixel are not drawn', !frameNamed('tiny'));
      search('tiny');
      check('search finds frames that are not drawn', /\(1000 frames\)/.test($('#flamegraph-match').textContent),
        $('#flamegraph-match').textContent);
      search('');
      var head = frameNamed('chain7');
      check('a chain head is drawn', !!head);
      if (head) {
        click(head.querySelector('rect'));
        check('zooming into a chain draws the root above and its 20 calls', frames().length === 21, frames().length);
        check('its tiny callee is still too narrow to draw, and counted',
          !frameNamed('tiny') && /; 1 not drawn/.test($('#flamegraph-status').textContent),
          $('#flamegraph-status').textContent);
        $('#flamegraph-reset').click();
      }
      // The top row (f0 at wide.ai:20, the leaf of every chain: 1000 frames) on a big tree.
      var top = $('table.functions tr[data-function]');
      click($('td.name', top));
      var selection = $('#flamegraph-selection').textContent;
      check('a row selects every frame of its function, drawn or not',
        /^Selected: f0, 1000 frames \(\d+ drawn at this zoom and width\)$/.test(selection), selection);
      check('the drawn frames of it are outlined, only those', $$('#flamegraph g.frame.selected').length ===
        Number($('#flamegraph-selection').getAttribute('data-drawn')) &&
        $$('#flamegraph g.frame.selected').every(function (g) { return g.getAttribute('aria-label') === 'f0'; }));
      var callers = sandwichNames('callers');
      check('the sandwich merges its 1000 call paths: f3 calls it, and the chain heads are counted',
        callers[0] === 'f0' && callers.indexOf('f3') === 1 &&
        /on 1000 call paths$/.test($('#sandwich-summary').textContent), callers.slice(0, 5).join() + ' / ' +
        $('#sandwich-summary').textContent);
    }
  };

  try {
    var page = pages[window.AIPROF_CHECK];
    check('the page kind is known', !!page, window.AIPROF_CHECK);
    check('the report finished rendering', document.documentElement.getAttribute('data-rendered') === 'yes');
    if (page) page();
  } catch (e) {
    check('checks ran without an exception', false, e && e.stack ? e.stack : e);
  }
  aiprof.hideTooltip();  // the page as a reader leaves it, for the screenshot
  results.push('DONE ' + results.length + ' checks');
  var out = document.createElement('pre');
  out.id = 'browser-test-results';
  out.textContent = results.join('\n');
  document.body.appendChild(out);
}

if (document.readyState === 'loading') document.addEventListener('DOMContentLoaded', aiprofBrowserChecks);
else aiprofBrowserChecks();
