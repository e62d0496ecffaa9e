"""What is due (metrics.due): cell states by the deadline and the review, on-time rates, the to-do list.

The seed's five projects with their bindings and no actuals but what each test uploads.  上海体育系统人员培训经费
(培训) files its budget and deliverables monthly and four ratings in June (微课堂品质, 课程推出频率,
教练员岗位培训, 党员素质); 上海市体育局信息技术保障经费 (IT) its budget monthly and values in March and June.
"""

from __future__ import annotations

import shutil
from datetime import date, datetime

import duckdb
import pytest
from helpers import ROOT, SEED, upload

from core import accounts
from core.config import load_config
from core.db import read_connection, write_transaction
from ingest.bindings import store_bindings
from ingest.target_store import load_targets
from metrics import due

TRAINING, IT = "上海体育系统人员培训经费", "上海市体育局信息技术保障经费"
HEADER_BUDGET = "项目名称,月份,当月支出（元）\n"
HEADER_DELIVERABLES = "项目名称,月份,事项,数量\n"


@pytest.fixture(scope="module")
def filed(tmp_path_factory):
    """培训: January's budget on time (10 February, 23:00) and deliverables a day late (11 February);
    February's budget on time (5 March), February's deliverables never.  Staff s1 has 培训 and IT."""
    folder = tmp_path_factory.mktemp("due")
    path = folder / "due.duckdb"
    load_targets([SEED], path, load_config())
    with write_transaction(path) as con:
        store_bindings(con, ROOT / "data" / "bindings_2020.toml", 2020)
    upload(path, folder, "budget_jan.csv", HEADER_BUDGET + f"{TRAINING},2020-01,1000\n")
    upload(path, folder, "deliverables_jan.csv", HEADER_DELIVERABLES + f"{TRAINING},2020-01,党校微课堂,4\n")
    upload(path, folder, "budget_feb.csv", HEADER_BUDGET + f"{TRAINING},2020-02,1000\n")
    stamps = {
        "budget_jan.csv": datetime(2020, 2, 10, 23, 0),
        "deliverables_jan.csv": datetime(2020, 2, 11, 9, 0),
        "budget_feb.csv": datetime(2020, 3, 5, 10, 0),
    }
    with write_transaction(path) as con:
        for name, at in stamps.items():
            con.execute("UPDATE load_log SET loaded_at = ? WHERE file_name = ?", [at, name])
    accounts.add_user(path, "s1", "password-s1", "staff")
    with read_connection(path) as con:
        ids = dict(con.execute("SELECT name, project_id FROM project").fetchall())
    accounts.assign(path, "s1", [ids[TRAINING], ids[IT]])
    return path


@pytest.fixture
def db(filed, tmp_path):
    path = tmp_path / "copy.duckdb"
    shutil.copyfile(filed, path)
    return path


def _cells(db, today: date, month: int = 2):
    with read_connection(db) as con:
        return due.cells(con, load_config(con), 2020, month, today=today)


def _of(cells, project: str, month: int, stream: str):
    row = cells[(cells["project"] == project) & (cells["month"] == date(2020, month, 1)) & (cells["stream"] == stream)]
    assert len(row) == 1, (project, month, stream)
    return row.iloc[0]


def test_deadline_is_the_tenth_of_the_next_month():
    config = load_config()
    assert due.deadline(2020, 6, config) == date(2020, 7, 10)
    assert due.deadline(2020, 12, config) == date(2021, 1, 10)
    # until 10 July, June is the month being filed; from the 11th, July
    assert due.reporting_month(config, date(2020, 7, 10)) == date(2020, 6, 1)
    assert due.reporting_month(config, date(2020, 7, 11)) == date(2020, 7, 1)


def test_a_missing_stream_is_late_after_its_deadline_and_not_due_before(db):
    before = _cells(db, date(2020, 3, 10))  # February's deadline is 10 March: not passed on the day itself
    assert _of(before, TRAINING, 2, "deliverables")["state"] == "not_due"
    after = _cells(db, date(2020, 3, 11))
    late = _of(after, TRAINING, 2, "deliverables")
    assert late["state"] == "late" and not late["filed"] and late["on_time"] is None
    filed = _of(after, TRAINING, 1, "budget")
    assert filed["state"] == "filed" and filed["on_time"]  # 23:00 on the deadline day is in time
    assert not _of(after, TRAINING, 1, "deliverables")["on_time"]  # filed on the 11th: filed, but late
    # 培训 has budget and deliverables each month, values only in June: 2 streams × 2 months
    assert len(after[after["project"] == TRAINING]) == 4
    # IT: its budget each month, its values first due in March
    assert set(after.loc[after["project"] == IT, "stream"]) == {"budget"}


def test_approved_and_returned_months_show_the_review(db):
    with write_transaction(db) as con:
        pid = con.execute("SELECT project_id FROM project WHERE name = ?", [TRAINING]).fetchone()[0]
        for month, action, reason in ((1, "submit", None), (1, "approve", None), (2, "submit", None)):
            con.execute(
                "INSERT INTO review_step VALUES (nextval('review_step_seq'), ?, ?, ?, 'x', now(), ?)",
                [pid, date(2020, month, 1), action, reason],
            )
        con.execute(
            "INSERT INTO review_step VALUES (nextval('review_step_seq'), ?, ?, 'return', 'y', now(), '缺说明')",
            [pid, date(2020, 2, 1)],
        )
    cells = _cells(db, date(2020, 3, 11))
    assert _of(cells, TRAINING, 1, "budget")["state"] == "approved"
    assert _of(cells, TRAINING, 1, "deliverables")["state"] == "approved"
    assert _of(cells, TRAINING, 2, "budget")["state"] == "returned"  # filed, but sent back
    assert _of(cells, TRAINING, 2, "deliverables")["review_state"] == "returned"
    assert _of(cells, IT, 1, "budget")["state"] == "late"


def test_on_time_rates_per_project_and_staff(db):
    today = date(2020, 3, 11)
    with read_connection(db) as con:
        view = due.completeness(con, load_config(con), 2020, 2, today=today)
    training = view.projects.set_index("project").loc[TRAINING]
    # four cells past their deadline: Jan budget (on time), Jan deliverables (late), Feb budget (on time),
    # Feb deliverables (not filed) → 2 of 4 on time
    assert (training["due"], training["on_time"], training["late"], training["not_filed"]) == (4, 2, 1, 1)
    assert training["on_time_rate"] == 0.5
    s1 = view.staff.set_index("username").loc["s1"]
    # s1 also has IT: its budget in January and February, neither filed → 2 of 6 on time
    assert (s1["due"], s1["on_time"], s1["not_filed"]) == (6, 2, 3)
    assert s1["on_time_rate"] == round(2 / 6, 4)
    # on 10 March February's cells are not yet counted: January's two, one on time
    with read_connection(db) as con:
        early = due.completeness(con, load_config(con), 2020, 2, today=date(2020, 3, 10))
    row = early.projects.set_index("project").loc[TRAINING]
    assert (row["due"], row["on_time"], row["on_time_rate"]) == (2, 1, 0.5)
    data = view.to_dict()
    assert data["month"] == "2020-02" and data["deadline_day"] == 10
    first = next(p for p in data["projects"] if p["name"] == TRAINING)["months"][0]
    assert first["deadline"] == "2020-02-10" and first["streams"][0]["state_label"] == "已报"


def test_what_a_month_lacks_names_streams_and_indicators(db, tmp_path):
    with read_connection(db) as con:
        config = load_config(con)
        pid = con.execute("SELECT project_id FROM project WHERE name = ?", [TRAINING]).fetchone()[0]
        february = due.missing_entries(con, config, pid, date(2020, 2, 1))
        june = due.missing_entries(con, config, pid, date(2020, 6, 1))
    assert [m.zh for m in february] == ["产出数量"]
    ratings = ["微课堂品质", "课程推出频率", "教练员岗位培训", "党员素质"]
    assert [m.stream for m in june] == ["budget", "deliverables", "values", "values", "values", "values"]
    assert [m.indicator for m in june[2:]] == ratings
    upload(db, tmp_path, "rating.csv", f"项目名称,三级指标,月份,评级\n{TRAINING},微课堂品质,2020-06,达成\n")
    with read_connection(db) as con:
        june = _of(due.cells(con, config, 2020, 6, today=date(2020, 7, 1)), TRAINING, 6, "values")
    assert not june["filed"] and june["missing"] == ratings[1:] and june["state"] == "not_due"


def test_a_staff_members_to_do_list(db):
    with read_connection(db) as con:
        items = due.todo(con, load_config(con), "s1", today=date(2020, 3, 5))
    # 5 March: February is being filed (deadline 10 March).  IT: January's budget overdue, February's due;
    # 培训: February's deliverables due (January's two and February's budget are filed)
    shown = {
        (p, m.month, s, o)
        for p, m, s, o in zip(items["project"], items["month"], items["stream"], items["overdue"], strict=True)
    }
    assert shown == {(IT, 1, "budget", True), (IT, 2, "budget", False), (TRAINING, 2, "deliverables", False)}
    assert set(items["deadline"]) == {date(2020, 2, 10), date(2020, 3, 10)}
    with read_connection(db) as con:
        assert due.todo(con, load_config(con), "nobody", today=date(2020, 3, 5)).empty
    with write_transaction(db) as con:  # January returned to staff: its cells come back with the reason
        for action, reason in (("submit", None), ("return", "请补充1月培训记录")):
            con.execute(
                "INSERT INTO review_step VALUES (nextval('review_step_seq'), "
                "(SELECT project_id FROM project WHERE name = ?), ?, ?, 'x', now(), ?)",
                [TRAINING, date(2020, 1, 1), action, reason],
            )
    with read_connection(db) as con:
        items = due.todo(con, load_config(con), "s1", today=date(2020, 3, 5))
    returned = items[items["state"] == "returned"]
    assert returned["stream"].tolist() == ["budget", "deliverables"]
    assert set(returned["reason"]) == {"请补充1月培训记录"} and len(items) == 3 + 2


def test_a_to_date_row_covers_the_months_before_it(db, tmp_path):
    """A cumulative 1–3月执行数 files the budget of January to March."""
    upload(db, tmp_path, "to_date.csv", f"项目名称,月份,累计支出（元）\n{IT},2020-03,5000\n")
    cells = _cells(db, date(2020, 4, 11), month=3)
    assert [_of(cells, IT, m, "budget")["filed"] for m in (1, 2, 3)] == [True, True, True]


def test_cells_read_only(db):
    """The view only reads: a read-only connection is enough."""
    con = duckdb.connect(str(db), read_only=True)
    try:
        assert not due.cells(con, load_config(con), 2020, 1, today=date(2020, 2, 1)).empty
    finally:
        con.close()
