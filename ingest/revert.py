"""Revert a correction: the rows an upload replaced come back, as a new revision (nothing is deleted)."""

from __future__ import annotations

from dataclasses import dataclass

from core.accounts import Actor, PermissionDenied, check_projects, local_operator, record, record_refusal
from core.db import log_load, write_transaction
from ingest.actual_kinds import KINDS
from ingest.review import MonthLocked, check_unlocked


class NothingToRevert(Exception):
    """The load replaced nothing that is still current, or is not an upload of actuals."""


@dataclass
class Reverted:
    load_id: int  # the new load that restores the earlier rows
    restored: int
    withdrawn: int


def revert_load(db_path, load_id: int, actor: Actor | None = None) -> Reverted:
    try:
        return _revert(db_path, load_id, actor)
    except (PermissionDenied, MonthLocked):
        record_refusal(db_path, actor or local_operator(), "revert", str(load_id))
        raise


def _revert(db_path, load_id: int, actor: Actor | None) -> Reverted:
    with write_transaction(db_path) as con:
        row = con.execute("SELECT kind, file_name FROM load_log WHERE load_id = ?", [load_id]).fetchall()
        if not row or not row[0][0].startswith(("actuals:", "revert:")):
            raise NothingToRevert(f"第 {load_id} 次写入不是实际数据上传，无法撤销")
        kind = KINDS[row[0][0].split(":", 1)[1]]
        table = kind.table
        current = con.execute(
            f"SELECT count(*) FROM {table} WHERE load_id = ? AND replaced_by IS NULL", [load_id]
        ).fetchall()[0][0]
        if current == 0:
            raise NothingToRevert(f"第 {load_id} 次上传的数据已被后来的上传替换，无法撤销")
        owner = "project_id" if "project_id" in _columns(con, table) else "indicator_id"
        if owner == "project_id":
            touched = f"SELECT DISTINCT project_id FROM {table} WHERE load_id = ? OR replaced_by = ?"
        else:
            touched = (
                f"SELECT DISTINCT i.project_id FROM {table} t JOIN indicator i USING (indicator_id) "
                "WHERE t.load_id = ? OR t.replaced_by = ?"
            )
        projects = {p for (p,) in con.execute(touched, [load_id, load_id]).fetchall()}
        names = dict(con.execute("SELECT project_id, name FROM project").fetchall())
        check_projects(actor, projects, names, "撤销这些项目的数据更正")
        _check_months(con, table, owner, load_id, f"撤销第{load_id}次上传（{row[0][1]}）")
        restored = con.execute(f"SELECT count(*) FROM {table} WHERE replaced_by = ?", [load_id]).fetchall()[0][0]
        new_id = log_load(
            con,
            f"revert:{kind.name}",
            f"撤销第{load_id}次上传（{row[0][1]}）",
            None,
            restored,
            detail=str(load_id),
            loaded_by=actor.username if actor else None,
        )
        con.execute(f"UPDATE {table} SET replaced_by = ? WHERE load_id = ? AND replaced_by IS NULL", [new_id, load_id])
        columns = [c for c in _columns(con, table) if c not in ("load_id", "replaced_by")]
        con.execute(
            f"INSERT INTO {table} ({', '.join(columns)}, load_id) SELECT {', '.join(columns)}, ? FROM {table} "
            "WHERE replaced_by = ?",
            [new_id, load_id],
        )
        record(
            con,
            actor or local_operator(),
            f"revert:{kind.name}",
            str(load_id),
            before={"withdrawn": current},
            after={"restored": restored},
            load_id=new_id,
        )
        return Reverted(new_id, restored, current)


def _check_months(con, table: str, owner: str, load_id: int, what: str) -> None:
    """The rows withdrawn and restored must not fall in an approved month (docs/domain.md §10)."""
    project = "t.project_id" if owner == "project_id" else "i.project_id"
    join = "" if owner == "project_id" else "JOIN indicator i USING (indicator_id)"
    keys = con.execute(
        f"SELECT DISTINCT {project}, t.month FROM {table} t {join} WHERE t.load_id = ? OR t.replaced_by = ?",
        [load_id, load_id],
    ).fetchall()
    check_unlocked(con, keys, what)


def _columns(con, table: str) -> list[str]:
    return [
        r[0]
        for r in con.execute(
            "SELECT column_name FROM information_schema.columns WHERE table_name = ? ORDER BY ordinal_position", [table]
        ).fetchall()
    ]
