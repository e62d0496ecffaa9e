"""``perfboard``: a thin command line over the library (DESIGN.md §4), built on click.

This module holds the command group and turns what went wrong into the exit status:
0 done, 1 input problems (nothing written), 2 usage, 3 the database is busy.
The commands themselves live in ``cli/commands_*.py``; each loads the configuration once and passes it down.
"""

from __future__ import annotations

import io
import os
import sys
from pathlib import Path

import click

from cli import commands_admin, commands_load, commands_report, commands_serve
from cli.commands_serve import prepare_database
from cli.options import CommandError, Invocation, ReaderLeft, db_option, lang_option
from core import db
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


for _module in (commands_load, commands_report, commands_admin, commands_serve):
    for _command in _module.COMMANDS:
        perfboard.add_command(_command)


def main(argv: list[str] | None = None) -> int:
    """Run one command line; returns the exit status (``sys.argv[1:]`` when ``argv`` is None)."""
    state = Invocation()
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
    except (db.DatabaseMissing, CommandError) as exc:
        click.echo(str(exc), err=True)
        return EXIT_USAGE
    except click.UsageError as exc:  # click's own: unknown command or option, bad or missing value
        exc.show()
        return EXIT_USAGE
    except click.ClickException as exc:
        exc.show()
        return exc.exit_code
    except click.Abort:  # Ctrl-C or end of input at a prompt
        click.echo("Aborted!", err=True)
        return EXIT_INVALID
    except (ReaderLeft, BrokenPipeError):  # `perfboard status | head`: the reader left, which is fine
        _discard_output()
        return 0
    return code if isinstance(code, int) else 0


def _discard_output() -> None:
    """What is still buffered for a reader that left goes nowhere, so exiting does not fail again on it."""
    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
    except (OSError, ValueError, io.UnsupportedOperation):  # not a real file (tests capture into a buffer)
        pass


if __name__ == "__main__":
    sys.exit(main())
