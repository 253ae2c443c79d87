"""Instance readers, format detection, bounds lookup and the bench CLI on tiny files."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from bench.solver import find_bounds, main
from scheduling.solver import solve, verify
from scheduling.solver.calendars import Calendar
from scheduling.solver.compiled import Compiled
from scheduling.solver.dispatch import dispatch
from scheduling.solver.generate import generate_fjsp, generate_jsp, generate_plant
from scheduling.solver.instances import detect, parse
from scheduling.solver.state import ScheduleState

from .builders import solved

# 2 jobs x 2 machines: J0 = M0 3, M1 2; J1 = M1 2, M0 4. Optimum 7 (M0 carries 7).
JSP = "2 2\n0 3 1 2\n1 2 0 4\n"
# FJSP with a comment, a fractional third field and machines counted from 1.
FJSP = "# tiny\n2 2 1.5\n2  2 1 3 2 5  1 2 2\n1  1 1 4\n"


def test_a_job_shop_file_is_read_and_solved_to_its_optimum() -> None:
    problem = parse(JSP)
    assert detect(JSP.split()) == "jsp"
    assert [len(j.operations) for j in problem.jobs] == [2, 2]
    solution = solved(problem)
    assert solution.components["makespan"] == 7


def test_a_flexible_file_is_recognised_by_its_header_and_structure() -> None:
    tokens = [t for line in FJSP.splitlines() if not line.startswith("#") for t in line.split()]
    assert detect(tokens) == "fjsp"
    problem = parse(FJSP)
    first = problem.jobs[0].operations[0]
    assert [(m.machine_id, m.duration) for m in first.modes] == [("M0", 3), ("M1", 5)]
    # J0: op1 on M0 (3) then op2 on M1 (2); J1: M0 (4). Best: J1 first or J0 first on M0 -> 7
    assert solved(problem).components["makespan"] == 7


def test_an_integer_header_with_flexible_structure_is_still_flexible() -> None:
    text = "1 2 1\n2  1 1 3  1 2 4\n"
    assert detect(text.split()) == "fjsp"
    assert solved(parse(text)).components["makespan"] == 7


def test_a_malformed_file_is_rejected() -> None:
    with pytest.raises(ValueError):
        parse("2 2 1\n5")


def test_bounds_are_found_in_a_parent_folder(tmp_path: Path) -> None:
    (tmp_path / "jsp").mkdir()
    (tmp_path / "jsp" / "tiny.txt").write_text(JSP)
    (tmp_path / "bounds.csv").write_text(
        "instance,kind,file,jobs,machines,operations,lower_bound,upper_bound,optimal,bks_status\n"
        "tiny,jsp,jsp/tiny.txt,2,2,4,6,6,yes,closed\n"
    )
    assert find_bounds(tmp_path / "jsp" / "tiny.txt") == {"tiny": (6, 6)}


def test_the_bench_cli_writes_one_verified_record_per_seed(tmp_path: Path) -> None:
    (tmp_path / "tiny.txt").write_text(JSP)
    (tmp_path / "flex.txt").write_text(FJSP)
    out = tmp_path / "out.json"
    args = [str(tmp_path), "--time-limit", "2", "--seeds", "2", "--json", str(out)]
    assert main(args) == 0
    records = json.loads(out.read_text())
    assert len(records) == 4
    assert all(r["verified"] for r in records)
    assert {r["instance"] for r in records} == {"tiny.txt", "flex.txt"}
    assert {"seed", "makespan", "lower_bound", "time_to_first_s", "time_to_best_s"} <= set(
        records[0]
    )


def test_generated_instances_are_solvable_and_verified() -> None:
    for problem in (generate_jsp(4, 3, 1), generate_fjsp(4, 3, 2, ops_per_job=3)):
        solved(problem, time_limit_s=2)
    plant = generate_plant(40, 4, seed=3)
    solution = solved(plant, time_limit_s=1.5)
    assert solution.first_source.startswith("dispatch:")
    assert verify(plant, solution) == []


def test_calendar_arithmetic() -> None:
    cal = Calendar([(0, 100), (200, 300)])
    assert cal.fit(50, 60) == 200
    assert cal.fit(50, 50) == 50
    assert cal.work_end(60, 80) == 240
    assert cal.working_minutes(50, 250) == 100
    # processing started at t ends at t + offset on each piece
    for t_lo, t_hi, offset in cal.pieces(0, 300, 80):
        for t in (t_lo, t_hi):
            assert cal.work_end(t, 80) == t + offset


def test_large_neighbourhood_search_keeps_plant_schedules_valid() -> None:
    plant = generate_plant(120, 6, seed=5)
    seen: list[int] = []
    solution = solve(
        plant,
        time_limit_s=2.5,
        strategy="lns",
        on_progress=lambda p: seen.append(p.objective),
    )
    assert verify(plant, solution) == []
    assert solution.objective is not None and solution.objective <= seen[0]


def test_incremental_schedule_state_matches_a_full_recount() -> None:
    plant = generate_plant(60, 4, seed=7)
    c = Compiled(plant)
    slots = dispatch(c, "edd")
    assert slots is not None
    state = ScheduleState(c, slots)
    assert state.components() == c.components(slots)
    other = dispatch(c, "spt")
    assert other is not None
    # move a third of the operations to where another rule put them, then undo
    changes = {o: other[o] for o in range(0, len(slots), 3)}
    undo = state.update(changes)
    mixed = [changes.get(o, s) for o, s in enumerate(slots)]
    assert state.components() == c.components(mixed)
    state.update(undo)
    assert state.components() == c.components(slots)
