"""Benchmark (not a test): the full status computation for one month at city scale.

    .venv/bin/python benchmarks/status_bench.py [--projects N] [--month 6] [--db PATH] [--runs 5]
    .venv/bin/python benchmarks/status_bench.py --both        # 2,000 then 20,000 projects

Builds the city-scale dataset for N projects (benchmarks/city_scale.py) once and keeps it in the
temporary folder (``perfboard_city_N.duckdb``; rebuilt when the generator or the schema changed),
or uses PATH as it is. Then, on one read-only connection with the configuration loaded once
outside the timing, best of ``--runs`` after a warm-up:

- status: ``compute_status(con, config, 2020, month)``;
- status + JSON: the same call and ``report.to_dict()`` (explanations are rendered lazily);
- month switch: ``status_basis`` once (the year's targets and the measures' month-independent rows, which
  the dashboard keeps per data version), then ``compute_status(..., basis=...)`` for the nearest other
  months, best of them (wall and CPU seconds);
- bare DuckDB: one query aggregating every row status reads (each stream summed per project or
  indicator, the indicator list joined to its bindings), no rules, no explanations;

and prints both times and the ratio. Peak memory: a fresh subprocess computes the status once
and reports its peak RSS, against a baseline subprocess that only imports the modules, opens the
database and loads the configuration; both the absolute peak and the increment are printed.
A status run longer than ``--max-seconds`` is timed once and the JSON and memory runs are skipped;
a JSON run that long is timed once.
"""

from __future__ import annotations

import argparse
import json
import resource
import subprocess
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from city_scale import PROJECTS, city_path, is_current, make_city, row_counts  # noqa: E402

from core import db  # noqa: E402
from core.config import load_config  # noqa: E402

YEAR = 2020

# Every stream status reads, for the year's months 1..$1 (visitors also the year before).
BARE = """
SELECT 'budget' AS s, project_id AS k, sum(spent)::DOUBLE AS v, count(*) AS n FROM budget_month
 WHERE replaced_by IS NULL AND month BETWEEN DATE '2020-01-01' AND $1 GROUP BY project_id
UNION ALL SELECT 'tickets', project_id, count(closed_at), count(*) FROM hotline_ticket
 WHERE replaced_by IS NULL AND month BETWEEN DATE '2020-01-01' AND $1 GROUP BY project_id
UNION ALL SELECT 'hotline_month', project_id, sum(closed), count(*) FROM hotline_month
 WHERE replaced_by IS NULL AND month BETWEEN DATE '2020-01-01' AND $1 GROUP BY project_id
UNION ALL SELECT 'events', project_id, max(epoch(reported_at) - epoch(appeared_at)), count(*) FROM opinion_event
 WHERE replaced_by IS NULL AND month BETWEEN DATE '2020-01-01' AND $1 GROUP BY project_id
UNION ALL SELECT 'hours', project_id, min(hours), count(*) FROM opinion_hours
 WHERE replaced_by IS NULL AND month BETWEEN DATE '2020-01-01' AND $1 GROUP BY project_id
UNION ALL SELECT 'visitors', project_id, sum(visitors), count(*) FROM visitors_month
 WHERE replaced_by IS NULL AND month BETWEEN DATE '2019-01-01' AND $1 GROUP BY project_id
UNION ALL SELECT 'deliverables', project_id, sum(count), count(*) FROM deliverable_month
 WHERE replaced_by IS NULL AND month BETWEEN DATE '2020-01-01' AND $1 GROUP BY project_id
UNION ALL SELECT 'values', indicator_id, max(value), count(*) FROM indicator_value
 WHERE replaced_by IS NULL AND month BETWEEN DATE '2020-01-01' AND $1 GROUP BY indicator_id
UNION ALL SELECT 'references', indicator_id, max(value), count(*) FROM reference_value
 WHERE replaced_by IS NULL AND month BETWEEN DATE '2020-01-01' AND $1 GROUP BY indicator_id
UNION ALL SELECT 'indicators', p.project_id, count(b.rule), count(*)
 FROM project p JOIN indicator i USING (project_id) LEFT JOIN binding b USING (indicator_id)
 WHERE p.year = 2020 GROUP BY p.project_id
"""

# The goals (issue 10, item 3), checked when N is one of these.
GOAL_RATIO = {2000: 3.0}
GOAL_SECONDS = {20000: 2.0}
GOAL_PEAK_MIB = {20000: 1024.0}


def peak_mib() -> float:
    """This process's peak resident set so far, in MiB.

    Linux: ``VmHWM`` of /proc/self/status. Not ``ru_maxrss``, which a child started by fork and exec
    inherits from its parent's size at the fork, so a small child would report the parent's peak.
    """
    try:
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 2**10  # kB
    except OSError:
        pass
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return peak / 2**20 if sys.platform == "darwin" else peak / 2**10  # bytes on macOS, KiB elsewhere


def child(path: Path, month: int, what: str) -> None:
    """In a fresh process: open the database, load the configuration and (unless baseline) compute the status."""
    from metrics.status import compute_status  # imported here so that --build-only needs only core

    con = db.connect(path, read_only=True)
    try:
        config = load_config(con)
        out: dict = {"baseline": peak_mib()}
        if what == "status":
            started = time.perf_counter()
            report = compute_status(con, config, YEAR, month)
            out["seconds"] = time.perf_counter() - started
            out["status"] = peak_mib()
            report.to_dict()
            out["json_seconds"] = time.perf_counter() - started
            out["json"] = peak_mib()
    finally:
        con.close()
    print(json.dumps(out))


def run_child(path: Path, month: int, what: str) -> dict:
    done = subprocess.run(
        [sys.executable, str(Path(__file__).resolve()), "--child", what, "--db", str(path), "--month", str(month)],
        capture_output=True,
        text=True,
    )
    if done.returncode:
        sys.stderr.write(done.stderr)
        raise SystemExit(f"the {what} subprocess failed (exit {done.returncode})")
    return json.loads(done.stdout.strip().splitlines()[-1])


def timed(fn) -> float:
    started = time.perf_counter()
    fn()
    return time.perf_counter() - started


def best_of(n: int, fn, max_seconds: float = float("inf")) -> float:
    """The shortest of ``n`` runs; a run slower than ``max_seconds`` ends the series."""
    times: list[float] = []
    while len(times) < n and not (times and times[-1] > max_seconds):
        times.append(timed(fn))
    return min(times)


def prepare(projects: int, given: Path | None) -> Path:
    """The dataset's file: ``given`` as it is, else the cached one for ``projects`` (built if missing or stale)."""
    if given is not None and given.exists():
        return given
    path = given or city_path(projects)
    if given is None and is_current(path, projects):
        return path
    started = time.perf_counter()
    make_city(path, projects)
    print(
        f"built {path.name} ({projects:,} projects) in {time.perf_counter() - started:.1f} s, "
        f"{path.stat().st_size / 2**20:,.0f} MiB"
    )
    return path


def cpu_timed(fn) -> tuple[float, float]:
    """Wall and CPU seconds (user + system, every thread of this process) of one call."""
    started, cpu = time.perf_counter(), time.process_time()
    fn()
    return time.perf_counter() - started, time.process_time() - cpu


def switch_months(month: int, runs: int) -> list[int]:
    """Other months than ``month``, nearest first (the month slider's steps)."""
    near = sorted((m for m in range(1, 13) if m != month), key=lambda m: (abs(m - month), m))
    return near[: max(1, runs)]


def bench(path: Path, month: int, runs: int, max_seconds: float, memory: bool) -> dict:
    from metrics.status import compute_status, status_basis

    counts = row_counts(path)
    projects = counts["project"]
    print(
        f"projects {projects:,} · indicators {counts['indicator']:,} · tickets {counts['hotline_ticket']:,}"
        f" · events {counts['opinion_event']:,} · month 2020-{month:02d}"
    )
    end = f"{YEAR}-{month:02d}-01"
    con = db.connect(path, read_only=True)
    try:
        config = load_config(con)
        first = timed(lambda: compute_status(con, config, YEAR, month))  # warm-up
        slow = first > max_seconds
        full = first if slow else best_of(runs, lambda: compute_status(con, config, YEAR, month))
        with_json = (
            None if slow else best_of(runs, lambda: compute_status(con, config, YEAR, month).to_dict(), max_seconds)
        )
        con.execute(BARE, [end]).fetchall()  # warm-up
        bare = best_of(runs, lambda: con.execute(BARE, [end]).fetchall())
        # the dashboard's month switch: the year's basis made once per data version, then each month
        made: list = []
        basis_time = cpu_timed(lambda: made.append(status_basis(con, YEAR, config=config)))
        switch = min(
            (
                cpu_timed(lambda m=m: compute_status(con, config, YEAR, m, basis=made[0]))
                for m in switch_months(month, runs)
            ),
            key=lambda t: t[0],
        )
    finally:
        con.close()
    mem = None
    if memory and not slow:
        base = run_child(path, month, "baseline")["baseline"]
        mem = run_child(path, month, "status") | {"base": base}

    def peak(key: str) -> str:
        return f" · peak {mem[key]:,.0f} MiB (+{mem[key] - mem['base']:,.0f} MiB)" if mem else ""

    runs_note = " (one run: slower than --max-seconds)" if slow else ""
    print(f"status {full:.3f} s · bare DuckDB {bare:.3f} s · ratio {full / bare:.1f}×{peak('status')}{runs_note}")
    if with_json is not None:
        print(f"status + JSON {with_json:.3f} s · ratio {with_json / bare:.1f}×{peak('json')}")
    print(
        f"month switch (the year's basis kept, as the dashboard does) {switch[0]:.3f} s, CPU {switch[1]:.3f} s"
        f" · basis, once per data version {basis_time[0]:.3f} s, CPU {basis_time[1]:.3f} s"
    )
    if mem:
        print(
            f"fresh process: status {mem['seconds']:.3f} s, + JSON {mem['json_seconds']:.3f} s"
            f" · baseline (imports, open, config) {mem['base']:,.0f} MiB"
        )

    def verdict(ok: bool, ok_json: bool | None) -> str:
        word = "met" if ok else "NOT met"
        return word if ok_json is None else f"{word} (with JSON: {'met' if ok_json else 'NOT met'})"

    goals = []
    if projects in GOAL_RATIO:
        goal = GOAL_RATIO[projects]
        ok_json = None if with_json is None else with_json / bare <= goal
        goals.append(f"ratio ≤ {goal:g}× {verdict(full / bare <= goal, ok_json)}")
    if projects in GOAL_SECONDS:
        goal = GOAL_SECONDS[projects]
        goals.append(f"status < {goal:g} s {verdict(full < goal, None if with_json is None else with_json < goal)}")
    if projects in GOAL_PEAK_MIB and mem:
        goal = GOAL_PEAK_MIB[projects]
        goals.append(f"peak < {goal / 1024:g} GiB {verdict(mem['status'] < goal, mem['json'] < goal)}")
    if goals:
        print(f"goal at {projects:,} projects: " + " · ".join(goals))
    return {
        "projects": projects,
        "status": full,
        "json": with_json,
        "bare": bare,
        "mem": mem,
        "switch": switch[0],
        "basis": basis_time[0],
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--projects", type=int, default=PROJECTS, help="size of the city (default 2,000)")
    parser.add_argument("--both", action="store_true", help="2,000 and 20,000 projects, one after the other")
    parser.add_argument("--month", type=int, default=6)
    parser.add_argument("--db", type=Path, help="use this file (built for --projects if it does not exist)")
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--max-seconds", type=float, default=60.0, help="time a slower status only once")
    parser.add_argument("--no-memory", action="store_true", help="skip the peak-memory subprocesses")
    parser.add_argument("--build-only", action="store_true", help="build (or find) the dataset and stop")
    parser.add_argument("--child", choices=("baseline", "status"), help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        child(args.db, args.month, args.child)
        return
    if args.both and args.db:
        parser.error("--both uses the cached datasets; leave out --db")
    sizes = [2000, 20000] if args.both else [args.projects]
    results = []
    for k, projects in enumerate(sizes):
        if k:
            print()
        path = prepare(projects, args.db)
        print(f"dataset {path.name} ({path.stat().st_size / 2**20:,.0f} MiB)")
        if not args.build_only:
            results.append(bench(path, args.month, args.runs, args.max_seconds, not args.no_memory))
    if len(results) > 1:
        print()
        print("ratios: " + " · ".join(f"{r['projects']:,} → {r['status'] / r['bare']:.1f}×" for r in results))


if __name__ == "__main__":
    main()
