"""Benchmark (not a test): the full status computation for one month at city scale.

    .venv/bin/python benchmarks/status_bench.py [--db PATH] [--month 6]

Builds the city-scale dataset (benchmarks/city_scale.py) unless PATH exists, then times
``compute_status`` for the month against a bare DuckDB aggregate over the same rows
(each stream summed per project, no rules, no explanations), best of five runs each.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from city_scale import make_city, row_counts  # noqa: E402

from metrics.status import compute_status  # noqa: E402
from core import db  # noqa: E402

BARE = """
SELECT 'budget' AS s, project_id, sum(spent)::DOUBLE AS v, count(*) AS n FROM budget_month
 WHERE replaced_by IS NULL AND month BETWEEN DATE '2020-01-01' AND ? GROUP BY project_id
UNION ALL SELECT 'tickets', project_id, count(closed_at), count(*) FROM hotline_ticket
 WHERE replaced_by IS NULL AND month BETWEEN DATE '2020-01-01' AND ? GROUP BY project_id
UNION ALL SELECT 'events', project_id, max(epoch(reported_at) - epoch(appeared_at)), count(*) FROM opinion_event
 WHERE replaced_by IS NULL AND month BETWEEN DATE '2020-01-01' AND ? GROUP BY project_id
UNION ALL SELECT 'hours', project_id, min(hours), count(*) FROM opinion_hours
 WHERE replaced_by IS NULL AND month BETWEEN DATE '2020-01-01' AND ? GROUP BY project_id
UNION ALL SELECT 'deliverables', project_id, sum(count), count(*) FROM deliverable_month
 WHERE replaced_by IS NULL AND month BETWEEN DATE '2020-01-01' AND ? GROUP BY project_id
UNION ALL SELECT 'values', indicator_id, max(value), count(*) FROM indicator_value
 WHERE replaced_by IS NULL AND month BETWEEN DATE '2020-01-01' AND ? GROUP BY indicator_id
"""


def best_of(n: int, fn) -> float:
    times = []
    for _ in range(n):
        started = time.perf_counter()
        fn()
        times.append(time.perf_counter() - started)
    return min(times)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--db", type=Path)
    parser.add_argument("--month", type=int, default=6)
    args = parser.parse_args()
    path = args.db or Path(tempfile.gettempdir()) / "perfboard_city.duckdb"
    if not path.exists():
        started = time.perf_counter()
        make_city(path)
        print(f"built {path.name} in {time.perf_counter() - started:.1f} s")
    print(", ".join(f"{k} {v:,}" for k, v in row_counts(path).items()))
    end = f"2020-{args.month:02d}-01"
    con = db.connect(path, read_only=True)
    try:
        report = compute_status(con, 2020, args.month)  # warm-up
        full = best_of(5, lambda: compute_status(con, 2020, args.month))
        bare = best_of(5, lambda: con.execute(BARE, [end] * 6).fetchall())
    finally:
        con.close()
    lights = sum(len(p.indicators) for p in report.projects)
    print(f"status for 2020-{args.month:02d}: {len(report.projects):,} projects, {lights:,} lights")
    print(f"full status computation  {full:6.3f} s")
    print(f"bare DuckDB aggregate    {bare:6.3f} s")
    print(f"ratio                    {full / bare:6.1f}×")


if __name__ == "__main__":
    main()
