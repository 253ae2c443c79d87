"""Render benchmark for the Gantt component in headless Chromium.

    python -m bench.gantt [--ops 10000] [--machines 50] [--runs 3]

Generates a deterministic synthetic schedule in the Gantt JSON contract (the shape the
schedule endpoint returns), serves it with the real static files from a throwaway
``http.server`` on 127.0.0.1, mounts ``TaktGantt`` in Chromium through Playwright and
measures, per run: JSON parse, first render (mount until ECharts' ``finished`` event plus
one painted frame) for the default one-week window and for the whole horizon (all bars
drawn), and dataZoom interactions. Exits 1 when the median first render of the whole
horizon is over the budget (2 s by default).

Needs ``npm run build`` (static/vendor/echarts) and Chromium at /usr/bin/chromium (or
``$CHROMIUM``). Imports nothing from Django, so it runs without settings.
"""

from __future__ import annotations

import argparse
import bisect
import functools
import json
import os
import random
import shutil
import statistics
import sys
import tempfile
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime, timedelta
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

REPO = Path(__file__).resolve().parent.parent
STATIC = REPO / "static"
CHROMIUM_ARGS = [
    "--headless=new",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-dev-shm-usage",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
    "--disable-sync",
]
WORK_CENTRES = [
    ("CUT", "Saw", 4),
    ("TURN", "Lathe", 8),
    ("MILL", "Mill", 9),
    ("DRILL", "Drill", 5),
    ("HEAT", "Furnace", 3),
    ("GRIND", "Grinder", 6),
    ("WELD", "Weld cell", 5),
    ("PAINT", "Paint booth", 3),
    ("ASSY", "Assembly bench", 5),
    ("INSP", "Inspection", 2),
]
FAMILIES = [
    ("SHAFT", "Drive shaft"),
    ("GEAR", "Spur gear"),
    ("HOUS", "Gearbox housing"),
    ("FLNG", "Flange"),
    ("BRKT", "Bracket"),
    ("PLAT", "Base plate"),
    ("PIN", "Hinge pin"),
    ("ROLL", "Conveyor roller"),
]
ROUTING_STEPS = ["CUT", "TURN", "MILL", "DRILL", "HEAT", "GRIND", "WELD", "PAINT", "ASSY", "INSP"]
MIN = 60_000
HOUR = 60 * MIN


def _ms(dt: datetime) -> int:
    return int(dt.timestamp() * 1000)


def _machines(count: int) -> list[dict[str, str]]:
    """`count` machines spread over the work centres in proportion to their weights."""
    total = sum(w for _, _, w in WORK_CENTRES)
    per = [max(1, round(count * w / total)) for _, _, w in WORK_CENTRES]
    while sum(per) > count and max(per) > 1:
        per[per.index(max(per))] -= 1
    while sum(per) < count:
        per[per.index(min(per))] += 1
    out: list[dict[str, str]] = []
    for (wc, name, _), n in zip(WORK_CENTRES, per, strict=True):
        out.extend(
            {"code": f"{wc}-{k:02d}", "name": f"{name} {k}", "work_centre": wc}
            for k in range(1, n + 1)
        )
    return out[:count]


def _shift_windows(start: datetime, days: int) -> list[tuple[int, int]]:
    """Two shifts, Mon-Fri 06:00-22:00 plant time: the working windows in epoch ms."""
    out = []
    for d in range(days):
        day = start + timedelta(days=d)
        if day.weekday() >= 5:
            continue
        out.append((_ms(day.replace(hour=6)), _ms(day.replace(hour=22))))
    return out


def generate(n_ops: int = 10_000, n_machines: int = 50, seed: int = 7) -> dict[str, Any]:
    """A deterministic, realistic-looking schedule in the Gantt JSON contract."""
    rng = random.Random(seed)
    tz = ZoneInfo("Europe/Berlin")
    origin = datetime(2025, 11, 24, tzinfo=tz)  # a Monday
    days = 28
    machines = _machines(n_machines)
    by_wc: dict[str, list[int]] = {}
    for i, mach in enumerate(machines):
        by_wc.setdefault(mach["work_centre"], []).append(i)
    steps = [wc for wc in ROUTING_STEPS if wc in by_wc]
    windows = _shift_windows(origin, days + 60)  # room past the horizon for the packing

    window_ends = [we for _, we in windows]
    busy: list[list[tuple[int, int]]] = [[] for _ in range(n_machines)]

    def fit(ready: int, length: int) -> int:
        """First start >= ready inside one working window that holds `length` ms."""
        for ws, we in windows[bisect.bisect_right(window_ends, ready) :]:
            s = max(ready, ws)
            if s + length <= we:
                return s
        raise RuntimeError("schedule does not fit")

    def earliest(m: int, ready: int, length: int) -> int:
        """Earliest start on machine `m`, filling gaps between its booked operations."""
        t = ready
        intervals = busy[m]
        while True:
            s = fit(t, length)
            k = bisect.bisect_left(intervals, (s + length, -1))
            if k and intervals[k - 1][1] > s:
                t = intervals[k - 1][1]
                continue
            return s

    # Size run times so each work centre's load roughly fills 20 working days.
    work_ms = sum(we - ws for ws, we in windows[:20])
    per_wc_ops = max(n_ops, 1) / len(steps)
    mean_run = {wc: 0.7 * work_ms * len(by_wc[wc]) / per_wc_ops for wc in steps}
    orders: list[dict[str, Any]] = []
    ops: list[list[Any]] = []
    n_orders = max(1, n_ops // 10)
    releases = sorted(rng.randrange(0, 15 * 24) for _ in range(n_orders))
    left = n_ops
    for k in range(n_orders):
        if left <= 0:
            break
        n_steps = left if k == n_orders - 1 else min(left, rng.randint(6, 14))
        fam, fam_name = rng.choice(FAMILIES)
        item_no = rng.randint(100, 140)
        order_idx = len(orders)
        ready = _ms(origin) + releases[k] * HOUR
        route = sorted(rng.sample(steps, min(len(steps), n_steps)), key=steps.index)
        while len(route) < n_steps:
            route.append(rng.choice(steps))
        for step_no, wc in enumerate(route, start=1):
            setup = rng.choice([0, 0, 10, 15, 20, 30, 45]) * MIN
            mean = mean_run[wc]
            run = int(min(6 * HOUR, max(10 * MIN, rng.gauss(mean * 0.85, mean * 0.35))))
            length = setup + run // MIN * MIN
            s, m = min((earliest(i, ready, length), i) for i in by_wc[wc])
            e = s + length
            pinned = 1 if rng.random() < 0.02 else 0
            ops.append([m, order_idx, s, s + setup, e, f"{step_no * 10} {wc.title()}", pinned, 0])
            bisect.insort(busy[m], (s, e))
            ready = e
        finish = ready
        due = _ms(origin) + (releases[k] + rng.randint(7 * 24, 18 * 24)) * HOUR
        orders.append(
            {
                "ref": f"SO-{24100 + k}",
                "item": f"{fam[:2]}-{item_no}",
                "item_name": fam_name,
                "family": fam,
                "quantity": str(rng.choice([10, 20, 25, 50, 100, 200])),
                "due_ms": due,
                "late": finish > due,
            }
        )
        left -= n_steps
    for i, op in enumerate(ops):
        op[7] = 100_000 + i

    last = max(op[4] for op in ops) if ops else _ms(origin)
    end_ms = max(_ms(origin + timedelta(days=days)), last)
    end_ms = (end_ms // (24 * HOUR) + 1) * 24 * HOUR
    total_days = (end_ms - _ms(origin)) // (24 * HOUR) + 1

    off_shift: list[list[int]] = []
    prev_end = _ms(origin)
    for ws, we in windows:
        if ws >= end_ms:
            break
        if ws > prev_end:
            off_shift.extend([m, prev_end, ws] for m in range(n_machines))
        prev_end = we
    if prev_end < end_ms:
        off_shift.extend([m, prev_end, end_ms] for m in range(n_machines))
    # Machine-specific unavailability: a maintenance window on every seventh machine.
    for m in range(0, n_machines, 7):
        day = origin + timedelta(days=rng.randint(1, max(1, total_days - 2)))
        off_shift.append([m, _ms(day.replace(hour=8)), _ms(day.replace(hour=14))])
    # Offered overtime: Saturday mornings for the bottleneck centres.
    overtime: list[list[int]] = []
    for d in range(int(total_days)):
        day = origin + timedelta(days=d)
        if day.weekday() == 5:
            for m, machine in enumerate(machines):
                if machine["work_centre"] in {"MILL", "TURN"}:
                    overtime.append([m, _ms(day.replace(hour=6)), _ms(day.replace(hour=14))])
    return {
        "origin_ms": _ms(origin),
        "end_ms": end_ms,
        "tz": "Europe/Berlin",
        "machines": machines,
        "orders": orders,
        "ops": ops,
        "off_shift": off_shift,
        "overtime": overtime,
        "now_ms": _ms(origin + timedelta(days=2, hours=10)),
    }


PAGE = """<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Gantt bench</title>
<link rel="stylesheet" href="static/css/takt.css">
<link rel="stylesheet" href="static/css/gantt.css">
<script src="static/vendor/echarts/echarts.min.js"></script>
<script src="static/js/gantt.js"></script>
</head><body style="margin:0;padding:16px;background:#fff">
<div id="gantt" class="takt-gantt-chart" style="width:1280px"></div>
<script>
window.benchMount = async function (opts) {
  var text = await (await fetch("data.json")).text();
  var t0 = performance.now();
  var data = JSON.parse(text);
  var t1 = performance.now();
  var el = document.getElementById("gantt");
  if (window.benchGantt) window.benchGantt.dispose();
  var g = window.benchGantt = TaktGantt.mount(el, data, opts);
  var t2 = performance.now();
  await window.benchSettle(g.chart);
  var t3 = performance.now();
  return {parse: t1 - t0, mount: t2 - t1, render: t3 - t1};
};
window.benchSettle = function (chart) {
  return new Promise(function (resolve) {
    var done = false;
    function paint() {
      if (done) return;
      done = true;
      requestAnimationFrame(function () { requestAnimationFrame(resolve); });
    }
    chart.on("finished", paint);
    setTimeout(paint, 30000);
  }).then(function () { chart.off("finished"); });
};
window.benchZoom = async function (startValue, endValue) {
  var chart = window.benchGantt.chart;
  var t0 = performance.now();
  var settled = window.benchSettle(chart);
  chart.dispatchAction({type: "dataZoom", dataZoomId: "x-inside", startValue: startValue,
                        endValue: endValue});
  await settled;
  return performance.now() - t0;
};
window.benchWindow = function () {
  var dz = window.benchGantt.chart.getOption().dataZoom[0];
  return [dz.startValue, dz.endValue];
};
</script></body></html>
"""


class _QuietHandler(SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: Any) -> None:
        pass


@contextmanager
def serve(root: Path) -> Iterator[str]:
    """Serve `root` on 127.0.0.1 (free port) from a thread; yields the base URL."""
    handler = functools.partial(_QuietHandler, directory=str(root))
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/"
    finally:
        server.shutdown()
        server.server_close()


def write_site(root: Path, data: dict[str, Any]) -> None:
    """index.html + data.json in `root`, with static/ linked to the repository's."""
    (root / "index.html").write_text(PAGE, encoding="utf-8")
    (root / "data.json").write_text(json.dumps(data, separators=(",", ":")), encoding="utf-8")
    (root / "static").symlink_to(STATIC, target_is_directory=True)


def chromium_path() -> str:
    return os.environ.get("CHROMIUM", "/usr/bin/chromium")


def _median(xs: list[float]) -> float:
    return statistics.median(xs) if xs else float("nan")


def run(args: argparse.Namespace) -> int:
    from playwright.sync_api import sync_playwright

    if not (STATIC / "vendor" / "echarts" / "echarts.min.js").exists():
        sys.stderr.write(
            "static/vendor/echarts/echarts.min.js missing: run `npm ci && npm run build`\n"
        )
        return 2
    data = generate(args.ops, args.machines, args.seed)
    out = sys.stdout
    out.write(
        f"Gantt bench: {len(data['ops'])} ops, {len(data['machines'])} machines, "
        f"{len(data['orders'])} orders, {len(data['off_shift'])} off-shift bands, "
        f"{(data['end_ms'] - data['origin_ms']) / 86_400_000:.0f} days, {os.cpu_count()} CPUs\n"
    )
    opts: dict[str, Any] = {}
    if args.no_progressive:
        opts["progressive"] = 0
    if args.shared_bands:
        opts["sharedBands"] = args.shared_bands
    results: dict[str, list[float]] = {}

    def note(key: str, value: float) -> None:
        results.setdefault(key, []).append(value)

    tmp = Path(tempfile.mkdtemp(prefix="takt-gantt-bench-"))
    errors: list[str] = []
    try:
        write_site(tmp, data)
        with serve(tmp) as base, sync_playwright() as pw:
            browser = pw.chromium.launch(executable_path=chromium_path(), args=CHROMIUM_ARGS)
            try:
                page = browser.new_page(viewport={"width": 1320, "height": 900})
                page.on("pageerror", lambda e: errors.append(str(e)))
                page.goto(base + "index.html")
                page.wait_for_function("window.TaktGantt && window.echarts")
                for r in range(1, args.runs + 1):
                    week = page.evaluate("o => benchMount(o)", {**opts, "initialDays": 7})
                    full = page.evaluate("o => benchMount(o)", {**opts, "initialDays": 0})
                    # Zoom interactions on the whole-horizon chart (window in shifted ms).
                    lo, hi = page.evaluate("benchWindow()")
                    span = hi - lo
                    z_in = page.evaluate(
                        f"benchZoom({lo + span * 0.4}, {lo + span * 0.4 + 2 * 86_400_000})"
                    )
                    z_pan = page.evaluate(
                        f"benchZoom({lo + span * 0.5}, {lo + span * 0.5 + 2 * 86_400_000})"
                    )
                    z_out = page.evaluate(f"benchZoom({lo}, {hi})")
                    note("parse", full["parse"])
                    note("first_week", week["render"])
                    note("first_full", full["render"])
                    note("zoom_in", z_in)
                    note("pan", z_pan)
                    note("zoom_out", z_out)
                    out.write(
                        f"run {r}: parse {full['parse']:.0f} ms | first render, 1-week window "
                        f"{week['render']:.0f} ms, whole horizon {full['render']:.0f} ms | "
                        f"zoom in {z_in:.0f} ms, pan {z_pan:.0f} ms, zoom out {z_out:.0f} ms\n"
                    )
                if args.screenshot:
                    page.evaluate("o => benchMount(o)", {**opts, "initialDays": 7})
                    page.locator("#gantt").screenshot(path=args.screenshot)
                    switch = page.evaluate(
                        """async () => { const t0 = performance.now();
                        const done = benchSettle(benchGantt.chart);
                        benchGantt.setView("order"); await done; return performance.now() - t0; }"""
                    )
                    by_order = str(Path(args.screenshot).with_suffix("")) + "-order.png"
                    page.locator("#gantt").screenshot(path=by_order)
                    out.write(
                        f"screenshots: {args.screenshot}, {by_order} "
                        f"(switch to order view {switch:.0f} ms)\n"
                    )
            finally:
                browser.close()
    finally:
        shutil.rmtree(tmp, ignore_errors=True)

    med = {k: _median(v) for k, v in results.items()}
    out.write(
        f"median: parse {med['parse']:.0f} ms | first render 1-week {med['first_week']:.0f} ms, "
        f"whole horizon {med['first_full']:.0f} ms | zoom in {med['zoom_in']:.0f} ms, "
        f"pan {med['pan']:.0f} ms, zoom out {med['zoom_out']:.0f} ms\n"
    )
    if errors:
        out.write("page errors:\n" + "\n".join(errors) + "\n")
        return 1
    budget = args.budget_ms
    if med["first_full"] > budget:
        out.write(f"FAIL: median first render {med['first_full']:.0f} ms > {budget:.0f} ms\n")
        return 1
    out.write(f"OK: median first render {med['first_full']:.0f} ms <= {budget:.0f} ms\n")
    return 0


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--ops", type=int, default=10_000)
    ap.add_argument("--machines", type=int, default=50)
    ap.add_argument("--runs", type=int, default=3)
    ap.add_argument("--seed", type=int, default=7)
    ap.add_argument("--budget-ms", type=float, default=2000.0)
    ap.add_argument("--screenshot", help="save a PNG of the one-week view here")
    ap.add_argument("--no-progressive", action="store_true", help="render in one pass")
    ap.add_argument(
        "--shared-bands",
        choices=["series", "markArea"],
        help="draw plant-wide off-shift bands as custom-series rects (default) or a markArea",
    )
    ap.add_argument("--dump", help="write the synthetic schedule JSON here and exit")
    args = ap.parse_args(argv)
    if args.dump:
        data = generate(args.ops, args.machines, args.seed)
        Path(args.dump).write_text(json.dumps(data), encoding="utf-8")
        return 0
    return run(args)


if __name__ == "__main__":
    sys.exit(main())
