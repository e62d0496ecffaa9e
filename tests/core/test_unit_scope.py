"""Accounts scoped to an implementing unit or a whole 主管部门 (docs/domain.md §10): what each sees and may
review, and the admin's ``assign_unit`` with its refusals and audit entry."""

from __future__ import annotations

import json
import shutil

import pytest
from unit_fixtures import DEPARTMENT, three_units

from core import accounts, db
from core.accounts import Actor, PermissionDenied

TRAINING, HISTORY, PUBLICITY = "上海体育系统人员培训经费", "上海体育文史业务经费", "上海体育宣传服务经费"
SERVICE, IT = "上海体育公共服务经费", "上海市体育局信息技术保障经费"


@pytest.fixture(scope="module")
def units_db(demo_template, tmp_path_factory):
    """Three units of 上海市体育局 (tests/unit_fixtures.py), built once for this module and only read."""
    return three_units(demo_template, tmp_path_factory.mktemp("units") / "units.duckdb")


@pytest.fixture
def units_copy(units_db, tmp_path):
    path = tmp_path / "units.duckdb"
    shutil.copyfile(units_db, path)
    return path


def ids_of(con, *names: str) -> set[int]:
    rows = con.execute("SELECT name, project_id FROM project").fetchall()
    return {p for n, p in rows if n in names}


def who(con, name: str) -> Actor:
    return accounts.actor(con, name)


def test_each_assignment_sees_its_units_projects(units_db):
    with db.read_connection(units_db) as con:
        assert who(con, "leader-a").units == {(DEPARTMENT, "甲单位")}  # the 主管部门 taken from the unit's projects
        assert accounts.visible_project_ids(con, who(con, "leader-a")) == ids_of(con, TRAINING)
        assert accounts.visible_project_ids(con, who(con, "leader-b")) == ids_of(con, HISTORY, PUBLICITY)
        every = ids_of(con, TRAINING, HISTORY, PUBLICITY, SERVICE, IT)
        assert accounts.visible_project_ids(con, who(con, "leader-dept")) == every
        # no unit assignment: the role's usual scope (everything); an admin always sees everything
        assert accounts.visible_project_ids(con, who(con, "demo-leader")) is None
        assert accounts.visible_project_ids(con, who(con, "demo-admin")) is None


def test_staff_keep_their_assigned_projects_and_write_only_those(units_copy):
    accounts.assign(units_copy, "staff-a", [])  # nothing to write for yet
    with db.read_connection(units_copy) as con:
        staff = who(con, "staff-a")
        assert accounts.visible_project_ids(con, staff) == ids_of(con, TRAINING)
        assert not staff.may_write(next(iter(ids_of(con, TRAINING))))  # seeing is not writing
        [service] = ids_of(con, SERVICE)
    accounts.assign(units_copy, "staff-a", [service])  # assigned a 丙单位 project: seen as well
    with db.read_connection(units_copy) as con:
        staff = who(con, "staff-a")
        assert accounts.visible_project_ids(con, staff) == ids_of(con, TRAINING, SERVICE)
        assert staff.may_write(service)


def test_who_may_review_whose_months(units_db):
    with db.read_connection(units_db) as con:
        [training], [history] = ids_of(con, TRAINING), ids_of(con, HISTORY)
        assert accounts.may_review(con, who(con, "leader-a"), training)
        assert not accounts.may_review(con, who(con, "leader-a"), history)  # unit A's leader, unit B's month
        assert accounts.may_review(con, who(con, "leader-b"), history)
        assert accounts.may_review(con, who(con, "leader-dept"), training)
        assert accounts.may_review(con, who(con, "leader-dept"), history)
        assert not accounts.may_review(con, who(con, "staff-a"), training)  # staff never review
        assert not accounts.may_review(con, who(con, "demo-staff"), training)
        assert accounts.may_review(con, who(con, "demo-admin"), history)  # an admin always


def rows(path) -> list[tuple]:
    with db.read_connection(path) as con:
        return con.execute("SELECT * FROM unit_assignment ORDER BY ALL").fetchall()


def last_audit(path) -> tuple:
    with db.read_connection(path) as con:
        return con.execute(
            "SELECT actor, action, target, outcome, before, after FROM audit ORDER BY audit_id DESC LIMIT 1"
        ).fetchone()


def test_assign_unit_is_audited_and_replaces_the_scope(units_copy):
    admin = Actor("demo-admin", "admin")
    accounts.assign_unit(units_copy, "leader-a", DEPARTMENT, None, by=admin)  # now the whole 主管部门
    actor_, action, target, outcome, before, after = last_audit(units_copy)
    assert (actor_, action, target, outcome) == ("demo-admin", "account:assign-unit", "leader-a", "done")
    assert json.loads(before) == [[DEPARTMENT, "甲单位"]] and json.loads(after) == [[DEPARTMENT, ""]]
    assert (("leader-a", DEPARTMENT, "") in rows(units_copy)) and ("leader-a", DEPARTMENT, "甲单位") not in rows(
        units_copy
    )
    accounts.assign_unit(units_copy, "leader-a", None, None, by=admin)  # cleared: the role's usual scope
    assert not [r for r in rows(units_copy) if r[0] == "leader-a"]
    with db.read_connection(units_copy) as con:
        assert accounts.visible_project_ids(con, who(con, "leader-a")) is None


def test_assign_unit_refuses_unknown_units_and_departments_listing_the_known(units_copy):
    before = rows(units_copy)
    with pytest.raises(ValueError, match="没有实施单位 丁单位；已知的实施单位：丙单位、乙单位、甲单位"):
        accounts.assign_unit(units_copy, "leader-a", None, "丁单位")
    with pytest.raises(ValueError, match="已知的主管部门：上海市体育局"):
        accounts.assign_unit(units_copy, "leader-a", "上海市教委", None)
    with pytest.raises(ValueError, match="主管部门 上海市教委 下没有实施单位 甲单位"):
        accounts.assign_unit(units_copy, "leader-a", "上海市教委", "甲单位")
    with pytest.raises(ValueError, match="账号 nobody 不存在"):
        accounts.assign_unit(units_copy, "nobody", None, "甲单位")
    with pytest.raises(PermissionDenied, match="无权执行：分配单位"):
        accounts.assign_unit(units_copy, "leader-a", None, "乙单位", by=Actor("leader-dept", "leader"))
    assert rows(units_copy) == before  # nothing written


def test_a_unit_of_a_table_without_a_department(demo_copy):
    """The demo states no 主管部门: its one unit is assigned with department '' and sees every project."""
    accounts.assign_unit(demo_copy, "demo-leader", None, "上海市体育宣传教育中心")
    assert rows(demo_copy) == [("demo-leader", "", "上海市体育宣传教育中心")]
    with db.read_connection(demo_copy) as con:
        assert len(accounts.visible_project_ids(con, who(con, "demo-leader"))) == 5
    with pytest.raises(ValueError, match="已知的主管部门：（无）"):
        accounts.assign_unit(demo_copy, "demo-leader", "上海市体育局", None)


def test_a_scoped_leader_reads_the_trail_of_their_units_projects(units_copy):
    from ingest.entry import enter_summary

    done = enter_summary(HISTORY, "2020-12", "全年完成", units_copy, actor=Actor("demo-admin", "admin"))
    with db.read_connection(units_copy) as con:
        seen_by_b = set(accounts.audit_trail(con, who(con, "leader-b"))["load_id"].dropna())
        seen_by_a = set(accounts.audit_trail(con, who(con, "leader-a"))["load_id"].dropna())
    assert done.load_id in seen_by_b  # 乙单位's project
    assert done.load_id not in seen_by_a
