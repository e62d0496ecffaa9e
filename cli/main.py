"""``perfboard``: a thin command line over the ingest and metrics functions (DESIGN.md §4)."""

from __future__ import annotations

import argparse
import csv
import json
import re
import sys
from pathlib import Path

from ingest.actual_kinds import KINDS
from ingest.problems import ValidationFailed
from ingest.templates import TEMPLATE_KINDS
from core import db
from cli.textgrid import render

EXIT_INVALID = 1
EXIT_USAGE = 2
EXIT_BUSY = 3


def _common(parser: argparse.ArgumentParser, default=argparse.SUPPRESS) -> argparse.ArgumentParser:
    """--db and --lang, accepted before the command (``perfboard --db X status``) or after it."""
    parser.add_argument(
        "--db", type=Path, default=default, help="database file (default: $PERFBOARD_DB or data/perfboard.duckdb)"
    )
    parser.add_argument(
        "--lang",
        choices=("zh", "en"),
        default=default if default is argparse.SUPPRESS else "zh",
        help="language of messages (default zh)",
    )
    return parser


def build_parser() -> argparse.ArgumentParser:
    common = _common(argparse.ArgumentParser(add_help=False))
    parser = _common(
        argparse.ArgumentParser(
            prog="perfboard", description="财政项目支出绩效监控 / budget-project performance monitoring"
        ),
        default=None,
    )
    sub = parser.add_subparsers(dest="command", required=True)

    sub.add_parser("init", parents=[common], help="create or upgrade the database")

    ingest = sub.add_parser("ingest", help="load files").add_subparsers(dest="what", required=True)
    targets = ingest.add_parser("targets", parents=[common], help="绩效目标表 text export or structured targets file")
    targets.add_argument("files", nargs="+", type=Path)
    actuals = ingest.add_parser("actuals", parents=[common], help="monthly actuals, CSV or XLSX")
    actuals.add_argument("files", nargs="+", type=Path)
    actuals.add_argument(
        "--kind", choices=sorted(KINDS), help="the kind of file (detected from the header if not given)"
    )
    bindings = ingest.add_parser(
        "bindings", parents=[common], help="which rule produces each indicator's actual (TOML)"
    )
    bindings.add_argument("file", type=Path)
    bindings.add_argument("--year", type=int, required=True)

    status = sub.add_parser("status", parents=[common], help="lights per indicator and project")
    status.add_argument("--year", type=int)
    status.add_argument("--month", help="YYYY-MM (default: the latest month due)")
    status.add_argument("--project")
    status.add_argument("--format", choices=("table", "csv", "json"), default="table")

    export = sub.add_parser("export", help="write forms and files").add_subparsers(dest="what", required=True)
    export_targets = export.add_parser("targets", parents=[common], help="the structured targets file (CSV or XLSX)")
    export_targets.add_argument("--year", type=int)
    export_targets.add_argument("--out", type=Path, required=True, help="file ending in .csv or .xlsx")

    template = sub.add_parser("template", parents=[common], help="write an empty upload template with an example row")
    template.add_argument("kind", choices=TEMPLATE_KINDS)
    template.add_argument("--out", type=Path, required=True, help="file ending in .csv or .xlsx")

    serve = sub.add_parser(
        "serve", parents=[common], help="start the dashboard (loads the demo into an empty database)"
    )
    serve.add_argument("--port", type=int, default=8501)
    serve.add_argument("--address", default="localhost", help="address to listen on (default localhost)")

    selfeval = export.add_parser("selfeval", parents=[common], help="项目支出绩效自评表, scored (XLSX or PDF)")
    selfeval.add_argument("--year", type=int, required=True)
    selfeval.add_argument("--out", type=Path, required=True, help="folder for the files")
    selfeval.add_argument("--project")
    selfeval.add_argument("--format", choices=("xlsx", "pdf"), default="xlsx")
    freeze = selfeval.add_mutually_exclusive_group()
    freeze.add_argument("--final", action="store_true", help="the final form: record a snapshot to reproduce it later")
    freeze.add_argument("--from-snapshot", action="store_true", help="reproduce the forms as last frozen")
    monitor = export.add_parser("monitor", parents=[common], help="项目支出绩效目标执行监控表 for months 1–N")
    monitor.add_argument("--year", type=int, required=True)
    monitor.add_argument("--month", required=True, help="YYYY-MM: the form covers months 1 to this one")
    monitor.add_argument("--out", type=Path, required=True, help="folder for the files")
    monitor.add_argument("--format", choices=("xlsx", "pdf"), default="xlsx")

    export_status = export.add_parser("status", parents=[common], help="the status table, CSV or XLSX with colours")
    export_status.add_argument("--year", type=int)
    export_status.add_argument("--month", help="YYYY-MM")
    export_status.add_argument("--out", type=Path, required=True, help="file ending in .csv or .xlsx")

    user = sub.add_parser("user", help="dashboard accounts").add_subparsers(dest="what", required=True)
    user_add = user.add_parser("add", parents=[common], help="create an account (prompts for its password)")
    user_add.add_argument("username")
    user_add.add_argument("--role", choices=("leader", "staff", "admin"), required=True)
    user_add.add_argument("--password-stdin", action="store_true", help="read the password from standard input")
    user_pw = user.add_parser("passwd", parents=[common], help="set an account's password (also unlocks it)")
    user_pw.add_argument("username")
    user_pw.add_argument("--password-stdin", action="store_true")
    user_assign = user.add_parser("assign", parents=[common], help="the projects a staff account may write for")
    user_assign.add_argument("username")
    user_assign.add_argument("--project", nargs="+", required=True)
    user_assign.add_argument("--year", type=int, required=True)
    user.add_parser("list", parents=[common], help="accounts, roles and assignments")

    config = sub.add_parser("config", help="thresholds in force; change one (audited)").add_subparsers(
        dest="what", required=True
    )
    config.add_parser("show", parents=[common], help="every threshold an admin may change, with its value")
    config_set = config.add_parser(
        "set", parents=[common], help="change a threshold, e.g. lights.accumulating_blue_from 140"
    )
    config_set.add_argument("name", help="SECTION.KEY")
    config_set.add_argument("value")

    back = sub.add_parser("backup", parents=[common], help="a consistent copy of the database (EXPORT DATABASE)")
    back.add_argument("--out", type=Path, required=True, help="a new, empty folder")
    rest = sub.add_parser("restore", parents=[common], help="bring a backup back")
    rest.add_argument("folder", type=Path)
    rest.add_argument("--force", action="store_true", help="replace an existing database")
    rev = sub.add_parser("revert", parents=[common], help="undo an upload of actuals (as a new revision)")
    rev.add_argument("load_id", type=int)

    demo = sub.add_parser("demo", parents=[common], help="load the seed's 2020 targets, bindings and demo actuals")
    demo.add_argument("--year", type=int, default=2020)
    demo.add_argument("--if-empty", action="store_true", help="only when the database holds no project yet")
    return parser


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    try:
        return COMMANDS[args.command](args)
    except ValidationFailed as failed:
        print(failed.format(args.lang), file=sys.stderr)
        summary = (
            f"{len(failed.problems)} 个问题，未写入任何数据"
            if args.lang == "zh"
            else f"{len(failed.problems)} problem(s): nothing was written"
        )
        print(summary, file=sys.stderr)
        return EXIT_INVALID
    except db.DatabaseBusy as busy:
        print(str(busy), file=sys.stderr)
        return EXIT_BUSY
    except (db.DatabaseMissing, UsageError) as exc:
        print(str(exc), file=sys.stderr)
        return EXIT_USAGE
    except BrokenPipeError:  # `perfboard status | head`: the reader left, which is fine
        sys.stderr.close()
        return 0


class UsageError(Exception):
    """A command line that cannot be carried out as given."""


def cmd_init(args) -> int:
    before = db.init(args.db)
    path = args.db or db.default_db_path()
    if before == db.SCHEMA_VERSION:
        print(f"{path}: schema {db.SCHEMA_VERSION}, up to date")
    else:
        print(f"{path}: schema {before} → {db.SCHEMA_VERSION}")
    return 0


def cmd_ingest(args) -> int:
    return {"targets": _ingest_targets, "actuals": _ingest_actuals, "bindings": _ingest_bindings}[args.what](args)


def _ingest_targets(args) -> int:
    from ingest.target_store import load_targets

    loaded = load_targets(args.files, args.db)
    for name, projects, indicators in loaded.files:
        if args.lang == "en":
            print(f"{name}: {projects} projects, {indicators} indicators loaded")
        else:
            print(f"{name}：已载入 {projects} 个项目、{indicators} 个指标")
    return 0


def _ingest_actuals(args) -> int:
    from ingest.actuals import ingest_actuals

    for loaded in ingest_actuals(args.files, args.db, args.kind):
        kind = KINDS[loaded.kind]
        months = "、".join(loaded.months) if len(loaded.months) <= 3 else f"{loaded.months[0]}…{loaded.months[-1]}"
        if args.lang == "en":
            print(f"{loaded.file}: {kind.en}, {loaded.rows} rows for {months}; {loaded.replaced} earlier rows replaced")
        else:
            print(
                f"{loaded.file}：{kind.zh}，{months} 共 {loaded.rows} 行；替换旧数据 {loaded.replaced} 行（旧版本保留）"
            )
    return 0


def _ingest_bindings(args) -> int:
    from ingest.bindings import store_bindings

    with db.write_transaction(args.db) as con:
        count = store_bindings(con, args.file, args.year)
    print(f"{args.file.name}: {count} indicators bound")
    return 0


def _parse_month(text: str | None, year: int | None) -> tuple[int | None, int | None]:
    if not text:
        return year, None
    m = re.fullmatch(r"(\d{4})-(\d{1,2})", text)
    if not m or not 1 <= int(m.group(2)) <= 12:
        raise UsageError(f"--month {text}: expected YYYY-MM")
    if year is not None and int(m.group(1)) != year:
        raise UsageError(f"--month {text} is not in --year {year}")
    return int(m.group(1)), int(m.group(2))


def cmd_status(args) -> int:
    from metrics.status import STATUS_LABELS, compute_status, status_rows

    year, month = _parse_month(args.month, args.year)
    with db.read_connection(args.db) as con:
        report = compute_status(con, year, month, args.project)
    if args.project and not report.projects:
        raise UsageError(f"no project named {args.project} in {report.year}")
    if args.format == "json":
        json.dump(report.to_dict(args.lang), sys.stdout, ensure_ascii=False, indent=1)
        print()
        return 0
    rows = status_rows(report, args.lang)
    if args.format == "csv":
        writer = csv.DictWriter(sys.stdout, fieldnames=list(rows[0]) if rows else ["month"])
        writer.writeheader()
        writer.writerows(rows)
        return 0
    labels = STATUS_LABELS[args.lang]
    header = (
        ["项目", "一级", "二级", "三级指标", "目标值", "实际", "状态", "说明"]
        if args.lang == "zh"
        else ["project", "level 1", "level 2", "indicator", "target", "actual", "light", "explanation"]
    )
    table = [
        [
            r["project"],
            r["level1"],
            r["level2"],
            r["indicator"],
            r["target"],
            "" if r["actual"] is None else str(r["actual"]),
            labels[r["status"]],
            r["explanation"],
        ]
        for r in rows
    ]
    print(f"{report.month}")
    print(render(header, table, max_width=30))
    return 0


def cmd_export(args) -> int:
    if args.what == "status":
        return _export_status(args)
    if args.what in ("selfeval", "monitor"):
        return _export_form(args)
    from ingest.target_store import read_projects
    from ingest.target_table import write_target_table

    with db.read_connection(args.db) as con:
        projects = read_projects(con, args.year)
    write_target_table(projects, args.out)
    print(f"{args.out}: {len(projects)} projects, {sum(len(p.indicators) for p in projects)} indicators")
    return 0


def _export_form(args) -> int:
    from exports.forms import export_monitor, export_selfeval
    from exports.forms_pdf import FontMissing

    try:
        if args.what == "selfeval":
            done = export_selfeval(
                args.db,
                args.year,
                args.out,
                args.project,
                args.format,
                final=args.final,
                from_snapshot=args.from_snapshot,
            )
        else:
            year, month = _parse_month(args.month, args.year)
            done = export_monitor(args.db, year, month, args.out, args.format)
    except FontMissing as exc:
        raise UsageError(str(exc)) from exc
    if getattr(args, "project", None) and not done.forms:
        raise UsageError(f"no project named {args.project} in {args.year}")
    for form in done.forms:
        score = f"{form.total_score:.2f} {form.grade}" if args.what == "selfeval" else f"{form.execution_rate:.2%}"
        print(f"{form.name}\t{score}")
    for path in done.files:
        print(path)
    for warning in done.warnings:
        print(("警告：" if args.lang == "zh" else "warning: ") + warning, file=sys.stderr)
    return 0


def _export_status(args) -> int:
    from exports.status_table import status_csv, status_xlsx
    from metrics.status import compute_status

    year, month = _parse_month(args.month, args.year)
    with db.read_connection(args.db) as con:
        report = compute_status(con, year, month)
    writer = status_xlsx if args.out.suffix.lower() == ".xlsx" else status_csv
    args.out.write_bytes(writer(report, args.lang))
    print(f"{args.out}: {report.month}, {sum(len(p.indicators) for p in report.projects)} indicators")
    return 0


def prepare_database(path: Path) -> None:
    """Before serving: create or upgrade the file, load the demo into an empty one, and make sure someone
    can sign in (demo accounts for a demo database; otherwise say how to create the first admin)."""
    from ingest.demo_load import load_demo

    db.init(path)
    with db.read_connection(path) as con:
        empty = con.execute("SELECT count(*) FROM project").fetchall()[0][0] == 0
    if empty:
        print(f"{path.name}: empty, loading the demo …", flush=True)
        load_demo(path)
    with db.read_connection(path) as con:
        no_account = not con.execute("SELECT count(*) FROM account").fetchall()[0][0]
        demo = con.execute("SELECT count(*) FROM load_log WHERE file_name = 'budget_2020.csv'").fetchall()[0][0] > 0
    if no_account and demo:
        _demo_accounts(path)
    elif no_account:
        print(
            "尚无账号：请先运行 perfboard user add NAME --role admin / no account yet: "
            "run `perfboard user add NAME --role admin` first",
            flush=True,
        )


def cmd_serve(args) -> int:
    """Start Streamlit on the dashboard; the database path travels in PERFBOARD_DB."""
    import os

    path = Path(args.db or db.default_db_path()).resolve()
    prepare_database(path)
    app = Path(__file__).resolve().parent.parent / "dashboard" / "app.py"
    argv = [
        sys.executable,
        "-m",
        "streamlit",
        "run",
        str(app),
        "--server.port",
        str(args.port),
        "--server.address",
        args.address,
        "--server.headless",
        "true",
        "--server.maxUploadSize",
        "20",
        "--server.fileWatcherType",
        "none",
        "--browser.gatherUsageStats",
        "false",
        "--theme.base",
        "light",
        "--client.toolbarMode",
        "viewer",
    ]
    os.environ["PERFBOARD_DB"] = str(path)
    print(f"perfboard: http://{args.address}:{args.port}", flush=True)
    os.execv(sys.executable, argv)
    return 0  # not reached


def cmd_template(args) -> int:
    from ingest.templates import write_template

    write_template(args.kind, args.out)
    print(args.out)
    return 0


def cmd_demo(args) -> int:
    from ingest.demo_load import load_demo

    if args.year != 2020:
        raise UsageError(f"demo data exists for 2020 only, not {args.year}")
    db.init(args.db)
    if args.if_empty:
        with db.read_connection(args.db) as con:
            if con.execute("SELECT count(*) FROM project").fetchone()[0]:
                return 0
    summary = load_demo(args.db)
    print(f"demo 2020: {summary}")
    _demo_accounts(args.db)
    return 0


def _demo_accounts(path) -> None:
    """Demo-only accounts for a demo database, their password printed once."""
    from core.accounts import ensure_demo_accounts

    password = ensure_demo_accounts(path or db.default_db_path())
    if password:
        print("演示账号（仅供演示，切勿用于正式数据） / DEMO-ONLY accounts:", flush=True)
        print(f"  demo-admin / demo-leader / demo-staff   密码 password: {password}", flush=True)


def _password(args) -> str:
    import getpass

    if args.password_stdin or not sys.stdin.isatty():
        return sys.stdin.readline().rstrip("\n")
    first = getpass.getpass("密码 / password: ")
    if first != getpass.getpass("再次输入 / again: "):
        raise UsageError("the two passwords differ")
    return first


def cmd_user(args) -> int:
    from core import accounts

    db.init(args.db)
    try:
        if args.what == "add":
            accounts.add_user(args.db, args.username, _password(args), args.role)
            print(f"{args.username}: {args.role}")
        elif args.what == "passwd":
            accounts.set_password(args.db, args.username, _password(args))
            print(f"{args.username}: password set")
        elif args.what == "assign":
            with db.read_connection(args.db) as con:
                found = dict(con.execute("SELECT name, project_id FROM project WHERE year = ?", [args.year]).fetchall())
            missing = [p for p in args.project if p not in found]
            if missing:
                raise UsageError(f"no project {'、'.join(missing)} in {args.year}")
            accounts.assign(args.db, args.username, [found[p] for p in args.project])
            print(f"{args.username}: {'、'.join(args.project)}")
        else:
            with db.read_connection(args.db) as con:
                for u in accounts.users(con):
                    print(f"{u['username']}\t{u['role']}\t{'、'.join(u['projects'])}")
    except ValueError as exc:
        raise UsageError(str(exc)) from exc
    return 0


def cmd_config(args) -> int:
    from core import settings

    db.init(args.db)
    if args.what == "show":
        with db.read_connection(args.db) as con:
            for (section, key), value in settings.current(con).items():
                print(f"{section}.{key}\t{value}")
        return 0
    section, _, key = args.name.partition(".")
    try:
        before, after = settings.set_setting(args.db, section, key, args.value)
    except ValueError as exc:
        raise UsageError(str(exc)) from exc
    print(f"{args.name}: {before} → {after}")
    return 0


def cmd_backup(args) -> int:
    from core.backup import backup

    print(backup(args.db, args.out))
    return 0


def cmd_restore(args) -> int:
    from core.backup import restore

    try:
        print(restore(args.folder, args.db, args.force))
    except (FileExistsError, FileNotFoundError) as exc:
        raise UsageError(str(exc)) from exc
    return 0


def cmd_revert(args) -> int:
    from ingest.revert import NothingToRevert, revert_load

    try:
        done = revert_load(args.db, args.load_id)
    except NothingToRevert as exc:
        raise UsageError(str(exc)) from exc
    print(f"load {done.load_id}: {done.restored} rows restored, {done.withdrawn} withdrawn")
    return 0


COMMANDS = {
    "init": cmd_init,
    "ingest": cmd_ingest,
    "status": cmd_status,
    "export": cmd_export,
    "template": cmd_template,
    "demo": cmd_demo,
    "serve": cmd_serve,
    "user": cmd_user,
    "config": cmd_config,
    "backup": cmd_backup,
    "restore": cmd_restore,
    "revert": cmd_revert,
}


if __name__ == "__main__":
    sys.exit(main())
