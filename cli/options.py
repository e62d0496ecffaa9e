"""What every command shares: ``--db`` and ``--lang`` (before or after the command), the month type, usage errors."""

from __future__ import annotations

import functools
import re
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import click

LANGS = ("zh", "en")


class CommandError(Exception):
    """A command line that cannot be carried out as given (exit 2, the message alone on standard error).

    ``CommandError(zh, en)`` carries both languages; ``say(lang)`` picks one (``main`` prints it)."""

    def __init__(self, message: str, en: str | None = None):
        super().__init__(message)
        self.en = en

    def say(self, lang: str) -> str:
        from cli.errors import in_lang

        if self.en is not None:
            return self.en if lang == "en" else str(self)
        return in_lang(str(self), lang)


@contextmanager
def usage_error_on(*errors: type[Exception]) -> Iterator[None]:
    """The library's refusals (a weak password, an unknown user, a missing font…) as usage problems."""
    try:
        yield
    except errors as exc:
        raise CommandError(str(exc)) from exc


class ReaderLeft(Exception):
    """Standard output was closed by its reader (``perfboard status | head``): not an error.

    Raised in place of BrokenPipeError, which click would turn into exit status 1 by itself."""


@dataclass
class Invocation:
    """Carried as ``ctx.obj`` through one run, so ``main`` can word its errors in the language asked for."""

    lang: str = "zh"


@dataclass(frozen=True)
class Edge:
    """The database and the language one command works with."""

    db: Path | None
    lang: str

    def say(self, zh: str, en: str) -> str:
        return en if self.lang == "en" else zh


def db_option():
    return click.option(
        "--db",
        type=click.Path(path_type=Path),
        default=None,
        help="数据库文件（默认 $PERFBOARD_DB 或 data/perfboard.duckdb） / database file (default: $PERFBOARD_DB or data/perfboard.duckdb)",
    )


def lang_option():
    return click.option(
        "--lang",
        type=click.Choice(LANGS),
        default=None,
        help="提示信息的语言（默认中文） / language of messages (default zh)",
    )


def with_edge(command):
    """Give a command ``--db`` and ``--lang`` of its own; the command receives an ``Edge`` as first argument.

    A value given after the command wins over one given before it (``perfboard --db X status``).
    """

    @db_option()
    @lang_option()
    @functools.wraps(command)
    def run(*args, db: Path | None, lang: str | None, **kwargs):
        ctx = click.get_current_context()
        root = ctx.find_root().params
        edge = Edge(db if db is not None else root.get("db"), lang or root.get("lang") or "zh")
        if isinstance(ctx.obj, Invocation):
            ctx.obj.lang = edge.lang
        try:
            return command(edge, *args, **kwargs)
        except BrokenPipeError as exc:
            raise ReaderLeft from exc

    return run


class MonthType(click.ParamType):
    """``YYYY-MM`` → (year, month)."""

    name = "YYYY-MM"

    def convert(self, value, param, ctx):
        if isinstance(value, tuple):
            return value
        m = re.fullmatch(r"(\d{4})-(\d{1,2})", str(value).strip())
        if not m or not 1 <= int(m.group(2)) <= 12:
            self.fail(f"{value}: expected YYYY-MM", param, ctx)
        return int(m.group(1)), int(m.group(2))


MONTH = MonthType()


def year_month(month: tuple[int, int] | None, year: int | None) -> tuple[int | None, int | None]:
    """The year and month to report on from ``--month`` and ``--year``, which must agree."""
    if month is None:
        return year, None
    if year is not None and month[0] != year:
        shown = f"{month[0]}-{month[1]:02d}"
        raise CommandError(f"--month {shown} 不在 --year {year} 年内", f"--month {shown} is not in --year {year}")
    return month
