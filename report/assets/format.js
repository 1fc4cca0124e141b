// Shared by the report's scripts: units as the text report prints them, SVG elements, and the
// one tooltip. Everything a script shows goes in through textContent or setAttribute, never as
// markup, so a frame named like a script tag is shown as text.
var aiprof = window.aiprof || {};
window.aiprof = aiprof;

(function () {
  'use strict';

  // "1.234s", "12.345ms", "123.456us", "85ns": as format_duration() in report_text_util.cpp.
  function trimZeros(text) {
    if (text.indexOf('.') < 0) return text;
    return text.replace(/0+$/, '').replace(/\.$/, '');
  }
  aiprof.formatDuration = function (ns) {
    if (ns >= 1e9) return trimZeros((ns / 1e9).toFixed(3)) + 's';
    if (ns >= 1e6) return trimZeros((ns / 1e6).toFixed(3)) + 'ms';
    if (ns >= 1e3) return trimZeros((ns / 1e3).toFixed(3)) + 'us';
    return String(Math.round(ns)) + 'ns';
  };

  // "512B", "1.5KB", "1.2MB" (powers of 1024): as format_bytes().
  aiprof.formatBytes = function (bytes) {
    if (bytes >= 1073741824) return (bytes / 1073741824).toFixed(1) + 'GB';
    if (bytes >= 1048576) return (bytes / 1048576).toFixed(1) + 'MB';
    if (bytes >= 1024) return (bytes / 1024).toFixed(1) + 'KB';
    return String(Math.round(bytes)) + 'B';
  };

  aiprof.percent = function (part, whole) {
    return whole > 0 ? (100 * part / whole).toFixed(1) + '%' : '0.0%';
  };

  aiprof.formatCount = function (n) {
    return String(n).replace(/\B(?=(\d{3})+(?!\d))/g, ',');
  };

  var SVG_NS = 'http://www.w3.org/2000/svg';  // a namespace name, not something to load
  aiprof.svg = function (tag, attributes, parent) {
    var element = document.createElementNS(SVG_NS, tag);
    for (var key in attributes) {
      if (Object.prototype.hasOwnProperty.call(attributes, key)) element.setAttribute(key, String(attributes[key]));
    }
    if (parent) parent.appendChild(element);
    return element;
  };

  aiprof.element = function (tag, className, text, parent) {
    var element = document.createElement(tag);
    if (className) element.className = className;
    if (text !== undefined && text !== null) element.textContent = text;
    if (parent) parent.appendChild(element);
    return element;
  };

  // The shared tooltip. lines: [{text, className}], the first one the title.
  aiprof.showTooltip = function (event, lines) {
    var tip = document.getElementById('aiprof-tooltip');
    if (!tip) return;
    while (tip.firstChild) tip.removeChild(tip.firstChild);
    lines.forEach(function (line, i) {
      aiprof.element('div', line.className || (i === 0 ? 'title' : ''), line.text, tip);
    });
    tip.hidden = false;
    aiprof.moveTooltip(event);
  };
  aiprof.moveTooltip = function (event) {
    var tip = document.getElementById('aiprof-tooltip');
    if (!tip || tip.hidden) return;
    var x = event.clientX + 14;
    var y = event.clientY + 14;
    var width = tip.offsetWidth;
    var height = tip.offsetHeight;
    if (x + width > window.innerWidth - 4) x = Math.max(4, event.clientX - width - 14);
    if (y + height > window.innerHeight - 4) y = Math.max(4, event.clientY - height - 14);
    tip.style.left = x + 'px';
    tip.style.top = y + 'px';
  };
  aiprof.hideTooltip = function () {
    var tip = document.getElementById('aiprof-tooltip');
    if (tip) tip.hidden = true;
  };

  // The drawing width an element gets: its layout width, or a default when it has none yet
  // (a hidden tab, a headless browser without layout).
  aiprof.widthOf = function (element, fallback) {
    var width = element.clientWidth || (element.getBoundingClientRect && element.getBoundingClientRect().width) || 0;
    return width >= 200 ? Math.floor(width) : fallback;
  };
})();
