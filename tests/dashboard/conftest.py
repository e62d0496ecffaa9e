"""A demo database with its demo accounts for every dashboard test (built once, copied per test)."""

import shutil

import pytest
from dash_helpers import PASSWORD

from core import accounts, db
from core.config import load_config
from ingest.demo_load import load_demo


@pytest.fixture(scope="session")
def demo_template(tmp_path_factory):
    """The demo loaded through the library, as `perfboard demo` does, once for the whole session."""
    path = tmp_path_factory.mktemp("dash-template") / "demo.duckdb"
    db.init(path)
    with db.read_connection(path) as con:
        config = load_config(con)
    load_demo(path, config)
    accounts.ensure_demo_accounts(path, PASSWORD)
    return path


@pytest.fixture
def demo_db(demo_template, tmp_path, monkeypatch):
    path = tmp_path / "dash.duckdb"
    shutil.copyfile(demo_template, path)
    if demo_template.with_name(demo_template.name + ".wal").exists():
        shutil.copyfile(demo_template.with_name(demo_template.name + ".wal"), path.with_name(path.name + ".wal"))
    monkeypatch.setenv("PERFBOARD_DB", str(path))
    monkeypatch.setenv("PERFBOARD_USER", "tester")
    return path
