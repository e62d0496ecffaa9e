"""The one configuration: thresholds, weights and vocabularies, defaults from DOMAIN.md."""

from __future__ import annotations

import tomllib
from functools import lru_cache
from pathlib import Path

from perfboard.paths import config_path


def load_config(path: Path | None = None) -> dict:
    """The TOML configuration: ``path``, else ``$PERFBOARD_CONFIG``, else ``data/config.toml``."""
    resolved = Path(path or config_path()).resolve()
    return _read(resolved, resolved.stat().st_mtime_ns)


@lru_cache(maxsize=8)
def _read(path: Path, mtime: int) -> dict:
    with open(path, "rb") as fh:
        return tomllib.load(fh)


def form_level1(level1: str, level2: str, config: dict | None = None) -> str:
    """The self-evaluation form's 一级 label for a target table row (DOMAIN.md §2)."""
    levels = (config or load_config())["levels"]
    if levels["satisfaction_word"] in level2:
        return "满意度指标"
    return levels["level1_to_form"][level1]
