"""The monthly cycle's steps: submit, approve, return, unlock; and the lock every write of a month checks.

docs/domain.md §10.  Each step is one ``review_step`` row and one audit entry, in one write transaction:

- 提交 (submit): an admin, or staff assigned to the project; from open or returned; refused while a due
  entry is missing (``metrics.due.missing_entries``) or a red or yellow indicator lacks its 偏差原因 and
  纠偏措施 (``metrics.explanations``);
- 审核通过 (approve) and 退回 (return, with a reason): whoever ``core.accounts.may_review`` allows; only a
  submitted month;
- 解锁 (unlock, with a reason): admins only; only an approved month.

An approved month is locked: ``check_unlocked`` refuses, before anything is written, any upload, form entry or
revert that touches it (``MonthLocked``, a ``ValidationFailed`` so every caller already shows it).  Refusals
are audited (``record_refusal``) and worded in Chinese and English.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime
from numbers import Integral

import duckdb
import pandas as pd

from core import clock, db
from core.accounts import ROLE_ZH, Actor, local_operator, may_review, record, record_refusal
from core.config import Config
from ingest.problems import Problem, ValidationFailed
from metrics.due import Missing, cells, missing_entries
from metrics.explanations import MissingExplanation, missing_explanations
from metrics.review_state import STATE_OF_STEP, State, Step, state_of

STEP_ZH = {Step.SUBMIT: "提交", Step.APPROVE: "审核通过", Step.RETURN: "退回", Step.UNLOCK: "解锁"}
STEP_EN = {Step.SUBMIT: "submit", Step.APPROVE: "approve", Step.RETURN: "return", Step.UNLOCK: "unlock"}
STATE_ZH = {State.OPEN: "未提交", State.SUBMITTED: "已提交待审核", State.APPROVED: "已审核", State.RETURNED: "已退回"}
STATE_EN = {State.OPEN: "open", State.SUBMITTED: "submitted", State.APPROVED: "approved", State.RETURNED: "returned"}
# the states each step may start from
FROM = {
    Step.SUBMIT: (State.OPEN, State.RETURNED),
    Step.APPROVE: (State.SUBMITTED,),
    Step.RETURN: (State.SUBMITTED,),
    Step.UNLOCK: (State.APPROVED,),
}


class ReviewRefused(Exception):
    """A step that may not be taken, with why in Chinese (``zh``, also ``str``) and English (``en``)."""

    def __init__(self, zh: str, en: str, missing: Iterable[str] = (), missing_en: Iterable[str] = ()):
        super().__init__(zh)
        self.zh, self.en = zh, en
        self.missing, self.missing_en = list(missing), list(missing_en)

    def format(self, lang: str = "zh") -> str:
        return self.en if lang == "en" else self.zh

    def __reduce__(self):
        """Pickled whole (the dashboard caches a refusal): both languages and the missing lists."""
        return (type(self), (self.zh, self.en, self.missing, self.missing_en))


@dataclass(frozen=True)
class StepDone:
    """A step taken: the project-month, the step and the state it leaves, who, when and why."""

    project_id: int
    project: str
    month: date
    step: str
    state: str
    actor: str
    happened_at: datetime
    reason: str | None = None


def _ym(month: date) -> tuple[str, str]:
    return f"{month.year}年{month.month}月", f"{month.year}-{month.month:02d}"


def _month(month: date | str) -> date:
    """A ``date`` (or a datetime, a pandas Timestamp) or ``YYYY-MM`` as the first of its month, a plain date."""
    if isinstance(month, str):
        year, m = month.strip().split("-")[:2]
        return date(int(year), int(m), 1)
    return date(month.year, month.month, 1)


def resolve_project(con: duckdb.DuckDBPyConnection, project: str | int, month: date) -> tuple[int, str]:
    """The project of ``month``'s year called ``project`` (or with that id): (project_id, name)."""
    if isinstance(project, Integral):
        project = int(project)
        row = con.execute("SELECT project_id, name, year FROM project WHERE project_id = ?", [project]).fetchall()
    else:
        row = con.execute(
            "SELECT project_id, name, year FROM project WHERE name = ? AND year = ?", [project.strip(), month.year]
        ).fetchall()
    if not row or row[0][2] != month.year:
        zh_m, en_m = _ym(month)
        raise ReviewRefused(f"{zh_m}没有项目“{project}”", f"no project “{project}” in {month.year} ({en_m})")
    return int(row[0][0]), row[0][1]


# -- the lock ---------------------------------------------------------------------------------------
@dataclass(frozen=True)
class LockedProblem(Problem):
    """A row of an upload (or a revert) that falls in an approved month, worded in both languages."""

    zh: str = ""
    en: str = ""

    def reason(self, lang: str = "zh") -> str:
        return self.en if lang == "en" else self.zh


class MonthLocked(ValidationFailed):
    """A write touches approved months: nothing was written (every locked project-month is listed)."""


def locked_months(con: duckdb.DuckDBPyConnection, keys: Iterable[tuple[int, date]]) -> pd.DataFrame:
    """Of the (project_id, month) pairs given, those approved now: project_id, project, month, actor, happened_at."""
    pairs = pd.DataFrame(sorted({(int(p), _month(m)) for p, m in keys}), columns=["project_id", "month"], dtype=object)
    if pairs.empty:
        return pd.DataFrame(columns=["project_id", "project", "month", "actor", "happened_at"])
    pairs = pairs.astype({"project_id": "int64"})
    pairs["month"] = pd.to_datetime(pairs["month"])
    con.register("lock_keys", pairs)
    try:
        return con.execute(
            """
            WITH latest AS (
                SELECT r.project_id, r.month, arg_max(r.action, r.step_id) AS action,
                       arg_max(r.actor, r.step_id) AS actor, arg_max(r.happened_at, r.step_id) AS happened_at
                FROM review_step r JOIN lock_keys k ON r.project_id = k.project_id AND r.month = CAST(k.month AS DATE)
                GROUP BY r.project_id, r.month
            )
            SELECT l.project_id, p.name AS project, l.month, l.actor, l.happened_at
            FROM latest l JOIN project p USING (project_id)
            WHERE l.action = ? ORDER BY l.project_id, l.month
            """,
            [str(Step.APPROVE)],
        ).df()
    finally:
        con.unregister("lock_keys")


def locked_message(project: str, month: date, actor: str, at) -> tuple[str, str]:
    zh_m, en_m = _ym(month)
    when = pd.Timestamp(at).strftime("%Y-%m-%d %H:%M")
    return (
        f"项目“{project}”{zh_m}已由 {actor} 于 {when} 审核通过并锁定，如需修改请联系管理员解锁",
        f"project “{project}”, {en_m} was approved and locked by {actor} on {when}; "
        "ask an admin to unlock it to change it",
    )


def locked_problems(
    con: duckdb.DuckDBPyConnection, keys: Iterable[tuple[int, date]], file: str = ""
) -> list[LockedProblem]:
    """One problem per approved project-month among ``keys``: what a page shows before it offers to write."""
    locked = locked_months(con, keys)
    problems = []
    for project, month, actor, at in locked[["project", "month", "actor", "happened_at"]].itertuples(index=False):
        zh, en = locked_message(project, pd.Timestamp(month).date(), actor, at)
        problems.append(LockedProblem(file, "unreadable", params={"detail": en}, zh=zh, en=en))
    return problems


def check_unlocked(con: duckdb.DuckDBPyConnection, keys: Iterable[tuple[int, date]], file: str = "") -> None:
    """Raise ``MonthLocked`` naming every approved project-month among ``keys`` (the write must not go on)."""
    problems = locked_problems(con, keys, file)
    if problems:
        raise MonthLocked(problems)


def upload_locks(con: duckdb.DuckDBPyConnection, rows: pd.DataFrame, file: str = "") -> list[LockedProblem]:
    """The locked months a validated upload's rows (``Upload.rows``) would touch: for an upload's preview."""
    owner = dict(con.execute("SELECT indicator_id, project_id FROM indicator").fetchall())
    return locked_problems(con, touched_months(rows, owner), file)


# -- the steps --------------------------------------------------------------------------------------
def take_step(
    con: duckdb.DuckDBPyConnection,
    actor: Actor,
    project: str | int,
    month: date | str,
    step: Step,
    reason: str | None = None,
    *,
    config: Config | None = None,
    today: date | None = None,
    at: datetime | None = None,
    checked: bool = False,
) -> StepDone:
    """Check and take one step inside the caller's write transaction (``ReviewRefused`` if it may not be taken).

    ``at`` stamps the step (the demo's history); by default the database's clock does.  ``checked``: the
    caller has already found, with ``blockers`` over many projects at once, that nothing blocks a submit."""
    step = Step(step)
    month = _month(month)
    pid, name = resolve_project(con, project, month)
    zh_m, en_m = _ym(month)
    who_zh = f"{actor.username}（{ROLE_ZH.get(actor.role, actor.role)}）"
    reason = (reason or "").strip() or None
    _allowed(con, actor, pid, name, step, who_zh, zh_m, en_m)
    before = state_of(con, pid, month)
    if before not in FROM[step]:
        raise ReviewRefused(
            f"项目“{name}”{zh_m}当前为“{STATE_ZH[before]}”，不能{STEP_ZH[step]}",
            f"project “{name}”, {en_m} is {STATE_EN[before]}: it cannot be {STEP_EN[step]}ed"
            if step != Step.SUBMIT
            else f"project “{name}”, {en_m} is {STATE_EN[before]}: it cannot be submitted",
        )
    if step in (Step.RETURN, Step.UNLOCK) and not reason:
        raise ReviewRefused(
            f"{STEP_ZH[step]}项目“{name}”{zh_m}须填写原因",
            f"give a reason to {STEP_EN[step]} project “{name}”, {en_m}",
        )
    if step == Step.SUBMIT and not checked:
        if config is None:
            raise TypeError("submitting needs the Config in force (loaded at the edge)")
        check_submittable(con, config, pid, name, month, today)
    (happened,) = con.execute(
        "INSERT INTO review_step (step_id, project_id, month, action, actor, happened_at, reason) "
        "VALUES (nextval('review_step_seq'), ?, ?, ?, ?, coalesce(?, current_localtimestamp()), ?) "
        "RETURNING happened_at",
        [pid, month, str(step), actor.username, at, reason],
    ).fetchone()
    after = STATE_OF_STEP[step]
    record(
        con,
        actor,
        f"review:{step}",
        f"{name} {en_m}",
        before={"state": str(before)},
        after={"state": str(after), "reason": reason},
    )
    return StepDone(pid, name, month, str(step), str(after), actor.username, happened, reason)


def _allowed(con, actor: Actor, pid: int, name: str, step: Step, who_zh: str, zh_m: str, en_m: str) -> None:
    if step == Step.SUBMIT:
        ok = actor.is_admin or (actor.role == "staff" and actor.may_write(pid))
        needs_zh, needs_en = "管理员或该项目的填报人员", "an admin or staff assigned to the project"
    elif step == Step.UNLOCK:
        ok = actor.is_admin
        needs_zh, needs_en = "管理员", "an admin"
    else:
        ok = may_review(con, actor, pid)
        needs_zh, needs_en = "管理员或负责该项目的领导", "an admin or a leader overseeing the project"
    if not ok:
        raise ReviewRefused(
            f"{who_zh}无权{STEP_ZH[step]}项目“{name}”{zh_m}（须为{needs_zh}）",
            f"{actor.username} ({actor.role}) may not {STEP_EN[step]} project “{name}”, {en_m} (only {needs_en} may)",
        )


@dataclass(frozen=True)
class Blockers:
    """What keeps a project's month from being submitted: due entries not filed, red or yellow lights unexplained."""

    entries: tuple[Missing, ...] = ()
    explanations: tuple[MissingExplanation, ...] = ()

    def __bool__(self) -> bool:
        return bool(self.entries or self.explanations)


def blockers(
    con: duckdb.DuckDBPyConnection,
    config: Config,
    year: int,
    month: int,
    project_ids: Iterable[int] | None = None,
    today: date | None = None,
) -> dict[int, Blockers]:
    """Per project of the year (or of ``project_ids``) with anything missing for ``month``: what blocks its submit.

    One pass over all projects (the lights of the month are judged once): what a page shows beside each
    project's 提交 button, and what the demo checks before it writes its history."""
    ids = None if project_ids is None else [int(p) for p in project_ids]
    found = cells(con, config, year, month, ids, today)
    found = found[(found["month"] == date(year, month, 1)) & ~found["filed"].astype(bool)]
    entries: dict[int, list[Missing]] = {}
    for pid, stream, names in zip(found["project_id"], found["stream"], found["missing"], strict=True):
        entries.setdefault(int(pid), []).extend(
            [Missing(stream, n) for n in names] if stream == "values" else [Missing(stream)]
        )
    explained = missing_explanations(con, config, year, month, ids)
    return {
        pid: Blockers(tuple(entries.get(pid, ())), tuple(explained.get(pid, ())))
        for pid in sorted(set(entries) | set(explained))
    }


def check_submittable(con, config: Config, pid: int, name: str, month: date, today: date | None) -> None:
    """Refuse (``ReviewRefused``) a month not begun, with due entries missing, or with red or yellow lights
    unexplained; the submit step and the page's 提交 button ask the same question."""
    zh_m, en_m = _ym(month)
    today = today or clock.today()
    if month > today.replace(day=1):
        raise ReviewRefused(f"项目“{name}”{zh_m}尚未开始，不能提交", f"project “{name}”, {en_m} has not begun yet")
    lacking = missing_entries(con, config, pid, month, today)
    if lacking:
        raise ReviewRefused(
            f"项目“{name}”{zh_m}尚有应报数据未填报，不能提交：{'；'.join(m.zh for m in lacking)}",
            f"project “{name}”, {en_m} cannot be submitted: due entries are missing: "
            f"{'; '.join(m.en for m in lacking)}",
            [m.zh for m in lacking],
            [m.en for m in lacking],
        )
    unexplained = missing_explanations(con, config, month.year, month.month, [pid]).get(pid, [])
    if unexplained:
        raise ReviewRefused(
            f"项目“{name}”{zh_m}有红灯或黄灯指标未说明偏差，不能提交：{'；'.join(m.zh for m in unexplained)}",
            f"project “{name}”, {en_m} cannot be submitted: red or yellow indicators are not explained: "
            f"{'; '.join(m.en for m in unexplained)}",
            [m.zh for m in unexplained],
            [m.en for m in unexplained],
        )


def run_step(
    db_path,
    actor: Actor | None,
    project: str | int,
    month: date | str,
    step: Step,
    reason: str | None = None,
    *,
    config: Config | None = None,
    today: date | None = None,
) -> StepDone:
    """Take one step in its own write transaction; a refusal is audited and raised (``ReviewRefused``)."""
    actor = actor or local_operator()
    try:
        with db.write_transaction(db_path) as con:
            return take_step(con, actor, project, month, step, reason, config=config, today=today)
    except ReviewRefused:
        shown = f"{project} {_month(month):%Y-%m}" if isinstance(month, date) else f"{project} {month}"
        record_refusal(db_path, actor, f"review:{step}", shown)
        raise


def submit(
    db_path, project: str | int, month: date | str, actor: Actor | None = None, *, config: Config, today=None
) -> StepDone:
    """提交: hand the month in for review (``ReviewRefused`` listing what is missing otherwise).

    ``config`` is the Config in force, loaded at the edge (the lights the explanations are asked for)."""
    return run_step(db_path, actor, project, month, Step.SUBMIT, config=config, today=today)


def approve(db_path, project: str | int, month: date | str, actor: Actor | None = None) -> StepDone:
    """审核通过: the submitted month is approved and locked."""
    return run_step(db_path, actor, project, month, Step.APPROVE)


def return_month(db_path, project: str | int, month: date | str, reason: str, actor: Actor | None = None) -> StepDone:
    """退回: the submitted month goes back to staff with the reason they will see."""
    return run_step(db_path, actor, project, month, Step.RETURN, reason)


def unlock(db_path, project: str | int, month: date | str, reason: str, actor: Actor | None = None) -> StepDone:
    """解锁: an admin opens an approved month again, with a reason."""
    return run_step(db_path, actor, project, month, Step.UNLOCK, reason)


def touched_months(rows: pd.DataFrame, owner: dict[int, int] | None = None) -> set[tuple[int, date]]:
    """The (project_id, month) pairs stored rows touch (rows keyed by indicator go through ``owner``)."""
    if rows.empty or "month" not in rows:
        return set()
    months = pd.to_datetime(rows["month"]).dt.date
    if "project_id" in rows:
        projects = rows["project_id"]
    elif "indicator_id" in rows and owner is not None:
        projects = rows["indicator_id"].map(owner)
    else:
        return set()
    pairs = pd.DataFrame({"p": projects, "m": months}).dropna().drop_duplicates()
    return {(int(p), m.replace(day=1)) for p, m in pairs.itertuples(index=False)}
