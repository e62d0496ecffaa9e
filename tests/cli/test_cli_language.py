"""The command line speaks the language asked for (issue 14): errors in Chinese by default, a sentence for a
month with no data, and a Chinese line with the English on every command and option of --help."""

from __future__ import annotations

import re

import click
import pytest
from helpers import SEED, run_cli

from cli import help_texts
from cli.main import perfboard

CJK = re.compile(r"[\u4e00-\u9fff]")


@pytest.fixture(scope="module")
def seeded(tmp_path_factory):
    path = tmp_path_factory.mktemp("lang") / "seed.duckdb"
    run_cli("ingest", "targets", str(SEED), db=path, check=True)
    return path


@pytest.mark.parametrize(
    ("args", "zh", "en"),
    [
        (("status", "--foo"), "错误：没有选项 --foo，是否为 --format？", "No such option"),
        (("statu",), "错误：没有命令“statu”，是否为“status”？", "No such command"),
        (("status", "--month", "2020-13"), "“2020-13”不是月份，应为 YYYY-MM", "expected YYYY-MM"),
        (("status", "--format", "x"), "“x”不是可选值之一", "is not one of"),
        (("status", "--month", "2020-07", "--year", "2019"), "--month 2020-07 不在 --year 2019 年内", "is not in"),
        (("status", "--project", "无此项目"), "2020年没有名为“无此项目”的项目", "no project named"),
        (("ingest", "actuals", "nothere.csv"), "文件“nothere.csv”不存在", "does not exist"),
    ],
)
def test_errors_speak_chinese_by_default_and_english_when_asked(seeded, args, zh, en):
    said = run_cli(*args, db=seeded)
    assert said.returncode == 2 and zh in said.stderr
    assert "Usage:" not in said.stderr and "Error:" not in said.stderr
    english = run_cli(*args, "--lang", "en", db=seeded)
    assert english.returncode == 2 and en in english.stderr


def test_a_missing_database_is_said_in_chinese(tmp_path):
    said = run_cli("status", db=tmp_path / "none.duckdb")
    assert said.returncode == 2 and "不存在：请先运行 `perfboard init`" in said.stderr


def test_a_month_with_no_data_says_so_instead_of_an_empty_table(seeded):
    said = run_cli("status", "--month", "2021-07", db=seeded, check=True)
    assert said.stdout.splitlines() == ["2021年7月没有数据"]
    english = run_cli("status", "--month", "2021-07", "--lang", "en", db=seeded, check=True)
    assert english.stdout.splitlines() == ["Jul 2021: no data"]


def _commands(command: click.Command, path: str = "perfboard"):
    yield path, command
    if isinstance(command, click.Group):
        for name, sub in command.commands.items():
            yield from _commands(sub, f"{path} {name}")


def test_every_command_and_option_has_a_line_of_help_in_chinese_with_english():
    help_texts.apply(perfboard)
    for path, command in _commands(perfboard):
        assert command.help and CJK.match(command.help) and " / " in command.help, path
        ctx = click.Context(command, help_option_names=["-h", "--help"])
        for param in command.get_params(ctx):
            if isinstance(param, click.Option):
                assert param.help and CJK.match(param.help) and re.search("[a-z]", param.help), (path, param.name)
    listing = run_cli("--help").stdout
    assert re.search(
        r"\binit +创建或升级数据库 / Create or upgrade the database\.", listing
    )  # columns widen with names
    assert "-h, --help      显示此说明并退出 / Show this message and exit." in listing
