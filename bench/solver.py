"""Benchmarks: `python -m bench.solver PATH... | --plant S|M|L | --random-jsp ...`.

JSP/FJSP files (or folders of them) are solved for makespan with `solve()` (or the textbook
CP-SAT model with `--baseline`); every schedule is checked by `verify()`. Plant presets report
the weighted tardiness of each dispatching rule and of the solver at several moments.
"""

from __future__ import annotations

import argparse
import csv
import json
import resource
import statistics
import sys
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass, fields
from pathlib import Path
from typing import Any

from ortools.sat.python import cp_model

from scheduling.solver.compiled import Compiled
from scheduling.solver.dispatch import OVERTIME, dispatch, variants
from scheduling.solver.engine import solve
from scheduling.solver.generate import (
    PRESETS,
    generate_fjsp,
    generate_jsp,
    generate_plant,
    generate_preset,
)
from scheduling.solver.instances import load
from scheduling.solver.model import Assignment, Problem, Solution
from scheduling.solver.verify import verify


@dataclass(slots=True)
class Run:
    instance: str
    seed: int
    makespan: int | None
    lower_bound: int | None
    verified: bool
    status: str
    time_to_first_s: float | None
    time_to_best_s: float | None
    elapsed_s: float


RUN_FIELDS = tuple(f.name for f in fields(Run))


def find_bounds(path: Path) -> dict[str, tuple[int, int]]:
    """`bounds.csv` beside the file or in a parent folder: instance -> (lower, upper)."""
    for folder in [path.parent, *path.parent.parents]:
        candidate = folder / "bounds.csv"
        if candidate.is_file():
            with candidate.open() as fh:
                return {
                    row["instance"]: (int(row["lower_bound"]), int(row["upper_bound"]))
                    for row in csv.DictReader(fh)
                }
    return {}


def instance_files(paths: list[str]) -> list[Path]:
    files: list[Path] = []
    for p in map(Path, paths):
        if p.is_dir():
            files.extend(
                f for f in sorted(p.rglob("*")) if f.is_file() and f.suffix in ("", ".txt", ".fjs")
            )
        else:
            files.append(p)
    return [f for f in files if f.name != "bounds.csv" and f.suffix != ".md"]


def baseline(problem: Problem, *, time_limit_s: float, workers: int, seed: int) -> Solution:
    """The textbook CP-SAT model: optional intervals, NoOverlap, makespan; no hint, no LNS."""
    started = time.monotonic()
    md = cp_model.CpModel()
    horizon = problem.horizon
    ends = []
    per_machine: dict[str, list[cp_model.IntervalVar]] = {}
    choice: list[
        tuple[str, str, cp_model.IntVar, cp_model.IntVar, list[tuple[cp_model.IntVar, str]]]
    ] = []
    for job in problem.jobs:
        prev_end = None
        for op in job.operations:
            start = md.new_int_var(0, horizon, "")
            end = md.new_int_var(0, horizon, "")
            lits = []
            for mode in op.modes:
                lit = md.new_bool_var("") if len(op.modes) > 1 else md.new_constant(1)
                iv = md.new_optional_interval_var(start, mode.duration, end, lit, "")
                per_machine.setdefault(mode.machine_id, []).append(iv)
                lits.append((lit, mode.machine_id))
            if len(op.modes) > 1:
                md.add_exactly_one([lit for lit, _ in lits])
            if prev_end is not None:
                md.add(start >= prev_end)
            prev_end = end
            choice.append((op.id, job.id, start, end, lits))
        if prev_end is not None:
            ends.append(prev_end)
    for ivs in per_machine.values():
        md.add_no_overlap(ivs)
    makespan = md.new_int_var(0, horizon, "makespan")
    md.add_max_equality(makespan, ends)
    md.minimize(makespan)
    solver = cp_model.CpSolver()
    solver.parameters.max_time_in_seconds = time_limit_s
    solver.parameters.num_workers = workers
    solver.parameters.random_seed = seed
    first: list[float] = []

    class _First(cp_model.CpSolverSolutionCallback):
        def on_solution_callback(self) -> None:
            first.append(time.monotonic() - started)

    code = solver.solve(md, _First())
    if code not in (cp_model.OPTIMAL, cp_model.FEASIBLE):
        return Solution("unknown", (), None, None, None, elapsed_s=time.monotonic() - started)
    assignments = []
    for oid, jid, start, end, lits in choice:
        mid = next(m for lit, m in lits if solver.value(lit))
        s = int(solver.value(start))
        assignments.append(Assignment(oid, jid, mid, s, int(solver.value(end)), s, 0))
    ms = int(solver.objective_value)
    return Solution(
        status="optimal" if code == cp_model.OPTIMAL else "feasible",
        assignments=tuple(assignments),
        objective=ms,
        bound=int(solver.best_objective_bound),
        gap=None,
        components={"makespan": ms},
        time_to_first_s=first[0] if first else None,
        time_to_best_s=first[-1] if first else None,
        elapsed_s=time.monotonic() - started,
    )


def run_one(
    name: str,
    problem: Problem,
    *,
    time_limit_s: float,
    workers: int,
    seed: int,
    use_baseline: bool,
) -> Run:
    if use_baseline:
        sol = baseline(problem, time_limit_s=time_limit_s, workers=workers, seed=seed)
    else:
        sol = solve(problem, time_limit_s=time_limit_s, workers=workers, seed=seed)
    ok = sol.objective is not None and not verify(problem, sol)
    return Run(
        instance=name,
        seed=seed,
        makespan=sol.components.get("makespan") if sol.objective is not None else None,
        lower_bound=sol.bound,
        verified=ok,
        status=sol.status,
        time_to_first_s=sol.time_to_first_s,
        time_to_best_s=sol.time_to_best_s,
        elapsed_s=sol.elapsed_s,
    )


def _fmt(v: float | None, digits: int = 1) -> str:
    return "-" if v is None else f"{v:.{digits}f}"


def bench_files(args: argparse.Namespace, out: Callable[[str], None]) -> list[Run]:
    files = instance_files(args.paths)
    runs: list[Run] = []
    out(
        f"{'instance':<10} {'best':>6} {'found':>6} {'gap%':>6} {'lb':>6} "
        f"{'first_s':>7} {'best_s':>7} {'optimal':>7} verified"
    )
    summary = []
    for f in files:
        problem = load(f)
        bounds = find_bounds(f).get(f.stem)
        mine = [
            run_one(
                f.name,
                problem,
                time_limit_s=args.time_limit,
                workers=args.workers,
                seed=seed,
                use_baseline=args.baseline,
            )
            for seed in range(args.seeds)
        ]
        runs.extend(mine)
        found = [r.makespan for r in mine if r.makespan is not None]
        med = int(statistics.median_low(found)) if found else None
        best = bounds[1] if bounds else None
        gap = None if med is None or best is None else 100.0 * (med - best) / best
        lb = max((r.lower_bound for r in mine if r.lower_bound is not None), default=None)
        proven = sum(r.status == "optimal" for r in mine)
        verified = all(r.verified for r in mine)
        first = statistics.median(r.time_to_first_s or 0.0 for r in mine)
        tbest = statistics.median(r.time_to_best_s or 0.0 for r in mine)
        summary.append((gap, med is not None and med == best, proven == len(mine)))
        out(
            f"{f.stem:<10} {best if best is not None else '-':>6} {med if med else '-':>6} "
            f"{_fmt(gap, 2):>6} {lb if lb is not None else '-':>6} {first:>7.2f} {tbest:>7.2f} "
            f"{proven}/{len(mine):>5} {'yes' if verified else 'NO'}"
        )
    gaps = [g for g, _, _ in summary if g is not None]
    out(
        f"instances: {len(summary)}  mean gap: {_fmt(statistics.mean(gaps) if gaps else None, 2)}%"
        f"  at best known: {sum(b for _, b, _ in summary)}"
        f"  proven optimal (all seeds): {sum(p for _, _, p in summary)}"
        f"  all verified: {'yes' if all(r.verified for r in runs) else 'NO'}"
    )
    return runs


def _at(history: list[tuple[float, Mapping[str, int]]], t: float, key: str) -> int | None:
    value = None
    for when, comps in history:
        if when <= t:
            value = comps[key]
    return value


Best = tuple[int, str] | None


def _rule_table(c: Compiled, out: Callable[[str], None]) -> tuple[Best, Best]:
    """Each construction variant's weighted tardiness; the best overall and without overtime."""
    best_rule: Best = None
    best_plain: Best = None
    for rule in variants(c, makespan_only=False):
        t0 = time.monotonic()
        slots = dispatch(c, rule)
        dt = time.monotonic() - t0
        if slots is None:
            out(f"  dispatch {rule:<18} no schedule within the horizon ({dt:.2f}s)")
            continue
        wt = c.components(slots)["weighted_tardiness"]
        out(f"  dispatch {rule:<18} weighted tardiness {wt:>10}  ({dt:.2f}s)")
        if best_rule is None or wt < best_rule[0]:
            best_rule = (wt, rule)
        if not rule.endswith(OVERTIME) and (best_plain is None or wt < best_plain[0]):
            best_plain = (wt, rule)
    if best_plain is not None and best_plain != best_rule:
        out(f"  best rule without overtime: {best_plain[1]} {best_plain[0]}")
    return best_rule, best_plain


def bench_plant(args: argparse.Namespace, out: Callable[[str], None]) -> list[dict[str, object]]:
    if args.plant in PRESETS:
        problem = generate_preset(args.plant, args.plant_seed)
    else:
        n_ops, n_machines = (int(x) for x in args.plant.split("x"))
        problem = generate_plant(n_ops, n_machines, args.plant_seed)
    c = Compiled(problem)
    n_ops = len(c.ops)
    n_m = len(c.machines)
    out(f"plant-{args.plant}: {n_ops} operations, {n_m} machines, seed {args.plant_seed}")
    best_rule, best_plain = _rule_table(c, out)
    records: list[dict[str, object]] = []
    for seed in range(args.seeds):
        history: list[tuple[float, Mapping[str, int]]] = []

        def record(t: float, comps: Mapping[str, int], h: list[Any] = history) -> None:
            h.append((t, dict(comps)))

        sol = solve(
            problem,
            time_limit_s=args.time_limit,
            workers=args.workers,
            seed=seed,
            on_improvement=record,
        )
        ok = not verify(problem, sol)
        points = [p for p in (10.0, 30.0, 60.0, 120.0, 300.0) if p <= args.time_limit]
        if args.time_limit not in points:
            points.append(args.time_limit)
        line = [f"seed {seed}: first schedule {_fmt(sol.time_to_first_s, 2)}s"]
        rec: dict[str, object] = {
            "instance": f"plant-{args.plant}",
            "seed": seed,
            "time_to_first_s": sol.time_to_first_s,
            "time_to_best_s": sol.time_to_best_s,
            "verified": ok,
            "best_rule": best_rule[1] if best_rule else None,
            "best_rule_weighted_tardiness": best_rule[0] if best_rule else None,
            "best_rule_without_overtime": best_plain[1] if best_plain else None,
            "best_rule_without_overtime_weighted_tardiness": best_plain[0] if best_plain else None,
            "components": dict(sol.components),
            "objective": sol.objective,
            "bound": sol.bound,
        }
        for p in points:
            at = _at(history, p, "weighted_tardiness")
            rec[f"weighted_tardiness_at_{int(p)}s"] = at
            rel = ""
            if at is not None and best_rule and best_rule[0] > 0:
                rel = f" ({100.0 * (at - best_rule[0]) / best_rule[0]:+.1f}%"
                if best_plain and best_plain != best_rule and best_plain[0] > 0:
                    rel += f", {100.0 * (at - best_plain[0]) / best_plain[0]:+.1f}% vs plain"
                rel += ")"
            line.append(f"wt@{int(p)}s {at}{rel}")
        gap = "-" if sol.gap is None else f"{100 * sol.gap:.1f}%"
        line.append(f"objective {sol.objective} bound {sol.bound} gap {gap}")
        line.append(f"verified {'yes' if ok else 'NO'}")
        out("  " + "; ".join(line))
        records.append(rec)
    maxrss_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    out(f"  peak memory (maxrss): {maxrss_mb:.0f} MiB")
    for rec in records:
        rec["peak_memory_mib"] = round(maxrss_mb)
    return records


def bench_random(args: argparse.Namespace, out: Callable[[str], None]) -> list[dict[str, object]]:
    """Side by side: solve() vs the textbook baseline on generated JSP and FJSP."""
    cases = [
        ("jsp-100x20", generate_jsp(100, 20, 1)),
        ("jsp-50x15", generate_jsp(50, 15, 2)),
        ("fjsp-60x10", generate_fjsp(60, 10, 3)),
        ("fjsp-200x20", generate_fjsp(200, 20, 2)),
    ]
    records: list[dict[str, object]] = []
    out(
        f"{'instance':<12} {'ops':>5} {'takt':>7} {'baseline':>8} {'lb':>6} "
        f"{'takt_first_s':>12} {'base_first_s':>12} verified"
    )
    for name, problem in cases:
        n_ops = sum(len(j.operations) for j in problem.jobs)
        mine = run_one(
            name,
            problem,
            time_limit_s=args.time_limit,
            workers=args.workers,
            seed=0,
            use_baseline=False,
        )
        base = run_one(
            name,
            problem,
            time_limit_s=args.time_limit,
            workers=args.workers,
            seed=0,
            use_baseline=True,
        )
        lb = max((r.lower_bound or 0) for r in (mine, base))
        out(
            f"{name:<12} {n_ops:>5} {mine.makespan or '-':>7} {base.makespan or '-':>8} "
            f"{lb:>6} {_fmt(mine.time_to_first_s, 2):>12} {_fmt(base.time_to_first_s, 2):>12} "
            f"{'yes' if mine.verified and base.verified else 'NO'}"
        )
        records.append(
            {
                "instance": name,
                "takt": _run_dict(mine),
                "baseline": _run_dict(base),
            }
        )
    return records


def _run_dict(r: Run) -> dict[str, object]:
    return {k: getattr(r, k) for k in RUN_FIELDS}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.solver")
    parser.add_argument("paths", nargs="*", help="instance files or folders")
    parser.add_argument("--time-limit", type=float, default=30.0)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--seeds", type=int, default=1)
    parser.add_argument("--json", type=Path, default=None)
    parser.add_argument("--baseline", action="store_true", help="textbook CP-SAT model instead")
    parser.add_argument(
        "--plant",
        default=None,
        help="S, M or L, or OPSxMACHINES for any generated plant (e.g. 771x29)",
    )
    parser.add_argument("--plant-seed", type=int, default=0)
    parser.add_argument("--random", action="store_true", help="generated JSP/FJSP vs baseline")
    args = parser.parse_args(argv)

    def out(line: str) -> None:
        print(line, flush=True)

    records: list[dict[str, object]]
    if args.plant and args.plant not in PRESETS and "x" not in args.plant:
        parser.error("--plant is S, M, L or OPSxMACHINES")
    if args.plant:
        records = bench_plant(args, out)
    elif args.random:
        records = bench_random(args, out)
    elif args.paths:
        records = [_run_dict(r) for r in bench_files(args, out)]
    else:
        parser.print_usage()
        return 2
    if args.json is not None:
        args.json.write_text(json.dumps(records, indent=1))
    return 0


if __name__ == "__main__":
    sys.exit(main())
