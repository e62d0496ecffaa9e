"""Benchmark (not a test): export the self-evaluation (or the monitoring form) of every project of the city.

    .venv/bin/python benchmarks/export_bench.py [--projects 2000] [--db PATH] [--format xlsx|pdf]
                                                [--form selfeval|monitor] [--month 6]

Uses the city-scale dataset cached by benchmarks/status_bench.py (built if missing), writes a
workbook per project, the combined workbook (a sheet per project) and the ZIP into a temporary
folder, and prints the wall time, the CPU time (user + system) and the process's peak memory
(VmHWM, imports included). The configuration is loaded once, outside the timing.
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from city_scale import PROJECTS, city_path, is_current, make_city  # noqa: E402

from core import db  # noqa: E402
from core.config import load_config  # noqa: E402
from exports.forms import export_monitor, export_selfeval  # noqa: E402


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--projects", type=int, default=PROJECTS)
    parser.add_argument("--db", type=Path)
    parser.add_argument("--format", choices=("xlsx", "pdf"), default="xlsx")
    parser.add_argument("--form", choices=("selfeval", "monitor"), default="selfeval")
    parser.add_argument("--month", type=int, default=6, help="the monitoring form's last month")
    args = parser.parse_args()
    path = args.db or city_path(args.projects)
    if not (path.exists() if args.db else is_current(path, args.projects)):
        make_city(path, args.projects)
    with db.read_connection(path) as con:
        config = load_config(con)
    with tempfile.TemporaryDirectory() as out:
        started, cpu = time.perf_counter(), os.times()
        if args.form == "selfeval":
            done = export_selfeval(path, config, 2020, Path(out), fmt=args.format)
        else:
            done = export_monitor(path, config, 2020, args.month, Path(out), fmt=args.format)
        seconds = time.perf_counter() - started
        after = os.times()
        cpu_seconds = after.user + after.system - cpu.user - cpu.system
        size = sum(p.stat().st_size for p in done.files) / 1e6
    label = "self-evaluations" if args.form == "selfeval" else f"monitoring forms (1–{args.month})"
    print(
        f"{len(done.forms):,} {label} as {args.format.upper()}: {len(done.files):,} files, {size:.1f} MB, "
        f"{seconds:.1f} s (CPU {cpu_seconds:.1f} s), peak {peak_mib():,.0f} MiB, load {os.getloadavg()[0]:.1f}"
    )


def peak_mib() -> float:
    """The process's peak resident memory (VmHWM), 0 where /proc is missing."""
    try:
        with open("/proc/self/status") as status:
            line = next(line for line in status if line.startswith("VmHWM:"))
    except (OSError, StopIteration):
        return 0.0
    return int(line.split()[1]) / 1024


if __name__ == "__main__":
    main()
