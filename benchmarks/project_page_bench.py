"""The project page of a 50-indicator project in a 2,000-project city: where its time goes (not a test).

Builds (once, in the temporary folder) a copy of the city-scale dataset (``city_scale.make_city``) whose
first project has 50 indicators: its ten (one per stream's rule) and four more copies of each, with their
bindings and twelve months of values; and a leader account. Then times, each best of ``--runs``:

- **paths**: ``metrics.paths.indicator_paths`` for months 1…``--month`` (no cache: the cold cost);
- **status**: ``compute_status`` of the project for the as-of month alone (the page now judges its lights
  from what the paths read; this is what they cost on their own);
- **page, cold / warm**: the whole 项目 page through ``streamlit.testing.v1.AppTest``, signed in as the
  leader: cold is the first render in a fresh process (every cache empty; the overview is rendered first
  and not timed), warm a rerun of the same page, then the month slider one step back (a month not shown);
- **browser** (``--browser``): ``perfboard serve`` and Debian's Chromium, signed in: from opening
  ``/project?project=…&month=…`` until every chart is drawn, the 50 paths and the S-curve (cold, then warm:
  a reload of the page); then the month slider moved one step back, twice, within
  the page, until the lights show that month and the server has finished the page.

Wall and CPU seconds (user + system of this process, all threads) for each; ``--profile`` prints the
top functions of a cold page render by cumulative time.

    .venv/bin/python benchmarks/project_page_bench.py [--month 12] [--runs 3] [--profile] [--browser]
"""

from __future__ import annotations

import argparse
import cProfile
import io
import os
import pstats
import shutil
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "benchmarks"))

from city_scale import city_path, is_current, make_city  # noqa: E402

from core import accounts, db  # noqa: E402
from core.config import load_config  # noqa: E402

PROJECTS = 2000
INDICATORS = 50  # the project's indicators: the city's ten, and copies of them
LEADER = "bench-leader"
PASSWORD = "bench-password-1"
TAG = "project_page_bench 1"
APP = str(ROOT / "dashboard" / "app.py")


def bench_path() -> Path:
    return Path(tempfile.gettempdir()) / f"perfboard_projpage_{PROJECTS}.duckdb"


def _tagged(path: Path) -> bool:
    if not is_current(city_path(PROJECTS), PROJECTS) or not path.exists():
        return False
    con = db.connect(path, read_only=True)
    try:
        row = con.execute("SELECT value FROM meta WHERE key = 'project_page_bench'").fetchone()
        return bool(row) and row[0] == TAG
    finally:
        con.close()


def build() -> tuple[Path, str]:
    """The city with a 50-indicator first project and a leader account (rebuilt when stale); its name."""
    path = bench_path()
    if not _tagged(path):
        city = city_path(PROJECTS)
        if not is_current(city, PROJECTS):
            make_city(city, PROJECTS)
        building = path.with_name(path.name + ".building")
        shutil.copyfile(city, building)
        con = db.connect(building)
        try:
            (base,) = con.execute("SELECT max(indicator_id) FROM indicator").fetchone()
            (own,) = con.execute("SELECT count(*) FROM indicator WHERE project_id = 1").fetchone()
            con.execute("BEGIN")
            for copy in range(1, INDICATORS // own):
                shift = base + (copy - 1) * own
                con.execute(
                    f"""INSERT INTO indicator SELECT * REPLACE (indicator_id + {shift} AS indicator_id,
                            seq + {copy * own} AS seq, level3 || '（{copy + 1}）' AS level3)
                        FROM indicator WHERE project_id = 1 AND indicator_id <= {base}"""
                )
                con.execute(
                    f"""INSERT INTO binding SELECT * REPLACE (indicator_id + {shift} AS indicator_id)
                        FROM binding WHERE indicator_id IN (SELECT indicator_id FROM indicator WHERE project_id = 1
                                                            AND indicator_id <= {base})"""
                )
                con.execute(
                    f"""INSERT INTO indicator_value SELECT * REPLACE (indicator_id + {shift} AS indicator_id,
                            value + {copy} AS value)
                        FROM indicator_value WHERE indicator_id IN (SELECT indicator_id FROM indicator
                                                                    WHERE project_id = 1 AND indicator_id <= {base})"""
                )
            con.execute("INSERT OR REPLACE INTO meta VALUES ('project_page_bench', ?)", [TAG])
            con.execute("COMMIT")
            con.execute("CHECKPOINT")
        finally:
            con.close()
        accounts.add_user(building, LEADER, PASSWORD, "leader")
        building.replace(path)
    con = db.connect(path, read_only=True)
    try:
        (name,) = con.execute("SELECT name FROM project WHERE project_id = 1").fetchone()
        (n,) = con.execute("SELECT count(*) FROM indicator WHERE project_id = 1").fetchone()
    finally:
        con.close()
    assert n == INDICATORS, n
    return path, name


def cpu() -> float:
    t = os.times()
    return t.user + t.system


def clocked(fn: Callable[[], object]) -> tuple[float, float]:
    """(wall, cpu) seconds of one call."""
    wall, used = time.perf_counter(), cpu()
    fn()
    return time.perf_counter() - wall, cpu() - used


def best(runs: int, fn: Callable[[], object]) -> tuple[float, float]:
    return min((clocked(fn) for _ in range(runs)), key=lambda x: x[0])


def line(label: str, timing: tuple[float, float]) -> None:
    print(f"{label:<28} {timing[0]:6.3f} s wall  {timing[1]:6.3f} s CPU", flush=True)


def library(path: Path, name: str, month: int, runs: int) -> None:
    from metrics.measures import only_project
    from metrics.paths import indicator_paths
    from metrics.status import compute_status

    con = db.connect(path, read_only=True)
    try:
        config = load_config(con)
        paths = indicator_paths(con, config, 2020, name, month)
        assert len(paths) == INDICATORS * month, len(paths)
        line(f"paths, months 1–{month}", best(runs, lambda: indicator_paths(con, config, 2020, name, month)))

        def one() -> None:
            with only_project(1):
                compute_status(con, config, 2020, month, name).projects  # noqa: B018

        line(f"status of month {month}", best(runs, one))
    finally:
        con.close()


def page(path: Path, name: str, month: int, profile: bool) -> None:
    """The 项目 page in AppTest: cold (fresh caches) and warm (a rerun)."""
    os.environ["PERFBOARD_DB"] = str(path)
    from streamlit.testing.v1 import AppTest

    token = accounts.start_session(path, accounts.authenticate(path, LEADER, PASSWORD))
    at = AppTest.from_file(APP, default_timeout=300)
    at.session_state["pb_token"] = token
    at.query_params["month"] = f"2020-{month:02d}"
    at.query_params["project"] = name
    at.run()  # the overview (the landing page): not timed
    assert not at.exception, at.exception
    profiler = cProfile.Profile() if profile else None
    if profiler:  # the page runs in the script runner's thread: profile it there
        from streamlit.runtime.scriptrunner import script_runner

        plain = script_runner.exec_func_with_error_handling

        def profiled(*args, **kwargs):
            profiler.enable()
            try:
                return plain(*args, **kwargs)
            finally:
                profiler.disable()

        script_runner.exec_func_with_error_handling = profiled
    wall, used = time.perf_counter(), cpu()
    at.switch_page("views/project.py").run()
    line("page, cold (AppTest)", (time.perf_counter() - wall, cpu() - used))
    if profiler:
        script_runner.exec_func_with_error_handling = plain
    assert not at.exception, at.exception
    charts = sum(m.value.count('class="pb-chart"') for m in at.markdown)
    line("page, warm (AppTest)", clocked(at.run))
    at.session_state["month_2020"] = month - 1  # the month slider one step back
    line(f"page, month {month - 1} (AppTest)", clocked(at.run))
    assert not at.exception, at.exception
    print(f"  ({charts} charts drawn)")
    if profiler:
        out = io.StringIO()
        pstats.Stats(profiler, stream=out).sort_stats("cumulative").print_stats(45)
        print(out.getvalue())


def browser(path: Path, name: str, month: int) -> None:
    """``perfboard serve`` on a copy, Chromium signed in as the leader: open the page, cold then warm."""
    from urllib.parse import quote

    from playwright.sync_api import sync_playwright

    sys.path.insert(0, str(ROOT / "tests"))
    from browser_helpers import ARGS, CHROMIUM, served, sign_in

    with tempfile.TemporaryDirectory() as folder:
        copy = Path(folder) / "city.duckdb"
        shutil.copyfile(path, copy)
        with served(copy, {}) as url, sync_playwright() as p:
            chrome = p.chromium.launch(executable_path=CHROMIUM, args=ARGS)
            try:
                page = chrome.new_page(viewport={"width": 1440, "height": 900})
                sign_in(page, url, LEADER, PASSWORD)
                address = f"{url}/project?project={quote(name)}&month=2020-{month:02d}"
                for label in ("cold", "warm"):
                    started = time.perf_counter()
                    page.goto(address)
                    marks = []
                    for what, selector in (
                        ("lights", "#pb-matrix"),
                        ("first path", ".pb-chart svg"),
                        ("every chart", f".pb-chart >> nth={INDICATORS} >> svg"),  # a path each and the S-curve
                    ):
                        page.wait_for_selector(selector, timeout=180_000)
                        marks.append(f"{what} {time.perf_counter() - started:.2f} s")
                    took = time.perf_counter() - started
                    print(f"{'browser, ' + label:<28} {took:6.3f} s wall  ({', '.join(marks)})", flush=True)
                page.wait_for_selector('[data-testid="stStatusWidget"]', state="detached", timeout=180_000)
                for step in range(1, 3):  # the month slider moved back within the page (no reload)
                    slider = page.get_by_role("slider")
                    slider.focus()
                    started = time.perf_counter()
                    slider.press("ArrowLeft")
                    page.wait_for_selector(f'#pb-matrix[data-month="2020-{month - step:02d}"]', timeout=180_000)
                    shown = time.perf_counter() - started
                    page.wait_for_selector('[data-testid="stStatusWidget"]', state="detached", timeout=180_000)
                    took = time.perf_counter() - started
                    print(
                        f"{f'browser, month {month - step}':<28} {took:6.3f} s wall  (lights {shown:.2f} s)", flush=True
                    )
            finally:
                chrome.close()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--month", type=int, default=12)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--profile", action="store_true", help="print the top functions of the cold page render")
    parser.add_argument("--browser", action="store_true", help="also time the page in Chromium")
    parser.add_argument("--skip-page", action="store_true", help="only the library timings")
    args = parser.parse_args()
    path, name = build()
    load = subprocess.run(["uptime"], capture_output=True, text=True).stdout.strip()
    print(f"{path.name}: {PROJECTS:,} projects; {name}: {INDICATORS} indicators; month {args.month}")
    print(f"load: {load}")
    library(path, name, args.month, args.runs)
    if not args.skip_page:
        page(path, name, args.month, args.profile)
    if args.browser:
        browser(path, name, args.month)


if __name__ == "__main__":
    main()
