/*
 * Takt convergence chart: best objective and bound over a run's elapsed time (step lines).
 *
 *   var c = TaktConvergence.mount(element, [[elapsed_s, objective, bound], ...]);
 *   c.update(points);                 // or TaktConvergence.update(element, points)
 *
 * Re-mounting on the same element reuses its ECharts instance (echarts.getInstanceByDom), so
 * htmx can swap fresh points in every few seconds without piling up charts. An instance whose
 * element was swapped out of the document is disposed when a new one takes its id.
 */
(function (global) {
  "use strict";

  var byId = new Map();
  var INK = "#1c2530";
  var MUTED = "#5f6b7a";

  function num(v) {
    return v === null || v === undefined || v === "" || !isFinite(+v) ? null : +v;
  }

  function elapsed(s) {
    s = +s;
    if (s < 60) return Math.round(s * 10) / 10 + " s";
    if (s < 3600) return Math.floor(s / 60) + " min " + (Math.round(s % 60) ? Math.round(s % 60) + " s" : "");
    return Math.floor(s / 3600) + " h " + Math.round((s % 3600) / 60) + " min";
  }

  function fmt(v) {
    if (v === null || v === undefined) return "–";
    return Math.abs(v) >= 1000 ? Math.round(v).toLocaleString("en-GB") : String(Math.round(v * 100) / 100);
  }

  function option(points) {
    var best = [];
    var bound = [];
    (points || []).forEach(function (p) {
      var t = num(p[0]);
      if (t === null) return;
      var o = num(p[1]);
      var b = num(p[2]);
      if (o !== null) best.push([t, o]);
      if (b !== null) bound.push([t, b]);
    });
    var lastO = best.length ? best[best.length - 1][1] : null;
    var lastB = bound.length ? bound[bound.length - 1][1] : null;
    var gap = "";
    if (lastO !== null && lastB !== null && lastO !== 0) {
      gap = "gap " + (Math.round((Math.abs(lastO - lastB) / Math.abs(lastO)) * 1000) / 10) + " %";
    }
    var line = { type: "line", step: "end", showSymbol: false, animation: false, lineStyle: { width: 2 } };
    return {
      animation: false,
      textStyle: { fontFamily: "system-ui, -apple-system, 'Segoe UI', Roboto, sans-serif" },
      title: { text: gap, right: 8, top: 0, textStyle: { fontSize: 12, fontWeight: "normal", color: MUTED } },
      legend: { top: 0, left: 8, itemWidth: 16, itemHeight: 3, icon: "rect",
        textStyle: { color: MUTED, fontSize: 12 }, data: ["Best objective", "Bound"] },
      grid: { top: 30, left: 8, right: 16, bottom: 8, containLabel: true },
      tooltip: {
        trigger: "axis", confine: true, transitionDuration: 0, textStyle: { color: INK, fontSize: 13 },
        valueFormatter: fmt,
        axisPointer: { type: "line", label: { formatter: function (p) { return elapsed(p.value); } } },
      },
      xAxis: { type: "value", min: 0, axisLine: { lineStyle: { color: "#dde3ea" } },
        axisLabel: { color: MUTED, formatter: elapsed, hideOverlap: true }, splitLine: { show: false } },
      yAxis: { type: "value", scale: true, axisLabel: { color: MUTED, formatter: fmt },
        splitLine: { lineStyle: { color: "#eef1f4" } } },
      series: [
        Object.assign({}, line, { name: "Best objective", data: best, color: "#1f5fa8" }),
        Object.assign({}, line, { name: "Bound", data: bound, color: "#8a96a3",
          lineStyle: { width: 1.5, type: "dashed" } }),
      ],
    };
  }

  function mount(el, points) {
    var echarts = global.echarts;
    if (!echarts) throw new Error("TaktConvergence needs echarts (static/vendor/echarts/echarts.min.js)");
    if (el.id) {
      var old = byId.get(el.id);
      if (old && old.getDom() !== el && !old.isDisposed()) {
        if (!document.contains(old.getDom())) old.dispose();
      }
    }
    var chart = echarts.getInstanceByDom(el) || echarts.init(el, null, { renderer: "canvas" });
    if (el.id) byId.set(el.id, chart);
    chart.setOption(option(points), { notMerge: false, replaceMerge: ["series"] });
    if (!el.__taktResize && typeof ResizeObserver !== "undefined") {
      el.__taktResize = new ResizeObserver(function () { if (!chart.isDisposed()) chart.resize(); });
      el.__taktResize.observe(el);
    }
    return {
      chart: chart,
      update: function (next) { chart.setOption(option(next), { replaceMerge: ["series"] }); },
      dispose: function () {
        if (el.__taktResize) el.__taktResize.disconnect();
        el.__taktResize = null;
        chart.dispose();
      },
    };
  }

  global.TaktConvergence = {
    mount: mount,
    update: function (el, points) { return mount(el, points); },
  };
})(window);
