"""The dashboard and its demo: ``serve`` (Streamlit on a prepared database) and ``demo``."""

from __future__ import annotations

import os
import sys
from pathlib import Path

import click

from cli.options import CommandError, Edge, with_edge
from core import db

DEMO_YEAR = 2020


def prepare_database(path: Path) -> None:
    """Before serving: create or upgrade the file, load the demo into an empty one, and make sure someone
    can sign in (demo accounts for a demo database; otherwise say how to create the first admin)."""
    from core.settings import in_force
    from ingest.demo_load import load_demo_if_empty

    db.init(path)
    summary = load_demo_if_empty(path, in_force(path))
    if summary:
        click.echo(f"{path.name}: was empty, demo loaded: {summary}")
    with db.read_connection(path) as con:
        no_account = not con.execute("SELECT count(*) FROM account").fetchall()[0][0]
        demo = con.execute("SELECT count(*) FROM load_log WHERE file_name = 'budget_2020.csv'").fetchall()[0][0] > 0
    if no_account and demo:
        demo_accounts(path)
    elif no_account:
        click.echo(
            "尚无账号：请先运行 perfboard user add NAME --role admin / no account yet: "
            "run `perfboard user add NAME --role admin` first"
        )


def demo_accounts(path: Path | None) -> None:
    """Demo-only accounts for a demo database, their password printed once."""
    from core.accounts import ensure_demo_accounts

    password = ensure_demo_accounts(path or db.default_db_path())
    if password:
        click.echo("演示账号（仅供演示，切勿用于正式数据） / DEMO-ONLY accounts:")
        click.echo(f"  demo-admin / demo-leader / demo-staff   密码 password: {password}")


# how `perfboard serve` runs Streamlit beyond its app, port and address (benchmarks serve an empty page the same way)
STREAMLIT_FLAGS = [
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


@click.command("serve")
@click.option("--port", type=int, default=8501, show_default=True)
@click.option("--address", default="localhost", help="address to listen on (default localhost)")
@with_edge
def serve(edge: Edge, port: int, address: str) -> int:
    """Start the dashboard (loads the demo into an empty database)."""
    path = Path(edge.db or db.default_db_path()).resolve()
    prepare_database(path)
    app = Path(__file__).resolve().parent.parent / "dashboard" / "server.py"  # app.py and the cookie route
    argv = [
        sys.executable,
        "-m",
        "streamlit",
        "run",
        str(app),
        "--server.port",
        str(port),
        "--server.address",
        address,
        *STREAMLIT_FLAGS,
    ]
    os.environ["PERFBOARD_DB"] = str(path)  # the database path travels to the dashboard in PERFBOARD_DB
    click.echo(f"perfboard: http://{address}:{port}")
    os.execv(sys.executable, argv)
    return 0  # not reached


@click.command("demo")
@click.option("--year", type=int, default=DEMO_YEAR, show_default=True)
@click.option("--if-empty", is_flag=True, help="only when the database holds no project yet")
@with_edge
def demo(edge: Edge, year: int, if_empty: bool) -> int:
    """Load the seed's 2020 targets, bindings and demo actuals."""
    from core.settings import in_force
    from ingest.demo_load import load_demo, load_demo_if_empty

    if year != DEMO_YEAR:
        raise CommandError(f"demo data exists for {DEMO_YEAR} only, not {year}")
    db.init(edge.db)
    config = in_force(edge.db)
    summary = load_demo_if_empty(edge.db, config) if if_empty else load_demo(edge.db, config)
    if summary is None:  # --if-empty, and the database holds projects already
        return 0
    click.echo(f"demo {DEMO_YEAR}: {summary}")
    demo_accounts(edge.db)
    return 0


COMMANDS = (serve, demo)
