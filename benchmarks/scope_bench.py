"""What unit scoping and the review marks (docs/domain.md §10) add to the overview at city scale.

In-process, best of 3, on a copy of the city (``city_scale``) with January–May approved for every project, June
for half of them, and one leader scoped to one unit (40 projects).  Prints each step the dashboard's
``data.overview`` takes beyond today's ``summarise``; ``compute_status`` is printed once, for scale (the
dashboard caches it per data version and month).

    .venv/bin/python benchmarks/scope_bench.py [--projects 2000]
"""

from __future__ import annotations

import argparse
import shutil
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
sys.path.insert(0, str(Path(__file__).resolve().parent))

import city_scale  # noqa: E402
import duckdb  # noqa: E402

from core.accounts import Actor  # noqa: E402
from core.config import load_config  # noqa: E402
from dashboard.overview_model import (  # noqa: E402
    approved_report,
    review_marks,
    scope,
    scoped_ids,
    summarise,
    with_review,
)
from metrics.review_state import month_states  # noqa: E402
from metrics.status import compute_status  # noqa: E402

STEPS = """
INSERT INTO review_step SELECT nextval('review_step_seq'), project_id, make_date(2020, m, 1), 'approve', 'bench',
    current_localtimestamp(), NULL FROM project, range(1, 6) r(m);
INSERT INTO review_step SELECT nextval('review_step_seq'), project_id, DATE '2020-06-01', 'approve', 'bench',
    current_localtimestamp(), NULL FROM project WHERE project_id % 2 = 0;
"""


def best(label: str, fn, runs: int = 3):
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        out = fn()
        times.append(time.perf_counter() - start)
    print(f"| {label} | {min(times) * 1000:,.0f} ms |")
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--projects", type=int, default=city_scale.PROJECTS)
    args = parser.parse_args()
    city = city_scale.city_path(args.projects)
    if not city_scale.is_current(city, args.projects):
        city_scale.make_city(city, args.projects)
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "city.duckdb"
        shutil.copyfile(city, path)
        con = duckdb.connect(str(path))
        con.execute("UPDATE project SET department = '市体育局'")
        con.execute(STEPS)
        unit = con.execute("SELECT unit FROM project ORDER BY project_id LIMIT 1").fetchone()[0]
        cfg = load_config(con)
        year = con.execute("SELECT max(year) FROM project").fetchone()[0]
        units = con.execute("SELECT project_id, unit FROM project WHERE year = ?", [year]).df()
        every = units["project_id"].tolist()
        print(f"{args.projects:,} projects\n\n| step | best of 3 |\n|---|---:|")
        june = best(
            "compute_status, month 6 (cached by the dashboard; for scale)", lambda: compute_status(con, cfg, year, 6), 1
        )
        may = compute_status(con, cfg, year, 5)
        best("today: summarise, every project", lambda: summarise(june, units))
        marks = best(
            "added for everyone: month_states + review_marks",
            lambda: review_marks(month_states(con, year, None), every, 6),
        )
        whole = summarise(june, units)
        best("added for everyone: with_review", lambda: with_review(whole, marks, False))
        leader = Actor("bench", "leader", frozenset(), frozenset({("市体育局", unit)}))

        def one_unit():
            ids = scoped_ids(con, leader, year)
            return with_review(
                summarise(scope(june, ids), units), review_marks(month_states(con, year, ids), ids, 6), False
            )

        best("a unit's leader instead (40 projects): scoped_ids + scope + summarise + marks", one_unit)
        best(
            "approved only (May's report also cached): approved_report + summarise",
            lambda: summarise(approved_report(june, {5: may, 6: june}, marks, every), units),
        )
        con.close()


if __name__ == "__main__":
    main()
