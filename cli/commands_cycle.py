"""The monthly cycle (docs/domain.md §10): ``completeness``, and ``submit|approve|return|unlock`` a project's month.

The command line acts as the local operator (an admin, ``core.accounts.local_operator``); ``--as NAME`` takes
a step as that account instead, with its role and assignments (what the dashboard does for a signed-in user).
A refused step prints why on standard error and exits 1; nothing is written but the audit of the refusal.
"""

from __future__ import annotations

import json
import sys

import click

from cli.options import MONTH, CommandError, Edge, with_edge, year_month
from cli.textgrid import render
from core import db
from core.config import load_config
from core.numbers import share


@click.command("completeness")
@click.option("--year", type=int, default=None, help="default: the year of --month, else the latest year loaded")
@click.option("--month", type=MONTH, default=None, help="YYYY-MM: months 1 to this one (default: the last begun)")
@click.option("--format", "fmt", type=click.Choice(("table", "json")), default="table", show_default=True)
@with_edge
def completeness(edge: Edge, year: int | None, month, fmt: str) -> int:
    """填报进度: what is due, filed, approved, returned or late, per project, month and stream."""
    from metrics.due import completeness as build

    year, month = year_month(month, year)
    with db.read_connection(edge.db) as con:
        if year is None:
            year = con.execute("SELECT max(year) FROM project").fetchone()[0]
            if year is None:
                raise CommandError(edge.say("数据库中还没有项目", "no project in the database yet"))
        view = build(con, load_config(con), year, month)
    if fmt == "json":
        json.dump(view.to_dict(edge.lang), sys.stdout, ensure_ascii=False, indent=1)
        sys.stdout.write("\n")
    else:
        _table(view, edge)
    return 0


def _table(view, edge: Edge) -> None:
    from metrics.due import CELL_LABELS, STREAMS

    labels = CELL_LABELS[edge.lang]
    months = list(range(1, view.month + 1))
    header = [edge.say("项目", "project"), edge.say("填报内容", "stream")] + [
        edge.say(f"{m}月", f"{view.year}-{m:02d}") for m in months
    ]
    table = []
    for (_, name, stream), rows in view.cells.groupby(["project_id", "project", "stream"], sort=False):
        waiting = edge.say("·待审", "·sub.")  # filed and submitted, awaiting review
        by_month = {
            m.month: labels[s] + (waiting if r == "submitted" else "")
            for m, s, r in zip(rows["month"], rows["state"], rows["review_state"], strict=True)
        }
        shown = STREAMS[stream].zh if edge.lang == "zh" else STREAMS[stream].en
        table.append([name, shown] + [by_month.get(m, "—") for m in months])
    click.echo(
        edge.say(
            f"{view.year}年1–{view.month}月填报进度（截至{view.today}）",
            f"{view.year}, months 1–{view.month}, as of {view.today}",
        )
    )
    click.echo(render(header, table, max_width=24))
    rates = _rate_rows(view.projects, "project")
    rate_header = [
        edge.say(*w)
        for w in (
            ("项目", "project"),
            ("应报", "due"),
            ("按时", "on time"),
            ("逾期报送", "late"),
            ("未报", "not filed"),
            ("按时率", "on-time rate"),
        )
    ]
    click.echo("")
    click.echo(render(rate_header, rates, max_width=24))
    if not view.staff.empty:
        staff = _rate_rows(view.staff, "username")
        click.echo("")
        click.echo(render([edge.say("填报人员", "staff")] + rate_header[1:], staff, max_width=24))


def _rate_rows(frame, who: str) -> list[list[str]]:
    """On-time rates as table rows: who (a project or a staff member), due, on time, late, not filed, rate."""
    return [
        [r[who], *(str(r[k]) for k in ("due", "on_time", "late", "not_filed")), share(r["on_time_rate"])]
        for r in frame.to_dict("records")
    ]


def _actor(edge: Edge, name: str | None):
    from core import accounts

    if name is None:
        return accounts.local_operator()
    with db.read_connection(edge.db) as con:
        found = accounts.actor(con, name)
    if found is None:
        raise CommandError(edge.say(f"没有账号 {name}", f"no account {name}"))
    return found


def _step(step: str):
    """One command per step: the same options, the same refusal handling."""
    from metrics.review_state import Step

    help_text = {
        "submit": "Hand a project's month in for review.",
        "approve": "Approve a submitted month (it is locked).",
        "return": "Send a submitted month back to staff with a reason.",
        "unlock": "An admin opens an approved month again, with a reason.",
    }[step]

    @click.command(step, help=help_text)
    @click.option("--project", required=True, help="the project's name")
    @click.option("--month", type=MONTH, required=True, help="YYYY-MM")
    @click.option("--reason", default=None, help="why (required to return or unlock)")
    @click.option("--as", "as_user", default=None, metavar="NAME", help="take the step as this account")
    @with_edge
    def run(edge: Edge, project: str, month, reason: str | None, as_user: str | None) -> int:
        from datetime import date

        from core.settings import in_force
        from ingest import review

        db.init(edge.db)
        actor = _actor(edge, as_user)
        config = in_force(edge.db or db.default_db_path()) if step == Step.SUBMIT else None
        when = date(month[0], month[1], 1)
        try:
            done = review.run_step(edge.db, actor, project, when, Step(step), reason, config=config)
        except review.ReviewRefused as refused:
            click.echo(refused.format(edge.lang), err=True)
            return 1
        state = (review.STATE_ZH if edge.lang == "zh" else review.STATE_EN)[review.State(done.state)]
        click.echo(
            edge.say(
                f"项目“{done.project}”{when.year}年{when.month}月：{review.STEP_ZH[Step(step)]}（{done.actor}），现为{state}",
                f"project “{done.project}”, {when:%Y-%m}: {review.STEP_EN[Step(step)]} by {done.actor}; now {state}",
            )
        )
        return 0

    return run


COMMANDS = (
    completeness,
    _step("submit"),
    _step("approve"),
    _step("return"),
    _step("unlock"),
)
