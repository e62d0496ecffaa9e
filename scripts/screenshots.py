"""Screenshots of the overview and a project page in headless Chromium (for the README and a look by eye).

    .venv/bin/python scripts/screenshots.py [--url http://localhost:8501] [--out docs]

Start the dashboard first (`make run` or `.venv/bin/perfboard serve`); sign in with a demo account.
"""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path
from urllib.parse import quote

from playwright.sync_api import sync_playwright

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "tests"))
from browser_helpers import ARGS, CHROMIUM, sign_in  # noqa: E402  (one Chromium set-up and sign-in, shared with the browser tests)


def shoot(
    url: str, out: Path, user: str, password: str, project: str = "上海体育系统人员培训经费", month: str = "2020-06"
) -> list[Path]:
    out.mkdir(parents=True, exist_ok=True)
    shots = []
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        page = browser.new_page(viewport={"width": 1440, "height": 1000}, device_scale_factor=1)
        sign_in(page, url, user, password)
        page.goto(f"{url}/?month={month}")
        page.wait_for_selector("#pb-matrix", timeout=60_000)
        page.wait_for_selector(".js-plotly-plot", timeout=60_000)
        page.wait_for_timeout(800)
        shots.append(out / "overview.png")
        page.screenshot(path=str(shots[-1]), full_page=False)
        page.goto(f"{url}/project?project={quote(project)}&month={month}")
        page.wait_for_selector("#pb-matrix", timeout=60_000)
        page.wait_for_selector(".js-plotly-plot", timeout=60_000)
        page.wait_for_timeout(1500)
        shots.append(out / "project.png")
        page.screenshot(path=str(shots[-1]), full_page=True)
        browser.close()
    return shots


if __name__ == "__main__":
    parser = argparse.ArgumentParser()
    parser.add_argument("--url", default="http://localhost:8501")
    parser.add_argument("--out", type=Path, default=Path(__file__).resolve().parent.parent / "docs")
    parser.add_argument("--user", default="demo-leader")
    parser.add_argument(
        "--password",
        default=os.environ.get("PERFBOARD_DEMO_PASSWORD", ""),
        help="default: $PERFBOARD_DEMO_PASSWORD (the demo password `perfboard serve` printed)",
    )
    args = parser.parse_args()
    for shot in shoot(args.url, args.out, args.user, args.password):
        print(shot)
