"""The one configuration: thresholds, weights and vocabularies, defaults from DOMAIN.md."""

from __future__ import annotations

import copy
import json
import tomllib
from functools import lru_cache
from pathlib import Path

import duckdb

from perfboard.paths import config_path


def load_config(path: Path | None = None) -> dict:
    """The TOML configuration: ``path``, else ``$PERFBOARD_CONFIG``, else ``data/config.toml``."""
    resolved = Path(path or config_path()).resolve()
    return _read(resolved, resolved.stat().st_mtime_ns)


@lru_cache(maxsize=8)
def _read(path: Path, mtime: int) -> dict:
    with open(path, "rb") as fh:
        return tomllib.load(fh)


def effective_config(con: duckdb.DuckDBPyConnection | None = None) -> dict:
    """The configuration file with the thresholds an admin changed in the database laid over it."""
    base = load_config()
    if con is None:
        return base
    try:
        rows = con.execute("SELECT section, key, value FROM setting").fetchall()
    except duckdb.CatalogException:  # a database from before settings existed
        return base
    if not rows:
        return base
    merged = copy.deepcopy(base)
    for section, key, value in rows:
        if key in merged.get(section, {}):
            merged[section][key] = json.loads(value)
    return merged


def form_level1(level1: str, level2: str, config: dict | None = None) -> str:
    """The self-evaluation form's 一级 label for a target table row (DOMAIN.md §2)."""
    levels = (config or load_config())["levels"]
    if levels["satisfaction_word"] in level2:
        return "满意度指标"
    return levels["level1_to_form"][level1]
