"""A demo database with its demo accounts for every dashboard test."""

import pytest
from dash_helpers import PASSWORD
from helpers import run_cli


@pytest.fixture
def demo_db(tmp_path, monkeypatch):
    db = tmp_path / "dash.duckdb"
    run_cli("demo", db=db, check=True, env={"PERFBOARD_DEMO_PASSWORD": PASSWORD})
    monkeypatch.setenv("PERFBOARD_DB", str(db))
    monkeypatch.setenv("PERFBOARD_USER", "tester")
    return db
