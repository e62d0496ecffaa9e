"""One label-driven interpreter: rows of cells (ingest.target_cells) → ProjectRecord and IndicatorRecord.

Fields are found by their labels (data/vocabulary.toml ``[fields]``), never by position or title:
a label cell's value is the next cell ("项目名称 | X"), or what follows its colon ("项目名称：X").
The indicator table is found by its header, whatever its words (``[table_header]``); its rows are
read by the header's columns when they are as wide, else by the vocabulary (a known 一级 word,
then a known 二级 word, then name and value) as a text export without empty cells leaves them.
A 一级 or 二级 cell left empty under a merged cell carries down from the row above.

Several projects follow each other: a title row ("…绩效目标表", "…申报表") or a second 项目名称
starts the next.  What is missing is listed per cell (``ProjectRecord.missing``): the project loads
with what it has, marked 不完整 (docs/domain.md §9).
"""

from __future__ import annotations

import re
from calendar import monthrange
from dataclasses import dataclass, field
from datetime import date

from core.config import Config
from core.names import normalise_name
from core.vocabulary import Vocabulary
from ingest.problems import Problem
from ingest.target_cells import CellRow
from ingest.target_records import WAN, IndicatorRecord, ProjectRecord, money_problem, year_problem
from ingest.target_text import parse_date, parse_money, unbroken

MONEY_FIELDS = {
    "total_budget",
    "budget",
    "prev_budget",
    "prev_executed",
    "budget_initial",
    "budget_fiscal",
    "budget_other",
}
DATE_FIELDS = {"start_date", "end_date"}
TIGHT_FIELDS = {"unit", "implementing_unit", "category", "gov_purchase", "perf_type", "project_lead"}
CHECKBOX_FIELDS = {"project_type", "fund_use", "category", "source"}
_TITLE = re.compile(r"(绩效目标|申报|绩效指标)\S*表")
_YEAR = re.compile(r"(\d{4})\s*年度?")
_CODE = re.compile(r"^\s*[\[［【(（]\s*[0-9A-Za-z]+\s*[\]］】)）]\s*")
COLUMN_LABEL = {"level1": "一级指标", "level2": "二级指标", "level3": "三级指标", "target": "指标值"}
TABLE_LABEL = "绩效指标表"


@dataclass
class _Draft:
    """A project while its rows are read."""

    line: int
    year: int | None = None
    year_line: int | None = None
    fields: dict = field(default_factory=dict)
    field_lines: dict = field(default_factory=dict)
    field_labels: dict = field(default_factory=dict)
    field_units: dict = field(default_factory=dict)  # 元 / 万元 stated by a money label itself
    goals: list[tuple[str, str]] = field(default_factory=list)
    empty_fields: list[str] = field(default_factory=list)
    money_unit: str | None = None
    columns: dict[str, int] | None = None  # the indicator table's header: column key -> index
    width: int = 0
    header_line: int | None = None
    rows: list[tuple[int, dict]] = field(default_factory=list)  # (line, {level1, level2, level3, target, weight})
    unread: list[tuple[int, str]] = field(default_factory=list)  # rows of several cells with no known label

    @property
    def started(self) -> bool:
        return bool(self.fields or self.columns is not None or self.goals)


def interpret_rows(
    rows: list[CellRow], file: str, config: Config, vocab: Vocabulary
) -> tuple[list[ProjectRecord], list[Problem]]:
    """Every project of the rows, with each one's missing cells, and the problems that stop a project."""
    drafts: list[_Draft] = []
    draft: _Draft | None = None
    pending_year: tuple[int, int] | None = None
    for row in rows:
        filled = row.filled
        if not filled:
            continue
        title = len(filled) == 1 and _is_title(filled[0], vocab)
        year_only = len(filled) == 1 and re.fullmatch(r"[（(]?\s*\d{4}\s*年度?\s*[）)]?", filled[0])
        if title:
            if draft is not None and draft.started:
                draft = None
            if draft is None:
                draft = _Draft(row.line)
                drafts.append(draft)
            if m := _YEAR.search(filled[0]):
                draft.year, draft.year_line = int(m.group(1)), row.line
            continue
        if year_only:
            m = _YEAR.search(filled[0])
            if draft is not None and draft.year is None:
                draft.year, draft.year_line = int(m.group(1)), row.line
            elif draft is None:
                pending_year = (int(m.group(1)), row.line)
            continue
        cells = _split_glued(row.cells, vocab)
        if _names_project(cells, vocab) and draft is not None and "name" in draft.fields:
            draft = None  # a second 项目名称 with no title between: the next project
        if draft is None:
            draft = _Draft(row.line)
            if pending_year:
                draft.year, draft.year_line = pending_year
                pending_year = None
            drafts.append(draft)
        if draft.columns is None and _read_header_row(draft, row.line, cells, vocab):
            continue
        if draft.columns is not None and not _starts_with_field(cells, vocab):
            _read_indicator_row(draft, row.line, cells, vocab)
            continue
        _read_fields(draft, row.line, cells, vocab)
    projects, problems = [], []
    for d in drafts:
        project, found = _finish(d, file, vocab)
        problems += found
        if project is not None:
            projects.append(project)
    if not drafts:
        problems.append(Problem(file, "not_target_table", line=1, params={"label": "项目名称"}))
    return projects, problems


def _is_title(text: str, vocab: Vocabulary) -> bool:
    return bool(_TITLE.search(text)) and vocab.field_of(text.split("：", 1)[0]) is None


def _split_glued(cells: list[str], vocab: Vocabulary) -> list[str]:
    """``项目名称：X`` in one cell → ``项目名称``, ``X`` (a label followed by its value after the colon)."""
    out = []
    for cell in cells:
        text = cell.strip()
        if vocab.field_of(text) is None:
            for sep in ("：", ":"):
                head, found, rest = text.partition(sep)
                if found and rest.strip() and vocab.field_of(head) is not None:
                    out += [head, rest.strip()]
                    break
            else:
                out.append(text)
        else:
            out.append(text)
    return out


def _names_project(cells: list[str], vocab: Vocabulary) -> bool:
    return any((vocab.field_of(c) or ("",))[0] == "name" for c in cells if c)


def _starts_with_field(cells: list[str], vocab: Vocabulary) -> bool:
    first = next((c for c in cells if c), "")
    return vocab.field_of(first) is not None


def _read_header_row(draft: _Draft, line: int, cells: list[str], vocab: Vocabulary) -> bool:
    """The indicator table's header: a row naming at least the 三级 column and the value column."""
    columns = {}
    for k, cell in enumerate(cells):
        key = vocab.header_column(cell)
        if key and key not in columns:
            columns[key] = k
    if "level3" not in columns or "target" not in columns:
        return False
    columns.pop("caption", None)
    draft.columns, draft.width, draft.header_line = columns, len(cells), line
    return True


def _read_indicator_row(draft: _Draft, line: int, cells: list[str], vocab: Vocabulary) -> None:
    columns = draft.columns or {}
    used = max(columns.values()) + 1
    caption = set(vocab.header.get("caption", ()))
    if len(cells) >= used and any(cells[k] for k in columns.values()):
        got = {key: cells[k].strip() for key, k in columns.items()}
        if "level1" not in columns or "level2" not in columns:  # 指标名称 / 指标值: levels are rows of their own
            words = [c for c in cells[: min(columns.values())] if c and c not in caption]
            got.update(_levels_of(words, vocab))
        if not got.get("level3") and not got.get("target") and not _empty_slot(got, columns):
            _carry(draft, got)  # a row naming only a level: the rows below belong to it
            return
    else:
        tokens = [c.strip() for c in cells if c.strip() and c.strip() not in caption]
        got = _levels_of(tokens, vocab)
        rest = tokens[len([k for k in ("level1", "level2") if k in got]) :]
        if not rest and not _empty_slot(got, columns):
            _carry(draft, got)
            return
        if "weight" in columns and len(rest) >= 3 and parse_money(rest[-1]) not in (None, False):
            got["weight"] = rest.pop()
        got["level3"] = "".join(rest[:-1]) if len(rest) > 1 else (rest[0] if rest else "")
        got["target"] = rest[-1] if len(rest) > 1 else ""
    draft.rows.append((line, got))


def _empty_slot(got: dict, columns: dict[str, int]) -> bool:
    """A row naming its 二级 in a table with level columns is an indicator whose other cells are empty
    (a truncated table); in a 指标名称/指标值 table a level on its own row heads the rows below."""
    return bool(got.get("level2")) and "level2" in columns


def _carry(draft: _Draft, got: dict) -> None:
    draft.rows.append((-1, got))  # a level-only row: not an indicator, read for the rows that follow


def _levels_of(tokens: list[str], vocab: Vocabulary) -> dict:
    """Leading 一级 / 二级 words of a row whose empty cells are gone (a text export)."""
    got: dict = {}
    k = 0
    if k < len(tokens) and _looks_level1(tokens[k], vocab):
        got["level1"] = tokens[k]
        k += 1
    if k < len(tokens) and _looks_level2(tokens[k], vocab) and len(tokens) - k != 1:
        got["level2"] = tokens[k]
    elif k < len(tokens) and vocab.knows_level2(tokens[k]):
        got["level2"] = tokens[k]
    return got


def _looks_level1(token: str, vocab: Vocabulary) -> bool:
    word, _ = vocab.level1_word(token)
    if vocab.knows_level1(word):
        return True  # 成本指标 is a 一级 word here, though 成本 is also a 二级 one
    if vocab.knows_level2(word) or vocab.header_column(word):
        return False
    return len(word) <= 6 and word.endswith(("目标", "指标")) and "二级" not in word


def _looks_level2(token: str, vocab: Vocabulary) -> bool:
    return vocab.knows_level2(token) or (2 <= len(token) <= 8 and token.endswith("指标"))


def _read_fields(draft: _Draft, line: int, cells: list[str], vocab: Vocabulary) -> None:
    """Label cells and the value after each; a label with nothing after it is an empty field.

    A row of several cells none of which is a known label is kept in ``draft.unread``: it is refused
    rather than dropped (an indicator row before its table's header, money laid out as a grid …)."""
    if len([c for c in cells if c.strip()]) >= 2 and not any(vocab.field_of(c) for c in cells if c):
        draft.unread.append((line, " | ".join(c.strip() for c in cells if c.strip())))
        return
    k = 0
    while k < len(cells):
        found = vocab.field_of(cells[k]) if cells[k] else None
        if found is None:
            k += 1
            continue
        key, unit = found
        value, step = "", 1
        if k + 1 < len(cells) and vocab.field_of(cells[k + 1]) is None:
            value, step = cells[k + 1].strip(), 2
        if key == "money_block":
            draft.money_unit = unit or draft.money_unit
            k += 1
            continue
        if key in MONEY_FIELDS and unit:
            draft.field_units[key] = unit
        if key == "goals":
            label = re.sub(r"[：:\s]+$", "", cells[k])
            if value:
                draft.goals.append((label, value))
            else:
                draft.empty_fields.append(label)
        elif value:
            if key not in draft.fields:
                draft.fields[key], draft.field_lines[key] = value, line
                draft.field_labels[key] = re.sub(r"[：:\s]+$", "", cells[k])  # problems name the cell as printed
        elif key not in draft.fields and key not in MONEY_FIELDS:  # an empty 其他资金 is a zero, not a gap
            draft.empty_fields.append(re.sub(r"[：:\s]+$", "", cells[k]))
        k += step


def ticked_items(value: str, vocab: Vocabulary) -> str | None:
    """The ticked items of a checkbox list, marks after the items ("A√ B□") or before them ("□A √B");
    the value itself when it is no checkbox list; None when nothing is ticked."""
    marks = set(vocab.ticked) | set(vocab.unticked)
    text = value.strip()
    if not any(m in text for m in marks):
        return value
    pattern = "(" + "|".join(re.escape(m) for m in sorted(marks, key=len, reverse=True)) + ")"
    parts = [p.strip() for p in re.split(pattern, text) if p.strip()]
    before = parts[0] in marks  # the first mark tells the style of the whole list
    chosen = []
    for k, part in enumerate(parts):
        if part in marks:
            continue
        mark = parts[k - 1] if before and k > 0 else (parts[k + 1] if k + 1 < len(parts) else None)
        if mark in vocab.ticked:
            chosen.append(re.sub(r"\s+", "", part))
    return "、".join(chosen) or None


def _finish(d: _Draft, file: str, vocab: Vocabulary) -> tuple[ProjectRecord | None, list[Problem]]:
    problems: list[Problem] = []
    missing: list[str] = []
    f = d.fields
    name = normalise_name(unbroken(f.get("name", "")))
    if not name and d.columns is None and not f:  # no label this reader knows: some other document
        return None, [Problem(file, "not_target_table", line=d.line, params={"label": "项目名称"})]
    if not name:
        return None, [Problem(file, "required", line=d.line, column="项目名称")]
    record = ProjectRecord(year=0, name=name, line=d.line)
    problems += [Problem(file, "unread_row", line=line, value=text) for line, text in d.unread]
    for key, raw in f.items():
        line = d.field_lines.get(key, d.line)
        label = d.field_labels.get(key) or vocab.label_for(key)
        if key == "name":
            continue
        if key in MONEY_FIELDS:
            unit = d.field_units.get(key) or ("万元" if "万元" in raw else d.money_unit)
            amount = parse_money(re.sub(r"万元$", "", raw.strip()))
            if amount is False:
                problems.append(Problem(file, "not_a_number", line=line, column=label, value=raw))
            elif amount is not None:
                amount = amount * WAN if unit == "万元" else amount
                if wrong := money_problem(file, line, label, amount, raw):
                    problems.append(wrong)
                else:
                    setattr(record, key, amount)
        elif key in DATE_FIELDS:
            value = _date(raw, end=key == "end_date")
            if value is False:
                problems.append(Problem(file, "not_a_date", line=line, column=label, value=raw))
            else:
                setattr(record, key, value)
        elif key == "period":
            start, end = _period(raw)
            if start is False:
                problems.append(Problem(file, "not_a_date", line=line, column=label, value=raw))
            else:
                record.start_date = record.start_date or start
                record.end_date = record.end_date or end
        elif key == "department":
            record.department = _CODE.sub("", raw).strip() or raw
        elif key in CHECKBOX_FIELDS:
            chosen = ticked_items(raw, vocab)
            if chosen is None:
                missing.append(f"{label}（未勾选）")
            else:
                setattr(record, key, re.sub(r"\s+", "", chosen) if key in TIGHT_FIELDS else chosen)
        elif key in TIGHT_FIELDS:
            setattr(record, key, re.sub(r"\s+", "", raw))
        else:
            setattr(record, key, raw)
    if d.goals:
        record.goals = d.goals[0][1] if len(d.goals) == 1 else "\n".join(f"{lbl}：{v}" for lbl, v in d.goals)
    missing += [f"{label}" for label in dict.fromkeys(d.empty_fields)]
    record.unit = record.unit or record.implementing_unit or ""
    year = d.year if d.year is not None else (record.start_date.year if record.start_date else None)
    if year is None:
        return None, problems + [Problem(file, "not_target_table", line=d.line, params={"label": "（年度）"})]
    if wrong := year_problem(file, d.year_line or d.line, "年度", year, f"{year:04d}"):
        return None, problems + [wrong]
    record.year = year
    if not record.unit:
        missing.append("申报单位名称")
    record.settle_budget({"budget_initial": "年度资金总额", "budget_fiscal": "财政拨款", "budget_other": "其他资金"})
    if record.budget is None:
        missing.append("项目资金（年度资金总额）")
    if problems:  # a field that cannot be read: the project is not loaded, whatever else it holds
        return None, problems
    record.indicators, table_missing = _indicators(d, vocab)
    record.missing = missing + table_missing
    return record, problems


def _indicators(d: _Draft, vocab: Vocabulary) -> tuple[list[IndicatorRecord], list[str]]:
    """The table's indicators, levels carried down, and every empty cell named (column, row, indicator)."""
    if d.columns is None:
        return [], [f"{TABLE_LABEL}（未找到指标表）"]
    out: list[IndicatorRecord] = []
    empty: dict[str, list[tuple[int, str]]] = {key: [] for key in COLUMN_LABEL}
    level1 = level2 = ""
    weight1: float | None = None
    for line, got in d.rows:
        if got.get("level1"):
            level1, weight1 = vocab.level1_word(got["level1"])
            level2 = ""
        if got.get("level2"):
            level2 = re.sub(r"\s+", "", got["level2"])
        if line < 0:
            continue
        weight = None
        if got.get("weight"):
            value = parse_money(got["weight"])
            weight = float(value) if value not in (None, False) else None
        ind = IndicatorRecord(
            level1,
            level2,
            normalise_name(got.get("level3", "")),
            got.get("target", "").strip(),
            line=line,
            weight=weight,
            level_weight=weight1,
        )
        for key in COLUMN_LABEL:
            if not getattr(ind, key):
                empty[key].append((line, ind.level3))
        out.append(ind)
    missing = []
    for key, cells in empty.items():
        for line, name in cells:
            where = f"“{name}”" if name else ""
            missing.append(f"{COLUMN_LABEL[key]}（第{line}行{where}）")
    if not out:
        missing.append(f"{TABLE_LABEL}（第{d.header_line}行表头下没有指标）")
    return out, missing


def _date(raw: str, end: bool = False) -> date | None | bool:
    """A date, or a month ("2021年1月", "2021-01") read as its first day (its last for an end date)."""
    value = parse_date(raw)
    if value is not False:
        return value
    m = re.fullmatch(r"(\d{4})\s*[-/.年]\s*(\d{1,2})\s*月?", re.sub(r"\s+", "", raw))
    if not m or not 1 <= int(m.group(2)) <= 12:
        return False
    y, mo = int(m.group(1)), int(m.group(2))
    return date(y, mo, monthrange(y, mo)[1] if end else 1)


def _period(raw: str) -> tuple[date | None | bool, date | None]:
    """项目期 "2021-01-01至2021-12-31", "2021年1月-2021年12月" or "2021年" → (start, end)."""
    text = re.sub(r"\s+", "", raw)
    if m := re.fullmatch(r"(\d{4})年?度?", text):
        y = int(m.group(1))
        return date(y, 1, 1), date(y, 12, 31)
    for sep in ("至", "～", "~", "—", "–", "到"):
        if sep in text:
            a, b = text.split(sep, 1)
            break
    else:
        m = re.fullmatch(r"(\d{4}[^-]*?\d)-(\d{4}.*)", text)
        if not m:
            return False, None
        a, b = m.group(1), m.group(2)
    start, end = _date(a), _date(b, end=True)
    if start is False or end is False:
        return False, None
    return start, end
