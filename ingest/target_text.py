"""Read the text export of 财政项目支出绩效目标表 (as PDF extraction leaves it) into rows of cells.

The export breaks lines in the middle of names and values, spills table cells over
several lines and puts several tables back to back.  The header is read by its labels
in their fixed order over the text with line breaks removed; the indicator table is
read line by line, where a cell line as wide as the column was wrapped and continues.
What comes out is rows of cells — (label, value) per field, one row per indicator — which
the one label-driven interpreter (ingest.target_form) reads like every other form.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date
from decimal import Decimal, InvalidOperation

from core.config import Config
from core.names import normalise_name
from ingest.problems import Problem
from ingest.target_cells import OPERATOR_TOKENS, CellRow
from ingest.target_records import IndicatorRecord, ProjectRecord

TITLE = "财政项目支出绩效目标表"
TABLE_HEADER = ("一级目标", "二级目标", "三级目标", "指标目标值")

# Header labels in the order the form prints them, and the field each one fills.
HEADER_LABELS: list[tuple[str, str | None]] = [
    ("申报单位名称：", "unit"),
    ("项目名称：", "name"),
    ("项目类别：", "category"),
    ("计划开始日期：", "start_date"),
    ("计划完成日期：", "end_date"),
    ("是否含有政府购买服务：", "gov_purchase"),
    ("绩效类型：", "perf_type"),
    ("项目概况：", "overview"),
    ("立项依据：", "basis"),
    ("项目设立的必要性：", "necessity"),
    ("保证项目实施的制度、措施：", "measures"),
    ("项目实施计划：", "plan"),
    ("总目标及阶段性目标：", "goals"),
    ("本项目上年度市级财政资金使用情况", None),
    ("项目总预算（元）：", "total_budget"),
    ("项目当年预算（元）：", "budget"),
    ("同名项目上年预算额（元）：", "prev_budget"),
    ("同名项目上年预算执行数（元）：", "prev_executed"),
]
REQUIRED_LABELS = ("项目名称：", "项目当年预算（元）：")
CAPTION = re.compile(r"\s*\d{4}年绩效目标\s*")


@dataclass
class _Joined:
    """Lines joined without breaks, remembering the source line of every character."""

    text: str
    line_of: list[int]

    @classmethod
    def of(cls, lines: list[tuple[int, str]]) -> _Joined:
        parts, line_of = [], []
        for number, line in lines:
            parts.append(line)
            line_of.extend([number] * len(line))
        return cls("".join(parts), line_of)

    def line_at(self, pos: int) -> int:
        if not self.line_of:
            return 1
        return self.line_of[min(pos, len(self.line_of) - 1)]


def display_width(text: str) -> float:
    """Width in CJK characters: ASCII counts half, as in the PDF's columns."""
    return sum(0.5 if ord(ch) < 128 else 1.0 for ch in text)


def parse_target_text(text: str, file: str, config: Config) -> tuple[list[ProjectRecord], list[Problem]]:
    """All target tables in ``text``; problems name ``file`` and the 1-based line.

    The export is turned into rows of cells (``seed_rows``), which the one label-driven interpreter
    (ingest.target_form) reads like any other form.  ``config`` gives the known 一级/二级 labels and
    the width at which a cell was wrapped."""
    from core.vocabulary import load_vocabulary
    from ingest.target_form import interpret_rows

    rows, problems = seed_rows(text, file, config)
    if not rows:
        return [], problems
    projects, found = interpret_rows(rows, file, config, load_vocabulary())
    return projects, problems + found


def seed_rows(text: str, file: str, config: Config) -> tuple[list[CellRow], list[Problem]]:
    """The export as rows of cells: per table its title, its year, a (label, value) row per header field
    (the PDF's broken lines mended), the indicator table's header and one full row per indicator."""
    lines = text.splitlines()
    starts = [i for i, line in enumerate(lines) if line.strip() == TITLE]
    if not starts:
        return [], [Problem(file, "not_target_table", line=1, params={"label": TITLE})]
    rows: list[CellRow] = []
    problems: list[Problem] = []
    for k, start in enumerate(starts):
        end = starts[k + 1] if k + 1 < len(starts) else len(lines)
        numbered = [(i + 1, lines[i]) for i in range(start, end)]
        found_rows, found = _rows_of_one(numbered, file, config)
        problems.extend(found)
        if not found:
            rows.extend(found_rows)
    return rows, problems


def _rows_of_one(numbered: list[tuple[int, str]], file: str, config: Config) -> tuple[list[CellRow], list[Problem]]:
    title_line = numbered[0][0]
    header_at = next((i for i, (_, line) in enumerate(numbered) if line.split()[:4] == list(TABLE_HEADER)), None)
    # a header with no indicator table: its fields are read, the project marked 不完整 (docs/domain.md §9)
    fields, problems = _header_cells(numbered[:header_at] if header_at is not None else numbered, file)
    if problems:
        return [], problems
    rows = [CellRow(title_line, [TITLE])]
    year_line = next((n for n, line in numbered[:4] if re.search(r"（\s*\d{4}\s*年度\s*）", line)), None)
    if year_line is not None:
        year = re.search(r"（\s*(\d{4})\s*年度\s*）", "".join(line for _, line in numbered[:4])).group(1)
        rows.append(CellRow(year_line, [f"（{year}年度）"]))
    rows += [CellRow(line, [label, value] if value else [label]) for label, value, line in fields]
    if header_at is None:
        return rows, []
    rows.append(CellRow(numbered[header_at][0], list(TABLE_HEADER)))
    indicators, table_problems = _parse_table(numbered[header_at + 1 :], file, config)
    rows += [CellRow(i.line or title_line, [i.level1, i.level2, i.level3, i.target]) for i in indicators]
    return rows, table_problems


def _header_cells(numbered: list[tuple[int, str]], file: str) -> tuple[list[tuple[str, str, int]], list[Problem]]:
    """(label, value, line) of every header label found, in the form's order, over the text with its line
    breaks removed; the labels the form cannot be without are required."""
    # the "2020年绩效目标" caption above the indicator table belongs to no field
    numbered = [(n, line) for n, line in numbered if not CAPTION.fullmatch(line)]
    joined = _Joined.of(numbered)
    text = joined.text
    found: list[tuple[str, str | None, int, int]] = []  # label, field, start, end of label
    pos = 0
    for label, name in HEADER_LABELS:
        at = text.find(label, pos)
        if at < 0:
            continue
        found.append((label, name, at, at + len(label)))
        pos = at + len(label)
    labels_found = {label for label, *_ in found}
    problems = [
        Problem(file, "not_target_table", line=numbered[0][0] if numbered else 1, params={"label": label.rstrip("：")})
        for label in REQUIRED_LABELS
        if label not in labels_found
    ]
    if problems:
        return [], problems
    cells = []
    for i, (label, name, _, value_start) in enumerate(found):
        value_end = found[i + 1][2] if i + 1 < len(found) else len(text)
        if name is not None:
            cells.append((label.rstrip("："), text[value_start:value_end].strip(), joined.line_at(value_start)))
    return cells, []


def unbroken(text: str) -> str:
    """A name as the PDF printed it: the spaces extraction leaves beside Chinese characters go, "NBA 赛事" → "NBA赛事",
    while the spaces between Latin words stay ("Shanghai Open")."""
    return re.sub(r"\s+(?=[\u3000-\u9fff\uff00-\uffef])|(?<=[\u3000-\u9fff\uff00-\uffef])\s+", "", text)


def parse_money(raw: str | None) -> Decimal | None | bool:
    """``3,890,000`` → Decimal; empty → None; anything else → False."""
    cleaned = re.sub(r"[,，\s元]", "", raw or "")
    if not cleaned:
        return None
    try:
        value = Decimal(cleaned)
    except InvalidOperation:
        return False
    return value if value.is_finite() else False


def parse_date(raw: str | None) -> date | None | bool:
    """``2020-01-01`` (or 2020/01/01, 2020年1月1日) → date; empty → None; anything else → False."""
    cleaned = re.sub(r"\s+", "", raw or "")
    if not cleaned:
        return None
    m = re.fullmatch(r"(\d{4})[-/.年](\d{1,2})[-/.月](\d{1,2})日?(?:00:00:00)?", cleaned)
    if not m:
        return False
    try:
        return date(int(m.group(1)), int(m.group(2)), int(m.group(3)))
    except ValueError:
        return False


def _parse_table(
    numbered: list[tuple[int, str]], file: str, config: Config
) -> tuple[list[IndicatorRecord], list[Problem]]:
    level1_known = set(config.levels.level1_to_form)
    level2_known = set(config.levels.level2)
    wrap = config.seed_text.wrapped_cell_width
    indicators: list[IndicatorRecord] = []
    problems: list[Problem] = []
    level1: str | None = None
    level2: str | None = None
    cells: list[list] = []  # [text, first line]
    open_cell = False

    def flush() -> None:
        nonlocal cells, open_cell
        if cells:
            if len(cells) % 2:
                problems.append(
                    Problem(
                        file,
                        "unpaired_cells",
                        line=cells[0][1],
                        params={"cells": " | ".join(text for text, _ in cells)},
                    )
                )
            else:
                for k in range(0, len(cells), 2):
                    indicators.append(
                        IndicatorRecord(
                            level1 or "", level2 or "", normalise_name(cells[k][0]), cells[k + 1][0], line=cells[k][1]
                        )
                    )
        cells, open_cell = [], False

    for number, line in numbered:
        tokens = _merge_operators(line.split())
        if not tokens:
            continue
        if tokens[0] in level1_known:
            flush()
            level1, level2 = tokens.pop(0), None
        elif _looks_like_level1(tokens, level2_known):
            flush()  # an unknown 一级 label: kept, so validation reports it on each of its rows
            level1, level2 = tokens.pop(0), None
        if tokens and tokens[0] in level2_known:
            flush()
            level2 = tokens.pop(0)
        if not tokens:
            continue
        if level1 is None or level2 is None:
            code = "missing_level1" if level1 is None else "missing_level2"
            problems.append(Problem(file, code, line=number, value=" ".join(tokens)))
            continue
        for i, token in enumerate(tokens):
            if i == 0 and open_cell:
                cells[-1][0] += token
            else:
                cells.append([token, number])
        open_cell = display_width(tokens[-1]) >= wrap
    flush()
    return indicators, problems


def _merge_operators(tokens: list[str]) -> list[str]:
    """``>= 98%`` split by a space is one value."""
    out: list[str] = []
    for token in tokens:
        if out and out[-1] in OPERATOR_TOKENS:
            out[-1] += token
        else:
            out.append(token)
    return out


def _looks_like_level1(tokens: list[str], level2_known: set[str]) -> bool:
    first = tokens[0]
    return len(first) <= 6 and first.endswith(("目标", "指标")) and (len(tokens) == 1 or tokens[1] in level2_known)
