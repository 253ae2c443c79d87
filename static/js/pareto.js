/*
 * Takt downtime Pareto (the shop-floor KPIs page): minutes by reason as bars, largest first,
 * and the cumulative share as a line. Needs window.echarts.
 *
 *   TaktPareto.mount(element, [{reason, minutes, cumulative_pct}, ...]);
 */
(function (global) {
  "use strict";

  function mount(el, rows) {
    var chart = global.echarts.getInstanceByDom(el) || global.echarts.init(el);
    chart.setOption({
      animation: false, tooltip: { trigger: "axis" }, grid: { left: 50, right: 50, top: 30, bottom: 60 },
      xAxis: { type: "category", data: rows.map(function (r) { return r.reason; }), axisLabel: { interval: 0, rotate: 20 } },
      yAxis: [{ type: "value", name: "min" }, { type: "value", name: "%", max: 100 }],
      series: [
        { type: "bar", name: "Minutes", data: rows.map(function (r) { return r.minutes; }), itemStyle: { color: "#c0392b" } },
        { type: "line", name: "Cumulative %", yAxisIndex: 1, data: rows.map(function (r) { return r.cumulative_pct; }), itemStyle: { color: "#1f5fa8" } },
      ],
    });
    global.addEventListener("resize", function () { chart.resize(); });
    return chart;
  }

  global.TaktPareto = { mount: mount };
})(window);
