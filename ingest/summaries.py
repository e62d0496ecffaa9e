"""Confirming the year-end 实际完成情况: a draft (``metrics.drafts``) becomes the text of record (docs/domain.md §10).

Staff assigned to the project (or an admin) confirm a draft as it is or edit it.  Each confirmation is a load
(``load_log``) with an audit entry; a text confirmed again replaces the earlier one (``replaced_by``), which stays
as history, exactly as entries and uploads do.  The 年度总体目标实际完成情况 is written to ``project_summary`` as
of December, where staff's own text goes.  Everything is checked before anything is written: one transaction.
"""

from __future__ import annotations

from dataclasses import dataclass

from core import db
from core.accounts import Actor, PermissionDenied, check_projects, local_operator, record, record_refusal
from core.config import Config
from ingest.problems import Problem, ValidationFailed
from metrics.drafts import YEAR_END, ProjectTexts, year_end_texts

MAX_TEXT = 2000  # characters: a paragraph, not a report
OVERALL = "年度总体目标"


class SummaryRefused(ValidationFailed):
    """Texts that cannot be confirmed (unknown indicator, empty or too long text); nothing was written."""

    def __init__(self, reasons: list[tuple[str, str, str]]):
        super().__init__([Problem(project, "required", column=what) for project, what, _ in reasons])
        self.reasons = reasons

    def format(self, lang: str = "zh") -> str:
        return "\n".join(f"{p}：{w}：{why}" for p, w, why in self.reasons)


class DraftsPending(ValidationFailed):
    """A frozen self-evaluation may hold no unconfirmed draft: these 实际完成情况 are still drafts (草稿)."""

    def __init__(self, pending: list[tuple[str, str]]):
        super().__init__([Problem(project, "required", column=what) for project, what in pending])
        self.pending = pending

    def format(self, lang: str = "zh") -> str:
        if lang == "en":
            head = (
                "the final self-evaluation is refused: these 实际完成情况 are still drafts (草稿); confirm or edit them"
            )
            return head + "\n" + "\n".join(f"{p}: {w}" for p, w in self.pending)
        head = "不能定稿：以下实际完成情况仍为草稿，请填报人员确认或修改（perfboard summaries confirm）"
        return head + "\n" + "\n".join(f"{p}：{w}" for p, w in self.pending)


@dataclass
class Confirmed:
    """What one confirmation wrote: how many texts, how many replaced an earlier one, and its load."""

    written: int
    replaced: int
    load_id: int | None


def _clean(text: str) -> str:
    return "".join(ch for ch in text if ch in "\n\t" or ord(ch) >= 32).strip()


def confirm_summaries(
    db_path,
    year: int,
    texts: dict[int, str | None],
    actor: Actor | None = None,
    *,
    config: Config,
    overall: dict[int, str | None] | None = None,
) -> Confirmed:
    """Confirm indicators' 实际完成情况 (``{indicator_id: text, or None for the draft as it is}``) and projects'
    年度总体目标 (``overall``: ``{project_id: text or None}``), as ``actor`` (None: the local operator).

    Raises PermissionDenied (recorded) when a project is not the actor's, SummaryRefused for a bad text.
    """
    overall = overall or {}
    try:
        with db.write_transaction(db_path) as con:
            projects = year_end_texts(con, config, year)
            by_indicator = {i.indicator_id: (p, i) for p in projects for i in p.indicators}
            by_project = {p.project_id: p for p in projects}
            refused = [("", str(k), "不是该年度自评表上的指标") for k in texts if k not in by_indicator]
            refused += [(str(k), OVERALL, "不是该年度的项目") for k in overall if k not in by_project]
            if refused:
                raise SummaryRefused(refused)
            touched = {by_indicator[k][0].project_id for k in texts} | set(overall)
            names = {p.project_id: p.name for p in projects}
            check_projects(actor, touched, names, "确认这些项目的实际完成情况")
            rows = [
                (k, *by_indicator[k], _clean(v) if v is not None else by_indicator[k][1].text) for k, v in texts.items()
            ]
            summaries = [
                (k, by_project[k], _clean(v) if v is not None else by_project[k].summary) for k, v in overall.items()
            ]
            refused = _bad_texts([(p.name, i.name, text) for _, p, i, text in rows])
            refused += _bad_texts([(p.name, OVERALL, text) for _, p, text in summaries])
            if refused:
                raise SummaryRefused(refused)
            return _write(con, year, rows, summaries, actor)
    except PermissionDenied:
        record_refusal(db_path, actor, "summary:confirm", f"{year}")
        raise


def confirm_all(
    db_path, year: int, config: Config, actor: Actor | None = None, project: str | None = None
) -> Confirmed:
    """Confirm every draft of ``year`` (or of one project) as it is: indicators and 年度总体目标 still drafted."""
    with db.read_connection(db_path) as con:
        projects = year_end_texts(con, config, year, project)
    texts = {i.indicator_id: None for p in projects for i in p.indicators if i.is_draft}
    overall = {p.project_id: None for p in projects if p.summary_is_draft}
    return confirm_summaries(db_path, year, texts, actor, config=config, overall=overall)


def _bad_texts(items: list[tuple[str, str, str]]) -> list[tuple[str, str, str]]:
    out = []
    for project, what, text in items:
        if not text:
            out.append((project, what, "实际完成情况不能为空"))
        elif len(text) > MAX_TEXT:
            out.append((project, what, f"实际完成情况超过{MAX_TEXT}字"))
    return out


def _write(con, year: int, rows: list, summaries: list[tuple[int, ProjectTexts, str]], actor) -> Confirmed:
    rows = [r for r in rows if r[2].confirmed != r[3]]  # confirming the same text again changes nothing
    summaries = [s for s in summaries if s[1].summary_written != s[2]]
    if not rows and not summaries:
        return Confirmed(0, 0, None)
    load_id = db.log_load(con, "summary:confirm", None, None, len(rows) + len(summaries), detail=f"{year}")
    replaced = 0
    for k, _, item, text in rows:
        if item.confirmed is not None:
            replaced += 1
        con.execute(
            "UPDATE indicator_summary SET replaced_by = ? WHERE indicator_id = ? AND year = ? AND replaced_by IS NULL",
            [load_id, k, year],
        )
        con.execute("INSERT INTO indicator_summary VALUES (?, ?, ?, ?, NULL)", [k, year, text, load_id])
    for k, project, text in summaries:
        if project.summary_written is not None:
            replaced += 1
        con.execute(
            "UPDATE project_summary SET replaced_by = ? WHERE project_id = ? AND replaced_by IS NULL "
            "AND month BETWEEN make_date(?, 1, 1) AND make_date(?, 12, 1)",
            [load_id, k, year, year],
        )
        con.execute(
            "INSERT INTO project_summary VALUES (?, make_date(?, ?, 1), ?, ?, NULL)", [k, year, YEAR_END, text, load_id]
        )
    before = {f"{p.name}／{i.name}": i.confirmed for _, p, i, _ in rows}
    before |= {f"{p.name}／{OVERALL}": p.summary_written for _, p, _ in summaries}
    after = {f"{p.name}／{i.name}": text for _, p, i, text in rows}
    after |= {f"{p.name}／{OVERALL}": text for _, p, text in summaries}
    record(con, actor or local_operator(), "summary:confirm", f"{year}", before=before, after=after, load_id=load_id)
    return Confirmed(len(rows) + len(summaries), replaced, load_id)
