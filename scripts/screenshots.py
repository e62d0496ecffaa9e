"""Screenshots of the overview and a project page in headless Chromium, at desktop and phone width (for the
README and a look by eye).

    .venv/bin/python scripts/screenshots.py [--url http://localhost:8501] [--out docs]

Start the dashboard first (`make run` or `.venv/bin/perfboard serve`); sign in with a demo account.
Writes overview.png and project.png at 1440 × 1000, and overview_phone.png and project_phone.png at
390 × 844, whole pages (the phone layout shows one card per project, issue 14); ``--lang en`` the same
pages in English as *_en.png.
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

SIZES = {"": (1440, 1000), "_phone": (390, 844)}


def _ready(page, phone: bool) -> None:
    page.wait_for_selector(".pb-card" if phone else "#pb-matrix", state="visible", timeout=60_000)
    page.wait_for_selector(".js-plotly-plot, .pb-chart svg", timeout=60_000)  # the overview Plotly, a project SVG
    page.wait_for_timeout(1500)


def _whole(page, path: Path, width: int, height: int) -> None:
    """The whole page: Streamlit scrolls its main area, not the document, so the window is made as tall."""
    tall = page.evaluate('document.querySelector("[data-testid=stMain]").scrollHeight')
    page.set_viewport_size({"width": width, "height": max(height, int(tall))})
    page.wait_for_timeout(1500)
    page.screenshot(path=str(path))
    page.set_viewport_size({"width": width, "height": height})


def shoot(
    url: str,
    out: Path,
    user: str,
    password: str,
    project: str = "上海体育系统人员培训经费",
    month: str = "2020-06",
    lang: str = "zh",
) -> list[Path]:
    out.mkdir(parents=True, exist_ok=True)
    query, tag = ("&lang=en", "_en") if lang == "en" else ("", "")
    shots = []
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        for suffix, (width, height) in SIZES.items():
            phone = bool(suffix)
            page = browser.new_page(viewport={"width": width, "height": height}, device_scale_factor=1)
            sign_in(page, url, user, password)
            page.goto(f"{url}/?month={month}{query}")
            _ready(page, phone)
            shots.append(out / f"overview{suffix}{tag}.png")
            _whole(page, shots[-1], width, height)
            page.goto(f"{url}/project?project={quote(project)}&month={month}{query}")
            _ready(page, phone)
            shots.append(out / f"project{suffix}{tag}.png")
            _whole(page, shots[-1], width, height)
            page.close()
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
    parser.add_argument("--lang", choices=("zh", "en"), default="zh", help="en: English pages, files named *_en.png")
    args = parser.parse_args()
    for shot in shoot(args.url, args.out, args.user, args.password, lang=args.lang):
        print(shot)
