/*
 * Takt Gantt chart: plain ES2019, no build step. Needs window.echarts (static/vendor/echarts).
 *
 *   var g = TaktGantt.mount(element, data, {view: "machine", colorBy: "order",
 *                                           onOperationClick: function (id, info) {}});
 *   g.setView("order"); g.setColorBy("family"); g.highlightOrder("SO-24100"); g.dispose();
 *
 * `data` is the schedule JSON contract (origin_ms, end_ms, tz, machines, orders, ops,
 * off_shift, overtime, now_ms). Times are epoch ms; they are shown in the plant time zone
 * `data.tz`: every timestamp is shifted to "plant wall clock as if UTC" and the chart runs
 * with useUTC, so ticks fall on plant midnights whatever the browser's zone is.
 *
 * Drag-to-pin: with static/js/gantt_drag.js loaded, the option `onOperationDrop(id, info,
 * target)` lets a planner drag bars to another eligible machine or time (contract keys
 * `eligible` and `op_eligible`; see that file); g.clearDrop() removes the dropped ghost.
 *
 * Performance (10,000 ops / 50 machines): the contract is unpacked once into typed arrays;
 * each view is a few custom series whose renderItem returns one plain rect per item, clipped
 * with clipRectByRect; animation is off; dataZoom uses weakFilter so only visible items render.
 */
(function (global) {
  "use strict";

  var HOUR = 3600000;
  var QUARTER = 900000;
  var ROW_PX = { machine: 30, order: 24 };
  var MAX_ROWS = { machine: 24, order: 28 };
  var GRID = { top: 34, bottom: 40, left: 190, right: 44 };
  var INK = "#1c2530";
  var MUTED = "#5f6b7a";
  var LATE = "#c0392b";
  var OFF_SHIFT = "rgba(95, 107, 122, 0.13)";
  var OFF_SHIFT_ALL = "rgba(95, 107, 122, 0.10)";
  var OVERTIME = "rgba(224, 160, 40, 0.20)";
  // Calm, distinguishable colours for families and work centres (stable by hash of the key).
  var PALETTE = [
    "#4e79a7", "#f28e2b", "#59a14f", "#b07aa1", "#76b7b2", "#edc948", "#e15759", "#9c755f",
    "#86bcb6", "#8cd17d", "#ff9d9a", "#a0cbe8", "#d4a6c8", "#f1ce63", "#499894", "#d37295",
  ];

  function hash(s) {
    // FNV-1a, 32 bit: the same key gets the same colour on every chart and page.
    var h = 0x811c9dc5;
    for (var i = 0; i < s.length; i++) {
      h ^= s.charCodeAt(i);
      h = Math.imul(h, 0x01000193);
    }
    return h >>> 0;
  }

  function paletteColour(key) {
    return PALETTE[hash(String(key)) % PALETTE.length];
  }

  function orderColour(ref) {
    // Many orders: spread hues over the circle, keep saturation and lightness calm.
    var h = hash(String(ref));
    var hue = h % 360;
    var light = 48 + ((h >>> 9) % 3) * 7;
    var sat = 42 + ((h >>> 12) % 3) * 8;
    return "hsl(" + hue + "," + sat + "%," + light + "%)";
  }

  function escapeHtml(s) {
    return String(s == null ? "" : s)
      .replace(/&/g, "&amp;")
      .replace(/</g, "&lt;")
      .replace(/>/g, "&gt;")
      .replace(/"/g, "&quot;")
      .replace(/'/g, "&#39;");
  }

  /* ---- Plant time zone ------------------------------------------------------------------ */

  function makeZone(tz) {
    var parts;
    try {
      parts = new Intl.DateTimeFormat("en-US", {
        timeZone: tz, hourCycle: "h23", year: "numeric", month: "numeric", day: "numeric",
        hour: "numeric", minute: "numeric", second: "numeric",
      });
    } catch (e) {
      tz = "UTC";
      parts = new Intl.DateTimeFormat("en-US", {
        timeZone: tz, hourCycle: "h23", year: "numeric", month: "numeric", day: "numeric",
        hour: "numeric", minute: "numeric", second: "numeric",
      });
    }
    var cache = new Map();
    function offsetAt(ms) {
      // Zone offsets change on quarter-hour boundaries at the finest: cache per quarter hour.
      var key = Math.floor(ms / QUARTER);
      var off = cache.get(key);
      if (off !== undefined) return off;
      var t = key * QUARTER;
      var f = {};
      parts.formatToParts(new Date(t)).forEach(function (p) { f[p.type] = p.value; });
      off = Date.UTC(+f.year, +f.month - 1, +f.day, +f.hour % 24, +f.minute, +f.second) - t;
      cache.set(key, off);
      return off;
    }
    var long = new Intl.DateTimeFormat("en-GB", {
      timeZone: tz, weekday: "short", day: "numeric", month: "short",
      hour: "2-digit", minute: "2-digit", hourCycle: "h23",
    });
    return {
      tz: tz,
      shift: function (ms) { return ms + offsetAt(ms); },
      unshift: function (wall) { return wall - offsetAt(wall - offsetAt(wall)); },
      format: function (ms) { return long.format(new Date(ms)); },
    };
  }

  /* ---- Unpacking the contract ----------------------------------------------------------- */

  function prepare(data) {
    var zone = makeZone(data.tz || "UTC");
    var machines = data.machines || [];
    var orders = data.orders || [];
    var ops = data.ops || [];
    var n = ops.length;
    var i;

    // Machine rows: grouped by work centre, then by code.
    var mOrder = machines.map(function (m, k) { return k; });
    mOrder.sort(function (a, b) {
      var A = machines[a], B = machines[b];
      var wa = A.work_centre || "", wb = B.work_centre || "";
      if (wa !== wb) return wa < wb ? -1 : 1;
      return A.code < B.code ? -1 : A.code > B.code ? 1 : 0;
    });
    var machineRow = new Int32Array(machines.length);
    var machineLabels = [];
    var machineGroupStart = [];
    mOrder.forEach(function (m, row) {
      machineRow[m] = row;
      var M = machines[m];
      machineLabels.push(M.name ? M.code + " · " + M.name : M.code);
      var prev = row > 0 ? machines[mOrder[row - 1]].work_centre : null;
      machineGroupStart.push(row === 0 || prev !== M.work_centre);
    });

    // Order rows: by due date, then reference.
    var oOrder = orders.map(function (o, k) { return k; });
    oOrder.sort(function (a, b) {
      var da = orders[a].due_ms == null ? Infinity : orders[a].due_ms;
      var db = orders[b].due_ms == null ? Infinity : orders[b].due_ms;
      if (da !== db) return da - db;
      return orders[a].ref < orders[b].ref ? -1 : orders[a].ref > orders[b].ref ? 1 : 0;
    });
    var orderRow = new Int32Array(orders.length);
    var orderLabels = [];
    oOrder.forEach(function (o, row) {
      orderRow[o] = row;
      var O = orders[o];
      orderLabels.push(O.item_name ? O.ref + " · " + O.item_name : O.ref);
    });

    // Operations: typed arrays of wall-clock (shifted) times, indices and flags.
    var opMachine = new Int32Array(n);
    var opOrder = new Int32Array(n);
    var opSetup = new Float64Array(n);
    var opStart = new Float64Array(n);
    var opEnd = new Float64Array(n);
    var opPinned = new Uint8Array(n);
    var orderEnd = new Float64Array(orders.length);
    var nSetups = 0;
    for (i = 0; i < n; i++) {
      var op = ops[i];
      opMachine[i] = op[0];
      opOrder[i] = op[1];
      opSetup[i] = zone.shift(op[2]);
      opStart[i] = zone.shift(op[3]);
      opEnd[i] = zone.shift(op[4]);
      opPinned[i] = op[6] ? 1 : 0;
      if (op[3] > op[2]) nSetups++;
      if (op[4] > orderEnd[op[1]]) orderEnd[op[1]] = op[4];
    }

    // Colours per order (hash of ref), family, work centre: computed once per key.
    var colourByOrder = orders.map(function (o) { return orderColour(o.ref); });
    var colourByFamily = orders.map(function (o) { return paletteColour(o.family || o.item); });
    var colourByWorkCentre = machines.map(function (m) { return paletteColour(m.work_centre); });
    var refIndex = new Map();
    orders.forEach(function (o, k) { refIndex.set(o.ref, k); });

    // Unavailable time. A band every machine shares (nights, weekends, holidays of the
    // plant calendar) is drawn once, full height; only machine-specific ones get a row rect.
    function bands(list) {
      var byKey = new Map();
      (list || []).forEach(function (b) {
        var key = b[1] + ":" + b[2];
        var s = byKey.get(key);
        if (!s) byKey.set(key, (s = new Set()));
        s.add(b[0]);
      });
      var shared = [];
      var own = [];
      var nm = machines.length;
      byKey.forEach(function (set, key) {
        var sep = key.indexOf(":");
        var s = zone.shift(+key.slice(0, sep));
        var e = zone.shift(+key.slice(sep + 1));
        if (nm > 1 && set.size === nm) {
          shared.push([-1, s, e]);
        } else {
          set.forEach(function (m) { own.push([machineRow[m], s, e]); });
        }
      });
      return { shared: shared, own: own };
    }

    return {
      raw: data, zone: zone, machines: machines, orders: orders, ops: ops, n: n,
      machineRow: machineRow, machineLabels: machineLabels, machineGroupStart: machineGroupStart,
      orderRow: orderRow, orderLabels: orderLabels,
      opMachine: opMachine, opOrder: opOrder, opSetup: opSetup, opStart: opStart, opEnd: opEnd,
      opPinned: opPinned, orderEnd: orderEnd, nSetups: nSetups,
      colourByOrder: colourByOrder, colourByFamily: colourByFamily,
      colourByWorkCentre: colourByWorkCentre, refIndex: refIndex,
      offShift: bands(data.off_shift), overtime: bands(data.overtime),
      xMin: zone.shift(data.origin_ms), xMax: zone.shift(data.end_ms),
      now: data.now_ms == null ? null : zone.shift(data.now_ms),
    };
  }

  function isLate(P, o) {
    var O = P.orders[o];
    if (O.late) return true;
    return O.due_ms != null && P.orderEnd[o] > O.due_ms;
  }

  function hatchPattern() {
    var c = document.createElement("canvas");
    c.width = 6;
    c.height = 6;
    var g = c.getContext("2d");
    g.fillStyle = "#eceff3";
    g.fillRect(0, 0, 6, 6);
    g.strokeStyle = "#7d8896";
    g.lineWidth = 1.2;
    g.beginPath();
    g.moveTo(-1, 7);
    g.lineTo(7, -1);
    g.moveTo(-1, 1);
    g.lineTo(1, -1);
    g.moveTo(5, 7);
    g.lineTo(7, 5);
    g.stroke();
    return { image: c, repeat: "repeat" };
  }

  /* ---- The chart ------------------------------------------------------------------------ */

  function mount(element, data, options) {
    var echarts = global.echarts;
    if (!echarts) throw new Error("TaktGantt needs echarts (static/vendor/echarts/echarts.min.js)");
    options = options || {};
    var P = prepare(data);
    var state = {
      view: options.view === "order" ? "order" : "machine",
      colorBy: options.colorBy === "family" ? "family" : "order",
      highlight: -1,
    };
    var hatch = hatchPattern();
    var chart = echarts.getInstanceByDom(element);
    if (chart) chart.dispose();
    chart = echarts.init(element, null, { renderer: "canvas" });

    var rows = 0;
    var opRow = new Int32Array(P.n);
    var opColour = new Array(P.n);
    var opLate = new Uint8Array(P.n);
    var opPinned = P.opPinned;
    var barIndex; // data index -> op index for the bars series
    var setupIndex; // data index -> op index for the setups series
    for (var k = 0; k < P.n; k++) opLate[k] = isLate(P, P.opOrder[k]) ? 1 : 0;
    // Shop-floor actuals (setActuals): [op index, status, start wall ms, end wall ms, late].
    var actuals = [];
    var ACTUAL = { running: "#1f5fa8", paused: "#c07a00", completed: "#1e8a4c" };

    function layoutRows() {
      var i;
      if (state.view === "machine") {
        rows = P.machines.length;
        for (i = 0; i < P.n; i++) opRow[i] = P.machineRow[P.opMachine[i]];
      } else {
        rows = P.orders.length;
        for (i = 0; i < P.n; i++) opRow[i] = P.orderRow[P.opOrder[i]];
      }
    }

    function colourOps() {
      var i;
      if (state.colorBy === "family") {
        for (i = 0; i < P.n; i++) opColour[i] = P.colourByFamily[P.opOrder[i]];
      } else if (state.view === "order") {
        for (i = 0; i < P.n; i++) opColour[i] = P.colourByWorkCentre[P.opMachine[i]];
      } else {
        for (i = 0; i < P.n; i++) opColour[i] = P.colourByOrder[P.opOrder[i]];
      }
    }

    function visibleRows() {
      return Math.min(rows, options.maxRows || MAX_ROWS[state.view]);
    }

    function applyHeight() {
      var h = options.height;
      if (!h) h = GRID.top + GRID.bottom + Math.max(visibleRows(), 3) * ROW_PX[state.view];
      element.style.height = h + "px";
    }

    // renderItem helpers: row height is computed once per render pass (params.context).
    function barHeight(params, api) {
      var ctx = params.context;
      if (ctx.h === undefined) {
        ctx.rowH = api.size([0, 1])[1];
        ctx.h = Math.max(3, Math.min(ctx.rowH * 0.62, 22));
      }
      return ctx.h;
    }

    function opRect(params, api, i, x0v, x1v) {
      var h = barHeight(params, api);
      var p = api.coord([x0v, opRow[i]]);
      var x1 = api.coord([x1v, opRow[i]])[0];
      var w = x1 - p[0];
      if (w < 1) w = 1;
      return echarts.graphic.clipRectByRect(
        { x: p[0], y: p[1] - h / 2, width: w, height: h }, params.coordSys);
    }

    function renderBar(params, api) {
      var i = barIndex[params.dataIndex];
      var shape = opRect(params, api, i, P.opStart[i], P.opEnd[i]);
      if (!shape) return null;
      var dim = state.highlight >= 0 && P.opOrder[i] !== state.highlight;
      var style = { fill: opColour[i], opacity: dim ? 0.18 : 1 };
      if (opLate[i]) {
        style.stroke = LATE;
        style.lineWidth = 1.5;
      } else if (opPinned[i]) {
        style.stroke = INK;
        style.lineWidth = 1.5;
      }
      var rect = { type: "rect", shape: shape, style: style };
      if (!opPinned[i]) return rect;
      // Pinned: a small dark "pin head" on the bar's left end.
      return {
        type: "group",
        children: [rect, {
          type: "circle",
          shape: { cx: shape.x + Math.min(4, shape.width / 2), cy: shape.y, r: 3.2 },
          style: { fill: INK, stroke: "#fff", lineWidth: 1, opacity: dim ? 0.3 : 1 },
        }],
      };
    }
    function renderSetup(params, api) {
      var i = setupIndex[params.dataIndex];
      var shape = opRect(params, api, i, P.opSetup[i], P.opStart[i]);
      if (!shape) return null;
      var dim = state.highlight >= 0 && P.opOrder[i] !== state.highlight;
      return { type: "rect", shape: shape, style: { fill: hatch, opacity: dim ? 0.25 : 1 } };
    }

    function renderActual(params, api) {
      // A thin strip under the planned bar: what really happened (or a red one: late).
      var a = actuals[params.dataIndex];
      var i = a[0];
      var late = a[4] && a[2] == null;
      var shape = opRect(params, api, i, late ? P.opStart[i] : a[2], late ? P.opEnd[i] : a[3]);
      if (!shape) return null;
      var h = barHeight(params, api);
      var strip = { x: shape.x, y: shape.y + h + 1, width: shape.width, height: Math.max(3, h / 4) };
      return { type: "rect", shape: strip, style: { fill: a[4] ? LATE : ACTUAL[a[1]] || MUTED } };
    }

    function bandRenderer(colour, sharedColour) {
      return function (params, api) {
        var row = api.value(0);
        var cs = params.coordSys;
        var x0 = api.coord([api.value(1), 0])[0];
        var x1 = api.coord([api.value(2), 0])[0];
        var y;
        var h;
        if (row < 0) {
          y = cs.y;
          h = cs.height;
        } else {
          h = api.size([0, 1])[1];
          y = api.coord([0, row])[1] - h / 2;
        }
        var shape = echarts.graphic.clipRectByRect({ x: x0, y: y, width: x1 - x0, height: h }, cs);
        return shape && { type: "rect", shape: shape, style: { fill: row < 0 ? sharedColour : colour } };
      };
    }

    function renderDue(params, api) {
      var o = api.value(2);
      var h = api.size([0, 1])[1];
      var p = api.coord([api.value(1), api.value(0)]);
      var cs = params.coordSys;
      if (p[0] < cs.x || p[0] > cs.x + cs.width || p[1] < cs.y || p[1] > cs.y + cs.height) return null;
      var late = isLate(P, o);
      var c = late ? LATE : INK;
      var top = p[1] - h / 2 + 1;
      return {
        type: "group",
        children: [
          { type: "rect", shape: { x: p[0] - 1, y: top, width: 2, height: h - 2 }, style: { fill: c } },
          { type: "polygon", shape: { points: [[p[0] - 4, top], [p[0] + 4, top], [p[0], top + 5]] },
            style: { fill: c } },
        ],
      };
    }

    function tooltip(params) {
      var i;
      if (params.seriesId === "bars") i = barIndex[params.dataIndex];
      else if (params.seriesId === "setups") i = setupIndex[params.dataIndex];
      else if (params.seriesId === "due") {
        var O2 = P.orders[params.value[2]];
        return "<b>" + escapeHtml(O2.ref) + "</b> due " + escapeHtml(P.zone.format(O2.due_ms));
      } else return "";
      return tooltipHtml(i);
    }

    function tooltipHtml(i) {
      var op = P.ops[i];
      var o = P.opOrder[i];
      var O = P.orders[o];
      var M = P.machines[P.opMachine[i]];
      var f = P.zone.format;
      var lines = [];
      lines.push("<div class=\"takt-gantt-tip\"><b>" + escapeHtml(O.ref) + "</b> · " +
        escapeHtml(O.item) + (O.item_name ? " " + escapeHtml(O.item_name) : "") +
        " · qty " + escapeHtml(O.quantity));
      lines.push("Operation <b>" + escapeHtml(op[5]) + "</b> on " + escapeHtml(M.code) +
        (M.name ? " · " + escapeHtml(M.name) : ""));
      if (op[3] > op[2]) lines.push("Setup " + escapeHtml(f(op[2])));
      lines.push("Start " + escapeHtml(f(op[3])) + "<br>End " + escapeHtml(f(op[4])));
      if (O.due_ms != null) {
        var due = "Due " + escapeHtml(f(O.due_ms));
        if (opLate[i]) {
          var lateH = Math.max(0, (P.orderEnd[o] - O.due_ms) / HOUR);
          due += " · <span class=\"takt-gantt-late\">late by " +
            (lateH >= 10 ? Math.round(lateH) : Math.round(lateH * 10) / 10) + " h</span>";
        }
        lines.push(due);
      }
      if (op[6]) lines.push("<span class=\"takt-gantt-pinned\">Pinned</span>");
      return lines.join("<br>") + "</div>";
    }

    function opInfo(i) {
      var op = P.ops[i];
      var O = P.orders[P.opOrder[i]];
      var M = P.machines[P.opMachine[i]];
      return {
        index: i, order: O.ref, item: O.item, item_name: O.item_name, quantity: O.quantity,
        operation: op[5], machine: M.code, machine_name: M.name, work_centre: M.work_centre,
        setup_start_ms: op[2], start_ms: op[3], end_ms: op[4], pinned: !!op[6],
        late: !!opLate[i], due_ms: O.due_ms,
      };
    }

    function buildSeries() {
      var i;
      var nSetup = 0;
      var bars = new Array(P.n);
      barIndex = new Int32Array(P.n);
      setupIndex = new Int32Array(P.nSetups);
      var setups = new Array(P.nSetups);
      for (i = 0; i < P.n; i++) {
        barIndex[i] = i;
        bars[i] = [opRow[i], P.opStart[i], P.opEnd[i]];
        if (P.opStart[i] > P.opSetup[i]) {
          setupIndex[nSetup] = i;
          setups[nSetup++] = [opRow[i], P.opSetup[i], P.opStart[i]];
        }
      }
      var progressive = options.progressive === undefined ? 3000 : options.progressive;
      var threshold = options.progressiveThreshold || 5000;
      var common = {
        type: "custom", animation: false, progressive: progressive,
        progressiveThreshold: threshold, encode: { x: [1, 2], y: 0 },
      };
      // Bands every machine shares (plant calendar) are one full-height rect each, drawn on
      // a hidden second y axis the row dataZoom does not filter. `sharedBands: "markArea"`
      // draws them as a markArea instead (kept for the benchmark's comparison).
      var asArea = options.sharedBands === "markArea";
      var own = state.view === "machine";
      function area(list, colour) {
        return { silent: true, itemStyle: { color: colour }, label: { show: false },
          data: list.map(function (b) { return [{ xAxis: b[1] }, { xAxis: b[2] }]; }) };
      }
      var bandCommon = Object.assign({}, common, {
        silent: true, z: 1, progressive: 0, tooltip: { show: false },
      });
      var series = [
        Object.assign({}, bandCommon, {
          id: "offshift-all", yAxisIndex: 1, encode: { x: [1, 2] },
          renderItem: bandRenderer(OFF_SHIFT_ALL, OFF_SHIFT_ALL), data: asArea ? [] : P.offShift.shared,
          markArea: asArea ? area(P.offShift.shared, OFF_SHIFT_ALL) : undefined,
        }),
        Object.assign({}, bandCommon, {
          id: "overtime-all", yAxisIndex: 1, encode: { x: [1, 2] },
          renderItem: bandRenderer(OVERTIME, OVERTIME), data: asArea ? [] : P.overtime.shared,
          markArea: asArea ? area(P.overtime.shared, OVERTIME) : undefined,
        }),
        Object.assign({}, bandCommon, {
          id: "offshift", renderItem: bandRenderer(OFF_SHIFT, OFF_SHIFT),
          data: own ? P.offShift.own : [],
        }),
        Object.assign({}, bandCommon, {
          id: "overtime", renderItem: bandRenderer(OVERTIME, OVERTIME),
          data: own ? P.overtime.own : [],
        }),
        Object.assign({}, common, {
          id: "setups", name: "Setup", z: 3, renderItem: renderSetup, data: setups,
        }),
        Object.assign({}, common, {
          id: "bars", name: "Operations", z: 4, renderItem: renderBar, data: bars,
          markLine: markLines(),
        }),
      ];
      series.push(Object.assign({}, common, {
        id: "actuals", name: "Actual", z: 5, renderItem: renderActual, progressive: 0,
        tooltip: { show: false }, data: actuals.map(function (a) {
          return [opRow[a[0]], a[2] == null ? P.opStart[a[0]] : a[2], a[3] == null ? P.opEnd[a[0]] : a[3]];
        }),
      }));
      if (state.view === "order") {
        var due = [];
        for (i = 0; i < P.orders.length; i++) {
          if (P.orders[i].due_ms != null) due.push([P.orderRow[i], P.zone.shift(P.orders[i].due_ms), i]);
        }
        series.push(Object.assign({}, common, {
          id: "due", name: "Due", z: 5, renderItem: renderDue, data: due,
          encode: { x: 1, y: 0 }, progressive: 0,
        }));
      }
      return series;
    }

    function markLines() {
      var data = [];
      if (P.now != null) {
        data.push({ xAxis: P.now, lineStyle: { color: "#1f5fa8", type: "solid", width: 1.5 },
          label: { formatter: "now", color: "#1f5fa8" } });
      }
      if (state.highlight >= 0 && P.orders[state.highlight].due_ms != null) {
        data.push({ xAxis: P.zone.shift(P.orders[state.highlight].due_ms),
          lineStyle: { color: LATE, type: "dashed", width: 1.5 },
          label: { formatter: "due " + P.orders[state.highlight].ref, color: LATE } });
      }
      return {
        silent: true, symbol: ["none", "none"], animation: false, data: data,
        label: { show: false },
      };
    }

    function xWindow() {
      var opt = chart.getOption();
      var dz = opt && opt.dataZoom && opt.dataZoom[0];
      if (dz && dz.startValue != null && dz.endValue != null) return [dz.startValue, dz.endValue];
      var days = options.initialDays === undefined ? 7 : options.initialDays;
      var start = P.xMin;
      if (P.now != null && P.now > P.xMin && P.now < P.xMax) start = Math.max(P.xMin, P.now - 6 * HOUR);
      if (!days || start + days * 24 * HOUR >= P.xMax) return [P.xMin, P.xMax];
      return [start, start + days * 24 * HOUR];
    }

    function buildOption(keepX) {
      var labels = state.view === "machine" ? P.machineLabels : P.orderLabels;
      var win = keepX ? xWindow() : null;
      var vr = visibleRows();
      var needY = rows > vr;
      var dataZoom = [
        { type: "inside", id: "x-inside", xAxisIndex: 0, filterMode: "weakFilter",
          zoomOnMouseWheel: true, moveOnMouseMove: true, moveOnMouseWheel: false,
          minValueSpan: HOUR, throttle: 60 },
        { type: "slider", id: "x-slider", xAxisIndex: 0, filterMode: "weakFilter",
          height: 18, bottom: 6, showDataShadow: false, brushSelect: false, labelFormatter: "",
          borderColor: "#dde3ea", fillerColor: "rgba(31,95,168,0.12)",
          handleStyle: { color: "#fff", borderColor: "#8a96a3" }, throttle: 60 },
      ];
      if (win) {
        dataZoom[0].startValue = dataZoom[1].startValue = win[0];
        dataZoom[0].endValue = dataZoom[1].endValue = win[1];
      } else {
        var first = xWindow();
        dataZoom[0].startValue = dataZoom[1].startValue = first[0];
        dataZoom[0].endValue = dataZoom[1].endValue = first[1];
      }
      if (needY) {
        dataZoom.push(
          { type: "slider", id: "y-slider", yAxisIndex: 0, filterMode: "weakFilter", width: 14,
            right: 10, top: GRID.top, bottom: GRID.bottom, startValue: 0, endValue: vr - 1,
            zoomLock: true, showDataShadow: false, brushSelect: false, showDetail: false,
            borderColor: "#dde3ea", fillerColor: "rgba(31,95,168,0.12)", throttle: 60 },
          { type: "inside", id: "y-inside", yAxisIndex: 0, filterMode: "weakFilter",
            startValue: 0, endValue: vr - 1, zoomOnMouseWheel: false, moveOnMouseMove: true,
            moveOnMouseWheel: "shift", throttle: 60 });
      }
      var groupStart = P.machineGroupStart;
      return {
        animation: false,
        useUTC: true,
        textStyle: { fontFamily: "system-ui, -apple-system, 'Segoe UI', Roboto, sans-serif" },
        grid: { top: GRID.top, bottom: GRID.bottom, left: GRID.left, right: needY ? GRID.right : 16 },
        tooltip: {
          trigger: "item", confine: true, formatter: tooltip, triggerOn: "mousemove|click",
          borderColor: "#dde3ea", textStyle: { color: INK, fontSize: 13 }, transitionDuration: 0,
        },
        xAxis: {
          type: "time", position: "top", min: P.xMin, max: P.xMax,
          axisLine: { show: false }, axisTick: { show: false },
          splitLine: { show: true, lineStyle: { color: "#e6eaef" } },
          axisLabel: {
            color: MUTED, hideOverlap: true,
            formatter: { day: "{ee} {d} {MMM}", hour: "{HH}:{mm}", minute: "{HH}:{mm}",
              month: "{ee} {d} {MMM}", year: "{d} {MMM} {yyyy}" },
          },
        },
        yAxis: [{
          type: "category", inverse: true, data: labels,
          axisTick: { show: false }, axisLine: { lineStyle: { color: "#dde3ea" } },
          axisLabel: { color: INK, fontSize: 12, width: GRID.left - 14, overflow: "truncate",
            interval: 0 },
          splitLine: state.view === "machine"
            ? { show: true, interval: function (index) { return !!groupStart[index + 1]; },
              lineStyle: { color: "#b9c3ce" } }
            : { show: false },
        }, { type: "value", min: 0, max: 1, show: false }],
        dataZoom: dataZoom,
        series: buildSeries(),
      };
    }

    function render(keepX) {
      layoutRows();
      colourOps();
      var option = buildOption(keepX);
      applyHeight();
      chart.resize();
      chart.setOption(option, { notMerge: true, lazyUpdate: false });
      if (drag) drag.reset();
    }

    chart.on("click", function (p) {
      var i = -1;
      if (p.seriesId === "bars") i = barIndex[p.dataIndex];
      else if (p.seriesId === "setups") i = setupIndex[p.dataIndex];
      if (i < 0) return;
      var info = opInfo(i);
      if (typeof options.onOperationClick === "function") options.onOperationClick(P.ops[i][7], info);
    });

    // Drag-to-pin lives in gantt_drag.js, loaded only where the user may plan.
    var drag = null;
    if (typeof options.onOperationDrop === "function" && global.TaktGanttDrag) {
      drag = global.TaktGanttDrag.attach({
        chart: chart, element: element, P: P, state: state, opInfo: opInfo,
        onClick: function (id, info) {
          if (typeof options.onOperationClick === "function") options.onOperationClick(id, info);
        },
        onDrop: options.onOperationDrop,
      });
    }

    var ro = null;
    if (typeof ResizeObserver !== "undefined") {
      ro = new ResizeObserver(function () { chart.resize(); });
      ro.observe(element);
    }

    render(false);

    return {
      chart: chart,
      setView: function (view) {
        view = view === "order" ? "order" : "machine";
        if (view === state.view) return;
        state.view = view;
        render(true);
      },
      setColorBy: function (colorBy) {
        colorBy = colorBy === "family" ? "family" : "order";
        if (colorBy === state.colorBy) return;
        state.colorBy = colorBy;
        render(true);
      },
      highlightOrder: function (ref) {
        var o = ref == null ? -1 : P.refIndex.has(ref) ? P.refIndex.get(ref) : -1;
        if (o === state.highlight) return;
        state.highlight = o;
        render(true);
      },
      getState: function () { return { view: state.view, colorBy: state.colorBy }; },
      setActuals: function (data) {
        // data: {now_ms, actuals: [[op pk, status, start_ms, end_ms, late], ...]}
        if (!P.byPk) {
          P.byPk = new Map();
          for (var j = 0; j < P.n; j++) P.byPk.set(P.ops[j][7], j);
        }
        actuals = [];
        (data.actuals || []).forEach(function (a) {
          var i = P.byPk.get(a[0]);
          if (i === undefined) return;
          actuals.push([i, a[1], a[2] == null ? null : P.zone.shift(a[2]),
            a[3] == null ? null : P.zone.shift(a[3]), a[4]]);
        });
        if (data.now_ms != null) P.now = P.zone.shift(data.now_ms);
        render(true);
      },
      clearDrop: function () { if (drag) drag.clearDrop(); },
      dispose: function () {
        if (drag) drag.detach();
        if (ro) ro.disconnect();
        chart.dispose();
      },
    };
  }

  global.TaktGantt = { mount: mount, orderColour: orderColour, paletteColour: paletteColour };
})(window);
