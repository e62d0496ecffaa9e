"""Debian's Chromium for Playwright, and signing in to the dashboard as a person would."""

from __future__ import annotations

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
    page.goto(server)
    page.get_by_label("账号").fill(user)
    page.get_by_label("密码").fill(password)
    page.get_by_role("button", name="登录", exact=True).click()
    page.wait_for_selector('h1:has-text("总览")')
