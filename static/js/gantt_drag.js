/*
 * Drag-to-pin for the Takt Gantt chart (static/js/gantt.js): plain ES2019, no build step.
 *
 * Loaded after gantt.js; TaktGantt.mount(el, data, {onOperationDrop: fn}) then lets a mouse
 * (or pen) drag an operation bar, in the by-machine view, to another machine row or time:
 *
 *   onOperationDrop(scheduledOpId, info, {machine, machine_name, start_ms, row})
 *
 * is called on a drop onto a row whose machine may run the operation (data.eligible and
 * data.op_eligible); a drop anywhere else is refused with a message in the chart. The start
 * snaps to whole minutes of the plant's wall clock. A press that does not move is a click
 * (onOperationClick). Touch keeps the tap-to-open-the-form path.
 *
 * Smooth at 10,000 operations: a drag never touches the chart's option or series. The bar
 * under the pointer is found by binary search in its row's operations (sorted by start once);
 * while dragging, a DOM ghost and the eligible rows' bands are positioned with
 * convertToPixel/convertFromPixel only.
 */
(function (global) {
  "use strict";

  var MINUTE = 60000;
  var THRESHOLD_PX = 4;
  var MESSAGE_MS = 5000;

  function div(className, parent) {
    var d = document.createElement("div");
    d.className = className;
    parent.appendChild(d);
    return d;
  }

  /*
   * ctx (from TaktGantt.mount): chart, element, P (prepared data), state ({view}), opInfo(i),
   * onClick(id, info), onDrop(id, info, target).
   */
  function attach(ctx) {
    var chart = ctx.chart;
    var element = ctx.element;
    var P = ctx.P;
    var raw = P.raw;
    var sets = raw.eligible || [];
    var opSet = raw.op_eligible || [];
    var rowMachine = new Int32Array(P.machines.length);
    for (var m = 0; m < P.machines.length; m++) rowMachine[P.machineRow[m]] = m;

    if (getComputedStyle(element).position === "static") element.style.position = "relative";
    var layer = div("takt-gantt-drag-layer", element);
    var bands = div("takt-gantt-drag-bands", layer);
    var ghost = div("takt-gantt-drag-ghost", layer);
    var label = div("takt-gantt-drag-label", layer);
    var message = div("takt-gantt-drag-message", element);
    message.setAttribute("role", "status");
    message.setAttribute("aria-live", "polite");
    layer.hidden = true;
    message.hidden = true;

    var rowOps = null; // per machine row: op indices by start, built on the first press
    var drag = null;
    var frame = 0;
    var swallowClick = false;
    var messageTimer = 0;

    function enabled() { return ctx.state.view === "machine"; }

    function point(event) {
      var box = element.getBoundingClientRect();
      return [event.clientX - box.left, event.clientY - box.top];
    }

    function rowGeometry() {
      var y0 = chart.convertToPixel({ yAxisIndex: 0 }, 0);
      var y1 = chart.convertToPixel({ yAxisIndex: 0 }, 1);
      return { y0: y0, h: y1 - y0 };
    }

    function opAt(p, geo) {
      if (!chart.containPixel({ gridIndex: 0 }, p)) return -1;
      var row = Math.round((p[1] - geo.y0) / geo.h);
      var h = Math.max(3, Math.min(geo.h * 0.62, 22));
      if (row < 0 || row >= P.machines.length || Math.abs(p[1] - geo.y0 - row * geo.h) > h / 2) return -1;
      if (!rowOps) {
        rowOps = P.machines.map(function () { return []; });
        for (var k = 0; k < P.n; k++) rowOps[P.machineRow[P.opMachine[k]]].push(k);
        rowOps.forEach(function (list) { list.sort(function (a, b) { return P.opStart[a] - P.opStart[b]; }); });
      }
      var list = rowOps[row];
      var x = chart.convertFromPixel({ xAxisIndex: 0 }, p[0]);
      var slack = Math.abs(chart.convertFromPixel({ xAxisIndex: 0 }, p[0] + 1) - x); // 1 px
      var lo = 0;
      var hi = list.length - 1;
      var found = -1;
      while (lo <= hi) { // the last op starting at or before x
        var mid = (lo + hi) >> 1;
        if (P.opStart[list[mid]] <= x + slack) { found = mid; lo = mid + 1; } else hi = mid - 1;
      }
      return found >= 0 && P.opEnd[list[found]] >= x - slack ? list[found] : -1;
    }

    function say(text) {
      clearTimeout(messageTimer);
      message.textContent = text;
      message.hidden = !text;
      if (text) messageTimer = setTimeout(function () { message.hidden = true; }, MESSAGE_MS);
    }

    function eligibleRows(i) {
      var rows = [];
      var set = sets[opSet[i]] || [];
      for (var k = 0; k < set.length; k++) rows.push(P.machineRow[set[k]]);
      return rows;
    }

    function machineLabel(row) {
      var M = P.machines[rowMachine[row]];
      return M.name ? M.code + " · " + M.name : M.code;
    }

    function showBands(rows, geo) {
      bands.textContent = "";
      rows.forEach(function (row) {
        var band = div("takt-gantt-drag-band", bands);
        band.style.top = geo.y0 + row * geo.h - geo.h / 2 + "px";
        band.style.height = geo.h + "px";
      });
    }

    function start(event) {
      if (event.button !== 0 || event.pointerType === "touch" || !enabled()) return;
      var p = point(event);
      var geo = rowGeometry();
      var i = opAt(p, geo);
      if (i < 0) return;
      drag = {
        i: i, from: p, moved: false, geo: geo, pointer: event.pointerId,
        eligible: eligibleRows(i), row: P.machineRow[P.opMachine[i]], wall: P.opStart[i],
        x0: chart.convertFromPixel({ xAxisIndex: 0 }, p[0]),
      };
      // Ours from here: the chart's own pan, tooltip and click must not see this press.
      event.preventDefault();
      event.stopPropagation();
      element.setPointerCapture(event.pointerId);
    }

    function target(p, d) {
      var geo = d.geo;
      var row = Math.round((p[1] - geo.y0) / geo.h);
      var inside = chart.containPixel({ gridIndex: 0 }, p) && row >= 0 && row < P.machines.length;
      var x = chart.convertFromPixel({ xAxisIndex: 0 }, p[0]);
      var wall = Math.round((P.opStart[d.i] + (x - d.x0)) / MINUTE) * MINUTE;
      return {
        inside: inside, row: row, wall: wall,
        eligible: inside && d.eligible.indexOf(row) >= 0,
      };
    }

    function draw() {
      frame = 0;
      if (drag && drag.moved) paint(drag);
    }

    function paint(d) {
      var t = d.target;
      layer.hidden = !t.inside;
      if (!t.inside) return;
      var geo = d.geo;
      var i = d.i;
      var x0 = chart.convertToPixel({ xAxisIndex: 0 }, t.wall);
      var x1 = chart.convertToPixel({ xAxisIndex: 0 }, t.wall + (P.opEnd[i] - P.opStart[i]));
      var h = Math.max(3, Math.min(geo.h * 0.62, 22));
      var y = geo.y0 + t.row * geo.h;
      ghost.style.transform = "translate(" + x0 + "px," + (y - h / 2) + "px)";
      ghost.style.width = Math.max(2, x1 - x0) + "px";
      ghost.style.height = h + "px";
      ghost.classList.toggle("is-refused", !t.eligible);
      var when = P.zone.format(P.zone.unshift(t.wall));
      label.textContent = t.eligible
        ? P.machines[rowMachine[t.row]].code + " · " + when
        : P.machines[rowMachine[t.row]].code + " cannot run this operation";
      label.classList.toggle("is-refused", !t.eligible);
      label.style.transform = "translate(" + x0 + "px," + (y + h / 2 + 2) + "px)";
    }

    function move(event) {
      if (!drag || event.pointerId !== drag.pointer) return;
      var p = point(event);
      if (!drag.moved) {
        if (Math.hypot(p[0] - drag.from[0], p[1] - drag.from[1]) < THRESHOLD_PX) return;
        drag.moved = true;
        chart.dispatchAction({ type: "hideTip" });
        say("");
        showBands(drag.eligible, drag.geo);
        element.classList.add("is-dragging");
      }
      drag.target = target(p, drag);
      if (!frame) frame = requestAnimationFrame(draw);
    }

    function end(event) {
      if (!drag || event.pointerId !== drag.pointer) return;
      var d = drag;
      drag = null;
      element.classList.remove("is-dragging");
      swallowClick = true;
      setTimeout(function () { swallowClick = false; }, 0);
      var info = ctx.opInfo(d.i);
      var id = P.ops[d.i][7];
      if (!d.moved) {
        clear();
        ctx.onClick(id, info);
        return;
      }
      var t = (d.target = target(point(event), d));
      paint(d);
      if (!t.inside) {
        clear();
        say("Dropped outside the chart: nothing was pinned.");
      } else if (!t.eligible) {
        clear();
        var names = d.eligible.map(function (row) { return P.machines[rowMachine[row]].code; });
        say(machineLabel(t.row) + " cannot run " + info.order + " · " + info.operation +
          (names.length ? ". It can run on " + names.join(", ") + "." : "."));
      } else {
        bands.textContent = "";
        ghost.classList.add("is-pending");
        var M = P.machines[rowMachine[t.row]];
        ctx.onDrop(id, info, {
          machine: M.code, machine_name: M.name, row: t.row, start_ms: P.zone.unshift(t.wall),
        });
      }
    }

    function cancel() {
      if (!drag) return;
      drag = null;
      element.classList.remove("is-dragging");
      clear();
    }

    function clear() {
      layer.hidden = true;
      bands.textContent = "";
      ghost.classList.remove("is-pending");
    }

    function onKey(event) {
      if (event.key === "Escape") cancel();
    }

    function onClick(event) {
      if (swallowClick) {
        event.stopPropagation();
        swallowClick = false;
      }
    }

    element.addEventListener("pointerdown", start, true);
    element.addEventListener("pointermove", move, true);
    element.addEventListener("pointerup", end, true);
    element.addEventListener("pointercancel", cancel, true);
    element.addEventListener("click", onClick, true);
    document.addEventListener("keydown", onKey);

    return {
      /* The chart was re-rendered (view, colours, highlight): row geometry may differ. */
      reset: function () { cancel(); clear(); },
      /* The page is done with the last drop (its form was sent or closed). */
      clearDrop: clear,
      detach: function () {
        cancel();
        element.removeEventListener("pointerdown", start, true);
        element.removeEventListener("pointermove", move, true);
        element.removeEventListener("pointerup", end, true);
        element.removeEventListener("pointercancel", cancel, true);
        element.removeEventListener("click", onClick, true);
        document.removeEventListener("keydown", onKey);
        layer.remove();
        message.remove();
      },
    };
  }

  global.TaktGanttDrag = { attach: attach };
})(window);
