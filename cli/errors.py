"""Errors on standard error in the language asked for (issue 14): click's own usage errors and the
commands' English-only refusals, said in Chinese when the language is Chinese (the default).

Commands word their own messages with ``Edge.say`` or ``CommandError(zh, en)``; the patterns here
cover what comes from click and from messages still written in English only.
"""

from __future__ import annotations

import re

import click

# (English pattern, Chinese) — click's usage errors, then commands' English-only messages
_ZH: tuple[tuple[re.Pattern[str], str], ...] = tuple(
    (re.compile(pattern, re.S), zh)
    for pattern, zh in (
        (r"No such option:? '?([^'\s]*)'?\.?\s+Did you mean '?([^'\s?]*)'?\?", "没有选项 {0}，是否为 {1}？"),
        (r"No such option:? '?([^'\s]*)'?\.?(?:\s+\(Possible options: (.*)\))?", "没有选项 {0}"),
        (r"No such command '([^']*)'\.\s+Did you mean '([^']*)'\?", "没有命令“{0}”，是否为“{1}”？"),
        (r"No such command '([^']*)'\.", "没有命令“{0}”"),
        (r"Missing option '([^']*)'\.?(.*)", "缺少选项 {0}"),
        (r"Missing argument '([^']*)'\.?", "缺少参数 {0}"),
        (r"Missing parameter: (\S+)", "缺少参数 {0}"),
        (r"Option '([^']*)' requires an argument\.", "选项 {0} 需要一个值"),
        (r"Option '([^']*)' does not take a value\.", "选项 {0} 不带值"),
        (r"Got unexpected extra arguments? \((.*)\)", "多余的参数：{0}"),
        (r"Invalid value for '([^']*)': (.*)", "{0} 的值无效：{1}"),
        (r"'([^']*)' is not a valid integer(?: range)?\.", "“{0}”不是整数"),
        (r"'([^']*)' is not a valid float(?: range)?\.", "“{0}”不是数字"),
        (r"'([^']*)' is not one of (.*)\.", "“{0}”不是可选值之一：{1}"),
        (r"'([^']*)' is not (.*)\.", "“{0}”应为 {1}"),
        (r"(?:File|Path|Directory) '([^']*)' does not exist\.", "文件“{0}”不存在"),
        (r"(?:File|Path) '([^']*)' is a directory\.", "“{0}”是文件夹，不是文件"),
        (r"(\S+): expected YYYY-MM", "“{0}”不是月份，应为 YYYY-MM"),
        (r"database (.+) does not exist: run `perfboard init` first", "数据库 {0} 不存在：请先运行 `perfboard init`"),
        (r"no project named (.+) in (\d+)", "{1}年没有名为“{0}”的项目"),
        (r"no project (.+) in (\d+)", "{1}年没有项目 {0}"),
        (r"the two passwords differ", "两次输入的密码不一致"),
        (r"demo data exists for (\d+) only, not (\d+)", "演示数据只有 {0} 年的，没有 {1} 年的"),
        (r"--final and --from-snapshot cannot be used together", "--final 与 --from-snapshot 不能同时使用"),
    )
)


def to_zh(text: str) -> str:
    """``text`` in Chinese where a pattern knows it (applied to the first one that matches the whole text)."""
    for pattern, zh in _ZH:
        found = pattern.fullmatch(text.strip())
        if found:
            return zh.format(*(to_zh(g) if g else "" for g in found.groups()))
    return text


def in_lang(text: str, lang: str) -> str:
    return text if lang == "en" else to_zh(text)


def usage_error(exc: click.UsageError, lang: str) -> None:
    """click's usage error, in Chinese unless English was asked for: the usage line, the problem, where to look."""
    if lang == "en":
        exc.show()
        return
    if isinstance(exc, click.exceptions.NoArgsIsHelpError):  # a group alone: its help, Chinese first
        click.echo(exc.format_message(), err=True)
        return
    ctx = exc.ctx
    if ctx is not None:
        usage = ctx.get_usage().replace("Usage: ", "用法：", 1)
        click.echo(usage, err=True)
        click.echo(f"（运行 {ctx.command_path} -h 查看说明）\n", err=True)
    click.echo(f"错误：{to_zh(exc.format_message())}", err=True)


def lang_in(argv: list[str] | None) -> str | None:
    """``--lang`` as written on the command line, so an error found before the option is parsed speaks it too."""
    args, found = list(argv or []), None
    for k, arg in enumerate(args):
        value = args[k + 1] if arg == "--lang" and k + 1 < len(args) else arg.partition("=")[2]
        if (arg == "--lang" or arg.startswith("--lang=")) and value in ("zh", "en"):
            found = value  # the last one given, as click reads it
    return found
