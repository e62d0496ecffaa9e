"""Benchmark (not a test): export the self-evaluation of every project of the city-scale dataset as XLSX.

    .venv/bin/python benchmarks/export_bench.py [--db PATH] [--format xlsx|pdf]

Writes 2,000 workbooks, the combined workbook (a sheet per project) and the ZIP into a
temporary folder, and prints the time of each step.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from city_scale import make_city  # noqa: E402

from exports.forms import export_selfeval  # noqa: E402


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--db", type=Path)
    parser.add_argument("--format", choices=("xlsx", "pdf"), default="xlsx")
    args = parser.parse_args()
    path = args.db or Path(tempfile.gettempdir()) / "perfboard_city.duckdb"
    if not path.exists():
        make_city(path)
    with tempfile.TemporaryDirectory() as out:
        started = time.perf_counter()
        done = export_selfeval(path, 2020, Path(out), fmt=args.format)
        seconds = time.perf_counter() - started
        size = sum(p.stat().st_size for p in done.files) / 1e6
    print(
        f"{len(done.forms):,} self-evaluations as {args.format.upper()}: {len(done.files):,} files, {size:.1f} MB, "
        f"{seconds:.1f} s"
    )


if __name__ == "__main__":
    main()
