"""Load benchmark for the shop floor: N simulated tablets posting WIP events to gunicorn on
PostgreSQL over loopback, then an audit that every quantity in the database equals the sum of
the events acknowledged: nothing lost, nothing doubled (deliberate retries included).

    DATABASE_URL=postgres://… python -m bench.floor [--tablets 50] [--seconds 60]

Each tablet logs in (its own session), owns one machine and a queue of one-step orders, and
loops: start the next order (If-Match "0"), complete it with random good and scrap (If-Match
"1"), think a moment. A share of requests is sent again with the same event id, as a tablet
on flaky Wi-Fi would; a connection error resends too. The tablets come on over a ramp-up
and the first seconds (the warm-up) are reported apart from the steady state, whose p95 is
checked against the target. Not a test: `make bench-floor`; docs/performance.md.
"""

from __future__ import annotations

import argparse
import http.client
import json
import multiprocessing
import os
import random
import resource
import secrets
import statistics
import subprocess
import sys
import threading
import time
import uuid
from dataclasses import dataclass, field
from decimal import Decimal
from http.cookies import SimpleCookie
from pathlib import Path
from typing import Any

PORT = 8765


def configure() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "plant.settings.production")
    os.environ.setdefault("DJANGO_SECRET_KEY", secrets.token_hex(32))
    os.environ.setdefault("DJANGO_ALLOWED_HOSTS", "127.0.0.1,localhost")
    os.environ.setdefault("DJANGO_SECURE_SSL_REDIRECT", "false")
    os.environ.setdefault("DJANGO_LOG_LEVEL", "WARNING")
    # Production settings serve hashed static files: the login page needs their manifest.
    os.environ.setdefault("DJANGO_STATIC_ROOT", str(Path("var") / "bench-static"))
    if not os.environ.get("DATABASE_URL", "").startswith("postgres"):
        sys.exit("bench.floor needs DATABASE_URL pointing at PostgreSQL.")
    import django

    django.setup()


@dataclass
class Seeded:
    plant_code: str
    machines: list[str]
    orders: dict[str, list[str]]  # machine code → order refs
    username: str
    sessions: list[str]


def seed(tablets: int, orders_per_tablet: int) -> Seeded:
    """A fresh plant per run: one work centre, a machine per tablet, a one-step item, orders."""
    import datetime as dt

    from django.contrib.auth.models import Group, User
    from django.core.management import call_command
    from django.utils import timezone

    from plant.models import Item, Machine, Plant, PlantMembership, Role, WorkCentre
    from plant.services.routings import EligibleMachineSpec, OperationSpec, save_routing
    from scheduling.floor.downtime import ensure_downtime_reasons
    from scheduling.models import ProductionOrder

    call_command("migrate", verbosity=0)
    call_command("collectstatic", interactive=False, verbosity=0)
    ensure_downtime_reasons()
    code = f"BENCH{int(time.time())}"
    plant = Plant.objects.create(code=code, name="Load benchmark", time_zone="UTC")
    centre = WorkCentre.objects.create(plant=plant, code="WC", name="Bench")
    machines = [
        Machine.objects.create(plant=plant, work_centre=centre, code=f"M{n:03d}", name=f"M{n}")
        for n in range(tablets)
    ]
    item = Item.objects.create(plant=plant, code="PART", name="Part")
    spec = [EligibleMachineSpec(machine=m, run_minutes_per_unit=Decimal("0.5")) for m in machines]
    save_routing(
        item=item,
        operations=[OperationSpec(sequence=10, name="Make", work_centre=centre, machines=spec)],
    )
    now = timezone.now()
    refs: dict[str, list[str]] = {}
    rows = []
    for m in machines:
        refs[m.code] = [f"{m.code}-{k:05d}" for k in range(orders_per_tablet)]
        rows += [
            ProductionOrder(
                plant=plant,
                external_ref=ref,
                item=item,
                quantity=Decimal(20),
                release_at=now,
                due_at=now + dt.timedelta(days=7),
            )
            for ref in refs[m.code]
        ]
    ProductionOrder.objects.bulk_create(rows, batch_size=5000)
    user = User.objects.create_user(username=f"terminal-{code.lower()}")
    user.groups.add(Group.objects.get_or_create(name=Role.SUPERVISOR)[0])
    PlantMembership.objects.create(user=user, plant=plant)
    sessions = [make_session(user.username) for _ in machines]
    return Seeded(code, [m.code for m in machines], refs, user.username, sessions)


class Tablet:
    """One simulated tablet: a keep-alive HTTP connection, its own session and CSRF token."""

    def __init__(self, port: int) -> None:
        self.port = port
        self.cookies: dict[str, str] = {}
        self.conn = http.client.HTTPConnection("127.0.0.1", port, timeout=15)

    def request(
        self, method: str, path: str, body: str = "", headers: dict[str, str] | None = None
    ) -> tuple[int, str]:
        headers = dict(headers or {})
        if self.cookies:
            headers["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        self.conn.request(method, path, body=body.encode(), headers=headers)
        response = self.conn.getresponse()
        text = response.read().decode()
        for header in response.headers.get_all("Set-Cookie") or []:
            cookie = SimpleCookie(header)
            self.cookies.update({k: v.value for k, v in cookie.items()})
        return response.status, text

    def reconnect(self) -> None:
        self.conn.close()
        self.conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=15)

    def use_session(self, session_key: str) -> None:
        """A logged-in session made up front: the benchmark measures events, not the password
        hasher (50 PBKDF2 logins at once would take the two cores for half a minute)."""
        token = secrets.token_hex(16)  # 32 characters: a valid unmasked CSRF secret
        self.cookies.update(sessionid=session_key, csrftoken=token)


def make_session(username: str) -> str:
    from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
    from django.contrib.auth.models import User
    from django.contrib.sessions.backends.db import SessionStore

    user = User.objects.get(username=username)
    session = SessionStore()
    session[SESSION_KEY] = str(user.pk)
    session[BACKEND_SESSION_KEY] = "django.contrib.auth.backends.ModelBackend"
    session[HASH_SESSION_KEY] = user.get_session_auth_hash()
    session.create()
    assert session.session_key is not None
    return session.session_key


Parts = tuple[list[tuple[float, float]], dict[str, tuple[str, str, int, int]], int, int, list[str]]


@dataclass
class Tally:
    latencies: list[tuple[float, float]] = field(default_factory=list)  # (sent at, ms)
    sent: dict[str, tuple[str, str, int, int]] = field(
        default_factory=dict
    )  # id → kind, ref, good, scrap
    retries: int = 0
    replays_ok: int = 0
    errors: list[str] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock, repr=False, compare=False)

    def parts(self) -> Parts:
        """What a client process sends back (a lock does not cross processes)."""
        return self.latencies, self.sent, self.retries, self.replays_ok, self.errors

    def add(self, parts: Parts) -> None:
        latencies, sent, retries, replays_ok, errors = parts
        self.latencies += latencies
        self.sent.update(sent)
        self.retries += retries
        self.replays_ok += replays_ok
        self.errors += errors


def post_event(tablet: Tablet, tally: Tally, body: dict[str, Any], version: int) -> dict[str, Any]:
    """POST until answered (a lost connection resends the same id); returns the JSON body."""
    headers = {
        "Content-Type": "application/json",
        "If-Match": f'"{version}"',
        "X-CSRFToken": tablet.cookies.get("csrftoken", ""),
    }
    payload = json.dumps(body)
    for _attempt in range(6):
        sent_at, began = time.monotonic(), time.perf_counter()
        try:
            status, text = tablet.request(
                "POST", "/api/v1/floor/operation-events/", payload, headers
            )
        except (OSError, http.client.HTTPException):
            tablet.reconnect()
            with tally.lock:
                tally.retries += 1
            continue
        with tally.lock:
            tally.latencies.append((sent_at, (time.perf_counter() - began) * 1000))
        if status not in (200, 201):
            raise RuntimeError(f"{body['action']} {body['order']}: HTTP {status} {text[:200]}")
        return dict(json.loads(text))
    raise RuntimeError(f"{body['action']} {body['order']}: no answer after 6 attempts")


def run_tablet(
    n: int, seeded: Seeded, args: argparse.Namespace, began: float, tally: Tally
) -> None:
    rng = random.Random(n)
    tablet = Tablet(args.port)
    deadline = began + args.seconds
    # Tablets come on one after another over the ramp-up, as a shift's do, not all in one
    # millisecond (50 cold connections at once measure the server's start, not its load).
    time.sleep(max(0.0, began + args.ramp_up * n / args.tablets - time.monotonic()))
    try:
        tablet.use_session(seeded.sessions[n])
        machine = seeded.machines[n]
        for ref in seeded.orders[machine]:
            if time.monotonic() > deadline:
                return
            good, scrap = rng.randint(1, 20), rng.randint(0, 2)
            for action, version, extra in (
                ("start", 0, {"machine": machine}),
                ("complete", 1, {"good": str(good), "scrap": str(scrap)}),
            ):
                body = {
                    "id": str(uuid.uuid4()),
                    "plant": seeded.plant_code,
                    "order": ref,
                    "operation": 10,
                    "action": action,
                    **extra,
                }
                first = post_event(tablet, tally, body, version)
                with tally.lock:
                    tally.sent[str(body["id"])] = (action, ref, good, scrap)
                if rng.random() < args.retry_rate:  # the tablet did not see the answer
                    again = post_event(tablet, tally, body, version)
                    if not again["replayed"] or again["operation"] != first["operation"]:
                        raise RuntimeError(f"retry of {body['id']} was not a replay: {again}")
                    with tally.lock:
                        tally.replays_ok += 1
                time.sleep(rng.uniform(0, 2 * args.think))
    except Exception as error:
        with tally.lock:
            tally.errors.append(f"tablet {n}: {error}")


def run_clients(seeded: Seeded, args: argparse.Namespace, began: float) -> Tally:
    """The tablets in `--client-processes` processes of threads: in one process, 50 client
    threads share one GIL and a response can wait for it, which the latency would count."""
    from django.db import connections

    connections.close_all()  # a forked child must not share the parent's connection
    context = multiprocessing.get_context("fork")
    queue = context.Queue()
    groups = [
        list(range(args.tablets))[k :: args.client_processes] for k in range(args.client_processes)
    ]
    processes = [
        context.Process(target=client_process, args=(group, seeded, args, began, queue))
        for group in groups
        if group
    ]
    for process in processes:
        process.start()
    tally = Tally()
    for _ in processes:
        tally.add(queue.get())
    for process in processes:
        process.join()
    return tally


def client_process(
    group: list[int], seeded: Seeded, args: argparse.Namespace, began: float, queue: Any
) -> None:
    tally = Tally()
    threads = [
        threading.Thread(target=run_tablet, args=(n, seeded, args, began, tally)) for n in group
    ]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    queue.put(tally.parts())


def start_server(args: argparse.Namespace) -> subprocess.Popen[bytes]:
    """gunicorn as in production (gunicorn.conf.py), on loopback, without the access log."""
    command = [
        sys.executable, "-m", "gunicorn", "plant.wsgi:application", "-c", "gunicorn.conf.py",
        "-b", f"127.0.0.1:{args.port}", "--log-level", "warning",
    ]  # fmt: skip
    if args.workers:
        command += ["-w", str(args.workers)]
    if args.threads:
        command += ["--threads", str(args.threads)]
    server = subprocess.Popen(command, env={**os.environ, "GUNICORN_ACCESS_LOG": ""})
    for _ in range(100):
        try:
            conn = http.client.HTTPConnection("127.0.0.1", args.port, timeout=2)
            conn.request("GET", "/accounts/login/")
            if conn.getresponse().status == 200:
                return server
        except OSError:
            time.sleep(0.2)
    server.terminate()
    sys.exit("gunicorn did not start")


def audit(seeded: Seeded, tally: Tally) -> list[str]:
    """Every acknowledged event once in the database; quantities equal to what was sent."""
    from django.db.models import Sum

    from scheduling.models import OperationExecution, ProductionOrder, WipEvent

    problems = []
    ids = list(tally.sent)
    stored = set(WipEvent.objects.filter(pk__in=ids).values_list("pk", flat=True))
    if len(stored) != len(ids):
        problems.append(f"{len(ids) - len(stored)} acknowledged events are missing")
    total = WipEvent.objects.filter(plant__code=seeded.plant_code).count()
    if total != len(ids):
        problems.append(f"{total} events stored for {len(ids)} sent")
    sent_good = sum(g for kind, _, g, _ in tally.sent.values() if kind == "complete")
    sent_scrap = sum(s for kind, _, _, s in tally.sent.values() if kind == "complete")
    db = OperationExecution.objects.filter(plant__code=seeded.plant_code).aggregate(
        good=Sum("good_quantity"), scrap=Sum("scrap_quantity")
    )
    if (db["good"] or 0) != sent_good or (db["scrap"] or 0) != sent_scrap:
        problems.append(f"quantities differ: sent {sent_good}/{sent_scrap}, stored {db}")
    done = ProductionOrder.objects.filter(plant__code=seeded.plant_code, status="done")
    completed = sum(1 for kind, *_ in tally.sent.values() if kind == "complete")
    if done.count() != completed:
        problems.append(f"{done.count()} orders done, {completed} completions sent")
    per_order = done.aggregate(q=Sum("completed_quantity"))["q"] or 0
    if per_order != sent_good:
        problems.append(f"orders' completed quantity {per_order} != good sent {sent_good}")
    return problems


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--tablets", type=int, default=50)
    parser.add_argument("--seconds", type=float, default=60)
    parser.add_argument(
        "--think", type=float, default=1.0, help="mean pause between a tablet's taps (s)"
    )
    parser.add_argument("--retry-rate", type=float, default=0.2)
    parser.add_argument("--orders-per-tablet", type=int, default=400)
    parser.add_argument(
        "--workers", type=int, default=0, help="gunicorn processes (default: gunicorn.conf.py)"
    )
    parser.add_argument(
        "--threads", type=int, default=0, help="threads per process (default: gunicorn.conf.py)"
    )
    parser.add_argument("--port", type=int, default=PORT)
    parser.add_argument(
        "--ramp-up", type=float, default=5, help="seconds over which the tablets come on"
    )
    parser.add_argument(
        "--warm-up", type=float, default=10, help="seconds left out of the latency figures"
    )
    parser.add_argument(
        "--client-processes", type=int, default=5, help="processes the tablets' threads share"
    )
    parser.add_argument("--target-p95-ms", type=float, default=100)
    parser.add_argument("--json", type=Path, default=None)
    args = parser.parse_args()
    configure()
    seeded = seed(args.tablets, args.orders_per_tablet)
    server = start_server(args)
    try:
        began = time.monotonic()
        tally = run_clients(seeded, args, began=began)
        elapsed = time.monotonic() - began
    finally:
        clients_cpu = children_cpu_s()
        server.terminate()
        server.wait(timeout=30)
    report(args, seeded, tally, elapsed, server_cpu_s=children_cpu_s() - clients_cpu)


def children_cpu_s() -> float:
    """CPU seconds of the children waited for so far (gunicorn's workers count in its own)."""
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def percentiles(latencies: list[float]) -> dict[str, float]:
    ordered = sorted(latencies)
    q = statistics.quantiles(ordered, n=100) if len(ordered) > 1 else [0.0] * 99
    return {
        "p50_ms": round(q[49], 1),
        "p95_ms": round(q[94], 1),
        "p99_ms": round(q[98], 1),
        "max_ms": round(ordered[-1], 1) if ordered else 0,
    }


def report(
    args: argparse.Namespace, seeded: Seeded, tally: Tally, elapsed: float, server_cpu_s: float
) -> None:
    """Latency over the steady state: requests sent after the warm-up (the ramp-up, the
    server's first connections and caches); the warm-up's own figures are shown apart."""
    steady_from = min(tally.latencies)[0] + args.warm_up if tally.latencies else 0
    steady = [ms for at, ms in tally.latencies if at >= steady_from]
    warm_up = [ms for at, ms in tally.latencies if at < steady_from]
    problems = tally.errors + audit(seeded, tally)
    measured_s = max(elapsed - args.warm_up, 1e-9)
    result = {
        "tablets": args.tablets,
        "think_s": args.think,
        "client_processes": args.client_processes,
        "load_average": [round(x, 2) for x in os.getloadavg()],
        "seconds": round(elapsed, 1),
        "warm_up_s": args.warm_up,
        "requests": len(tally.latencies),
        "requests_per_s": round(len(steady) / measured_s, 1),
        "web_cpu_ms_per_request": round(1000 * server_cpu_s / max(len(tally.latencies), 1), 1),
        "events_acknowledged": len(tally.sent),
        "deliberate_retries_replayed": tally.replays_ok,
        "connection_retries": tally.retries,
        **percentiles(steady),
        "warm_up": {"requests": len(warm_up), **percentiles(warm_up)},
        "audit": problems if problems else "ok",
    }
    print(json.dumps(result, indent=2))
    if args.json:
        args.json.parent.mkdir(parents=True, exist_ok=True)
        args.json.write_text(json.dumps(result, indent=2))
    verdict = "met" if result["p95_ms"] <= args.target_p95_ms else "MISSED"
    print(f"p95 {result['p95_ms']} ms (steady state): target {args.target_p95_ms} ms {verdict}")
    if problems:
        sys.exit("AUDIT FAILED: " + "; ".join(map(str, problems)))


if __name__ == "__main__":
    main()
