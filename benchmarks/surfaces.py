"""The measures of benchmarks/run_all.py, each run in a fresh process of its own (``run_all.py --child``).

Every surface has two sides: ``ours`` (through the library functions the CLI and the dashboard call) and
``limit`` (the nearest physical limit on the same input: a bare DuckDB query, DuckDB's ``read_csv``, an
openpyxl read-only pass, the same cells or text written with no formatting, an empty Streamlit page).
A measure returns ``{metric: [seconds per run]}`` plus notes; the process's peak resident set (VmHWM,
or the server's for the browser measures) is added by ``run_child``.
"""

from __future__ import annotations

import dataclasses
import os
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from bench_files import bare_pdf, bare_workbook, write_bare  # noqa: E402
from status_bench import BARE, peak_mib  # noqa: E402

from cli.commands_serve import STREAMLIT_FLAGS  # noqa: E402  (the empty page is served as serve serves ours)

YEAR = 2020
CHROMIUM = "/usr/bin/chromium"  # Debian's Chromium (never a downloaded one)
BROWSER_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--no-first-run", "--disable-sync"]
LEADER, PASSWORD = "bench-leader", "bench-leader-pw"
# the overview's lights table for the month it shows, or, when the year has several units, the unit rows'
# caption naming that month (a unit's table is drawn only when it is opened)
RUNNING = '[data-testid="stStatusWidget"]'  # Streamlit's "running" mark, there while a script runs
MATRIX = '#pb-matrix[data-month="{month}"], [data-testid="stCaptionContainer"]:has-text("截至 {month}：共")'
WAIT_MS = 900_000  # a slow page is measured, not failed


def runs_of(runs: int, max_seconds: float, once: Callable[[], float]) -> list[float]:
    """Up to ``runs`` timings of ``once`` (which times its own part); a run slower than ``max_seconds`` ends it."""
    times: list[float] = []
    while len(times) < runs and not (times and times[-1] > max_seconds):
        times.append(once())
    return times


CPU: list[float] = []  # the CPU seconds (all threads) of every timed call, beside the wall times


def timed(fn) -> float:
    """Wall seconds of ``fn()``; its CPU seconds go to CPU (the machine is shared: CPU time shows the load)."""
    cpu = time.process_time()
    started = time.perf_counter()
    fn()
    seconds = time.perf_counter() - started
    CPU.append(time.process_time() - cpu)
    return seconds


def config_for(path: Path):
    from core.settings import in_force

    return in_force(path)


# status


def status_ours(a) -> dict:
    from core import db
    from metrics.status import compute_status

    con = db.connect(a.db, read_only=True)
    try:
        config = config_for(a.db)
        first = timed(lambda: compute_status(con, config, YEAR, a.month))
        times = runs_of(a.runs, a.max_seconds, lambda: timed(lambda: compute_status(con, config, YEAR, a.month)))
    finally:
        con.close()
    return {"times": {"status": times}, "notes": {"first_call": first}}


def status_limit(a) -> dict:
    from core import db

    end = f"{YEAR}-{a.month:02d}-01"
    con = db.connect(a.db, read_only=True)
    try:
        con.execute(BARE, [end]).fetchall()  # warm-up, as for ours
        times = runs_of(a.runs, a.max_seconds, lambda: timed(lambda: con.execute(BARE, [end]).fetchall()))
    finally:
        con.close()
    return {"times": {"status": times}}


# uploads: validate + commit of one actuals stream, on a fresh copy of the city each run


def _upload_config(path: Path, upload: Path, rows: int):
    """The configuration in force, its [limits] raised only where the file is larger than they allow
    (the largest legal sheet is; 100,000 rows are not)."""
    import zipfile

    config = config_for(path)
    limits = config.limits
    size_mb = upload.stat().st_size / 2**20
    unpacked_mb = size_mb
    if upload.suffix == ".xlsx":
        with zipfile.ZipFile(upload) as zf:
            unpacked_mb = sum(i.file_size for i in zf.infolist()) / 2**20
    needed = {
        "max_rows": rows + 1,
        "max_cells": (rows + 1) * 6,
        "max_file_mb": size_mb,
        "max_uncompressed_mb": unpacked_mb,
        "max_ratio": unpacked_mb / size_mb,
    }
    raised = {k: type(getattr(limits, k))(v * 1.1) for k, v in needed.items() if v > getattr(limits, k)}
    if not raised:
        return config, {}
    return dataclasses.replace(config, limits=dataclasses.replace(limits, **raised)), raised


def upload_ours(a) -> dict:
    from ingest.actuals import ingest_actuals

    with tempfile.TemporaryDirectory() as tmp:
        copy = Path(tmp) / "city.duckdb"
        config, raised = None, {}
        rows = [0]

        def once() -> float:
            nonlocal config, raised
            copy.unlink(missing_ok=True)
            shutil.copyfile(a.db, copy)
            if config is None:
                config, raised = _upload_config(copy, a.file, a.rows)

            def load() -> None:
                rows[0] = sum(x.rows for x in ingest_actuals([a.file], copy, config=config))

            return timed(load)

        times = runs_of(a.runs, a.max_seconds, once)
    notes = {"rows": rows[0]}
    if raised:
        notes["limits_raised"] = {k: round(v, 1) for k, v in raised.items()}
    return {"times": {a.surface: times}, "notes": notes}


def csv_limit(a) -> dict:
    import duckdb

    def once() -> float:
        con = duckdb.connect()
        try:
            return timed(lambda: con.execute("CREATE TABLE t AS SELECT * FROM read_csv(?)", [str(a.file)]))
        finally:
            con.close()

    return {"times": {a.surface: runs_of(a.runs, a.max_seconds, once)}}


def xlsx_limit(a) -> dict:
    from python_calamine import CalamineWorkbook  # the reader uploads use (ingest/xlsx_cells.py), bare

    def once() -> float:
        def read() -> None:
            for _ in CalamineWorkbook.from_path(str(a.file)).get_sheet_by_index(0).iter_rows():
                pass

        return timed(read)

    return {"times": {a.surface: runs_of(a.runs, a.max_seconds, once)}}


# exports: N self-evaluations (XLSX), or a sample of them (PDF), with the combined file and the ZIP


def export_ours(a) -> dict:
    from exports.forms import export_selfeval

    config = config_for(a.db)
    forms, combined = [0], [1]

    def once() -> float:
        with tempfile.TemporaryDirectory() as out:

            def export() -> None:
                done = export_selfeval(a.db, config, YEAR, Path(out), fmt=a.fmt)
                forms[0] = len(done.forms)
                combined[0] = sum(p.stem.endswith("全部项目") for p in done.files)  # XLSX: one per unit beyond 1,000

            return timed(export)

    times = runs_of(a.runs, a.max_seconds, once)  # before the notes: the runs fill them in
    return {"times": {a.surface: times}, "notes": {"forms": forms[0], "combined": combined[0]}}


def export_limit(a) -> dict:
    from exports.forms import selfeval_forms

    forms, _ = selfeval_forms(a.db, config_for(a.db), YEAR)  # the cells to write, computed outside the timing
    render = bare_pdf if a.fmt == "pdf" else bare_workbook

    def once() -> float:
        with tempfile.TemporaryDirectory() as out:
            return timed(lambda: write_bare(Path(out), forms, render, a.fmt))

    return {"times": {a.surface: runs_of(a.runs, a.max_seconds, once)}, "notes": {"forms": len(forms)}}


# overview in a browser


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_healthy(proc: subprocess.Popen, url: str, seconds: float = 300) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(f"the server exited ({proc.returncode})")
        try:
            with urllib.request.urlopen(f"{url}/_stcore/health", timeout=2) as r:
                if r.status == 200:
                    return
        except OSError:
            time.sleep(0.3)
    raise RuntimeError("the server did not come up")


def server_peak_mib(pid: int) -> float | None:
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 2**10
    except OSError:
        pass
    return None


EMPTY_PAGE = """import streamlit as st

month = st.select_slider("月份", list(range(1, 13)), value=int(st.query_params.get("month", "6")))
st.html(f'<div id="pb-empty" data-month="{month}">空白页</div>')
"""


READ_SECONDS = 2.0  # a leader reads the lights before the next step (the page judges the next months meanwhile)


def browse(a, url: str, proc: subprocess.Popen, sign_in: bool, address, selector) -> dict:
    """First jump with Home from the landing page (December) to January, a month neither shown nor judged
    ahead (time until its table is visible).  Then for each run: open the page at a month not shown before
    (time until its table is visible); once the page has finished and been read, move the month slider one
    step left (time until the table shows that month).

    The dashboard judges the months either side of the one shown while it is read (``data.judge_ahead``),
    so a step of the slider finds its month made, and a jump does not: both are measured.  The months
    opened (9, then 5) are far enough apart that neither was judged ahead; a third would have been, so
    at most two runs are made."""
    from playwright.sync_api import sync_playwright

    months = [9, 5][: max(1, min(a.runs, 2))]
    render, switch, jump = [], [], []

    def step(page, key: str, month: int, into: list[float]) -> None:
        page.wait_for_selector(RUNNING, state="detached")  # the page has finished
        time.sleep(READ_SECONDS)
        slider = page.get_by_role("slider")
        slider.focus()
        started = time.perf_counter()
        slider.press(key)
        page.wait_for_selector(selector(month), state="visible")
        into.append(time.perf_counter() - started)

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=BROWSER_ARGS)
        try:
            page = browser.new_context(viewport={"width": 1440, "height": 1000}, locale="zh-CN").new_page()
            page.set_default_timeout(WAIT_MS)
            if sign_in:
                page.goto(url)
                page.get_by_label("账号").fill(LEADER)
                page.get_by_label("密码").fill(PASSWORD)
                page.get_by_role("button", name="登录", exact=True).click()
                page.wait_for_selector('h1:has-text("总览")')
                page.wait_for_selector(
                    '#pb-matrix, [data-testid="stExpander"]', state="visible"
                )  # landing: server idle
            page.goto(address(12))
            page.wait_for_selector(selector(12), state="visible")
            step(page, "Home", 1, jump)
            for m in months:
                page.wait_for_selector(RUNNING, state="detached")
                time.sleep(READ_SECONDS)
                started = time.perf_counter()
                page.goto(address(m))
                page.wait_for_selector(selector(m), state="visible")
                render.append(time.perf_counter() - started)
                step(page, "ArrowLeft", m - 1, switch)
        finally:
            browser.close()
    times = {"overview": render, "month switch": switch, "month jump": jump}
    return {"times": times, "server_peak": server_peak_mib(proc.pid)}


def _stop(proc: subprocess.Popen) -> None:
    proc.terminate()
    try:
        proc.wait(timeout=20)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.wait()


def overview_ours(a) -> dict:
    """``perfboard serve`` on a copy of the city, signed in as a leader."""
    from core.accounts import add_user

    with tempfile.TemporaryDirectory() as tmp:
        copy = Path(tmp) / "city.duckdb"
        shutil.copyfile(a.db, copy)
        add_user(copy, LEADER, PASSWORD, "leader")
        port = free_port()
        url = f"http://127.0.0.1:{port}"
        command = [sys.executable, "-m", "cli.main", "serve", "--port", str(port), "--address", "127.0.0.1"]
        proc = subprocess.Popen(
            [*command, "--db", str(copy)],
            cwd=ROOT,
            env={**os.environ, "PERFBOARD_USER": "bench"},
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        try:
            wait_healthy(proc, url)
            return browse(
                a,
                url,
                proc,
                True,
                lambda m: f"{url}/?month={YEAR}-{m:02d}",
                lambda m: MATRIX.format(month=f"{YEAR}-{m:02d}"),
            )
        finally:
            _stop(proc)


def overview_limit(a) -> dict:
    """An empty Streamlit page (a month slider and one line), served by ``streamlit run`` with serve's flags."""
    with tempfile.TemporaryDirectory() as tmp:
        app = Path(tmp) / "empty.py"
        app.write_text(EMPTY_PAGE, encoding="utf-8")
        port = free_port()
        url = f"http://127.0.0.1:{port}"
        command = [sys.executable, "-m", "streamlit", "run", str(app), "--server.port", str(port)]
        proc = subprocess.Popen(
            [*command, "--server.address", "127.0.0.1", *STREAMLIT_FLAGS],
            cwd=tmp,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        try:
            wait_healthy(proc, url)
            return browse(a, url, proc, False, lambda m: f"{url}/?month={m}", lambda m: f'#pb-empty[data-month="{m}"]')
        finally:
            _stop(proc)


MEASURES = {
    ("status", "ours"): status_ours,
    ("status", "limit"): status_limit,
    ("upload", "ours"): upload_ours,
    ("upload", "limit"): csv_limit,
    ("xlsx", "ours"): upload_ours,
    ("xlsx", "limit"): xlsx_limit,
    ("export", "ours"): export_ours,
    ("export", "limit"): export_limit,
    ("pdf", "ours"): export_ours,
    ("pdf", "limit"): export_limit,
    ("overview", "ours"): overview_ours,
    ("overview", "limit"): overview_limit,
}


def measure(a) -> dict:
    """Run one side of one surface in this (fresh) process; the peak is this process's, or the server's."""
    result = MEASURES[(a.surface, a.side)](a)
    server = result.pop("server_peak", None)
    if CPU:
        result["cpu_seconds"] = [round(c, 3) for c in CPU]
    result["peak_mib"] = server if server is not None else peak_mib()
    result["peak_of"] = "server" if server is not None else "process"
    return result
