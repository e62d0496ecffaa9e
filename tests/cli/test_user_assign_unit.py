"""``perfboard user assign USER --unit 单位 [--department 主管部门]`` and ``--department`` alone
(docs/domain.md §10), beside the project form that keeps working."""

from __future__ import annotations

from helpers import run_cli
from unit_fixtures import DEPARTMENT, three_units

from core import db


def scope_rows(path) -> list[tuple]:
    with db.read_connection(path) as con:
        return con.execute("SELECT department, unit FROM unit_assignment WHERE username = 'demo-leader'").fetchall()


def test_user_assign_unit_and_department(demo_template, tmp_path):
    path = three_units(demo_template, tmp_path / "units.duckdb")
    out = run_cli("user", "assign", "demo-leader", "--unit", "乙单位", db=path, check=True)
    assert out.stdout.strip() == f"demo-leader: 乙单位（{DEPARTMENT}）"
    assert scope_rows(path) == [(DEPARTMENT, "乙单位")]

    out = run_cli("user", "assign", "demo-leader", "--department", DEPARTMENT, db=path, check=True)
    assert out.stdout.strip() == f"demo-leader: {DEPARTMENT}（全部单位）"
    assert scope_rows(path) == [(DEPARTMENT, "")]
    assert f"demo-leader\tleader\t上海体育文史业务经费、上海体育系统人员培训经费\t{DEPARTMENT}（全部单位）" in (
        run_cli("user", "list", db=path, check=True).stdout
    )

    refused = run_cli("user", "assign", "demo-leader", "--unit", "丁单位", db=path)
    assert refused.returncode == 2 and "已知的实施单位：丙单位、乙单位、甲单位" in refused.stderr
    assert scope_rows(path) == [(DEPARTMENT, "")]  # unchanged

    # the project form still works, and --no-unit clears the scope
    run_cli("user", "assign", "demo-leader", "--project", "上海体育公共服务经费", "--year", "2020", db=path, check=True)
    run_cli("user", "assign", "demo-leader", "--no-unit", db=path, check=True)
    assert scope_rows(path) == []
    bare = run_cli("user", "assign", "demo-leader", db=path)
    assert bare.returncode != 0 and "--unit" in bare.stderr
