/*
 * Assure chart loader.
 *
 * Every element with a data-chart attribute names, by id, a
 * <script type="application/json"> element that holds an ECharts option
 * (written by dashboard.ChartPanel). This script parses that JSON and draws
 * the chart into the element.
 *
 * Why it is built this way:
 * - The option is data, never code: it is read with JSON.parse only, so a
 *   label from a spreadsheet cannot run, and the page can be served with
 *   Content-Security-Policy script-src 'self' and no inline script at all.
 * - Nothing is written with innerHTML; messages use textContent.
 * - Every chart has a table beside it, so when a chart cannot be drawn the
 *   element says so in words and the figures are still on the page.
 * - ECharts' toolbox "Save as PNG" is drawn on the canvas, out of reach
 *   of a keyboard; a real button after each chart saves the same image.
 * - Tooltips are drawn on the chart's canvas (renderMode 'richText'):
 *   ECharts builds its HTML tooltips with inline style attributes, which
 *   the Content-Security-Policy (style-src 'self') refuses, so they came
 *   out unstyled, with a policy error each. Every option passes through
 *   canvasTooltips, so no chart can bring the HTML ones back.
 * - The option is fitted to the chart's width (fit) each time it is drawn
 *   or resized, a phone's 390 pixels and an A4 page's as much as a
 *   desktop's, with the same information at every width: the title wraps
 *   rather than running off the canvas, the legend wraps rather than
 *   paging (so the target's entry is never hidden), the value axis has as
 *   many ticks as fit, and a horizontal bar chart too narrow for its
 *   names beside the bars writes each name, with its bar's own label,
 *   on a line above the bar. The chart grows taller by what the extra
 *   lines take, so the plot keeps its size.
 *
 * Include after echarts.min.js, both with defer:
 *   <script src="/static/js/echarts.min.js" defer></script>
 *   <script src="/static/js/charts.js" defer></script>
 */
(function () {
  'use strict';

  var FAILED = 'This chart could not be drawn. The figures are in the table that goes with it.';
  var charts = [];

  function showMessage(el, text) {
    el.textContent = text;
    el.classList.add('chart-failed');
  }

  function readOption(el) {
    var id = el.getAttribute('data-chart');
    if (!id) {
      return null;
    }
    var holder = document.getElementById(id);
    if (!holder || holder.tagName !== 'SCRIPT' ||
        (holder.getAttribute('type') || '').toLowerCase() !== 'application/json') {
      return null;
    }
    var option;
    try {
      option = JSON.parse(holder.textContent);
    } catch (e) {
      return null;
    }
    // setOption needs an object; anything else is a broken page.
    if (option === null || typeof option !== 'object' || Array.isArray(option)) {
      return null;
    }
    return option;
  }

  // saveName is the file name the chart's own toolbox saves it under
  // ("chart-series" for chart-series.png), or '' when the chart offers
  // no export (a sparkline hides its toolbox).
  function saveName(option) {
    var tb = Array.isArray(option.toolbox) ? option.toolbox[0] : option.toolbox;
    var f = tb && tb.show !== false && tb.feature && tb.feature.saveAsImage;
    if (!f || f.show === false) {
      return '';
    }
    return typeof f.name === 'string' && f.name ? f.name : 'chart';
  }

  // canvasTooltips makes every tooltip of the option draw on the canvas.
  function canvasTooltips(option) {
    var tips = option.tooltip;
    if (!tips) {
      return;
    }
    (Array.isArray(tips) ? tips : [tips]).forEach(function (tip) {
      if (tip && typeof tip === 'object') {
        tip.renderMode = 'richText';
        tip.valueFormatter = tipValue;
      }
    });
  }

  // tipValue writes a figure in a tooltip as the tables do: thousands
  // separated, at most two decimals (an average is 421.67, not
  // 421.666666666667).
  var tipNumber = new Intl.NumberFormat('en-GB', { maximumFractionDigits: 2 });
  function tipValue(v) {
    return typeof v === 'number' && isFinite(v) ? tipNumber.format(v) : '-';
  }

  // The font ECharts draws text in unless told otherwise.
  var FONT_FAMILY = 'sans-serif';
  // The canvas text is measured on, made when first needed.
  var measurer = null;
  function textWidth(text, size, weight) {
    measurer = measurer || document.createElement('canvas').getContext('2d');
    measurer.font = (weight || 'normal') + ' ' + size + 'px ' + FONT_FAMILY;
    return measurer.measureText(text).width;
  }

  // wrapLines counts the lines text takes at width, broken between words
  // as ECharts' overflow 'break' breaks it.
  function wrapLines(text, width, size, weight) {
    var words = String(text).split(/\s+/), lines = 1, line = '';
    for (var i = 0; i < words.length; i++) {
      var next = line ? line + ' ' + words[i] : words[i];
      if (line && textWidth(next, size, weight) > width) {
        lines++;
        line = words[i];
      } else {
        line = next;
      }
    }
    return lines;
  }

  function first(v) {
    return Array.isArray(v) ? v[0] : v;
  }

  function px(v, fallback) {
    var n = parseFloat(v);
    return isFinite(n) ? n : fallback;
  }

  // NARROW is the width below which a horizontal bar chart writes its
  // names above the bars: beside them, names and bar labels would share
  // too little room and overprint.
  var NARROW = 560;
  var LEGEND_ROW = 24;

  // legendRows counts the rows a plain legend takes at width: each entry
  // is its symbol (25 px), a gap of 5 and its text, entries 10 px apart,
  // wrapped as ECharts wraps them.
  function legendRows(names, width) {
    var rows = 1, x = 0;
    for (var i = 0; i < names.length; i++) {
      var w = 25 + 5 + textWidth(names[i], 12);
      if (x > 0 && x + w > width) {
        rows++;
        x = 0;
      }
      x += w + 10;
    }
    return rows;
  }

  function seriesNames(option) {
    var names = [];
    (option.series || []).forEach(function (s) {
      if (s && typeof s.name === 'string' && names.indexOf(s.name) < 0) {
        names.push(s.name);
      }
    });
    return names;
  }

  // barLabels maps each category of a horizontal bar chart to the labels
  // its bars carry ("£512k overspend"), and takes them off the bars.
  function takeBarLabels(option, categories) {
    var labels = {};
    (option.series || []).forEach(function (s) {
      (s.data || []).forEach(function (d, i) {
        if (d && typeof d === 'object' && d.label && d.label.show && typeof d.label.formatter === 'string') {
          labels[categories[i]] = d.label.formatter;
          d.label = { show: false };
        }
      });
    });
    return labels;
  }

  // fit returns a copy of option fitted to a chart width pixels wide, and
  // the extra height in pixels its wrapped lines need.
  function fit(base, width) {
    var option = JSON.parse(JSON.stringify(base));
    var grid = first(option.grid);
    var title = first(option.title);
    var toolbox = first(option.toolbox);
    var titleExtra = 0, legendExtra = 0;
    if (title && title.text && title.show !== false) {
      var ts = title.textStyle || (title.textStyle = {});
      var size = px(ts.fontSize, 18);
      // The toolbox's button sits below the title's first line, so the
      // title may run to the right edge.
      ts.width = Math.max(80, width - 16);
      ts.overflow = 'break';
      ts.lineHeight = Math.round(size * 1.25);
      titleExtra = (wrapLines(title.text, ts.width, size, 'bolder') - 1) * ts.lineHeight;
      if (toolbox && toolbox.top !== undefined) {
        toolbox.top = px(toolbox.top, 28) + titleExtra;
      }
    }
    var legend = first(option.legend);
    if (legend && legend.show !== false) {
      legend.type = 'plain';
      legend.left = 0;
      legend.right = 0;
      legendExtra = (legendRows(seriesNames(option), width - 10) - 1) * LEGEND_ROW;
    }
    // Only what needs more room is moved: a sparkline's grid in
    // percentages is left alone.
    if (grid && titleExtra) {
      grid.top = px(grid.top, 60) + titleExtra;
    }
    if (grid && legendExtra) {
      grid.bottom = px(grid.bottom, 40) + legendExtra;
    }
    var extra = titleExtra + legendExtra;
    var plot = width - (grid ? px(grid.left, 8) + px(grid.right, 24) : 32);
    [].concat(option.xAxis || [], option.yAxis || []).forEach(function (axis) {
      if (axis && axis.type === 'value') {
        axis.axisLabel = axis.axisLabel || {};
        axis.axisLabel.hideOverlap = true;
      }
    });
    [].concat(option.yAxis || []).forEach(function (axis) {
      // A value axis's name (the unit) is centred over the axis by
      // default, which puts half of a long one ("offences per 1,000
      // residents") off the chart's left edge: it starts at the axis.
      if (axis && axis.type === 'value' && axis.name) {
        axis.nameTextStyle = axis.nameTextStyle || {};
        axis.nameTextStyle.align = 'left';
      }
    });
    var x = first(option.xAxis), y = first(option.yAxis);
    if (x && x.type === 'value' && y && y.type === 'category') {
      // A value axis across the chart: a tick every 90 pixels or so,
      // so that "-1,000" and "-500" never run together.
      x.splitNumber = Math.max(2, Math.min(5, Math.floor(plot / 90)));
    }
    if (x && x.type === 'category') {
      // Period labels across: as many as fit, the rest left out.
      x.axisLabel = x.axisLabel || {};
      x.axisLabel.hideOverlap = true;
    }
    if (width < NARROW && x && x.type === 'value' && y && y.type === 'category' && Array.isArray(y.data)) {
      extra += narrowBars(option, grid, y, width);
    }
    return { option: option, extra: extra };
  }

  // narrowBars writes each category's name, and its bar's label, on a
  // line (or two) above the bar, across the whole width; the bars are
  // thinner, and each row is tall enough for its lines and bar. It
  // returns the extra height the rows take beyond the chart's own.
  function narrowBars(option, grid, y, width) {
    var categories = y.data.map(function (c) { return c && typeof c === 'object' ? c.value : c; });
    var labels = takeBarLabels(option, categories);
    var BAR = 14, LINE = 16;
    var text = function (name) { return labels[name] ? name + ': ' + labels[name] : String(name); };
    var room = width - 24;
    var lines = 1;
    categories.forEach(function (c) { lines = Math.max(lines, wrapLines(text(c), room, 12)); });
    (option.series || []).forEach(function (s) {
      s.barMaxWidth = BAR;
    });
    y.axisLabel = {
      show: true, interval: 0, inside: true, align: 'left', verticalAlign: 'bottom',
      width: room, overflow: 'break', lineHeight: LINE,
      padding: [0, 0, BAR / 2 + 3, 0], color: '#0b0c0c',
      formatter: text
    };
    y.axisTick = { show: false };
    y.axisLine = { show: true, onZero: false };
    if (grid) {
      // Room for half the widest tick label ("-1,500") at either end.
      grid.left = 24;
      grid.right = 24;
    }
    // Each row: its lines, the bar, and a gap before the next row.
    var row = lines * LINE + BAR + 16;
    var plot = 360 - (grid ? px(grid.top, 48) + px(grid.bottom, 56) : 100);
    return Math.max(0, categories.length * row - plot);
  }

  function titleOf(option) {
    var t = Array.isArray(option.title) ? option.title[0] : option.title;
    return t && typeof t.text === 'string' ? t.text : '';
  }

  // addSaveButton puts a button after the chart that saves it as a PNG,
  // as the toolbox's "Save as PNG" does. The toolbox is drawn on the
  // canvas, which a keyboard cannot reach and a screen reader cannot
  // name; the button is an ordinary one, named after the chart.
  function addSaveButton(el, chart, option) {
    var name = saveName(option);
    if (!name) {
      return;
    }
    var p = document.createElement('p');
    p.className = 'chart-save no-print';
    var button = document.createElement('button');
    button.type = 'button';
    button.className = 'button-secondary';
    button.appendChild(document.createTextNode('Save chart as PNG'));
    var title = titleOf(option);
    if (title) {
      var hidden = document.createElement('span');
      hidden.className = 'visually-hidden';
      hidden.textContent = ': ' + title;
      button.appendChild(hidden);
    }
    button.addEventListener('click', function () {
      var a = document.createElement('a');
      // What the toolbox saves: the chart without the toolbox itself,
      // on white, at twice the screen's resolution for print.
      a.href = chart.getDataURL({ type: 'png', pixelRatio: 2, backgroundColor: '#ffffff', excludeComponents: ['toolbox'] });
      a.download = name + '.png';
      document.body.appendChild(a);
      a.click();
      document.body.removeChild(a);
    });
    p.appendChild(button);
    el.parentNode.insertBefore(p, el.nextSibling);
  }

  function draw(el) {
    // A page may run this twice (e.g. a cached back navigation); drawing
    // twice into one element would stack two canvases.
    if (el.getAttribute('data-chart-state')) {
      return;
    }
    var option = readOption(el);
    if (!option || typeof window.echarts === 'undefined') {
      el.setAttribute('data-chart-state', 'failed');
      showMessage(el, FAILED);
      return;
    }
    try {
      // Remove the fallback sentence shown to browsers without scripts.
      el.textContent = '';
      canvasTooltips(option);
      var entry = { el: el, base: option, height: el.clientHeight, width: 0, chart: null };
      var fitted = refit(entry);
      var chart = window.echarts.init(el, null, { renderer: 'canvas' });
      entry.chart = chart;
      chart.setOption(fitted);
      charts.push(entry);
      el.setAttribute('data-chart-state', 'drawn');
      addSaveButton(el, chart, option);
    } catch (e) {
      // ECharts may have added a canvas before it failed; dispose of it
      // so that the message is the only thing left in the element.
      try {
        window.echarts.dispose(el);
      } catch (ignored) { /* nothing to dispose */ }
      el.setAttribute('data-chart-state', 'failed');
      showMessage(el, FAILED);
      if (window.console) {
        window.console.error('chart ' + el.getAttribute('data-chart') + ':', e);
      }
    }
  }

  // refit fits a chart's option to its element's width and sets the
  // element's height for it; it returns the option fitted.
  function refit(entry) {
    var width = entry.el.clientWidth;
    var f = fit(entry.base, width);
    // Functions (formatters) do not survive the copy in fit; the
    // tooltips' are put back.
    canvasTooltips(f.option);
    entry.el.style.height = (entry.height + f.extra) + 'px';
    entry.width = width;
    return f.option;
  }

  function resizeAll() {
    for (var i = 0; i < charts.length; i++) {
      var e = charts[i];
      if (e.el.clientWidth !== e.width) {
        e.chart.setOption(refit(e), true);
      }
      e.chart.resize();
    }
  }

  // Resize at most once per frame: a window drag fires resize events far
  // faster than charts can be redrawn.
  var pending = false;
  function scheduleResize() {
    if (pending) {
      return;
    }
    pending = true;
    window.requestAnimationFrame(function () {
      pending = false;
      resizeAll();
    });
  }

  function start() {
    var els = document.querySelectorAll('[data-chart]');
    for (var i = 0; i < els.length; i++) {
      draw(els[i]);
    }
    window.addEventListener('resize', scheduleResize);
    // A printed page is narrower than the screen: redraw at print width
    // before printing and back after, so board packs print whole charts.
    // beforeprint comes while the page is still laid out for the screen;
    // the print media query changes once it is laid out for the paper,
    // and the charts are redrawn again then, without animation, so that
    // what is printed is the whole chart at the paper's width.
    window.addEventListener('beforeprint', forPrint);
    window.addEventListener('afterprint', afterPrint);
    if (window.matchMedia) {
      var print = window.matchMedia('print');
      var onChange = function (e) {
        if (e.matches) {
          forPrint();
        } else {
          afterPrint();
        }
      };
      if (print.addEventListener) {
        print.addEventListener('change', onChange);
      } else if (print.addListener) {
        print.addListener(onChange);
      }
    }
  }

  // forPrint redraws every chart at once, at its element's width.
  // Each is fitted again to the width it has on paper (titles, legends
  // and ticks for that width), then drawn without animation, and
  // painted before forPrint returns: a browser may print the page
  // without another frame (Chromium's --print-to-pdf does), and a chart
  // left to paint in the next one was printed as the screen had drawn
  // it, cut at the paper's edge.
  function forPrint() {
    for (var i = 0; i < charts.length; i++) {
      var e = charts[i];
      if (e.el.clientWidth !== e.width) {
        e.chart.setOption(refit(e), true);
      }
      // The toolbox's download icon means nothing on paper.
      e.chart.setOption({ animation: false, toolbox: { show: false } });
      e.chart.resize({ animation: { duration: 0 } });
      e.chart.getZr().refreshImmediately();
    }
  }

  // afterPrint gives back what printing took away: the toolbox of the
  // charts that have one, and each chart's screen width.
  function afterPrint() {
    for (var i = 0; i < charts.length; i++) {
      if (charts[i].base && charts[i].base.toolbox) {
        charts[i].chart.setOption({ toolbox: { show: true } });
      }
    }
    resizeAll();
  }

  // A sheet of A4 less the server PDF's top and bottom margins (18 mm
  // each; see dashboard/pdf), in CSS pixels, less a little for rounding.
  var pageHeightPx = (297 - 2 * 18) / 25.4 * 96 - 12;

  // fitMeasures keeps each board pack measure to one printed page: one
  // that is laid out taller than the page (at the paper's width, for
  // print) is shortened a step at a time, and its note saying so is
  // shown: first its annotations to a line each and its commentary,
  // signals and notices to two or three lines, then a lower chart
  // (assure.css), last the commentary to a line, and the annotations
  // and the notes on how the chart was drawn left out. A group's heading shares its first measure's page.
  function fitMeasures() {
    var steps = [
      function (el) {
        shorten(el, '.annotations li', 100);
        shorten(el, '.commentary p:not(.meta)', 240);
        shorten(el, '.notice, .signals li, .segments li, .pack-actions li', 200);
      },
      function (el) { el.classList.add('pack-measure--shorter'); },
      function (el) {
        shorten(el, '.commentary p:not(.meta)', 110);
        el.classList.add('pack-measure--shortest');
      },
      // Last, what the measure's own page says at length: the suggested
      // change point, the year on year and the source notes (a wrapped
      // title or legend on a narrow chart can still need this).
      function (el) {
        var extra = el.querySelectorAll('.mdc-suggestion, p.meta, .commentary .meta');
        for (var i = 0; i < extra.length; i++) {
          extra[i].hidden = true;
        }
      }
    ];
    var els = document.querySelectorAll('.boardpack-measure');
    for (var i = 0; i < els.length; i++) {
      var el = els[i];
      var first = el;
      var limit = pageHeightPx;
      var prev = el.previousElementSibling;
      if (prev && prev.classList.contains('pack-group')) {
        first = prev;
        // Measured: a page that opens with a group's heading prints
        // about 40 px longer than its layout on screen.
        limit -= 48;
      }
      var tall = function () {
        var top = first.getBoundingClientRect().top - parseFloat(window.getComputedStyle(first).marginTop);
        return el.getBoundingClientRect().bottom - top > limit;
      };
      for (var k = 0; k < steps.length && tall(); k++) {
        steps[k](el);
        var note = el.querySelector('.pack-measure__shortened');
        if (note) {
          note.hidden = false;
        }
      }
    }
  }

  // shorten cuts the text of each element matching sel within el to
  // about max characters, at a word, ending it with an ellipsis; its
  // markup (bold words, badges) up to the cut is kept.
  function shorten(el, sel, max) {
    var nodes = el.querySelectorAll(sel);
    for (var i = 0; i < nodes.length; i++) {
      if (nodes[i].textContent.length <= max) {
        continue;
      }
      var walker = document.createTreeWalker(nodes[i], NodeFilter.SHOW_TEXT);
      var left = max;
      var cut = false;
      var drop = [];
      for (var t = walker.nextNode(); t; t = walker.nextNode()) {
        if (cut) {
          drop.push(t);
          continue;
        }
        if (t.nodeValue.length <= left) {
          left -= t.nodeValue.length;
          continue;
        }
        var at = t.nodeValue.lastIndexOf(' ', left);
        t.nodeValue = t.nodeValue.slice(0, at > 0 ? at : left).replace(/[\s,;:.–-]+$/, '') + '…';
        cut = true;
      }
      for (var d = 0; d < drop.length; d++) {
        drop[d].nodeValue = '';
      }
    }
  }

  // assurePrint is what the server's PDF waits for (dashboard/pdf's
  // Document.Ready): every chart drawn or given up, redrawn for the
  // paper without animation, and every image loaded. It resolves true.
  window.assurePrint = function () {
    // The server's PDF draws its own header and footer (see the page
    // "pdf" in assure.css).
    document.documentElement.classList.add('pdf');
    return new Promise(function (resolve) {
      function ready() {
        var els = document.querySelectorAll('[data-chart]');
        for (var i = 0; i < els.length; i++) {
          if (!els[i].getAttribute('data-chart-state')) {
            return false;
          }
        }
        var imgs = document.images;
        for (var j = 0; j < imgs.length; j++) {
          if (!imgs[j].complete) {
            return false;
          }
        }
        return true;
      }
      function wait() {
        if (!ready()) {
          window.setTimeout(wait, 50);
          return;
        }
        // Charts first take their paper width (a wrapped title or legend
        // makes one taller), then measures are fitted to their pages,
        // then charts are drawn again at the heights the fitting left.
        forPrint();
        fitMeasures();
        forPrint();
        // Two frames: the redraw is painted before the page is printed.
        window.requestAnimationFrame(function () {
          window.requestAnimationFrame(function () { resolve(true); });
        });
      }
      wait();
    });
  };

  if (document.readyState === 'loading') {
    document.addEventListener('DOMContentLoaded', start);
  } else {
    start();
  }
}());
