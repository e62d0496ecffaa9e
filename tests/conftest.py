"""Fixtures: a fresh database in a temporary folder for every test that asks for one."""

from __future__ import annotations

from pathlib import Path

import pytest


@pytest.fixture
def db_path(tmp_path) -> Path:
    return tmp_path / "test.duckdb"
