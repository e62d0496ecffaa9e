"""``perfboard summaries``: the year-end 实际完成情况 drafted, confirmed as is or edited, and the final form refused
while a draft remains (cli/commands_summary.py, ingest/summaries.py, exports/forms.py)."""

from __future__ import annotations

import json

import duckdb
from helpers import run_cli

TRAINING = "上海体育系统人员培训经费"  # 6 indicators on the form


def _listing(db, project: str = TRAINING) -> dict:
    out = run_cli("summaries", "--year", "2020", "--project", project, "--format", "json", db=db, check=True)
    (found,) = json.loads(out.stdout)["projects"]
    return found


def _count(db, sql: str) -> int:
    con = duckdb.connect(str(db), read_only=True)
    try:
        return con.execute(sql).fetchone()[0]
    finally:
        con.close()


def test_drafts_are_listed_with_their_flag(demo_copy):
    found = _listing(demo_copy)
    assert [i["draft"] for i in found["indicators"]] == [True] * 6
    lesson = next(i for i in found["indicators"] if i["name"] == "党校微课堂")
    assert lesson["text"] == "全年完成党校微课堂50期，达到年度目标（目标≥48期）"
    assert found["summary_draft"] is False  # the demo's staff wrote the 年度总体目标
    table = run_cli("summaries", "--year", "2020", "--project", TRAINING, db=demo_copy, check=True).stdout
    assert "党校微课堂" in table and "草稿" in table


def test_confirm_as_is_edit_and_the_final_form(demo_copy, tmp_path):
    db = demo_copy
    final = ("export", "selfeval", "--year", "2020", "--project", TRAINING, "--final", "--out", str(tmp_path / "f"))
    refused = run_cli(*final, db=db)
    assert refused.returncode == 1
    assert "不能定稿" in refused.stderr and f"{TRAINING}：党校微课堂" in refused.stderr
    assert _count(db, "SELECT count(*) FROM selfeval_snapshot") == 0  # nothing recorded

    edited = "全年发布党校微课堂50期，超出年度目标2期"
    run_cli(
        "summaries", "confirm", "--year", "2020", "--project", TRAINING,
        "--indicator", "党校微课堂", "--text", edited, db=db, check=True,
    )  # fmt: skip
    found = _listing(db)
    lesson = next(i for i in found["indicators"] if i["name"] == "党校微课堂")
    assert (lesson["text"], lesson["draft"]) == (edited, False)
    assert sum(i["draft"] for i in found["indicators"]) == 5  # 6 − the one edited
    assert run_cli(*final, db=db).returncode == 1  # five drafts remain

    out = run_cli("summaries", "confirm", "--year", "2020", "--project", TRAINING, db=db, check=True)
    assert "已确认5条" in out.stdout  # the edited text is not confirmed again
    assert not any(i["draft"] for i in _listing(db)["indicators"])
    # 6 texts current; history kept through load_log and the audit trail (two confirmations)
    assert _count(db, "SELECT count(*) FROM indicator_summary WHERE replaced_by IS NULL") == 6
    assert _count(db, "SELECT count(*) FROM load_log WHERE kind = 'summary:confirm'") == 2
    assert _count(db, "SELECT count(*) FROM audit WHERE action = 'summary:confirm'") == 2

    done = run_cli(*final, db=db, check=True)
    assert "已定稿并记录快照" in done.stderr
    assert _count(db, "SELECT count(*) FROM selfeval_snapshot") == 1


def test_editing_again_keeps_the_earlier_text(demo_copy):
    db = demo_copy
    args = ("summaries", "confirm", "--year", "2020", "--project", TRAINING, "--indicator", "党员素质")
    run_cli(*args, "--text", "第一稿", db=db, check=True)
    run_cli(*args, "--text", "第二稿", db=db, check=True)
    texts = _count(db, "SELECT string_agg(text, '|' ORDER BY load_id) FROM indicator_summary")
    assert texts == "第一稿|第二稿"
    assert _count(db, "SELECT count(*) FROM indicator_summary WHERE replaced_by IS NULL") == 1


def test_staff_not_assigned_are_refused(demo_copy):
    db = demo_copy  # the demo's demo-staff is assigned 培训经费 and 文史业务经费, not 宣传服务经费
    args = ("summaries", "confirm", "--year", "2020", "--user", "demo-staff", "--project")
    refused = run_cli(*args, "上海体育宣传服务经费", db=db)
    assert refused.returncode == 2 and "无权确认这些项目的实际完成情况：上海体育宣传服务经费" in refused.stderr
    assert _count(db, "SELECT count(*) FROM indicator_summary") == 0
    assert _count(db, "SELECT count(*) FROM audit WHERE action = 'summary:confirm' AND outcome = 'refused'") == 1
    run_cli(*args, TRAINING, db=db, check=True)  # an assigned project: confirmed, in demo-staff's name
    assert (
        _count(
            db,
            "SELECT count(*) FROM audit WHERE action = 'summary:confirm' AND actor = 'demo-staff' AND outcome = 'done'",
        )
        == 1
    )


def test_an_unwritten_overall_summary_is_drafted_and_confirmed(demo_copy, tmp_path):
    db = demo_copy
    con = duckdb.connect(str(db))
    try:  # as if the staff had written no 年度总体目标实际完成情况
        con.execute(
            "DELETE FROM project_summary WHERE project_id = (SELECT project_id FROM project WHERE name = ?)", [TRAINING]
        )
    finally:
        con.close()
    found = _listing(db)
    # 2,077,650 ÷ 2,187,000 = 95%; 6 indicators, 5 green, 教练员岗位培训 yellow (部分达成)
    assert found["summary_draft"] is True
    assert found["summary"].startswith("全年预算执行率95%；6项绩效指标中5项达到年度目标，1项未完全达到：教练员岗位培训")
    final = ("export", "selfeval", "--year", "2020", "--project", TRAINING, "--final", "--out", str(tmp_path))
    refused = run_cli(*final, db=db)
    assert refused.returncode == 1 and f"{TRAINING}：年度总体目标" in refused.stderr
    run_cli("summaries", "confirm", "--year", "2020", "--project", TRAINING, db=db, check=True)
    assert _listing(db)["summary_draft"] is False
    assert (
        _count(db, "SELECT count(*) FROM project_summary WHERE replaced_by IS NULL AND month = DATE '2020-12-01'") == 5
    )
    run_cli(*final, db=db, check=True)  # nothing drafted remains: frozen
