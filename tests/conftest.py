"""Fixtures: a fresh database in a temporary folder for every test that asks for one, and the demo built once."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest


@pytest.fixture
def db_path(tmp_path) -> Path:
    return tmp_path / "test.duckdb"


@pytest.fixture(scope="session")
def demo_template(tmp_path_factory) -> Path:
    """The demo loaded through the library, as `perfboard demo` does, with its demo accounts: built once
    for the whole session and copied by the tests that use it (the dashboard's, the hostile files')."""
    from dash_helpers import PASSWORD

    from core import accounts, db
    from core.config import load_config
    from ingest.demo_load import load_demo

    path = tmp_path_factory.mktemp("demo-template") / "demo.duckdb"
    db.init(path)
    with db.read_connection(path) as con:
        config = load_config(con)
    load_demo(path, config, cycle=False)  # every month open: the tests write to them (the cycle: test_demo_cycle)
    accounts.ensure_demo_accounts(path, PASSWORD)
    return path


@pytest.fixture
def demo_copy(demo_template, tmp_path) -> Path:
    """A private copy of the session's demo database, for a test that changes it or only reads it."""
    path = tmp_path / "demo.duckdb"
    shutil.copyfile(demo_template, path)
    return path
