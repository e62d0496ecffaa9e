"""Benchmark (not a test): the monthly cycle's reads at city scale.

    .venv/bin/python benchmarks/cycle_bench.py [--projects N] [--month 6] [--db PATH] [--runs 3]

Builds (or reuses) the city-scale dataset for N projects (benchmarks/city_scale.py), or uses PATH as it is,
and on one read-only connection, with the configuration loaded outside the timing, prints the best of
``--runs`` after a warm-up of:

- completeness: ``metrics.due.completeness`` of months 1..month (every cell, on-time rates per project and staff);
- blockers: ``ingest.review.blockers`` of the month for every project (each project's submit check in bulk,
  the month's lights judged once);
- one submit's check: what one project's month lacks and its unexplained lights.
"""

from __future__ import annotations

import argparse
import sys
import time
from datetime import date
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from city_scale import PROJECTS, city_path, is_current, make_city  # noqa: E402

from core import db  # noqa: E402
from core.config import load_config  # noqa: E402

YEAR = 2020


def best(runs: int, fn) -> float:
    fn()
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return min(times)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--projects", type=int, default=PROJECTS)
    parser.add_argument("--month", type=int, default=6)
    parser.add_argument("--db", type=Path)
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    path = args.db or city_path(args.projects)
    if args.db is None and not is_current(path, args.projects):
        make_city(path, args.projects)
    from ingest.review import blockers
    from metrics.due import completeness, missing_entries
    from metrics.explanations import missing_explanations

    today = date(YEAR, args.month + 1, 15) if args.month < 12 else date(YEAR + 1, 1, 15)
    with db.read_connection(path) as con:
        config = load_config(con)
        n = con.execute("SELECT count(*) FROM project WHERE year = ?", [YEAR]).fetchone()[0]
        pid = con.execute("SELECT min(project_id) FROM project WHERE year = ?", [YEAR]).fetchone()[0]
        month = date(YEAR, args.month, 1)

        def one_submit():
            missing_entries(con, config, pid, month, today)
            missing_explanations(con, config, YEAR, args.month, [pid])

        timings = {
            "completeness": best(args.runs, lambda: completeness(con, config, YEAR, args.month, today=today)),
            "blockers, every project": best(args.runs, lambda: blockers(con, config, YEAR, args.month, today=today)),
            "one submit's check": best(args.runs, one_submit),
        }
    print(f"{n} projects, months 1–{args.month}:")
    for name, seconds in timings.items():
        print(f"  {name}: {seconds:.2f} s")


if __name__ == "__main__":
    main()
