"""Where the shipped data and the default database live."""

from __future__ import annotations

import os
from pathlib import Path

PROJECT_ROOT = Path(__file__).resolve().parent.parent
DATA_DIR = PROJECT_ROOT / "data"
TEMPLATES_DIR = DATA_DIR / "templates"
SEED_TARGETS = DATA_DIR / "seed_2020_targets.txt"
DEFAULT_CONFIG = DATA_DIR / "config.toml"


def config_path() -> Path:
    """``PERFBOARD_CONFIG`` if set, else ``data/config.toml``."""
    env = os.environ.get("PERFBOARD_CONFIG")
    return Path(env) if env else DEFAULT_CONFIG


def default_db_path() -> Path:
    """``PERFBOARD_DB`` if set, else ``data/perfboard.duckdb``."""
    env = os.environ.get("PERFBOARD_DB")
    return Path(env) if env else DATA_DIR / "perfboard.duckdb"
