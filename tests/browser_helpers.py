"""Debian's Chromium for Playwright, a real `perfboard serve`, and signing in to the dashboard as a person would."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from helpers import ROOT

from dashboard.session_cookie import COOKIE

CHROMIUM = "/usr/bin/chromium"
ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-dev-shm-usage",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
DEMO_PASSWORD = "browser-demo-pw"


def sign_in(page, server: str, user: str, password: str = DEMO_PASSWORD) -> None:
    """Sign in, and wait until the browser holds the session cookie.

    The page hands the cookie over in a request of its own after the overview shows
    (dashboard/session_cookie.py); a test that opened another address before it arrived, on a busy
    machine, was shown the sign-in page again."""
    page.goto(server)
    page.get_by_label("账号").fill(user)
    page.get_by_label("密码").fill(password)
    page.get_by_role("button", name="登录", exact=True).click()
    page.wait_for_selector('h1:has-text("总览")')
    deadline = time.monotonic() + 60
    while not any(c["name"] == COOKIE for c in page.context.cookies()):
        assert time.monotonic() < deadline, "the session cookie never arrived"
        page.wait_for_timeout(100)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@contextmanager
def served(db: Path, env: dict[str, str]) -> Iterator[str]:
    """`perfboard serve` on ``db`` at a free localhost port: its URL once healthy; stopped afterwards."""
    port = free_port()
    proc = subprocess.Popen(
        [sys.executable, "-m", "cli.main", "serve", "--port", str(port), "--address", "127.0.0.1", "--db", str(db)],
        cwd=ROOT,
        env={**os.environ, **env},
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 90
    while time.monotonic() < deadline:
        try:
            with urllib.request.urlopen(f"{url}/_stcore/health", timeout=2) as r:
                if r.status == 200:
                    break
        except OSError:
            time.sleep(0.3)
    else:
        proc.kill()
        raise RuntimeError("perfboard serve did not come up:\n" + (proc.stdout.read() if proc.stdout else ""))
    try:
        yield url
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()
