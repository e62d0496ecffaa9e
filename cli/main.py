"""``perfboard``: a thin command line over the library (docs/design.md §4), built on click.

This module holds the command group and turns what went wrong into the exit status:
0 done, 1 input problems (nothing written), 2 usage, 3 the database is busy.
The commands themselves live in ``cli/commands_*.py``; each loads the configuration once and passes it down.
"""

from __future__ import annotations

import io
import os
import sys
import tomllib
import traceback
from pathlib import Path

import click

from cli import (
    commands_admin,
    commands_cycle,
    commands_load,
    commands_next_year,
    commands_report,
    commands_serve,
    commands_summary,
    help_texts,
)
from cli.commands_serve import prepare_database
from cli.errors import in_lang, lang_in, usage_error
from cli.options import CommandError, Invocation, ReaderLeft, db_option, lang_option
from core import config as config_module
from core import db
from core.config import ConfigError
from core.paths import config_path
from ingest.problems import ValidationFailed

__all__ = ["EXIT_BUSY", "EXIT_INVALID", "EXIT_USAGE", "main", "perfboard", "prepare_database"]

EXIT_INVALID = 1
EXIT_USAGE = 2
EXIT_BUSY = 3


@click.group(
    "perfboard",
    context_settings={"help_option_names": ["-h", "--help"], "max_content_width": 100},
)
@db_option()
@lang_option()
@click.pass_context
def perfboard(ctx: click.Context, db: Path | None, lang: str | None) -> None:
    """财政项目支出绩效监控 / budget-project performance monitoring.

    --db and --lang may be given before the command or after it.
    """
    if isinstance(ctx.obj, Invocation) and lang:
        ctx.obj.lang = lang


for _module in (
    commands_load,
    commands_report,
    commands_admin,
    commands_serve,
    commands_next_year,
    commands_cycle,
    commands_summary,
):
    for _command in _module.COMMANDS:
        perfboard.add_command(_command)


def main(argv: list[str] | None = None) -> int:
    """Run one command line; returns the exit status (``sys.argv[1:]`` when ``argv`` is None)."""
    help_texts.apply(perfboard)  # Chinese first on every --help line (commands other modules added included)
    state = Invocation(lang=lang_in(sys.argv[1:] if argv is None else argv) or "zh")
    try:
        code = perfboard.main(args=argv, prog_name="perfboard", standalone_mode=False, obj=state)
        sys.stdout.flush()  # a reader that left shows here, not in the interpreter's own flush at exit
    except ValidationFailed as failed:
        click.echo(failed.format(state.lang), err=True)
        summary = (
            f"{len(failed.problems)} problem(s): nothing was written"
            if state.lang == "en"
            else f"{len(failed.problems)} 个问题，未写入任何数据"
        )
        click.echo(summary, err=True)
        return EXIT_INVALID
    except db.DatabaseBusy as busy:
        click.echo(str(busy), err=True)
        return EXIT_BUSY
    except CommandError as exc:
        click.echo(exc.say(state.lang), err=True)
        return EXIT_USAGE
    except db.DatabaseMissing as exc:
        click.echo(in_lang(str(exc), state.lang), err=True)
        return EXIT_USAGE
    except ConfigError as exc:  # a bad value in the file, or an admin's override that no longer fits
        click.echo(_config_problem(state.lang, exc), err=True)
        return EXIT_USAGE
    except click.UsageError as exc:  # click's own: unknown command or option, bad or missing value
        usage_error(exc, state.lang)
        return EXIT_USAGE
    except click.ClickException as exc:
        click.echo(
            ("Error: " if state.lang == "en" else "错误：") + in_lang(exc.format_message(), state.lang), err=True
        )
        return exc.exit_code
    except click.Abort:  # Ctrl-C or end of input at a prompt
        click.echo("Aborted!" if state.lang == "en" else "已中止", err=True)
        return EXIT_INVALID
    except (ReaderLeft, BrokenPipeError):  # `perfboard status | head`: the reader left, which is fine
        _discard_output()
        return 0
    except (OSError, tomllib.TOMLDecodeError) as exc:  # the configuration file missing, unreadable or not TOML
        if not _from_config_file(exc):
            raise
        click.echo(_config_problem(state.lang, exc), err=True)
        return EXIT_USAGE
    return code if isinstance(code, int) else 0


def _from_config_file(exc: BaseException) -> bool:
    """Was ``exc`` raised while reading the configuration file (``core/config.py`` is on its way)?"""
    here = Path(config_module.__file__).resolve()
    return any(Path(frame.f_code.co_filename).resolve() == here for frame, _ in traceback.walk_tb(exc.__traceback__))


def _config_problem(lang: str, exc: Exception) -> str:
    """One line naming the configuration file and what is wrong with it (or with an override in the database)."""
    path = config_path()
    from_env = bool(os.environ.get("PERFBOARD_CONFIG"))
    file_zh = f"{path}（PERFBOARD_CONFIG）" if from_env else str(path)
    file_en = f"{path} ($PERFBOARD_CONFIG)" if from_env else str(path)
    if isinstance(exc, FileNotFoundError):
        zh, en = f"找不到配置文件 {file_zh}", f"the configuration file {file_en} does not exist"
    elif isinstance(exc, OSError):
        zh = f"无法读取配置文件 {file_zh}：{exc.strerror or exc}"
        en = f"cannot read the configuration file {file_en}: {exc.strerror or exc}"
    elif isinstance(exc, tomllib.TOMLDecodeError):
        zh, en = f"{file_zh} 不是有效的 TOML：{exc}", f"{file_en} is not valid TOML: {exc}"
    elif _file_alone_fits():
        zh = f"数据库中的设置与 {file_zh} 不再相符：{exc}（请用 perfboard config set 重新设置）"
        en = (
            f"a setting stored in the database no longer fits {file_en}: {exc} (set it again with perfboard config set)"
        )
    else:
        zh, en = f"{file_zh}：{exc}", f"{file_en}: {exc}"
    return f"configuration problem: {en}" if lang == "en" else f"配置有误：{zh}"


def _file_alone_fits() -> bool:
    """Does the configuration file build without the database's overrides?"""
    try:
        config_module.load_config()
    except Exception:  # the file itself is at fault, whatever the error
        return False
    return True


def _discard_output() -> None:
    """What is still buffered for a reader that left goes nowhere, so exiting does not fail again on it."""
    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
    except (OSError, ValueError, io.UnsupportedOperation):  # not a real file (tests capture into a buffer)
        pass


if __name__ == "__main__":
    sys.exit(main())
