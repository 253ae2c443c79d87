"""Key figures of a schedule, computed from the solver's problem and solution."""

from __future__ import annotations

from collections import defaultdict
from typing import Any

from scheduling.planning.adapters import ProblemIndex
from scheduling.solver import Problem, Solution
from scheduling.solver.calendars import Calendar


def _overlap(a: int, b: int, c: int, d: int) -> int:
    return max(0, min(b, d) - max(a, c))


def schedule_kpis(problem: Problem, solution: Solution, index: ProblemIndex) -> dict[str, Any]:
    """On-time share, tardiness, makespan, utilisation, changeover and overtime, gap.

    Utilisation is busy minutes (setup + processing, in working or overtime time; a paused
    operation is not busy over the night) over the machine's capacity between the horizon
    start and the schedule's last end: working minutes plus the overtime minutes used.
    """
    if not solution.assignments:
        return {}
    calendars = {
        code: Calendar([*windows, *[(s, e) for s, e, _ in index.overtime.get(code, [])]])
        for code, windows in index.windows.items()
    }
    end_of_job: dict[str, int] = defaultdict(int)
    busy: dict[str, int] = defaultdict(int)
    setup_minutes = 0
    overtime_minutes = 0
    overtime_cost = 0.0
    overtime_used: dict[str, int] = defaultdict(int)
    for a in solution.assignments:
        end_of_job[a.job_id] = max(end_of_job[a.job_id], a.end)
        busy[a.machine_id] += calendars[a.machine_id].working_minutes(a.setup_start, a.end)
        setup_minutes += a.start - a.setup_start
        for s, e, cost in index.overtime.get(a.machine_id, []):
            minutes = _overlap(a.setup_start, a.end, s, e)
            overtime_minutes += minutes
            overtime_used[a.machine_id] += minutes
            overtime_cost += minutes / 60 * cost
    makespan = max(end_of_job.values())
    late: list[dict[str, Any]] = []
    weighted_tardiness = 0
    for job in problem.jobs:
        tardiness = max(0, end_of_job[job.id] - job.due) if job.due is not None else 0
        weighted_tardiness += job.weight * tardiness
        if tardiness > 0:
            late.append(
                {
                    "job": job.id,
                    "order": index.orders[job.id].external_ref,
                    "tardiness_min": tardiness,
                }
            )
    machine_util: dict[str, float] = {}
    work_centre_busy: dict[str, list[int]] = defaultdict(lambda: [0, 0])
    for code, windows in index.windows.items():
        # Capacity: regular working time, plus the overtime the schedule actually uses.
        available = sum(_overlap(s, e, 0, makespan) for s, e in windows) + overtime_used[code]
        machine_util[code] = round(busy[code] / available, 4) if available else 0.0
        machine = index.machines.get(code)
        wc = machine.work_centre.code if machine is not None else "what-if"
        work_centre_busy[wc][0] += busy[code]
        work_centre_busy[wc][1] += available
    jobs = len(problem.jobs)
    return {
        "orders": jobs,
        "operations": len(solution.assignments),
        "on_time_orders": jobs - len(late),
        "on_time_pct": round(100 * (jobs - len(late)) / jobs, 1) if jobs else 100.0,
        "late_orders": sorted(late, key=lambda x: -x["tardiness_min"]),
        "total_tardiness_h": round(sum(x["tardiness_min"] for x in late) / 60, 1),
        "weighted_tardiness_h": round(weighted_tardiness / 60, 1),
        "makespan_at": index.moment(makespan).isoformat(),
        "makespan_h": round(makespan / 60, 1),
        "changeover_h": round(setup_minutes / 60, 1),
        "overtime_h": round(overtime_minutes / 60, 1),
        "overtime_cost": round(overtime_cost, 2),
        "utilisation": machine_util,
        "utilisation_by_work_centre": {
            wc: round(b / a, 4) if a else 0.0 for wc, (b, a) in sorted(work_centre_busy.items())
        },
        "gap": solution.gap,
    }
