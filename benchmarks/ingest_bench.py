"""Benchmark (not a test): validate and commit 100,000 rows of hotline tickets and of indicator values.

    .venv/bin/python benchmarks/ingest_bench.py [--rows 100000]

Prints rows per second for each kind, from file on disk to committed transaction.
"""

from __future__ import annotations

import argparse
import random
import sys
import tempfile
import time
from datetime import datetime, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import pandas as pd  # noqa: E402

from core.config import load_config  # noqa: E402
from core.paths import SEED_TARGETS  # noqa: E402
from ingest.actuals import ingest_actuals  # noqa: E402
from ingest.target_records import IndicatorRecord, ProjectRecord  # noqa: E402
from ingest.target_store import load_targets  # noqa: E402
from ingest.target_table import write_target_table  # noqa: E402


def tickets_csv(path: Path, rows: int) -> None:
    rng = random.Random(1)
    start = datetime(2020, 1, 1)
    received = [start + timedelta(minutes=rng.randint(0, 365 * 24 * 60 - 1)) for _ in range(rows)]
    frame = pd.DataFrame(
        {
            "工单编号": [f"T{i:08d}" for i in range(rows)],
            "项目名称": "上海体育公共服务经费",
            "派单时间": [r.strftime("%Y-%m-%d %H:%M") for r in received],
            "接单时间": [(r + timedelta(minutes=rng.randint(1, 600))).strftime("%Y-%m-%d %H:%M") for r in received],
            "办结时间": [
                (r + timedelta(hours=rng.randint(1, 100))).strftime("%Y-%m-%d %H:%M") if rng.random() < 0.95 else ""
                for r in received
            ],
            "工单状态": "已办结",
        }
    )
    frame.loc[frame["办结时间"] == "", "工单状态"] = "处理中"
    frame.loc[frame["办结时间"] > "2020-12-31 23:59", ["办结时间", "工单状态"]] = ["", "处理中"]
    frame.to_csv(path, index=False)


def synthetic_targets(path: Path, projects: int, per_project: int) -> None:
    records = [
        ProjectRecord(
            year=2020,
            name=f"项目{p:04d}",
            unit="测试单位",
            budget=1_000_000,
            indicators=[IndicatorRecord("产出目标", "数量", f"指标{i:02d}", ">=90%") for i in range(per_project)],
        )
        for p in range(projects)
    ]
    write_target_table(records, path)


def values_csv(path: Path, projects: int, per_project: int, months: int) -> None:
    rng = random.Random(2)
    rows = [
        (f"项目{p:04d}", f"指标{i:02d}", f"2020-{m:02d}", f"{rng.uniform(50, 100):.1f}")
        for p in range(projects)
        for i in range(per_project)
        for m in range(1, months + 1)
    ]
    pd.DataFrame(rows, columns=["项目名称", "三级指标", "月份", "实际值"]).to_csv(path, index=False)


def timed(label: str, rows: int, fn) -> float:
    started = time.perf_counter()
    fn()
    seconds = time.perf_counter() - started
    print(f"{label:<28} {rows:>9,} rows  {seconds:6.2f} s  {rows / seconds:>10,.0f} rows/s")
    return seconds


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rows", type=int, default=100_000)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        db = folder / "bench.duckdb"
        months, per_project = 10, 10
        projects = args.rows // (months * per_project)
        tickets, targets, values = folder / "tickets.csv", folder / "targets.csv", folder / "values.csv"
        tickets_csv(tickets, args.rows)
        synthetic_targets(targets, projects, per_project)
        values_csv(values, projects, per_project, months)
        load_targets([SEED_TARGETS, targets], db, load_config())
        print(f"DuckDB file in a temporary folder; {projects} synthetic projects × {per_project} indicators")
        timed("hotline tickets", args.rows, lambda: ingest_actuals([tickets], db))
        timed("indicator values", projects * per_project * months, lambda: ingest_actuals([values], db))
        timed("hotline tickets, re-upload", args.rows, lambda: ingest_actuals([tickets], db))


if __name__ == "__main__":
    main()
