"""A copy of the session's demo database (``demo_template``, tests/conftest.py) for every dashboard test."""

import shutil

import pytest


@pytest.fixture
def demo_db(demo_template, tmp_path, monkeypatch):
    path = tmp_path / "dash.duckdb"
    shutil.copyfile(demo_template, path)
    if demo_template.with_name(demo_template.name + ".wal").exists():
        shutil.copyfile(demo_template.with_name(demo_template.name + ".wal"), path.with_name(path.name + ".wal"))
    monkeypatch.setenv("PERFBOARD_DB", str(path))
    monkeypatch.setenv("PERFBOARD_USER", "tester")
    return path
