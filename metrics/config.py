"""The one configuration: thresholds, weights and vocabularies, defaults from DOMAIN.md."""

from __future__ import annotations

import tomllib
from functools import lru_cache
from pathlib import Path

from perfboard.paths import CONFIG_FILE


@lru_cache(maxsize=8)
def load_config(path: Path | None = None) -> dict:
    """Read the TOML configuration (``data/config.toml`` unless a path is given)."""
    with open(path or CONFIG_FILE, "rb") as fh:
        return tomllib.load(fh)


def form_level1(level1: str, level2: str, config: dict | None = None) -> str:
    """The self-evaluation form's 一级 label for a target table row (DOMAIN.md §2)."""
    levels = (config or load_config())["levels"]
    if levels["satisfaction_word"] in level2:
        return "满意度指标"
    return levels["level1_to_form"][level1]
