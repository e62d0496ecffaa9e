"""Helpers shared by the tests: paths and a runner for the real ``perfboard`` command."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DATA = Path(__file__).resolve().parent / "data"
SEED = ROOT / "data" / "seed_2020_targets.txt"


def run_cli(
    *args: str, db: Path | None = None, check: bool = False, env: dict | None = None
) -> subprocess.CompletedProcess:
    """Run the real ``perfboard`` command in a subprocess."""
    argv = [sys.executable, "-m", "perfboard.cli", *args]
    if db is not None:
        argv += ["--db", str(db)]
    full_env = {**os.environ, "PERFBOARD_USER": "tester", **(env or {})}
    result = subprocess.run(argv, capture_output=True, text=True, cwd=ROOT, env=full_env, timeout=120)
    if check and result.returncode != 0:
        raise AssertionError(f"perfboard {' '.join(args)} failed:\n{result.stdout}\n{result.stderr}")
    return result
