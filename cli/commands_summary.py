"""``perfboard summaries``: the year-end 实际完成情况, drafted and confirmed (docs/domain.md §5, §10).

``summaries`` lists every indicator's text with a 草稿 flag (and each project's 年度总体目标); ``summaries confirm``
confirms a project's drafts as they are, or one indicator's text as typed (``--indicator``, ``--text``).
"""

from __future__ import annotations

import json
import sys

import click

from cli.options import CommandError, Edge, with_edge
from cli.textgrid import render
from core import db
from core.accounts import Actor, PermissionDenied, actor, local_operator
from core.config import load_config
from core.settings import in_force
from ingest.summaries import OVERALL, confirm_summaries
from metrics.drafts import ProjectTexts, year_end_texts


def _texts(edge: Edge, year: int, project: str | None) -> list[ProjectTexts]:
    with db.read_connection(edge.db) as con:
        found = year_end_texts(con, load_config(con), year, project)
    if project and not found:
        raise CommandError(edge.say(f"{year}年没有名为“{project}”的项目", f"no project named {project} in {year}"))
    return found


def _as_dict(p: ProjectTexts) -> dict:
    return {
        "project": p.name,
        "summary": p.summary,
        "summary_draft": p.summary_is_draft,
        "indicators": [
            {
                "level1": i.level1,
                "level2": i.level2,
                "name": i.name,
                "target": i.target,
                "status": i.status,
                "text": i.text,
                "draft": i.is_draft,
                "drafted_text": i.draft,
            }
            for i in p.indicators
        ],
    }


@click.group("summaries", invoke_without_command=True)
@click.option("--year", type=int, default=None, help="the year of the self-evaluation")
@click.option("--project", default=None)
@click.option("--format", "fmt", type=click.Choice(("table", "json")), default="table", show_default=True)
@click.pass_context
@with_edge
def summaries(edge: Edge, ctx: click.Context, year: int | None, project: str | None, fmt: str) -> int:
    """Year-end texts, drafted or confirmed."""
    if ctx.invoked_subcommand is not None:
        return 0
    if year is None:
        raise click.UsageError("--year is required")
    found = _texts(edge, year, project)
    if fmt == "json":
        json.dump({"year": year, "projects": [_as_dict(p) for p in found]}, sys.stdout, ensure_ascii=False, indent=1)
        sys.stdout.write("\n")
        return 0
    draft = edge.say("草稿", "draft")
    done = edge.say("已确认", "confirmed")
    rows = []
    for p in found:
        rows += [[p.name, i.name, draft if i.is_draft else done, i.text] for i in p.indicators]
        rows.append([p.name, OVERALL, draft if p.summary_is_draft else done, p.summary])
    header = (
        ["项目", "指标", "状态", "实际完成情况"] if edge.lang == "zh" else ["project", "indicator", "state", "text"]
    )
    click.echo(render(header, rows, max_width=60))
    return 0


@summaries.command("confirm")
@click.option("--year", type=int, required=True)
@click.option("--project", required=True)
@click.option("--indicator", default=None, help="one indicator's name (三级指标), or 年度总体目标")
@click.option("--text", default=None, help="the text to confirm instead of the draft")
@click.option("--user", default=None, help="act as this account (its role and assignments apply)")
@with_edge
def confirm(edge: Edge, year: int, project: str, indicator: str | None, text: str | None, user: str | None) -> int:
    """Confirm a project's drafts as they are, or one indicator's text (--indicator, --text)."""
    if text is not None and indicator is None:
        raise click.UsageError("--text needs --indicator")
    (found,) = _texts(edge, year, project)
    who = _who(edge, user)
    if indicator is None:
        texts = {i.indicator_id: None for i in found.indicators}
        overall = {found.project_id: None}
    elif indicator == OVERALL:
        texts, overall = {}, {found.project_id: text}
    else:
        ids = [i.indicator_id for i in found.indicators if i.name == indicator]
        if not ids:
            names = "、".join(i.name for i in found.indicators)
            raise CommandError(
                edge.say(
                    f"项目“{project}”没有指标“{indicator}”（有：{names}）", f"{project} has no indicator {indicator}"
                )
            )
        texts, overall = dict.fromkeys(ids, text), {}
    try:
        done = confirm_summaries(edge.db, year, texts, who, config=in_force(edge.db), overall=overall)
    except PermissionDenied as exc:
        raise CommandError(str(exc)) from exc
    click.echo(
        edge.say(
            f"已确认{done.written}条，其中替换{done.replaced}条", f"{done.written} confirmed, {done.replaced} replaced"
        )
    )
    return 0


def _who(edge: Edge, user: str | None) -> Actor:
    if user is None:
        return local_operator()
    with db.read_connection(edge.db) as con:
        found = actor(con, user)
    if found is None:
        raise CommandError(edge.say(f"没有账号“{user}”", f"no account named {user}"))
    return found


COMMANDS = (summaries,)
