/*
 * The pin dialog of a run's page (templates/scheduling/run_detail.html): a click on a Gantt
 * bar, or a drop on another machine or time, opens it filled in; closing it removes the
 * dropped ghost. The dialog names its chart (data-pin-for) and the plant's time zone
 * (data-tz): the start it proposes is the plant's wall clock, whatever the browser's zone is.
 */
(function () {
  "use strict";

  function plantLocal(ms, tz) {
    var parts = {};
    new Intl.DateTimeFormat("en-GB", {timeZone: tz, hourCycle: "h23",
      year: "numeric", month: "2-digit", day: "2-digit", hour: "2-digit", minute: "2-digit"})
      .formatToParts(new Date(ms)).forEach(function (p) { parts[p.type] = p.value; });
    return parts.year + "-" + parts.month + "-" + parts.day + "T" + parts.hour + ":" + parts.minute;
  }

  function dialogFor(gantt) {
    return gantt && gantt.id ? document.querySelector('dialog[data-pin-for="' + gantt.id + '"]') : null;
  }

  function open(dialog, id, machine, startMs, what) {
    dialog.querySelector("[name=operation]").value = id;
    dialog.querySelector("[data-pin-what]").textContent = what;
    if (machine) dialog.querySelector("[name=machine]").value = machine;
    if (startMs) dialog.querySelector("[name=start]").value = plantLocal(startMs, dialog.getAttribute("data-tz"));
    dialog.showModal();
  }

  document.addEventListener("takt:operation-click", function (event) {
    var dialog = dialogFor(event.target);
    if (!dialog) return;
    var info = event.detail.info || {};
    open(dialog, event.detail.id, info.machine, info.start_ms,
      [info.order, info.operation, info.machine].filter(Boolean).join(" · "));
  });

  document.addEventListener("takt:operation-drop", function (event) {
    var dialog = dialogFor(event.target);
    if (!dialog) return;
    var info = event.detail.info || {}, target = event.detail.target;
    open(dialog, event.detail.id, target.machine, target.start_ms,
      [info.order, info.operation].join(" · ") + ": from " + info.machine + " to " + target.machine);
  });

  // "close" does not bubble: listen in the capture phase.
  document.addEventListener("close", function (event) {
    var dialog = event.target;
    if (!dialog.matches || !dialog.matches("dialog[data-pin-for]")) return;
    var gantt = document.getElementById(dialog.getAttribute("data-pin-for"));
    if (gantt && gantt.taktGantt) gantt.taktGantt.clearDrop();
  }, true);
})();
