"""The monthly cycle at the command line: completeness, submit → return → submit → approve, the lock, unlock.

The seed's projects with their bindings; 上海体育系统人员培训经费 (培训) files January: its budget and 4
micro-lectures.  Its 党校干部培训 (plan: 1 class by June) has none in January: expected 1 × 1/6, actual 0
→ 0% of expected, red.  Accounts: admin a1, leader l1, staff s1 (培训) and s2 (another project).
"""

from __future__ import annotations

import hashlib
import json
import shutil
from datetime import date

import duckdb
import pytest
from helpers import ROOT, SEED, run_cli, upload

from core import accounts
from core.config import load_config
from core.db import read_connection, write_transaction
from ingest.bindings import store_bindings
from ingest.target_store import load_targets

TRAINING, IT = "上海体育系统人员培训经费", "上海市体育局信息技术保障经费"
PASSWORD = "cycle-password"


@pytest.fixture(scope="module")
def january(tmp_path_factory):
    folder = tmp_path_factory.mktemp("cycle")
    path = folder / "cycle.duckdb"
    load_targets([SEED], path, load_config())
    with write_transaction(path) as con:
        store_bindings(con, ROOT / "data" / "bindings_2020.toml", 2020)
    upload(path, folder, "budget.csv", f"项目名称,月份,当月支出（元）\n{TRAINING},2020-01,43740\n")
    upload(path, folder, "deliverables.csv", f"项目名称,月份,事项,数量\n{TRAINING},2020-01,党校微课堂,4\n")
    with read_connection(path) as con:
        ids = dict(con.execute("SELECT name, project_id FROM project").fetchall())
    for name, role in (("a1", "admin"), ("l1", "leader"), ("s1", "staff"), ("s2", "staff")):
        accounts.add_user(path, name, PASSWORD, role)
    accounts.assign(path, "s1", [ids[TRAINING]])
    accounts.assign(path, "s2", [ids[IT]])
    return path


@pytest.fixture
def db(january, tmp_path):
    path = tmp_path / "cycle.duckdb"
    shutil.copyfile(january, path)
    return path


def cycle(db, step: str, *extra: str, month: str = "2020-01", project: str = TRAINING):
    return run_cli(step, "--project", project, "--month", month, *extra, db=db)


def fingerprint(db) -> dict:
    """Every table but the audit trail (refusals are audited) and meta (its data version): rows and a digest."""
    con = duckdb.connect(str(db), read_only=True)
    try:
        tables = [
            t
            for (t,) in con.execute(
                "SELECT table_name FROM duckdb_tables() WHERE table_name NOT IN ('audit', 'meta')"
            ).fetchall()
        ]
        out = {}
        for t in tables:
            rows = sorted(map(repr, con.execute(f"SELECT * FROM {t}").fetchall()))
            out[t] = (len(rows), hashlib.sha256("\n".join(rows).encode()).hexdigest())
        return out
    finally:
        con.close()


def refusals(db, action: str) -> int:
    con = duckdb.connect(str(db), read_only=True)
    try:
        return con.execute("SELECT count(*) FROM audit WHERE outcome = 'refused' AND action = ?", [action]).fetchone()[
            0
        ]
    finally:
        con.close()


def explain(db, tmp_path) -> None:
    upload(
        db,
        tmp_path,
        "reason.csv",
        "项目名称,三级指标,月份,完成目标可能性,偏差原因,纠偏措施\n"
        f"{TRAINING},党校干部培训,2020-01,有可能,疫情期间暂停集中培训,下半年集中办班\n",
    )


def test_completeness_table_and_json(db):
    out = run_cli("completeness", "--year", "2020", "--month", "2020-01", db=db, check=True).stdout
    assert "2020年1–1月填报进度" in out
    line = next(x for x in out.splitlines() if x.startswith(TRAINING) and "产出数量" in x)
    assert "已报" in line
    data = json.loads(run_cli("completeness", "--month", "2020-01", "--format", "json", db=db, check=True).stdout)
    assert data["year"] == 2020 and data["month"] == "2020-01" and data["deadline_day"] == 10
    by_name = {p["name"]: p for p in data["projects"]}
    training = by_name[TRAINING]["months"][0]
    assert training["deadline"] == "2020-02-10" and training["review_state"] == "open"
    assert [(s["stream"], s["state"]) for s in training["streams"]] == [("budget", "filed"), ("deliverables", "filed")]
    # IT filed nothing; its deadline (10 February 2020) has long passed: 逾期
    assert [(s["stream"], s["state_label"]) for s in by_name[IT]["months"][0]["streams"]] == [("budget", "逾期")]
    assert by_name[IT]["not_filed"] == 1 and by_name[IT]["on_time_rate"] == 0.0
    # 培训's two cells were loaded today, long after 10 February 2020: filed, late
    assert (by_name[TRAINING]["due"], by_name[TRAINING]["late"]) == (2, 2)


def test_submit_refused_while_a_red_light_lacks_its_reason_then_accepted(db, tmp_path):
    refused = cycle(db, "submit")
    assert refused.returncode == 1
    assert "党校干部培训（红灯）缺偏差原因、纠偏措施" in refused.stderr
    assert f"项目“{TRAINING}”2020年1月" in refused.stderr
    assert refusals(db, "review:submit") == 1
    english = run_cli("submit", "--project", TRAINING, "--month", "2020-01", "--lang", "en", db=db)
    assert "党校干部培训 (red) lacks its deviation reason, corrective measures" in english.stderr
    explain(db, tmp_path)
    done = cycle(db, "submit", "--as", "s1")
    assert done.returncode == 0, done.stderr
    assert "提交（s1），现为已提交待审核" in done.stdout
    again = cycle(db, "submit")
    assert again.returncode == 1 and "当前为“已提交待审核”，不能提交" in again.stderr


def test_submit_refused_while_a_stream_is_missing(db):
    refused = cycle(db, "submit", month="2020-02")
    assert refused.returncode == 1
    assert "尚有应报数据未填报" in refused.stderr and "预算执行；产出数量" in refused.stderr


def test_return_with_a_reason_then_approve_locks_the_month(db, tmp_path):
    explain(db, tmp_path)
    assert cycle(db, "submit", "--as", "s1").returncode == 0
    no_reason = cycle(db, "return", "--as", "l1")
    assert no_reason.returncode == 1 and "须填写原因" in no_reason.stderr
    returned = cycle(db, "return", "--as", "l1", "--reason", "请补充培训延期的具体安排")
    assert returned.returncode == 0 and "现为已退回" in returned.stdout
    with read_connection(db) as con:
        from metrics.review_state import month_states

        states = month_states(con, 2020)
    assert states.iloc[-1][["state", "actor", "reason"]].tolist() == ["returned", "l1", "请补充培训延期的具体安排"]
    assert cycle(db, "approve", "--as", "l1").returncode == 1  # returned, not submitted
    assert cycle(db, "submit", "--as", "s1").returncode == 0
    approved = cycle(db, "approve", "--as", "l1")
    assert approved.returncode == 0 and "现为已审核" in approved.stdout

    before = fingerprint(db)
    again = tmp_path / "budget_again.csv"
    again.write_text(f"项目名称,月份,当月支出（元）\n{TRAINING},2020-01,50000\n", encoding="utf-8")
    refused = run_cli("ingest", "actuals", str(again), db=db)
    assert refused.returncode == 1
    assert f"项目“{TRAINING}”2020年1月已由 l1 于" in refused.stderr
    assert "审核通过并锁定，如需修改请联系管理员解锁" in refused.stderr
    assert fingerprint(db) == before
    assert refusals(db, "upload") == 1

    from ingest.entry import Entry, enter_value
    from ingest.review import MonthLocked

    with pytest.raises(MonthLocked) as locked:
        enter_value(Entry(TRAINING, "微课堂品质", "2020-01", rating="达成"), db)
    assert "2020年1月已由 l1" in locked.value.format("zh") and "was approved and locked by l1" in locked.value.format(
        "en"
    )
    assert fingerprint(db) == before

    from ingest.revert import revert_load

    con = duckdb.connect(str(db), read_only=True)
    (load_id,) = con.execute("SELECT load_id FROM load_log WHERE file_name = 'deliverables.csv'").fetchone()
    con.close()
    with pytest.raises(MonthLocked):
        revert_load(db, load_id)
    assert fingerprint(db) == before
    assert refusals(db, "revert") == 1

    from ingest.entry import enter_row

    adjustment = {"project": TRAINING, "month": "2020-01", "budget": "2000000", "reason": "预算调减"}
    with pytest.raises(MonthLocked):
        enter_row("budget_adjustment", adjustment, db)
    assert fingerprint(db) == before
    # another month of the same project is not locked
    february = tmp_path / "february.csv"
    february.write_text(f"项目名称,月份,当月支出（元）\n{TRAINING},2020-02,50000\n", encoding="utf-8")
    assert run_cli("ingest", "actuals", str(february), db=db).returncode == 0


def test_unlock_by_an_admin_only_with_a_reason(db, tmp_path):
    explain(db, tmp_path)
    for step, who in (("submit", "s1"), ("approve", "a1")):
        assert cycle(db, step, "--as", who).returncode == 0
    leader = cycle(db, "unlock", "--as", "l1", "--reason", "更正")
    assert leader.returncode == 1 and "l1（领导）无权解锁" in leader.stderr
    assert cycle(db, "unlock", "--as", "s1", "--reason", "更正").returncode == 1
    assert "须填写原因" in cycle(db, "unlock", "--as", "a1").stderr
    assert refusals(db, "review:unlock") == 3
    done = cycle(db, "unlock", "--as", "a1", "--reason", "1月支出数据更正")
    assert done.returncode == 0 and "现为未提交" in done.stdout
    fixed = tmp_path / "fixed.csv"
    fixed.write_text(f"项目名称,月份,当月支出（元）\n{TRAINING},2020-01,50000\n", encoding="utf-8")
    assert run_cli("ingest", "actuals", str(fixed), db=db).returncode == 0
    con = duckdb.connect(str(db), read_only=True)
    trail = con.execute(
        "SELECT actor, action, outcome FROM audit WHERE action LIKE 'review:%' AND outcome = 'done' ORDER BY audit_id"
    ).fetchall()
    con.close()
    assert trail == [("s1", "review:submit", "done"), ("a1", "review:approve", "done"), ("a1", "review:unlock", "done")]


def test_who_may_take_which_step(db, tmp_path):
    explain(db, tmp_path)
    other = cycle(db, "submit", "--as", "s2")  # s2 is not assigned to 培训
    assert other.returncode == 1 and "s2（填报人员）无权提交" in other.stderr
    assert "s1" not in other.stderr
    leader = cycle(db, "submit", "--as", "l1")
    assert leader.returncode == 1 and "无权提交" in leader.stderr
    assert cycle(db, "submit", "--as", "s1").returncode == 0
    staff = cycle(db, "approve", "--as", "s1")
    assert staff.returncode == 1 and "s1（填报人员）无权审核通过" in staff.stderr
    assert cycle(db, "approve", "--as", "nobody").returncode == 2  # no such account: a usage error
    assert refusals(db, "review:submit") == 2 and refusals(db, "review:approve") == 1


def test_may_review_is_the_one_scoping_question(db, monkeypatch):
    """Approving asks core.accounts.may_review, whatever it answers (unit scoping lives there)."""
    from ingest import review

    monkeypatch.setattr(review, "may_review", lambda con, actor, project_id: False)
    with write_transaction(db) as con:
        con.execute(
            "INSERT INTO review_step VALUES (nextval('review_step_seq'), "
            "(SELECT project_id FROM project WHERE name = ?), ?, 'submit', 's1', now(), NULL)",
            [TRAINING, date(2020, 1, 1)],
        )
    with pytest.raises(review.ReviewRefused) as refused:
        review.approve(db, TRAINING, "2020-01", accounts.Actor("a1", "admin"))
    assert "a1（管理员）无权审核通过" in refused.value.zh


def test_a_page_can_ask_before_it_writes(db, tmp_path):
    """``upload_locks`` names the locked months an upload's rows touch, for a preview; ids may be numpy's."""
    import numpy as np

    from ingest.actuals import check_read, read_upload
    from ingest.review import approve, submit, upload_locks

    explain(db, tmp_path)
    with read_connection(db) as con:
        pid = con.execute("SELECT project_id FROM project WHERE name = ?", [TRAINING]).fetchone()[0]
    submit(db, np.int64(pid), date(2020, 1, 15), accounts.Actor("s1", "staff", frozenset({pid})), config=load_config())
    approve(db, TRAINING, "2020-01", accounts.Actor("a1", "admin"))
    path = tmp_path / "rating.csv"
    path.write_text(f"项目名称,三级指标,月份,评级\n{TRAINING},微课堂品质,2020-01,达成\n", encoding="utf-8")
    upload, table = read_upload(path)
    with read_connection(db) as con:
        checked = check_read(con, upload, table)
        (problem,) = upload_locks(con, checked.rows, checked.file)
    assert problem.format("zh").startswith(f"rating.csv：项目“{TRAINING}”2020年1月已由 a1 于")


def test_the_half_year_asks_the_likelihood_too(db, tmp_path):
    """With January as a likelihood month, a reason and measures without 完成目标可能性 are not enough."""
    from dataclasses import replace

    from core.config import Cycle
    from metrics.explanations import missing_explanations

    upload(
        db,
        tmp_path,
        "reason.csv",
        "项目名称,三级指标,月份,实际值,偏差原因,纠偏措施\n"
        f"{TRAINING},党校干部培训,2020-01,0,疫情期间暂停集中培训,下半年集中办班\n",
    )
    config = load_config()
    with read_connection(db) as con:
        pid = con.execute("SELECT project_id FROM project WHERE name = ?", [TRAINING]).fetchone()[0]
        as_filed = missing_explanations(con, config, 2020, 1, [pid])
        half_year = replace(config, cycle=Cycle(deadline_day=10, likelihood_months=(1,)))
        (lacking,) = missing_explanations(con, half_year, 2020, 1, [pid])[pid]
    assert as_filed == {}  # January is not the half-year: reason and measures suffice
    assert lacking.lacks == ("likelihood",) and lacking.zh == "党校干部培训（红灯）缺完成目标可能性"
