"""Administration: ``user add|passwd|assign|list``, ``config show|set``, ``backup``, ``restore``."""

from __future__ import annotations

import sys
from pathlib import Path

import click

from cli.options import CommandError, Edge, usage_error_on, with_edge
from core import db

ROLES = ("leader", "staff", "admin")


@click.group("user")
def user() -> None:
    """Dashboard accounts."""


def _password(from_stdin: bool) -> str:
    import getpass

    if from_stdin or not sys.stdin.isatty():
        return sys.stdin.readline().rstrip("\n")
    first = getpass.getpass("密码 / password: ")
    if first != getpass.getpass("再次输入 / again: "):
        raise CommandError("the two passwords differ")
    return first


@user.command("add")
@click.argument("username")
@click.option("--role", type=click.Choice(ROLES), required=True)
@click.option("--password-stdin", is_flag=True, help="read the password from standard input")
@with_edge
def user_add(edge: Edge, username: str, role: str, password_stdin: bool) -> int:
    """Create an account (prompts for its password)."""
    from core import accounts

    db.init(edge.db)
    with usage_error_on(ValueError):
        accounts.add_user(edge.db, username, _password(password_stdin), role)
    click.echo(f"{username}: {role}")
    return 0


@user.command("passwd")
@click.argument("username")
@click.option("--password-stdin", is_flag=True, help="read the password from standard input")
@with_edge
def user_passwd(edge: Edge, username: str, password_stdin: bool) -> int:
    """Set an account's password (also unlocks it)."""
    from core import accounts

    db.init(edge.db)
    with usage_error_on(ValueError):
        accounts.set_password(edge.db, username, _password(password_stdin))
    click.echo(f"{username}: password set")
    return 0


@user.command("assign")
@click.argument("username")
@click.argument("more", nargs=-1, metavar="[PROJECT]...")
@click.option("--project", "first", multiple=True, help="a project's name; more names may follow (--project A B)")
@click.option("--year", type=int, help="the projects' year (with --project)")
@click.option("--unit", help="scope the account to this 实施单位 (what it sees and, for a leader, reviews)")
@click.option("--department", help="the unit's 主管部门; alone, the whole 主管部门")
@click.option("--no-unit", is_flag=True, help="clear the unit scope: the role's usual scope again")
@with_edge
def user_assign(
    edge: Edge,
    username: str,
    more: tuple[str, ...],
    first: tuple[str, ...],
    year: int | None,
    unit: str | None,
    department: str | None,
    no_unit: bool,
) -> int:
    """The projects a staff account may write for, or the unit / 主管部门 an account is scoped to."""
    from core import accounts

    projects = [*first, *more]
    scoping = unit is not None or department is not None or no_unit
    if not projects and not scoping:
        raise CommandError("give --project NAME --year Y, or --unit NAME [--department NAME], or --department NAME")
    if projects and year is None:
        raise CommandError("--project needs --year")
    db.init(edge.db)
    if projects:
        with db.read_connection(edge.db) as con:
            found = dict(con.execute("SELECT name, project_id FROM project WHERE year = ?", [year]).fetchall())
        missing = [p for p in projects if p not in found]
        if missing:
            raise CommandError(f"no project {'、'.join(missing)} in {year}")
    with usage_error_on(ValueError):
        if scoping:  # checked (and refused) before the projects are written
            accounts.assign_unit(edge.db, username, None if no_unit else department, None if no_unit else unit)
        if projects:
            accounts.assign(edge.db, username, [found[p] for p in projects])
    if projects:
        click.echo(f"{username}: {'、'.join(projects)}")
    if scoping:
        with db.read_connection(edge.db) as con:
            scope = next((u["units"] for u in accounts.users(con) if u["username"] == username), [])
        click.echo(f"{username}: {'、'.join(scope) or '全部项目（未限定单位）'}")
    return 0


@user.command("list")
@with_edge
def user_list(edge: Edge) -> int:
    """Accounts, roles and assignments."""
    from core import accounts

    db.init(edge.db)
    with db.read_connection(edge.db) as con:
        for u in accounts.users(con):
            scope = f"\t{'、'.join(u['units'])}" if u["units"] else ""  # the unit scope, when there is one
            click.echo(f"{u['username']}\t{u['role']}\t{'、'.join(u['projects'])}{scope}")
    return 0


@click.group("config")
def config() -> None:
    """Thresholds, modes and scoring weights in force; change one (audited)."""


@config.command("show")
@with_edge
def config_show(edge: Edge) -> int:
    """Every setting an admin may change, with its value in force."""
    from core import settings

    db.init(edge.db)
    with db.read_connection(edge.db) as con:
        for (section, key), value in settings.current(con).items():
            click.echo(f"{section}.{key}\t{settings.shown(value)}")
    return 0


@config.command("set")
@click.argument("name", metavar="SECTION.KEY")
@click.argument("value")
@with_edge
def config_set(edge: Edge, name: str, value: str) -> int:
    """Change a setting, e.g. lights.accumulating_blue_from 140 or scoring.level_weights 产出指标=60,效益指标=40."""
    from core import settings

    db.init(edge.db)
    section, _, key = name.partition(".")
    with usage_error_on(ValueError):
        before, after = settings.set_setting(edge.db, section, key, value)
    click.echo(f"{name}: {settings.shown(before)} → {settings.shown(after)}")
    return 0


@click.command("backup")
@click.option("--out", type=click.Path(path_type=Path), required=True, help="a new, empty folder")
@with_edge
def backup(edge: Edge, out: Path) -> int:
    """A consistent copy of the database (EXPORT DATABASE)."""
    import duckdb

    from core.backup import backup as export_database

    try:
        click.echo(str(export_database(edge.db, out)))
    except (FileExistsError, NotADirectoryError) as exc:  # never write into (or over) something already there
        raise CommandError(
            edge.say(
                f"备份目录 {out} 已存在且不是空文件夹：请指定一个新的空文件夹",
                f"{out} exists and is not an empty folder: give a new, empty folder",
            )
        ) from exc
    except (OSError, duckdb.IOException) as exc:
        raise CommandError(
            edge.say(f"无法写入备份目录 {out}：{exc}", f"cannot write the backup to {out}: {exc}")
        ) from exc
    return 0


@click.command("restore")
@click.argument("folder", type=click.Path(path_type=Path))
@click.option("--force", is_flag=True, help="replace an existing database")
@with_edge
def restore(edge: Edge, folder: Path, force: bool) -> int:
    """Bring a backup back."""
    from core.backup import restore as import_database

    try:
        click.echo(str(import_database(folder, edge.db, force)))
    except (FileExistsError, FileNotFoundError) as exc:
        raise CommandError(str(exc)) from exc
    return 0


COMMANDS = (user, config, backup, restore)
