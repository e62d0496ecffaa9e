"""Commands that read: ``status`` and ``export targets|selfeval|monitor|status|briefing``.

Each loads the configuration in force once, from its own read connection or the database file, and passes it down.
Figures are printed through the one formatter (``core.numbers``): 39.8%, 1小时22分, 1,234.57万元.
"""

from __future__ import annotations

import csv
import json
import sys
from datetime import date
from pathlib import Path

import click

from cli.options import MONTH, CommandError, Edge, usage_error_on, with_edge, year_month
from cli.textgrid import render
from core import db
from core.config import load_config
from core.numbers import month_label, share, with_unit

FILE = click.Path(path_type=Path)


@click.command("status")
@click.option("--year", type=int, default=None)
@click.option("--month", type=MONTH, default=None, help="YYYY-MM (default: the latest month due)")
@click.option("--project", default=None)
@click.option("--format", "fmt", type=click.Choice(("table", "csv", "json")), default="table", show_default=True)
@with_edge
def status(edge: Edge, year: int | None, month, project: str | None, fmt: str) -> int:
    """Lights per indicator and project."""
    year, month = year_month(month, year)
    from metrics.status import compute_status

    with db.read_connection(edge.db) as con:
        config = load_config(con)
        report = compute_status(con, config, year, month, project)
    if project and not report.projects:
        raise CommandError(f"no project named {project} in {report.year}")
    if fmt == "json":
        json.dump(report.to_dict(edge.lang), sys.stdout, ensure_ascii=False, indent=1)
        sys.stdout.write("\n")
    elif fmt == "csv":
        _status_csv(report, edge.lang)
    else:
        _status_table(report, edge.lang)
    return 0


def _status_csv(report, lang: str) -> None:
    from metrics.status import status_rows

    rows = status_rows(report, lang)
    writer = csv.DictWriter(sys.stdout, fieldnames=list(rows[0]) if rows else ["month"])
    writer.writeheader()
    writer.writerows(rows)


def _status_table(report, lang: str) -> None:
    from metrics.status import STATUS_LABELS

    labels = STATUS_LABELS[lang]
    header = (
        ["项目", "一级", "二级", "三级指标", "目标值", "实际", "状态", "说明"]
        if lang == "zh"
        else ["project", "level 1", "level 2", "indicator", "target", "actual", "light", "explanation"]
    )
    explained = (lambda i: i.explanation_en) if lang == "en" else (lambda i: i.explanation)
    table = [
        [
            p.name,
            i.level1,
            i.level2,
            i.name,
            i.target,
            _shown(i.actual, i.actual_unit, lang),
            labels[i.status],
            explained(i),
        ]
        for p in report.projects
        for i in p.indicators
    ]
    when = month_label(_first_of(report.year, report.period.month), lang)
    if not table:  # a month of a year with no projects: one sentence, not an empty table
        click.echo(f"{when}没有数据" if lang == "zh" else f"{when}: no data")
        return
    unit = report.unit()
    click.echo(
        f"{when}  "
        + (
            f"执行率 {share(unit['execution_rate'])}（时间进度 {share(report.period.time_progress)}）"
            if lang == "zh"
            else f"executed {share(unit['execution_rate'])} (time progress {share(report.period.time_progress)})"
        )
    )
    click.echo(render(header, table, max_width=30))


def _shown(actual, unit: str | None, lang: str) -> str:
    """An actual as people write it: 39.8%, 1小时22分, 10,800人次; a rating as it is; blank when none."""
    if actual is None:
        return ""
    if isinstance(actual, str):
        return actual
    return with_unit(actual, unit, lang)


@click.group("export")
def export() -> None:
    """Write forms and files."""


@export.command("targets")
@click.option("--year", type=int, default=None)
@click.option("--out", type=FILE, required=True, help="file ending in .csv or .xlsx")
@with_edge
def export_targets(edge: Edge, year: int | None, out: Path) -> int:
    """The structured targets file (CSV or XLSX)."""
    from ingest.target_store import read_projects
    from ingest.target_table import write_target_table

    with db.read_connection(edge.db) as con:
        projects = read_projects(con, year)
    write_target_table(projects, out)
    click.echo(f"{out}: {len(projects)} projects, {sum(len(p.indicators) for p in projects)} indicators")
    return 0


@export.command("selfeval")
@click.option("--year", type=int, required=True)
@click.option("--out", type=FILE, required=True, help="folder for the files")
@click.option("--project", default=None)
@click.option("--format", "fmt", type=click.Choice(("xlsx", "pdf")), default="xlsx", show_default=True)
@click.option("--final", is_flag=True, help="the final form: record a snapshot to reproduce it later")
@click.option("--from-snapshot", is_flag=True, help="reproduce the forms as last frozen")
@with_edge
def export_selfeval(
    edge: Edge, year: int, out: Path, project: str | None, fmt: str, final: bool, from_snapshot: bool
) -> int:
    """项目支出绩效自评表, scored (XLSX or PDF)."""
    if final and from_snapshot:
        raise click.UsageError("--final and --from-snapshot cannot be used together")
    from core.settings import in_force
    from exports import forms
    from exports.forms_pdf import FontMissing

    config = in_force(edge.db)
    with usage_error_on(FontMissing):
        done = forms.export_selfeval(edge.db, config, year, out, project, fmt, final=final, from_snapshot=from_snapshot)
    if project and not done.forms:
        raise CommandError(f"no project named {project} in {year}")
    _report(edge, done, lambda form: f"{form.total_score:.2f} {form.grade}")
    return 0


@export.command("monitor")
@click.option("--year", type=int, required=True)
@click.option("--month", type=MONTH, required=True, help="YYYY-MM: the form covers months 1 to this one")
@click.option("--out", type=FILE, required=True, help="folder for the files")
@click.option("--format", "fmt", type=click.Choice(("xlsx", "pdf")), default="xlsx", show_default=True)
@with_edge
def export_monitor(edge: Edge, year: int, month, out: Path, fmt: str) -> int:
    """项目支出绩效目标执行监控表 for months 1–N."""
    year, month = year_month(month, year)
    from core.settings import in_force
    from exports import forms
    from exports.forms_pdf import FontMissing

    config = in_force(edge.db)
    with usage_error_on(FontMissing):
        done = forms.export_monitor(edge.db, config, year, month, out, fmt)
    _report(edge, done, lambda form: share(form.execution_rate))
    return 0


@export.command("status")
@click.option("--year", type=int, default=None)
@click.option("--month", type=MONTH, default=None, help="YYYY-MM")
@click.option("--out", type=FILE, required=True, help="file ending in .csv or .xlsx")
@with_edge
def export_status(edge: Edge, year: int | None, month, out: Path) -> int:
    """The status table, CSV or XLSX with colours."""
    year, month = year_month(month, year)
    from exports.status_table import status_csv, status_xlsx
    from metrics.status import compute_status

    with db.read_connection(edge.db) as con:
        config = load_config(con)
        report = compute_status(con, config, year, month)
    writer = status_xlsx if out.suffix.lower() == ".xlsx" else status_csv
    out.write_bytes(writer(report, edge.lang))
    click.echo(f"{out}: {report.month}, {sum(len(p.indicators) for p in report.projects)} indicators")
    return 0


@export.command("briefing")
@click.option("--month", type=MONTH, required=True, help="YYYY-MM: the month the briefing reports")
@click.option("--out", type=FILE, required=True, help="FILE.pdf (or FILE.png for the picture alone)")
@click.option("--png", "png", type=FILE, default=None, help="also write the page as a PNG (for a chat)")
@with_edge
def export_briefing(edge: Edge, month, out: Path, png: Path | None) -> int:
    """月度绩效简报: one A4 page (PDF, and a PNG to forward)."""
    import time

    from exports.briefing import briefing_pdf, gather, page_png
    from exports.forms_pdf import FontMissing

    year, m = month
    started = time.perf_counter()
    with db.read_connection(edge.db) as con:
        config = load_config(con)
        if not con.execute("SELECT count(*) FROM project WHERE year = ?", [year]).fetchone()[0]:
            raise CommandError(edge.say(f"{year}年没有项目", f"no projects in {year}"))
        briefing = gather(con, config, year, m)
    with usage_error_on(FontMissing):
        pdf = briefing_pdf(briefing)
    wanted_png = [p for p in (png, out if out.suffix.lower() == ".png" else None) if p is not None]
    picture = page_png(pdf) if wanted_png else b""
    written = []
    if out.suffix.lower() != ".png":
        out.write_bytes(pdf)
        written.append(out)
    for path in wanted_png:
        path.write_bytes(picture)
        written.append(path)
    seconds = time.perf_counter() - started
    title = month_label(_first_of(year, m), edge.lang)
    reds = briefing.counts["red"]
    click.echo(
        edge.say(
            f"{title} 绩效简报：{len(briefing.projects)}个项目，红灯指标{reds}个（{seconds:.1f}秒）",
            f"{title} briefing: {len(briefing.projects)} projects, {reds} red indicators ({seconds:.1f} s)",
        )
    )
    for path in written:
        click.echo(str(path))
    return 0


def _first_of(year: int, month: int) -> date:
    return date(year, month, 1)


def _report(edge: Edge, done, figure) -> None:
    """Each form's headline figure, the files written, and the warnings on standard error."""
    for form in done.forms:
        click.echo(f"{form.name}\t{figure(form)}")
    for path in done.files:
        click.echo(str(path))
    for warning in done.warnings:
        click.echo(edge.say("警告：", "warning: ") + warning, err=True)


COMMANDS = (status, export)
