"""Three implementing units under one 主管部门, made from a copy of the session's demo database.

The demo is one unit (上海市体育宣传教育中心, no 主管部门 stated); the tests of unit scoping
(docs/domain.md §10) spread its five projects over three units of 上海市体育局 and add one account per
scope.  Budgets (当年预算, yuan) of the demo's projects, for the hand-worked roll-ups:

- 甲单位: 上海体育系统人员培训经费 2,187,000
- 乙单位: 上海体育文史业务经费 35,987,000; 上海体育宣传服务经费 7,700,000
- 丙单位: 上海体育公共服务经费 2,150,040; 上海市体育局信息技术保障经费 3,890,000
"""

from __future__ import annotations

import shutil
from pathlib import Path

import duckdb
from dash_helpers import PASSWORD

from core import accounts

DEPARTMENT = "上海市体育局"
UNITS = {
    "上海体育系统人员培训经费": "甲单位",
    "上海体育文史业务经费": "乙单位",
    "上海体育宣传服务经费": "乙单位",
    "上海体育公共服务经费": "丙单位",
    "上海市体育局信息技术保障经费": "丙单位",
}
# account → (role, 主管部门 or None, unit or None): leaders of 甲 and 乙, the 主管部门's leader, staff of 甲
SCOPED = {
    "leader-a": ("leader", None, "甲单位"),
    "leader-b": ("leader", DEPARTMENT, "乙单位"),
    "leader-dept": ("leader", DEPARTMENT, None),
    "staff-a": ("staff", None, "甲单位"),
}


def three_units(template: Path, path: Path) -> Path:
    """A copy of the demo at ``path`` with three units under 上海市体育局 and the ``SCOPED`` accounts."""
    shutil.copyfile(template, path)
    wal = template.with_name(template.name + ".wal")
    if wal.exists():
        shutil.copyfile(wal, path.with_name(path.name + ".wal"))
    con = duckdb.connect(str(path))
    try:
        for name, unit in UNITS.items():
            con.execute("UPDATE project SET unit = ?, department = ? WHERE name = ?", [unit, DEPARTMENT, name])
        con.execute("CHECKPOINT")
    finally:
        con.close()
    for user, (role, department, unit) in SCOPED.items():
        accounts.add_user(path, user, PASSWORD, role)
        accounts.assign_unit(path, user, department, unit)
    return path


def project_ids(path: Path) -> dict[str, int]:
    con = duckdb.connect(str(path), read_only=True)
    try:
        return dict(con.execute("SELECT name, project_id FROM project").fetchall())
    finally:
        con.close()
