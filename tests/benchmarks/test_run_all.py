"""The benchmark suite's own plumbing (benchmarks/run_all.py, city_scale.py, bench_files.py): the city has
unique names past the old 2,000-project limit, the script answers --help, and the "no formatting" PDF is
a PDF. No timings here: speed is measured by the benchmarks, never asserted (docs/design.md)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import duckdb
import pytest

BENCHMARKS = Path(__file__).resolve().parents[2] / "benchmarks"
sys.path.insert(0, str(BENCHMARKS))

from bench_files import bare_pdf, form_rows, ticket_rows  # noqa: E402
from city_scale import DISTRICTS, DOMAINS, PURPOSES, make_city, project_names, unit_names  # noqa: E402
from run_all import parse_args  # noqa: E402


def test_names_unique_past_one_full_cycle():
    # 17 × 29 × 41 = 20,213 combinations; 20,213 + 100 names need the phase suffix for the last 100
    assert len(DISTRICTS) * len(DOMAINS) * len(PURPOSES) == 20_213
    names = project_names(20_313)
    assert len(set(names)) == 20_313
    assert names[0] == "上海市体育公共服务经费"
    assert names[20_213] == "上海市体育公共服务经费（二期）"
    assert len(set(unit_names(500))) == 500  # 20,000 projects / 40 per unit


def test_city_of_3000_projects_builds_with_unique_names(tmp_path):
    path = make_city(tmp_path / "city.duckdb", 3000)
    con = duckdb.connect(str(path), read_only=True)
    try:
        projects, names, units = con.execute(
            "SELECT count(*), count(DISTINCT name), count(DISTINCT unit) FROM project"
        ).fetchone()
        tickets = con.execute("SELECT count(*) FROM hotline_ticket").fetchone()[0]
    finally:
        con.close()
    assert (projects, names) == (3000, 3000)
    assert units == 3000 // 40  # one unit per 40 projects: 75
    assert tickets == 3000 * 500


def test_help_and_surface_choice():
    done = subprocess.run([sys.executable, str(BENCHMARKS / "run_all.py"), "--help"], capture_output=True, text=True)
    assert done.returncode == 0
    for option in ("--projects", "--only", "--runs", "--xlsx-rows", "--json"):
        assert option in done.stdout
    assert parse_args(["--only", "status,pdf"]).only == ["status", "pdf"]
    with pytest.raises(SystemExit):
        parse_args(["--only", "nonsense"])
    with pytest.raises(SystemExit):
        parse_args(["--xlsx-rows", "1048576"])  # with the header that is one row more than a sheet holds


def test_bare_pdf_holds_every_row_of_the_form():
    from dataclasses import make_dataclass

    # form_rows reads a dataclass: a tiny one stands in for ProjectForm
    form = make_dataclass("F", [("name", str), ("indicators", list)])(
        "项目甲", [{"level3": "合格率", "target": ">=90%"}]
    )
    assert form_rows(form) == [["name", "项目甲"], ["合格率", ">=90%"]]
    pdf = bare_pdf([form])
    assert pdf.startswith(b"%PDF-1.4") and pdf.rstrip().endswith(b"%%EOF")
    assert "项目甲".encode("utf-16-be").hex().encode() in pdf
    first = next(ticket_rows(1, "项目甲"))
    assert first[0] == "U00000000" and first[1] == "项目甲"
