"""A real `perfboard serve` on a free localhost port, and Debian's Chromium driven by Playwright."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
import urllib.request

import pytest
from browser_helpers import ARGS, CHROMIUM, DEMO_PASSWORD, sign_in
from helpers import ROOT


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="session")
def server(tmp_path_factory):
    db = tmp_path_factory.mktemp("browser") / "served.duckdb"  # empty: the first start loads the demo
    port = free_port()
    env = {**os.environ, "PERFBOARD_USER": "browser-test", "PERFBOARD_DEMO_PASSWORD": DEMO_PASSWORD}
    proc = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "cli.main",
            "serve",
            "--port",
            str(port),
            "--address",
            "127.0.0.1",
            "--db",
            str(db),
        ],
        cwd=ROOT,
        env=env,
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
    yield url
    proc.terminate()
    try:
        proc.wait(timeout=10)
    except subprocess.TimeoutExpired:
        proc.kill()


@pytest.fixture(scope="session")
def browser():
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        yield b
        b.close()


@pytest.fixture
def anonymous_page(browser):
    context = browser.new_context(viewport={"width": 1440, "height": 1000}, accept_downloads=True, locale="zh-CN")
    pg = context.new_page()
    pg.set_default_timeout(60_000)
    yield pg
    context.close()


@pytest.fixture
def page(anonymous_page, server):
    """A browser signed in as the demo admin (the session cookie survives page loads)."""
    sign_in(anonymous_page, server, "demo-admin")
    return anonymous_page
