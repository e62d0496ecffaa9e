"""Commands that put data in: ``init``, ``ingest targets|actuals|bindings``, ``template``, ``revert``."""

from __future__ import annotations

from pathlib import Path

import click

from cli.options import CommandError, Edge, with_edge
from core import db
from core.config import Config, load_config
from ingest.actual_kinds import KINDS
from ingest.templates import TEMPLATE_KINDS

FILE = click.Path(path_type=Path)
# a file to read: one that is missing (or a folder) is a usage error (exit 2), not a traceback
INPUT = click.Path(exists=True, dir_okay=False, path_type=Path)


@click.command("init")
@with_edge
def init(edge: Edge) -> int:
    """Create or upgrade the database."""
    before = db.init(edge.db)
    path = edge.db or db.default_db_path()
    if before == db.SCHEMA_VERSION:
        click.echo(
            edge.say(
                f"{path}：数据库结构版本 {db.SCHEMA_VERSION}，已是最新",
                f"{path}: schema {db.SCHEMA_VERSION}, up to date",
            )
        )
    else:
        click.echo(
            edge.say(
                f"{path}：数据库结构版本 {before} → {db.SCHEMA_VERSION}",
                f"{path}: schema {before} → {db.SCHEMA_VERSION}",
            )
        )
    return 0


@click.group("ingest")
def ingest() -> None:
    """Load files."""


@ingest.command("targets")
@click.argument("files", nargs=-1, required=True, type=INPUT)
@click.option(
    "--drop-missing",
    is_flag=True,
    help="remove indicators the file no longer lists even when they have values (kept, marked removed)",
)
@click.option(
    "--strict",
    is_flag=True,
    help="refuse a table with missing cells (不完整) instead of loading it flagged; nothing is written",
)
@with_edge
def ingest_targets(edge: Edge, files: tuple[Path, ...], drop_missing: bool, strict: bool) -> int:
    """绩效目标表 in any form: text export, table copied as text, XLSX or DOCX form, or the structured file."""
    from ingest.target_store import load_targets

    loaded = load_targets(list(files), edge.db, _config_for_writing(edge), drop_missing=drop_missing, strict=strict)
    for name, projects, indicators in loaded.files:
        click.echo(
            edge.say(
                f"{name}：已载入 {projects} 个项目、{indicators} 个指标",
                f"{name}: {projects} projects, {indicators} indicators loaded",
            )
        )
    for project, indicator, values in loaded.removed:
        click.echo(
            edge.say(
                f"已删除项目“{project}”的指标“{indicator}”（其 {values} 条数据保留，指标标记为已删除）",
                f"removed indicator “{indicator}” of “{project}” (its {values} values kept, marked removed)",
            )
        )
    for name, project, missing in loaded.incomplete:
        click.echo(
            edge.say(
                f"{name}：项目“{project}”不完整，已按现有内容载入，待补充：{'、'.join(missing)}",
                f"{name}: “{project}” is incomplete, loaded with what it has; missing: {', '.join(missing)}",
            ),
            err=True,
        )
    for warning in loaded.warnings:
        click.echo(edge.say("提示：", "warning: ") + warning, err=True)
    return 0


def _config_for_writing(edge: Edge) -> Config:
    """The configuration in force for a command about to write: the file's alone while the database does not exist."""
    from core.settings import in_force

    path = Path(edge.db or db.default_db_path())
    if not path.exists():
        return load_config()
    db.init(path)  # an older file is upgraded first, as the write itself would
    return in_force(path)


@ingest.command("actuals")
@click.argument("files", nargs=-1, required=True, type=INPUT)
@click.option(
    "--kind",
    type=click.Choice(sorted(str(k) for k in KINDS)),
    default=None,
    help="the kind of file (detected from the header if not given)",
)
@with_edge
def ingest_actuals(edge: Edge, files: tuple[Path, ...], kind: str | None) -> int:
    """Monthly actuals, CSV or XLSX."""
    from ingest.actuals import ingest_actuals as load

    for loaded in load(list(files), edge.db, kind, config=_config_for_writing(edge)):
        names = KINDS[loaded.kind]
        months = "、".join(loaded.months) if len(loaded.months) <= 3 else f"{loaded.months[0]}…{loaded.months[-1]}"
        click.echo(
            edge.say(
                f"{loaded.file}：{names.zh}，{months} 共 {loaded.rows} 行；替换旧数据 {loaded.replaced} 行（旧版本保留）",
                f"{loaded.file}: {names.en}, {loaded.rows} rows for {months}; {loaded.replaced} earlier rows replaced",
            )
        )
    return 0


@ingest.command("bindings")
@click.argument("file", type=INPUT)
@click.option("--year", type=int, required=True, help="绑定适用的年度 / the year the bindings are for")
@with_edge
def ingest_bindings(edge: Edge, file: Path, year: int) -> int:
    """Which rule produces each indicator's actual (TOML)."""
    from ingest.bindings import store_bindings

    with db.write_transaction(edge.db) as con:
        done = store_bindings(con, file, year)
    click.echo(
        edge.say(
            f"{file.name}：绑定 {done.bound} 个指标，计划内目标 {done.plan_targets} 个",
            f"{file.name}: {done.bound} indicators bound, {done.plan_targets} targets from the plan",
        )
    )
    for zh, en in done.warnings:
        click.echo(edge.say("提示：" + zh, "warning: " + en), err=True)
    return 0


@click.command("template")
@click.argument("kind", type=click.Choice(TEMPLATE_KINDS))
@click.option("--out", type=FILE, required=True, help="file ending in .csv or .xlsx")
@with_edge
def template(edge: Edge, kind: str, out: Path) -> int:
    """Write an empty upload template with an example row."""
    from ingest.templates import write_template

    write_template(kind, out)
    click.echo(str(out))
    return 0


@click.command("revert")
@click.argument("load_id", type=int)
@with_edge
def revert(edge: Edge, load_id: int) -> int:
    """Undo an upload of actuals (as a new revision)."""
    from ingest.revert import NothingToRevert, revert_load

    try:
        done = revert_load(edge.db, load_id)
    except NothingToRevert as exc:
        raise CommandError(str(exc)) from exc
    click.echo(
        edge.say(
            f"第 {done.load_id} 次写入：恢复 {done.restored} 行，撤回 {done.withdrawn} 行",
            f"load {done.load_id}: {done.restored} rows restored, {done.withdrawn} withdrawn",
        )
    )
    return 0


COMMANDS = (init, ingest, template, revert)
