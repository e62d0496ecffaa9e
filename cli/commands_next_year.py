"""``perfboard targets next-year``: next year's target tables drafted from this year's (ingest.next_year)."""

from __future__ import annotations

from pathlib import Path

import click

from cli.options import CommandError, Edge, with_edge
from core import db
from core.config import load_config


@click.group("targets")
def targets() -> None:
    """Target tables across years."""


@targets.command("next-year")
@click.option("--from", "from_year", type=int, required=True, help="the year drafted from, e.g. 2020")
@click.option(
    "--out",
    type=click.Path(path_type=Path),
    default=None,
    help="file ending in .csv or .xlsx (default: targets_<next year>_draft.xlsx)",
)
@with_edge
def next_year(edge: Edge, from_year: int, out: Path | None) -> int:
    """Draft next year's targets: same projects and indicators, last year's budget and baselines filled in."""
    from ingest.next_year import NothingToDraft, draft_next_year, write_draft

    out = out or Path(f"targets_{from_year + 1}_draft.xlsx")
    if out.suffix.lower() not in (".csv", ".xlsx"):
        raise CommandError(edge.say(f"--out 须以 .csv 或 .xlsx 结尾：{out}", f"--out must end in .csv or .xlsx: {out}"))
    with db.read_connection(edge.db) as con:
        try:
            draft = draft_next_year(con, load_config(con), from_year)
        except NothingToDraft:
            raise CommandError(edge.say(f"{from_year}年没有项目", f"no projects in {from_year}")) from None
    written = write_draft(draft, out)
    click.echo(
        edge.say(
            f"{written[0]}：{draft.year}年绩效目标草稿，{len(draft.projects)}个项目，{draft.indicators}个指标"
            f"（上年预算数、上年执行数取自{from_year}年12月）",
            f"{written[0]}: {draft.year} targets drafted, {len(draft.projects)} projects, {draft.indicators} indicators"
            f" (last year's budget and spending as of {from_year}-12)",
        )
    )
    if len(written) > 1:
        click.echo(
            edge.say(
                f"{written[1]}：{len(draft.baselines)}个同比指标的基期值（载入目标表后用 perfboard ingest actuals 载入）",
                f"{written[1]}: baselines of {len(draft.baselines)} year-on-year indicators"
                " (load with perfboard ingest actuals after the targets)",
            )
        )
    click.echo(
        edge.say(
            f"核对修改后载入：perfboard ingest targets {written[0]}",
            f"edit, then load: perfboard ingest targets {written[0]}",
        )
    )
    return 0


COMMANDS = (targets,)
