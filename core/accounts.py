"""Accounts, roles and sessions; who may write what; and the audit trail of every change.

Passwords are stored as Argon2id hashes (argon2-cffi); session tokens are random and only
their SHA-256 is stored.  Roles: ``leader`` views everything and downloads exports,
``staff`` also writes for the projects assigned to them, ``admin`` writes everything and
manages accounts.  The command line acts as the local operator (``PERFBOARD_USER``),
with admin rights, since it already holds the database file.
"""

from __future__ import annotations

import hashlib
import json
import secrets
from dataclasses import dataclass
from datetime import date, datetime, timedelta

import duckdb
from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError, VerifyMismatchError

from core import db
from core.config import load_config

ROLES = ("leader", "staff", "admin")
ROLE_ZH = {"leader": "领导", "staff": "填报人员", "admin": "管理员"}
_HASHER = PasswordHasher()


class AuthError(Exception):
    """Sign-in failed; the message never says whether the name or the password was wrong."""


class PermissionDenied(Exception):
    """An actor tried to change what their role or assignments do not allow (the refusal is audited)."""


@dataclass(frozen=True)
class Actor:
    username: str
    role: str
    project_ids: frozenset[int] = frozenset()
    units: frozenset[tuple[str, str]] = frozenset()  # (主管部门, 实施单位 or '' for the whole 主管部门)

    def may_write(self, project_id: int) -> bool:
        return self.role == "admin" or (self.role == "staff" and project_id in self.project_ids)

    @property
    def is_admin(self) -> bool:
        return self.role == "admin"


def local_operator() -> Actor:
    """Who the command line acts as: the named local operator, with admin rights."""
    return Actor(db.operator_name(), "admin")


def _cfg():
    """The sign-in settings (the file's [auth]; admins cannot override them in the database)."""
    return load_config().auth


def _now() -> datetime:
    return datetime.now().replace(microsecond=0)


def record(
    con: duckdb.DuckDBPyConnection,
    actor: Actor | str,
    action: str,
    target: str | None = None,
    outcome: str = "done",
    before=None,
    after=None,
    load_id: int | None = None,
) -> None:
    """One audit entry inside the caller's transaction: who, what, on what, and before and after."""
    name = actor.username if isinstance(actor, Actor) else actor

    def dump(v):
        return None if v is None else json.dumps(v, ensure_ascii=False, default=str)

    con.execute(
        "INSERT INTO audit (audit_id, actor, action, target, outcome, before, after, load_id) "
        "VALUES (nextval('audit_id_seq'), ?, ?, ?, ?, ?, ?, ?)",
        [name, action, target, outcome, dump(before), dump(after), load_id],
    )


def record_refusal(db_path, actor: Actor, action: str, target: str) -> None:
    """A refused write is logged in a transaction of its own (the refused one was rolled back)."""
    with db.write_transaction(db_path) as con:
        record(con, actor, action, target, outcome="refused")


def require_admin(actor: Actor | None, action: str) -> None:
    if actor is not None and not actor.is_admin:
        raise PermissionDenied(f"{actor.username}（{ROLE_ZH.get(actor.role, actor.role)}）无权执行：{action}")


def check_projects(actor: Actor | None, project_ids: set[int], names: dict[int, str], action: str) -> None:
    """Every project touched must be writable by the actor (None: the local operator)."""
    if actor is None:
        return
    refused = sorted(names.get(p, str(p)) for p in project_ids if not actor.may_write(p))
    if refused:
        raise PermissionDenied(
            f"{actor.username}（{ROLE_ZH.get(actor.role, actor.role)}）无权{action}：{'、'.join(refused)}"
        )


# -- accounts ---------------------------------------------------------------------------------------
def add_user(db_path, username: str, password: str, role: str, by: Actor | None = None) -> None:
    require_admin(by, "创建账号")
    username = username.strip()
    if role not in ROLES:
        raise ValueError(f"role must be one of {', '.join(ROLES)}")
    if not username or len(username) > 64 or any(ch.isspace() or ord(ch) < 32 for ch in username):
        raise ValueError("账号名不能为空、不能含空白或控制字符，且不超过64个字符")
    if len(password) < _cfg().min_password_length:
        raise ValueError(f"密码至少{_cfg().min_password_length}位")
    with db.write_transaction(db_path) as con:
        if con.execute("SELECT 1 FROM account WHERE username = ?", [username]).fetchall():
            raise ValueError(f"账号 {username} 已存在")
        con.execute(
            "INSERT INTO account (username, role, password_hash) VALUES (?, ?, ?)",
            [username, role, _HASHER.hash(password)],
        )
        record(con, by or local_operator(), "account:add", username, after={"role": role})


def set_password(db_path, username: str, password: str, by: Actor | None = None) -> None:
    require_admin(by, "重设密码")
    if len(password) < _cfg().min_password_length:
        raise ValueError(f"密码至少{_cfg().min_password_length}位")
    with db.write_transaction(db_path) as con:
        con.execute(
            "UPDATE account SET password_hash = ?, failed = 0, locked_until = NULL WHERE username = ?",
            [_HASHER.hash(password), username],
        )
        con.execute("DELETE FROM web_session WHERE username = ?", [username])
        record(con, by or local_operator(), "account:password", username)


def assign(db_path, username: str, project_ids: list[int], by: Actor | None = None) -> None:
    """The projects a staff account may write for, or a leader oversees (replaces the earlier assignment)."""
    require_admin(by, "分配项目")
    with db.write_transaction(db_path) as con:
        before = [
            p
            for (p,) in con.execute(
                "SELECT project_id FROM assignment WHERE username = ? ORDER BY 1", [username]
            ).fetchall()
        ]
        con.execute("DELETE FROM assignment WHERE username = ?", [username])
        if project_ids:
            con.executemany("INSERT INTO assignment VALUES (?, ?)", [(username, p) for p in sorted(set(project_ids))])
        record(con, by or local_operator(), "account:assign", username, before=before, after=sorted(set(project_ids)))


def _unit_rows(con: duckdb.DuckDBPyConnection, username: str) -> frozenset[tuple[str, str]]:
    return frozenset(
        (d, u)
        for d, u in con.execute(
            "SELECT department, unit FROM unit_assignment WHERE username = ?", [username]
        ).fetchall()
    )


def unit_label(department: str, unit: str) -> str:
    """How an assignment reads: the unit (with its 主管部门 when known), or the whole 主管部门."""
    if not unit:
        return f"{department}（全部单位）"
    return f"{unit}（{department}）" if department else unit


def assign_unit(db_path, username: str, department: str | None, unit: str | None, by: Actor | None = None) -> None:
    """Scope an account to one 实施单位 or, with no unit, to a whole 主管部门 (replaces the earlier unit scope).

    Both None clears it: the account keeps its role's usual scope.  A unit without a 主管部门 takes the one its
    projects state (none when they state none).  An unknown unit or 主管部门 is refused with the known ones
    listed, and nothing is written (docs/domain.md §10).
    """
    require_admin(by, "分配单位")
    department = (department or "").strip() or None
    unit = (unit or "").strip() or None
    with db.write_transaction(db_path) as con:
        if not con.execute("SELECT 1 FROM account WHERE username = ?", [username]).fetchall():
            raise ValueError(f"账号 {username} 不存在")
        known = con.execute("SELECT DISTINCT unit, coalesce(department, '') FROM project ORDER BY 2, 1").fetchall()
        row: tuple[str, str] | None = None
        if unit is not None:
            homes = sorted({d for u, d in known if u == unit and (department is None or d in (department, ""))})
            if not homes:
                names = "、".join(sorted({u for u, d in known if department is None or d in (department, "")}))
                where = f"主管部门 {department} 下" if department else ""
                raise ValueError(f"{where}没有实施单位 {unit}；已知的实施单位：{names or '（无）'}")
            stated = [d for d in homes if d]
            if department is None and len(stated) > 1:
                raise ValueError(f"实施单位 {unit} 属于多个主管部门（{'、'.join(stated)}），请用 --department 指明")
            row = (department or (stated[0] if stated else ""), unit)
        elif department is not None:
            departments = sorted({d for _, d in known if d})
            if department not in departments:
                raise ValueError(f"没有主管部门 {department}；已知的主管部门：{'、'.join(departments) or '（无）'}")
            row = (department, "")
        before = sorted(_unit_rows(con, username))
        con.execute("DELETE FROM unit_assignment WHERE username = ?", [username])
        if row is not None:
            con.execute("INSERT INTO unit_assignment VALUES (?, ?, ?)", [username, *row])
        record(
            con,
            by or local_operator(),
            "account:assign-unit",
            username,
            before=[list(r) for r in before],
            after=[list(row)] if row else [],
        )


def users(con: duckdb.DuckDBPyConnection) -> list[dict]:
    rows = con.execute(
        "SELECT a.username, a.role, a.failed, a.locked_until, "
        "coalesce(list(p.name ORDER BY p.project_id) FILTER (WHERE p.name IS NOT NULL), []) "
        "FROM account a LEFT JOIN assignment s USING (username) LEFT JOIN project p USING (project_id) "
        "GROUP BY ALL ORDER BY a.username"
    ).fetchall()
    units: dict[str, list[str]] = {}
    for name, d, u in con.execute(
        "SELECT username, department, unit FROM unit_assignment ORDER BY username, department, unit"
    ).fetchall():
        units.setdefault(name, []).append(unit_label(d, u))
    return [
        {"username": u, "role": r, "failed": f, "locked_until": lk, "projects": list(ps), "units": units.get(u, [])}
        for u, r, f, lk, ps in rows
    ]


def actor(con: duckdb.DuckDBPyConnection, username: str) -> Actor | None:
    row = con.execute("SELECT role FROM account WHERE username = ?", [username]).fetchall()
    if not row:
        return None
    projects = frozenset(
        p for (p,) in con.execute("SELECT project_id FROM assignment WHERE username = ?", [username]).fetchall()
    )
    return Actor(username, row[0][0], projects, _unit_rows(con, username))


def visible_project_ids(con: duckdb.DuckDBPyConnection, actor: Actor) -> set[int] | None:
    """The projects ``actor`` may see (every year), or None for all of them.

    An account with no unit assignment, and every admin, sees every project (the role's usual scope).  A unit
    assignment narrows it to the projects of that 实施单位 (``project.unit``; a project stating another
    主管部门 is not the unit's) or, with unit '', of the whole 主管部门 (``project.department``); a staff
    member also keeps the projects assigned to them (docs/domain.md §10).  Every page and export scopes with
    this one function.
    """
    if actor.is_admin or not actor.units:
        return None
    rows = [[d, u] for d, u in sorted(actor.units)]
    seen = con.execute(
        """
        SELECT DISTINCT p.project_id FROM project p JOIN (SELECT unnest(?) AS pair) s ON
            (s.pair[2] = '' AND p.department = s.pair[1])
            OR (s.pair[2] <> '' AND p.unit = s.pair[2]
                AND (s.pair[1] = '' OR coalesce(p.department, '') IN (s.pair[1], '')))
        """,
        [rows],
    ).fetchall()
    return {p for (p,) in seen} | set(actor.project_ids)


def may_review(con: duckdb.DuckDBPyConnection, actor: Actor, project_id: int) -> bool:
    """Whether ``actor`` may approve or return the project's months: an admin, or a leader who oversees it."""
    if actor.role == "admin":
        return True
    if actor.role != "leader":
        return False
    visible = visible_project_ids(con, actor)
    return visible is None or project_id in visible


# -- signing in -------------------------------------------------------------------------------------
UNKNOWN = "unknown"  # who a failed sign-in names when no such account exists: never the text typed
SIGN_IN_FAILED = {
    # one answer for a wrong password, a locked account and an unknown name: it tells nothing about the account
    "zh": "登录失败：账号或密码错误，或该账号因多次失败已被暂时锁定。请稍后再试。",
    "en": "Sign-in failed: wrong name or password, or the account is locked for a while after repeated failures. "
    "Try again later.",
}


def authenticate(db_path, username: str, password: str, now: datetime | None = None) -> Actor:
    """Check the password; five failures in a row lock the account for 15 minutes (configurable).

    The failure count and the audit entry are committed before the refusal is raised.  An unknown name is
    recorded as ``unknown`` (a password typed into the name field is never stored), and every refusal raises
    the same message, so the answer does not tell whether an account exists or is locked.
    """
    cfg, now = _cfg(), now or _now()
    refused = True
    with db.write_transaction(db_path, bump=False) as con:  # sessions and sign-in audits: no data changed
        row = con.execute(
            "SELECT password_hash, failed, locked_until FROM account WHERE username = ?", [username]
        ).fetchall()
        if not row:
            _HASHER.hash(password)  # spend the same time as for a real account
            record(con, UNKNOWN, "sign-in", UNKNOWN, outcome="refused")
        else:
            stored, failed, locked_until = row[0]
            right = _verify(stored, password)  # checked even when locked: the same time either way
            if locked_until and locked_until > now:
                record(con, username, "sign-in", username, outcome="refused", after={"locked_until": locked_until})
            elif not right:
                failed += 1
                lock = now + timedelta(minutes=cfg.lockout_minutes) if failed >= cfg.max_failures else None
                con.execute(
                    "UPDATE account SET failed = ?, locked_until = ? WHERE username = ?",
                    [0 if lock else failed, lock, username],
                )
                record(
                    con,
                    username,
                    "sign-in",
                    username,
                    outcome="refused",
                    after={"failed": failed, "locked_until": lock},
                )
            else:
                con.execute("UPDATE account SET failed = 0, locked_until = NULL WHERE username = ?", [username])
                record(con, username, "sign-in", username)
                who = actor(con, username)
                refused = False
    if refused:
        raise AuthError(SIGN_IN_FAILED["zh"])
    return who


def _verify(stored: str, password: str) -> bool:
    try:
        return _HASHER.verify(stored, password)
    except (VerifyMismatchError, VerificationError, InvalidHashError):
        return False


# -- sessions: a random token, stored only as a hash bound to the browser that signed in ------------------
def fingerprint(user_agent: str | None) -> str:
    """What a session is bound to: a hash of the browser's user agent (the same browser sends the same)."""
    return hashlib.sha256(f"user-agent:{user_agent or ''}".encode()).hexdigest()[:32]


def start_session(
    db_path, who: Actor, now: datetime | None = None, user_agent: str | None = "", replaces: str | None = None
) -> str:
    """A new token for ``who`` in this browser; the token presented before signing in (``replaces``) is ended.

    A fresh token on every sign-in means a token planted or seen before (session fixation) is never the one
    that carries the signed-in session.  Expired sessions are cleared at the same time.
    """
    token = secrets.token_urlsafe(32)
    now = now or _now()
    with db.write_transaction(db_path, bump=False) as con:
        con.execute("DELETE FROM web_session WHERE expires_at <= ?", [now])
        if replaces:
            con.execute("DELETE FROM web_session WHERE token_hash = ?", [_digest(replaces, user_agent)])
        con.execute(
            "INSERT INTO web_session VALUES (?, ?, ?, ?)",
            [_digest(token, user_agent), who.username, now, now + timedelta(hours=_cfg().session_hours)],
        )
    return token


def resume_session(
    con: duckdb.DuckDBPyConnection, token: str | None, now: datetime | None = None, user_agent: str | None = ""
) -> Actor | None:
    """The actor of a live session; None when the token is unknown, expired, or comes from another browser."""
    if not isinstance(token, str) or not token:
        return None
    row = con.execute(
        "SELECT username FROM web_session WHERE token_hash = ? AND expires_at > ?",
        [_digest(token, user_agent), now or _now()],
    ).fetchall()
    return actor(con, row[0][0]) if row else None


def end_session(db_path, token: str, user_agent: str | None = "") -> None:
    digest = _digest(token, user_agent)
    with db.write_transaction(db_path, bump=False) as con:
        row = con.execute("SELECT username FROM web_session WHERE token_hash = ?", [digest]).fetchall()
        con.execute("DELETE FROM web_session WHERE token_hash = ?", [digest])
        if row:
            record(con, row[0][0], "sign-out", row[0][0])


def _digest(token: str, user_agent: str | None) -> str:
    """The stored key of a session: the token's hash together with the browser's fingerprint.

    Binding them in one hash means a token copied into another browser finds no session, and the schema
    needs no column of its own for the fingerprint.
    """
    return hashlib.sha256(f"{fingerprint(user_agent)}:{token}".encode()).hexdigest()


# -- the audit trail as each role may read it ----------------------------------------------------------
def _touched_by_load(con: duckdb.DuckDBPyConnection) -> str:
    """SQL for (load_id, project_id): every project a load wrote or replaced rows of, over every data table.

    Read from the schema (a table with ``load_id``, ``replaced_by`` and a project or an indicator), so a
    new data table is covered without a list to keep up to date.
    """
    columns: dict[str, set[str]] = {}
    for table, column in con.execute(
        "SELECT table_name, column_name FROM duckdb_columns() WHERE schema_name = 'main' AND NOT internal"
    ).fetchall():
        columns.setdefault(table, set()).add(column)
    parts = []
    for table, cols in sorted(columns.items()):
        if not {"load_id", "replaced_by"} <= cols:
            continue
        if "project_id" in cols:
            source = f"{table} t"
        elif "indicator_id" in cols:
            source = f"{table} t JOIN indicator i USING (indicator_id)"
        else:
            continue
        parts += [f"SELECT t.load_id, project_id FROM {source}", f"SELECT t.replaced_by, project_id FROM {source}"]
    return " UNION ALL ".join(parts)


def audit_trail(
    con: duckdb.DuckDBPyConnection,
    viewer: Actor,
    who: str | None = None,
    action: str | None = None,
    since: date | None = None,
    until: date | None = None,
    limit: int = 2000,
):
    """The audit entries ``viewer`` may read, newest first (a DataFrame).

    An admin reads everything; a leader reads the trail of the projects assigned to them, or of their unit's
    projects when scoped to a unit (uploads, entries, reverts: the loads that wrote or replaced their rows);
    staff read none (PermissionDenied).  Sign-in refusals recorded before unknown names were hidden show as
    ``unknown``.
    """
    if viewer.role not in ("admin", "leader"):
        raise PermissionDenied(f"{viewer.username}（{ROLE_ZH.get(viewer.role, viewer.role)}）无权查看审计记录")
    where, params = [], []
    if since is not None:
        where.append("happened_at >= ?")
        params.append(since)
    if until is not None:
        where.append("happened_at < ? + INTERVAL 1 DAY")
        params.append(until)
    if who:
        where.append("actor = ?")
        params.append(who)
    if action:
        where.append("starts_with(action, ?)")
        params.append(action)
    if viewer.role == "leader":  # their assigned projects, or all their unit's (docs/domain.md §10)
        mine = sorted(visible_project_ids(con, viewer) or viewer.project_ids)
        where.append(f"load_id IN (SELECT load_id FROM ({_touched_by_load(con)}) WHERE list_contains(?, project_id))")
        params.append(mine)
    hidden = (
        "CASE WHEN action = 'sign-in' AND outcome = 'refused' "
        "AND {col} NOT IN (SELECT username FROM account) THEN 'unknown' ELSE {col} END"
    )
    return con.execute(
        f"SELECT happened_at, {hidden.format(col='actor')} AS actor, action, "
        f"{hidden.format(col='target')} AS target, outcome, before, after, load_id FROM audit "
        f"WHERE {' AND '.join(where) or 'true'} ORDER BY audit_id DESC LIMIT {int(limit)}",
        params,
    ).df()


DEMO_PROJECTS = ("上海体育系统人员培训经费", "上海体育文史业务经费")


def ensure_demo_accounts(db_path, password: str | None = None) -> str | None:
    """Demo-only accounts for a demo database: demo-admin, demo-leader and demo-staff (two projects).

    The password is ``password``, ``PERFBOARD_DEMO_PASSWORD`` or a new random one, returned so the
    caller can print it; None when any account exists already (a real unit's database is never touched).
    """
    import os

    with db.read_connection(db_path) as con:
        if con.execute("SELECT count(*) FROM account").fetchall()[0][0]:
            return None
        ids = [
            pid
            for (pid,) in con.execute(
                "SELECT project_id FROM project WHERE name IN (?, ?) ORDER BY project_id", list(DEMO_PROJECTS)
            ).fetchall()
        ]
    password = password or os.environ.get("PERFBOARD_DEMO_PASSWORD") or secrets.token_urlsafe(9)
    for name, role in (("demo-admin", "admin"), ("demo-leader", "leader"), ("demo-staff", "staff")):
        add_user(db_path, name, password, role)
    assign(db_path, "demo-staff", ids)
    assign(db_path, "demo-leader", ids)  # the projects the demo leader oversees: their audit trail
    return password
