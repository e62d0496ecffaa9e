"""An upload is read and checked in chunks (ingest.chunked): with chunks of 3 rows, what is found and what is
written are the same as with the whole file at once, wherever the chunks are cut (docs/design.md)."""

from __future__ import annotations

import shutil
from pathlib import Path

import duckdb
import pytest
from helpers import DATA, SEED
from openpyxl import Workbook

from core import db as core_db
from core.config import load_config
from ingest import chunked
from ingest.actuals import ingest_actuals, validate_upload
from ingest.problems import ValidationFailed
from ingest.target_store import load_targets

PROJECT = "上海体育公共服务经费"  # in the seed, year 2020, budget 2,150,040
BUDGET_HEAD = "项目名称,月份,累计支出（元）,累计到位资金（元）\n"
HOTLINE_HEAD = "项目名称,月份,受理工单数,接单数,按期接单数,办结数\n"
TICKET_HEAD = "工单编号,项目名称,派单时间,接单时间,办结时间\n"


@pytest.fixture(scope="module")
def seeded(tmp_path_factory) -> Path:
    """The seed's targets and no actuals, built once and copied by each test."""
    path = tmp_path_factory.mktemp("chunked") / "seed.duckdb"
    core_db.init(path)
    load_targets([SEED], path, load_config())
    return path


@pytest.fixture
def db(seeded, tmp_path) -> Path:
    path = tmp_path / "t.duckdb"
    shutil.copyfile(seeded, path)
    return path


@pytest.fixture
def chunks_of_three(monkeypatch):
    monkeypatch.setattr(chunked, "CHUNK_ROWS", 3)


def _check(db: Path, path: Path):
    with core_db.read_connection(db) as con:
        return validate_upload(con, path)


def _write(folder: Path, name: str, text: str) -> Path:
    path = folder / name
    path.write_text(text, encoding="utf-8")
    return path


def test_problems_in_several_chunks_are_all_listed_with_their_rows(db, tmp_path, monkeypatch):
    """Rows 2–9 in chunks [2 3 4] [5 6 7] [8 9]: a non-number on row 3, an unknown project on row 6 and
    13月 on row 9 are all found, and every message reads as when the file is checked whole."""
    rows = [f"{PROJECT},2020-{m:02d},{100 * m},{1000 * m}" for m in range(1, 9)]
    rows[1] = f"{PROJECT},2020-02,两百,2000"
    rows[4] = "没有这个项目,2020-05,500,5000"
    rows[7] = f"{PROJECT},2020-13,800,8000"
    path = _write(tmp_path, "budget.csv", BUDGET_HEAD + "\n".join(rows) + "\n")
    whole = _check(db, path)
    monkeypatch.setattr(chunked, "CHUNK_ROWS", 3)
    cut = _check(db, path)
    assert [(p.code, p.line) for p in cut.problems] == [
        ("not_a_number", 3),
        ("unknown_project", 6),
        ("not_a_month", 9),
    ]
    for lang in ("zh", "en"):
        assert [p.format(lang) for p in cut.problems] == [p.format(lang) for p in whole.problems]


def test_a_falling_figure_to_date_across_a_chunk_boundary(db, tmp_path, chunks_of_three):
    """累计支出 100, 200, 300 (rows 2–4, the first chunk), then 250 for April (row 5, the second): it fell."""
    rows = [f"{PROJECT},2020-{m:02d},{s},{s}" for m, s in ((1, 100), (2, 200), (3, 300), (4, 250))]
    path = _write(tmp_path, "budget.csv", BUDGET_HEAD + "\n".join(rows) + "\n")
    [problem] = _check(db, path).problems
    assert (problem.code, problem.line, problem.value, problem.params["earlier"]) == (
        "cumulative_falls",
        5,
        "250",
        "300",
    )


def test_closed_to_date_above_received_to_date_across_a_chunk_boundary(db, tmp_path, chunks_of_three):
    """Received 10 a month; closed 5, 5, 10 in January–March (the first chunk: 20 of 30 to date), then
    25 in April (row 5): 45 closed to date against 40 received."""
    rows = [f"{PROJECT},2020-{m:02d},10,10,10,{c}" for m, c in ((1, 5), (2, 5), (3, 10), (4, 25))]
    path = _write(tmp_path, "hotline.csv", HOTLINE_HEAD + "\n".join(rows) + "\n")
    [problem] = _check(db, path).problems
    assert (problem.code, problem.line, problem.value) == ("greater_to_date", 5, "45")
    assert problem.params["other_value"] == "40"


def test_a_duplicate_across_a_chunk_boundary_in_xlsx(db, tmp_path, chunks_of_three):
    """Ticket T1 on row 2 (first chunk) and again on row 6 (second chunk), read from an XLSX."""
    wb = Workbook()
    ws = wb.active
    ws.append(TICKET_HEAD.strip().split(","))
    for i, ticket in enumerate(["T1", "T2", "T3", "T4", "T1", "T6"], start=1):
        ws.append([ticket, PROJECT, f"2020-03-0{i} 09:00", f"2020-03-0{i} 10:00", None])
    path = tmp_path / "tickets.xlsx"
    wb.save(path)
    [problem] = _check(db, path).problems
    assert (problem.code, problem.line, problem.params["other"]) == ("duplicate_row", 6, 2)


def test_one_way_of_reporting_across_a_chunk_boundary(db, tmp_path, chunks_of_three):
    """当月支出 for January–March (first chunk), 累计支出 for April (second chunk): one project, two ways,
    reported on the project's first row."""
    head = "项目名称,月份,当月支出（元）,累计支出（元）\n"
    rows = [f"{PROJECT},2020-0{m},100," for m in (1, 2, 3)] + [f"{PROJECT},2020-04,,400"]
    path = _write(tmp_path, "budget.csv", head + "\n".join(rows) + "\n")
    assert [(p.code, p.line) for p in _check(db, path).problems] == [("mixed_forms", 2)]


def _content(db: Path) -> tuple:
    con = duckdb.connect(str(db), read_only=True)
    try:
        return (
            con.execute("SELECT count(*), count(replaced_by) FROM hotline_ticket").fetchall()[0],
            con.execute("SELECT count(*) FROM load_log").fetchall()[0][0],
        )
    finally:
        con.close()


def test_a_refusal_in_the_last_chunk_writes_nothing_and_a_reupload_replaces(db, tmp_path, chunks_of_three):
    """Seven tickets in chunks [2 3 4] [5 6 7] [8]: the bad one on row 8 refuses the whole file."""
    rows = [f"T{i},{PROJECT},2020-03-0{i} 09:00,2020-03-0{i} 10:00," for i in range(1, 8)]
    good = _write(tmp_path, "tickets.csv", TICKET_HEAD + "\n".join(rows) + "\n")
    bad = _write(tmp_path, "bad.csv", TICKET_HEAD + "\n".join([*rows[:6], f"T7,{PROJECT},2020-03-07 09:00,昨天,"]))
    before = _content(db)
    with pytest.raises(ValidationFailed) as refused:
        ingest_actuals([bad], db)
    assert [(p.code, p.line) for p in refused.value.problems] == [("not_a_datetime", 8)]
    assert _content(db) == before
    (loaded,) = ingest_actuals([good], db)
    assert (loaded.rows, loaded.replaced, loaded.months) == (7, 0, ["2020-03"])
    (again,) = ingest_actuals([good], db)
    assert (again.rows, again.replaced) == (7, 7)  # March's 7 replaced by the same 7; the earlier revision stays
    assert _content(db)[0] == (14, 7)


@pytest.mark.parametrize("name", sorted(p.name for p in (DATA / "actuals").glob("*.csv")))
def test_every_sample_reads_alike_in_chunks_of_one(db, name, monkeypatch):
    """The sample of each kind: the same rows (and no problem) whether checked in chunks of one row or whole."""
    whole = _check(db, DATA / "actuals" / name)
    monkeypatch.setattr(chunked, "CHUNK_ROWS", 1)
    cut = _check(db, DATA / "actuals" / name)
    assert [p.format() for p in cut.problems] == [p.format() for p in whole.problems]
    assert cut.rows.astype(str).equals(whole.rows.astype(str)) and cut.months == whole.months


def test_an_xlsx_read_by_calamine_is_checked_to_its_last_chunk(db, tmp_path, chunks_of_three, monkeypatch):
    """The same seven tickets as an XLSX, read by calamine (ingest.xlsx_cells): the bad one on row 8, alone in
    the last chunk [8], refuses the whole file and nothing is written; the good file loads all 7."""
    from ingest import xlsx_cells

    read_by = []
    real = xlsx_cells.open_sheet
    monkeypatch.setattr(xlsx_cells, "open_sheet", lambda *a: read_by.append(real(*a)) or read_by[-1])

    def book(name: str, last: str) -> Path:
        wb = Workbook()
        ws = wb.active
        ws.append(TICKET_HEAD.strip().split(","))
        for i in range(1, 8):
            ws.append([f"T{i}", PROJECT, f"2020-03-0{i} 09:00", last if i == 7 else f"2020-03-0{i} 10:00", None])
        wb.save(tmp_path / name)
        return tmp_path / name

    before = _content(db)
    with pytest.raises(ValidationFailed) as refused:
        ingest_actuals([book("bad.xlsx", "昨天")], db)
    assert [(p.code, p.line) for p in refused.value.problems] == [("not_a_datetime", 8)]
    assert _content(db) == before
    (loaded,) = ingest_actuals([book("good.xlsx", "2020-03-07 10:00")], db)
    assert loaded.rows == 7 and read_by and all(sheet is not None for sheet in read_by)
