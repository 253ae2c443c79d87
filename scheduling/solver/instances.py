"""Readers for job-shop (OR-Library) and flexible job-shop (Brandimarte) instance files."""

from __future__ import annotations

from pathlib import Path

from .model import Job, Machine, Mode, Objective, Operation, Problem

MAKESPAN = Objective(weighted_tardiness=0, makespan=1, setup_time=0, overtime_cost=0, deviation=0)


def _tokens(text: str) -> list[str]:
    out: list[str] = []
    for line in text.splitlines():
        if line.lstrip().startswith("#"):
            continue
        out.extend(line.split())
    return out


def detect(tokens: list[str]) -> str:
    """ "jsp" or "fjsp", from the header and the per-operation machine-count structure."""
    if len(tokens) < 3:
        raise ValueError("not an instance: fewer than three numbers")
    n, m = int(tokens[0]), int(tokens[1])
    if "." in tokens[2] or len(tokens) != 2 + 2 * n * m:
        return "fjsp"
    # A JSP file has exactly 2 + 2nm numbers and every job visits machines 0..m-1 once.
    try:
        _parse_jsp(tokens)
    except ValueError:
        return "fjsp"
    return "jsp"


def _parse_jsp(tokens: list[str]) -> list[list[tuple[int, int]]]:
    n, m = int(tokens[0]), int(tokens[1])
    vals = [int(t) for t in tokens[2:]]
    if len(vals) != 2 * n * m:
        raise ValueError("job-shop file must hold 2 + 2*n*m numbers")
    jobs = []
    for j in range(n):
        row = vals[2 * m * j : 2 * m * (j + 1)]
        ops = [(row[2 * k], row[2 * k + 1]) for k in range(m)]
        if sorted(mm for mm, _ in ops) != list(range(m)):
            raise ValueError(f"job {j} does not visit every machine 0..{m - 1} once")
        jobs.append(ops)
    return jobs


def _parse_fjsp(tokens: list[str]) -> tuple[int, list[list[list[tuple[int, int]]]]]:
    try:
        return _read_fjsp(tokens)
    except IndexError as exc:
        raise ValueError("flexible job-shop file ends in the middle of a job") from exc


def _read_fjsp(tokens: list[str]) -> tuple[int, list[list[list[tuple[int, int]]]]]:
    n, m = int(tokens[0]), int(tokens[1])
    float(tokens[2])  # average flexibility: informative only
    vals = [int(t) for t in tokens[3:]]
    pos = 0
    jobs = []
    for j in range(n):
        k = vals[pos]
        pos += 1
        ops = []
        for _ in range(k):
            c = vals[pos]
            pos += 1
            alts = []
            for _ in range(c):
                mm, d = vals[pos], vals[pos + 1]
                pos += 2
                if not 1 <= mm <= m:
                    raise ValueError(f"job {j}: machine {mm} outside 1..{m}")
                alts.append((mm - 1, d))
            ops.append(alts)
        jobs.append(ops)
    if pos != len(vals):
        raise ValueError("trailing numbers after the last job")
    return m, jobs


def parse(text: str, name: str = "instance") -> Problem:
    """A makespan `Problem` from the text of a JSP or FJSP file."""
    tokens = _tokens(text)
    kind = detect(tokens)
    if kind == "jsp":
        m = int(tokens[1])
        routing = [[[(mm, d)] for mm, d in ops] for ops in _parse_jsp(tokens)]
    else:
        m, routing = _parse_fjsp(tokens)
    machines = tuple(Machine(id=f"M{i}", name=f"M{i}") for i in range(m))
    jobs = []
    horizon = 0
    for j, ops in enumerate(routing):
        operations = []
        for k, alts in enumerate(ops):
            operations.append(
                Operation(
                    id=f"J{j}-{k}",
                    name=f"op {k}",
                    modes=tuple(Mode(machine_id=f"M{mm}", duration=d) for mm, d in alts),
                )
            )
            horizon += max(d for _, d in alts)
        jobs.append(Job(id=f"J{j}", name=f"J{j}", operations=tuple(operations)))
    return Problem(horizon=max(1, horizon), machines=machines, jobs=tuple(jobs), objective=MAKESPAN)


def load(path: Path) -> Problem:
    return parse(path.read_text(), path.stem)
