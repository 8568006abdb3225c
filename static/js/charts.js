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
      var chart = window.echarts.init(el, null, { renderer: 'canvas' });
      chart.setOption(option);
      charts.push(chart);
      el.setAttribute('data-chart-state', 'drawn');
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

  function resizeAll() {
    for (var i = 0; i < charts.length; i++) {
      charts[i].resize();
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
    window.addEventListener('beforeprint', resizeAll);
    window.addEventListener('afterprint', resizeAll);
  }

  if (document.readyState === 'loading') {
    document.addEventListener('DOMContentLoaded', start);
  } else {
    start();
  }
}());
