"""Load test (a script, not a test): browser sessions view the dashboard while a 100,000-row upload is
checked and written.

    .venv/bin/python benchmarks/load_test.py [--sessions 10] [--rows 100000] [--rounds 6]
        [--via page|cli|none] [--format csv|xlsx]

Starts ``perfboard serve`` on a temporary copy of the demo, signs ``--sessions`` browsers in (Debian's
Chromium, headless, through Playwright's async API: one browser, a context each) and has each load the
overview and a project page ``--rounds`` times.  After the first round, a 100,000-row file of hotline
tickets is uploaded: on the 填报 page by one more signed-in session (checked, previewed, then written:
the server's own path), or with ``perfboard ingest actuals`` against the same database.  Prints every
page type's renders (count, median, slowest), the renders that overlapped the upload, the upload's own
times, and every failure.  Exit status 1 when a render failed.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import random
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path
from urllib.parse import quote

from surfaces import free_port, wait_healthy  # this folder is on a script's path

ROOT = Path(__file__).resolve().parent.parent
CHROMIUM = "/usr/bin/chromium"
ARGS = ["--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--no-first-run", "--disable-sync"]
PASSWORD = "load-test-pw"
PROJECT = "上海体育文史业务经费"
TICKET_PROJECT = "上海体育公共服务经费"


@dataclass
class Render:
    session: int
    page: str
    started: float
    seconds: float
    error: str = ""


def tickets(path: Path, rows: int) -> Path:
    """``rows`` hotline tickets of 2020, as the 12345 export has them (CSV, or XLSX as Excel saves it)."""
    rng = random.Random(1)
    start = datetime(2020, 1, 1)
    header = ["工单编号", "项目名称", "派单时间", "接单时间", "办结时间", "工单状态"]
    body = []
    for i in range(rows):
        received = start + timedelta(minutes=rng.randint(0, 364 * 24 * 60))
        accepted = received + timedelta(minutes=rng.randint(1, 600))
        closed = received + timedelta(hours=rng.randint(1, 100))
        done = closed.year == 2020 and rng.random() < 0.95
        body.append(
            [
                f"T{i:08d}",
                TICKET_PROJECT,
                f"{received:%Y-%m-%d %H:%M}",
                f"{accepted:%Y-%m-%d %H:%M}",
                f"{closed:%Y-%m-%d %H:%M}" if done else "",
                "已办结" if done else "处理中",
            ]
        )
    if path.suffix == ".xlsx":
        import xlsxwriter

        wb = xlsxwriter.Workbook(str(path), {"constant_memory": True})
        ws = wb.add_worksheet()
        for r, row in enumerate([header, *body]):
            ws.write_row(r, 0, row)
        wb.close()
    else:
        with open(path, "w", encoding="utf-8-sig", newline="") as fh:
            fh.write("\n".join(",".join(row) for row in [header, *body]) + "\n")
    return path


def serve(db: Path) -> tuple[subprocess.Popen, str]:
    port = free_port()
    env = {**os.environ, "PERFBOARD_USER": "load-test", "PERFBOARD_DEMO_PASSWORD": PASSWORD}
    proc = subprocess.Popen(
        [sys.executable, "-m", "cli.main", "serve", "--port", str(port), "--address", "127.0.0.1", "--db", str(db)],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    url = f"http://127.0.0.1:{port}"
    try:
        wait_healthy(proc, url, seconds=120)
    except RuntimeError:
        proc.kill()
        raise SystemExit("perfboard serve did not come up") from None
    return proc, url


async def sign_in(browser, url: str):
    context = await browser.new_context(viewport={"width": 1440, "height": 1000}, locale="zh-CN")
    page = await context.new_page()
    page.set_default_timeout(300_000)  # slow is measured; only no page at all is a failure
    await page.goto(url)
    await page.get_by_label("账号").fill("demo-admin")
    await page.get_by_label("密码").fill(PASSWORD)
    await page.get_by_role("button", name="登录", exact=True).click()
    await page.wait_for_selector('h1:has-text("总览")')
    return page


async def view(page, session: int, url: str, rounds: int, renders: list[Render], first_round_done) -> None:
    targets = {
        "overview": (f"{url}/?month=2020-06", "#pb-matrix"),
        "project": (f"{url}/project?project={quote(PROJECT)}&month=2020-06", f'h1:has-text("{PROJECT}")'),
    }
    for n in range(rounds):
        for name, (address, selector) in targets.items():
            started = time.monotonic()
            try:
                await page.goto(address)
                await page.wait_for_selector(selector)
                await page.wait_for_selector(".js-plotly-plot")
                renders.append(Render(session, name, started, time.monotonic() - started))
            except Exception as exc:  # a failure is a result here: count it and go on
                renders.append(Render(session, name, started, time.monotonic() - started, type(exc).__name__))
        if n == 0:
            first_round_done.set()


async def upload_on_page(page, url: str, path: Path, times: dict) -> None:
    """Choose the file on the 填报 page (again, if the widget was not wired up yet), wait for the check, confirm."""
    await page.goto(f"{url}/entry")
    field = page.locator('[data-testid="stFileUploaderDropzoneInput"]').first
    await field.wait_for(state="attached")
    started = time.monotonic()
    times["upload started"] = started
    for _ in range(5):
        await page.wait_for_timeout(2000)
        await field.set_input_files(str(path))
        try:
            await page.wait_for_selector(f"text={path.name}", timeout=20_000)
            break
        except Exception:  # the file was dropped before the widget was ready: choose it again
            continue
    outcome = page.locator("text=校验通过").or_(page.locator('[data-testid="stAlertContentError"]'))
    await outcome.first.wait_for(timeout=600_000)
    times["checked"] = time.monotonic() - started
    if not await page.locator("text=校验通过").count():
        times["check failed"] = (await outcome.first.inner_text())[:300]
        times["upload ended"] = time.monotonic()
        return
    written = time.monotonic()
    await page.get_by_role("button", name="确认写入").click()
    await page.wait_for_selector("text=已写入", timeout=600_000)
    times["written"] = time.monotonic() - written
    times["upload ended"] = time.monotonic()


async def upload_by_cli(db: Path, path: Path, times: dict) -> None:
    started = time.monotonic()
    times["upload started"] = started
    proc = await asyncio.create_subprocess_exec(
        sys.executable,
        "-m",
        "cli.main",
        "ingest",
        "actuals",
        str(path),
        "--db",
        str(db),
        cwd=ROOT,
        env={**os.environ, "PERFBOARD_USER": "load-test"},
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.STDOUT,
    )
    out, _ = await proc.communicate()
    times["checked and written"] = time.monotonic() - started
    times["cli exit"] = proc.returncode
    times["cli output"] = out.decode("utf-8", "replace").strip()[-300:]
    times["upload ended"] = time.monotonic()


async def run(url: str, db: Path, upload: Path, args) -> tuple[list[Render], dict]:
    from playwright.async_api import async_playwright

    renders: list[Render] = []
    times: dict = {}
    async with async_playwright() as p:
        browser = await p.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        pages = [await sign_in(browser, url) for _ in range(args.sessions)]
        uploader = await sign_in(browser, url) if args.via == "page" else None
        first_round = asyncio.Event()
        viewers = [
            asyncio.create_task(view(pg, i, url, args.rounds, renders, first_round)) for i, pg in enumerate(pages)
        ]
        await first_round.wait()
        if args.via == "page":
            await upload_on_page(uploader, url, upload, times)
        elif args.via == "cli":
            await upload_by_cli(db, upload, times)
        await asyncio.gather(*viewers)
        await browser.close()
    return renders, times


def report(renders: list[Render], times: dict, args) -> int:
    ok = [r for r in renders if not r.error]
    failed = [r for r in renders if r.error]
    start, end = times.get("upload started", 0), times.get("upload ended", 0)
    print(
        f"{args.sessions} sessions × {args.rounds} rounds, upload of {args.rows:,} rows via {args.via} ({args.format})"
    )
    for name in ("overview", "project"):
        secs = sorted(r.seconds for r in ok if r.page == name)
        during = sorted(r.seconds for r in ok if r.page == name and r.started < end and r.started + r.seconds > start)
        if secs:
            print(
                f"  {name:8} {len(secs):3} renders · median {statistics.median(secs):.2f} s · slowest {secs[-1]:.2f} s"
                + (f" · during the upload {len(during)}, slowest {during[-1]:.2f} s" if during else "")
            )
    slowest = max(ok, key=lambda r: r.seconds, default=None)
    if slowest:
        print(f"  slowest render: {slowest.page}, session {slowest.session}, {slowest.seconds:.2f} s")
    for key in ("checked", "check failed", "written", "checked and written", "cli exit", "cli output"):
        if key in times:
            value = times[key]
            print(f"  upload {key}: {value:.2f} s" if isinstance(value, float) else f"  upload {key}: {value}")
    print(
        f"  failures: {len(failed)}"
        + "".join(
            f"\n    {r.page} session {r.session}: {r.error} after {r.seconds:.0f} s"
            + (" (during the upload)" if r.started < end and r.started + r.seconds > start else "")
            for r in failed
        )
    )
    return 1 if failed or "check failed" in times else 0


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sessions", type=int, default=10)
    parser.add_argument("--rows", type=int, default=100_000)
    parser.add_argument("--rounds", type=int, default=6)
    parser.add_argument("--via", choices=("page", "cli", "none"), default="page", help="none: the baseline, no upload")
    parser.add_argument("--format", choices=("csv", "xlsx"), default="csv")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        db = Path(folder) / "load.duckdb"  # empty: the server's first start loads the demo
        upload = tickets(Path(folder) / f"tickets.{args.format}", args.rows)
        print(f"upload file: {upload.stat().st_size / 1024**2:.1f} MiB")
        proc, url = serve(db)
        try:
            renders, times = asyncio.run(run(url, db, upload, args))
        finally:
            proc.terminate()
            proc.wait(timeout=20)
    return report(renders, times, args)


if __name__ == "__main__":
    sys.exit(main())
