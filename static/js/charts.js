/*
 * Mounts the charts that partials describe with data attributes, on page load and in content
 * htmx swaps in later (a live run's progress every second). The pages carry no inline script:
 * the Content-Security-Policy runs scripts from this site only.
 *
 *   <div data-chart="gantt" data-gantt-url="…" data-editable="true"          _gantt.html
 *        data-chart-scripts="echarts.min.js gantt.js gantt_drag.js" data-chart-styles="gantt.css">
 *   <div data-chart="convergence" data-chart-points="ID" data-chart-scripts="…">  _convergence.html
 *   <div data-chart="pareto" data-chart-points="ID" data-chart-scripts="…">       floor/kpis.html
 *   <p data-actuals-for="GANTT_ID" data-actuals-url="…">      floor/_gantt_actuals.html (polls)
 *
 * `data-chart-points` names a json_script element. Scripts load once per page, in the order
 * given (URLs from {% static %}, so hashed names work). A Gantt dispatches
 * `takt:operation-click` and, when editable, `takt:operation-drop` (both bubble) with detail
 * {id, info[, target]}; static/js/gantt_pin.js turns them into the pin dialog.
 */
(function () {
  "use strict";

  var loading = {};
  var ACTUALS_EVERY_MS = 20000;

  function script(src) {
    if (!loading[src]) {
      loading[src] = new Promise(function (resolve, reject) {
        var s = document.createElement("script");
        s.src = src;
        s.onload = resolve;
        s.onerror = function () { delete loading[src]; reject(new Error("could not load " + src)); };
        document.head.appendChild(s);
      });
    }
    return loading[src];
  }

  function scripts(el) {
    var urls = (el.getAttribute("data-chart-scripts") || "").split(/\s+/).filter(Boolean);
    return urls.reduce(function (ready, url) {
      return ready.then(function () { return script(url); });
    }, Promise.resolve());
  }

  function styles(el) {
    (el.getAttribute("data-chart-styles") || "").split(/\s+/).filter(Boolean).forEach(function (href) {
      var have = Array.prototype.some.call(document.querySelectorAll("link[rel=stylesheet]"), function (l) {
        return l.getAttribute("href") === href;
      });
      if (have) return;
      var link = document.createElement("link");
      link.rel = "stylesheet";
      link.href = href;
      document.head.appendChild(link);
    });
  }

  function points(el) {
    var src = document.getElementById(el.getAttribute("data-chart-points"));
    if (!src) return [];
    var value = JSON.parse(src.textContent);
    return typeof value === "string" ? JSON.parse(value) : value;
  }

  function mountGantt(el) {
    var box = el.closest(".takt-gantt") || el.parentNode;
    var status = box.querySelector("[data-gantt-status]");
    var editable = el.getAttribute("data-editable") === "true";
    function say(text) {
      if (!status) return;
      status.textContent = text;
      status.hidden = !text;
    }
    var data = fetch(el.getAttribute("data-gantt-url"), {
      credentials: "same-origin", headers: { Accept: "application/json" },
    }).then(function (r) {
      if (!r.ok) throw new Error("HTTP " + r.status);
      return r.json();
    });
    return scripts(el)
      .then(function () { return data; })
      .then(function (schedule) {
        if (!el.isConnected) return;
        if (!schedule.ops || !schedule.ops.length) {
          say("No operations are scheduled in this horizon.");
          return;
        }
        say("");
        var gantt = window.TaktGantt.mount(el, schedule, {
          onOperationClick: function (id, info) {
            el.dispatchEvent(new CustomEvent("takt:operation-click", {
              bubbles: true, detail: { id: id, info: info },
            }));
          },
          onOperationDrop: editable ? function (id, info, target) {
            el.dispatchEvent(new CustomEvent("takt:operation-drop", {
              bubbles: true, detail: { id: id, info: info, target: target },
            }));
          } : undefined,
        });
        el.taktGantt = gantt;
        function sync() {
          var st = gantt.getState();
          box.querySelectorAll("[data-gantt-control]").forEach(function (group) {
            var current = st[group.getAttribute("data-gantt-control")];
            group.querySelectorAll("button").forEach(function (b) {
              b.setAttribute("aria-pressed", String(b.getAttribute("data-value") === current));
              var label = b.getAttribute("data-label-" + st.view);
              if (label) b.textContent = label;
            });
          });
        }
        box.querySelectorAll("[data-gantt-control] button").forEach(function (b) {
          b.addEventListener("click", function () {
            var control = b.parentNode.getAttribute("data-gantt-control");
            if (control === "view") gantt.setView(b.getAttribute("data-value"));
            else gantt.setColorBy(b.getAttribute("data-value"));
            sync();
          });
        });
        sync();
        box.addEventListener("htmx:beforeCleanupElement", function (e) {
          if (e.target === box || e.target === el) gantt.dispose();
        });
      })
      .catch(function (err) {
        say("The schedule could not be shown (" + err.message + ").");
      });
  }

  var MOUNT = {
    gantt: mountGantt,
    convergence: function (el) {
      var data = points(el);
      return scripts(el).then(function () {
        if (el.isConnected) window.TaktConvergence.mount(el, data);
      });
    },
    pareto: function (el) {
      var data = points(el);
      return scripts(el).then(function () {
        if (el.isConnected) window.TaktPareto.mount(el, data);
      });
    },
  };

  // Planned against actual on a published run's Gantt: the actuals again every 20 s.
  function pollActuals(legend) {
    var url = legend.getAttribute("data-actuals-url");
    var id = legend.getAttribute("data-actuals-for");
    function poll() {
      var el = document.getElementById(id);
      if (!el || !legend.isConnected) return;
      if (!el.taktGantt) { setTimeout(poll, 500); return; }
      fetch(url, { credentials: "same-origin", headers: { Accept: "application/json" } })
        .then(function (r) { return r.ok ? r.json() : null; })
        .then(function (data) { if (data && el.taktGantt) el.taktGantt.setActuals(data); })
        .catch(function () {})
        .then(function () { setTimeout(poll, ACTUALS_EVERY_MS); });
    }
    poll();
  }

  function within(root, selector) {
    var found = Array.prototype.slice.call(root.querySelectorAll(selector));
    if (root.matches && root.matches(selector)) found.unshift(root);
    return found;
  }

  function scan(root) {
    within(root, "[data-chart]").forEach(function (el) {
      var mount = MOUNT[el.getAttribute("data-chart")];
      if (!mount || el.taktChartMounted) return;
      el.taktChartMounted = true;
      styles(el);
      mount(el);
    });
    within(root, "[data-actuals-for]").forEach(function (legend) {
      if (legend.taktPolling) return;
      legend.taktPolling = true;
      pollActuals(legend);
    });
  }

  document.addEventListener("htmx:load", function (event) { scan(event.detail.elt); });
  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", function () { scan(document); });
  } else {
    scan(document);
  }
})();
