"""Monthly actuals: read an upload, validate it whole, write it in one transaction.

Validation has two steps.  ``read_upload`` reads the file and finds its kind with no database
connection and no lock: it is the part an attacker controls (size, shape, encoding), bounded by
``[limits]``; it streams the file once into chunks of text in a temporary file (``ingest.chunked``),
so a sheet of a million rows is never held whole.  ``check_read`` then checks the rows against the
catalogue (projects, indicators, items, the budget spent so far) chunk by chunk, keeping only typed
values, and runs the rules across rows (duplicates, figures to date) once over all of them, with a
connection the caller holds only for that (docs/design.md: every bad row listed, nothing written).
``validate_upload`` (both) never writes: it returns the rows ready to store and every problem
(file, row, column, value, reason).  ``ingest_actuals`` reads every file first, then opens the
database once, checks and writes them in one transaction only when none has a problem.  A re-upload replaces the current
rows it covers (same project and month, or item, or indicator) by marking them
``replaced_by`` the new load: the earlier revision stays, with its load's who, when,
file and hash in ``load_log``.
"""

from __future__ import annotations

import difflib
import hashlib
import os
import re
import time
from contextlib import AbstractContextManager, nullcontext
from dataclasses import dataclass, field, replace
from datetime import date, datetime
from functools import lru_cache
from itertools import chain, islice
from pathlib import Path

import duckdb
import numpy as np
import pandas as pd

from core import clock
from core.accounts import Actor, PermissionDenied, check_projects, local_operator, record, record_refusal
from core.config import DEFAULT_LIMITS, DEFAULT_UNIT, Config
from core.db import log_load, write_transaction
from core.names import NameIndex, loose_key, normalise_name
from ingest import chunked, parsing
from ingest.actual_kinds import (
    KINDS,
    PERCENT_MAX,
    RANGES,
    RATING_WORDS,
    SCORE_SCALE,
    SCORE_UNITS,
    TEXT_MAX,
    VALUE,
    Kind,
    Range,
    free_text_note,
    rating_cells,
    required_keys,
    value_cells,
)
from ingest.chunked import ChunkedTable
from ingest.examples import example_rows
from ingest.problems import Problem, ProblemList, ValidationFailed
from ingest.review import MonthLocked, check_unlocked, touched_months
from ingest.tables import ReadingStopped, Rows, Table, column_cells, iter_raw, map_header, match_header

NAME_KEYS = ("project", "indicator", "item")  # looked up by their normal form (core.names)
# C0 controls but tab, line feed and carriage return (prose may hold them), DEL and the C1 block.
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")


@dataclass
class Upload:
    """A validated (or rejected) upload: rows ready to store and every problem found."""

    file: str
    kind: Kind | None
    digest: str
    rows: pd.DataFrame = field(default_factory=pd.DataFrame)
    problems: list[Problem] = field(default_factory=list)
    months: list[str] = field(default_factory=list)


@dataclass
class Loaded:
    file: str
    kind: str
    rows: int
    replaced: int
    months: list[str]
    load_id: int


@dataclass
class Catalog:
    """What uploads refer to: projects, their indicators and deliverable items."""

    projects: pd.DataFrame  # project_id, name, year, budget
    indicators: pd.DataFrame  # indicator_id, project_id, level3, unit, target_value
    deliverables: pd.DataFrame  # project_id, item: the items listed beside the indicators

    @classmethod
    def load(cls, con: duckdb.DuckDBPyConnection) -> Catalog:
        projects = con.execute("SELECT project_id, name, year, CAST(budget AS DOUBLE) AS budget FROM project").df()
        indicators = con.execute(  # 较上年增长10%: the % is the growth's, not the values' unit
            "SELECT indicator_id, project_id, level3, CASE WHEN kind = 'increase' THEN NULL ELSE unit END AS unit, "
            "target_value FROM indicator"
        ).df()
        deliverables = con.execute("SELECT project_id, item FROM deliverable_item").df()
        return cls(projects, indicators, deliverables)

    def items(self, projects: set[int]) -> dict[int, set[str]]:
        """The deliverable items of ``projects``: their indicators' names and the items listed. Gathered for the
        upload's projects only (a city-scale year has 200,000 indicators)."""
        out: dict[int, set[str]] = {}
        for frame, column in ((self.indicators, "level3"), (self.deliverables, "item")):
            mine = frame[frame["project_id"].isin(projects)]
            for pid, item in zip(mine["project_id"], mine[column], strict=True):
                out.setdefault(int(pid), set()).add(item)
        return out


def detect_kind(header: list[str], forced: str | None, file: str, line: int) -> tuple[Kind | None, Problem | None]:
    """The kind whose required columns the header has (the most specific if several)."""
    fits = []
    for kind in KINDS.values():
        found = set(match_header(header, list(kind.columns)).values())
        if required_keys(kind) <= found and all(set(group) & found for group in kind.one_of):
            fits.append((len(found), len(required_keys(kind)), kind))
    fits.sort(key=lambda f: (f[0], f[1]), reverse=True)
    if forced:
        kind = KINDS[forced]
        if any(k is kind for *_, k in fits):
            return kind, None
        if fits:
            return None, Problem(file, "wrong_kind", line=line, params={"found": fits[0][2].zh, "expected": kind.zh})
        return kind, None  # let the column check name what is missing
    if fits:
        return fits[0][2], None
    closest = max(
        KINDS.values(),
        key=lambda k: (
            len(set(match_header(header, list(k.columns)).values()) & required_keys(k)) / len(required_keys(k))
        ),
    )
    present = set(match_header(header, list(closest.columns)).values())
    missing = [c.zh for c in closest.columns if c.required and c.key not in present]
    missing += ["或".join(closest.column(k).zh for k in group) for group in closest.one_of if not set(group) & present]
    return None, Problem(file, "unknown_kind", line=line, params={"closest": closest.zh, "columns": "、".join(missing)})


def read_upload(
    path: Path, display_name: str | None = None, kind_name: str | None = None, *, config: Config | None = None
) -> tuple[Upload, ChunkedTable | None]:
    """Read one file and find its kind, with no database: the table to check, or the upload's problems.

    ``config`` is the Config in force, loaded at the edge (``DEFAULT_LIMITS``/``DEFAULT_UNIT`` without one).

    The file is streamed once, ``chunked.CHUNK_ROWS`` rows at a time, into a ``ChunkedTable`` (text in a
    temporary file), so no size of upload is ever held whole in memory.  A reading problem anywhere in
    the file (a limit passed, a broken quote) wins over a problem of the header, as when it was read whole.
    Times written with an offset become the unit's local time here (``[unit] time_zone``), so
    everything after sees local times only."""
    path = Path(path)
    name = display_name or path.name
    limits, unit = (config.limits, config.unit) if config else (DEFAULT_LIMITS, DEFAULT_UNIT)
    upload = Upload(name, None, "")
    if not path.is_file():
        upload.problems = [Problem(name, "unreadable", params={"detail": "file not found"})]
        return upload, None
    rows = iter_raw(path, name, limits=limits)
    table: ChunkedTable | None = None
    try:
        head = list(islice(rows, 11))  # the header, and the rows a title above it may have pushed it to
        upload.kind, mapping, problems = _header(head, kind_name, name)
        if problems:
            for _ in rows:  # a reading problem further down is what the person must fix first
                pass
            upload.problems = problems
            return upload, None
        header_line, header = head[0]
        table = ChunkedTable(name, list(mapping.values()), {key: header[i] for i, key in mapping.items()})
        zoned = [c.key for c in upload.kind.columns if c.type in ("datetime", "date") and c.key in table.keys]
        body = chain(head[1:], rows)
        while chunk := list(islice(body, chunked.CHUNK_ROWS)):
            columns = column_cells(chunk, mapping)
            for key in zoned:
                columns[key] = parsing.local_times(pd.Series(columns[key], dtype="str"), unit.time_zone)
            table.append(columns, [line for line, _ in chunk])
    except ReadingStopped as stop:
        if table is not None:
            table.close()
        upload.problems = stop.problems
        return upload, None
    if not table.rows:
        table.close()
        upload.problems = [Problem(name, "no_rows", line=header_line)]
        return upload, None
    table.finish()
    with open(path, "rb") as fh:  # within max_file_mb: iter_raw checked
        upload.digest = hashlib.file_digest(fh, "sha256").hexdigest()
    return upload, table


def _header(head: Rows, kind_name: str | None, name: str) -> tuple[Kind | None, dict[int, str], list[Problem]]:
    """The kind the header row names and where each of its columns is, or the problem with the header."""
    kind, problem = detect_kind(head[0][1], kind_name, name, head[0][0])
    if problem is not None and problem.code == "unknown_kind":
        later = next((line for line, row in head[1:11] if detect_kind(row, None, name, line)[0]), None)
        if later is not None:
            problem = Problem(name, "extra_header", line=later)
    if problem:
        return None, {}, [problem]
    mapping, problems = map_header(head, list(kind.columns), name, kind.one_of)
    return kind, mapping, problems


def check_read(
    con: duckdb.DuckDBPyConnection,
    upload: Upload,
    table: ChunkedTable | Table,
    *,
    catalog: Catalog | None = None,
    today: date | None = None,
) -> Upload:
    """Check a read table against the catalogue in ``con``; fills ``upload.rows`` and ``upload.problems``.

    Each chunk is checked on its own (types, names, years, each row's rules), keeping only its typed
    values; the rules across rows (duplicates, figures to date, one way of reporting) then run once over
    every chunk's values, so a duplicate or a falling figure is found wherever the chunks were cut."""
    if isinstance(table, Table):
        table = ChunkedTable.of_frame(table.file, table.frame, table.lines, table.headers)
    catalog = catalog or Catalog.load(con)
    today = today or clock.today()
    kept = ProblemList()  # the first MAX_PROBLEMS are kept; the rest only counted
    memo: dict = {}  # what every chunk would look up again (name indexes, stored figures)
    parts, examples = [], []
    for frame, lines in table.chunks():
        examples += example_rows(frame, lines, upload.file, table.headers.get("project", "项目名称"))
        checker = _Checker(upload.kind, frame, lines, table.headers, upload.file, catalog, today, kept, memo)
        checker.check_rows(con)
        parts.append((checker.out, lines, checker.bad))
    if not parts:
        upload.problems = [Problem(upload.file, "no_data_rows")]
        return upload
    if examples:  # an unedited template: only "请先删除示例行", nothing else about those rows
        upload.problems = examples
        return upload
    out = pd.concat([p[0] for p in parts], ignore_index=True) if len(parts) > 1 else parts[0][0]
    lines = np.concatenate([p[1] for p in parts])
    bad = pd.concat([p[2] for p in parts], ignore_index=True) if len(parts) > 1 else parts[0][2]
    del parts
    whole = _Checker(upload.kind, None, lines, table.headers, upload.file, catalog, today, kept, memo, out=out, bad=bad)
    whole.check_across(con)
    order = _column_order(upload.kind, table.headers)
    kept.sort(key=lambda p: (p.line or 0, order(p.column)))
    upload.rows = whole.stored_rows()
    upload.problems = [_explained(p) for p in kept] + kept.more(upload.file)
    if not upload.problems and len(upload.rows):
        upload.months = sorted(pd.to_datetime(upload.rows["month"]).drop_duplicates().dt.strftime("%Y-%m"))
    return upload


def _column_order(kind: Kind, headers: dict[str, str]):
    """Where a problem's column stands in the kind's columns (problems of one row are listed in that order)."""
    keys = [c.key for c in kind.columns]
    rank = {}
    for key, text in headers.items():
        if key in keys:
            rank.setdefault(text, keys.index(key))
    return lambda header: rank.get(header, len(keys))


def _explained(problem: Problem) -> Problem:
    """A cell refused as not a month, date or number, with the reason when it is a known trap:
    an Excel day number where a month belongs, a decimal comma, odd thousands grouping."""
    if problem.code in ("not_a_month", "not_a_date", "not_a_datetime"):
        day = parsing.excel_serial(problem.value)
        if day:
            return replace(problem, code="excel_serial", params={**problem.params, "date": day})
    if problem.code == "not_a_number":
        why = parsing.number_trouble(problem.value)
        if why:
            return replace(problem, code=why)
    return problem


def validate_upload(
    con: duckdb.DuckDBPyConnection,
    path: Path,
    display_name: str | None = None,
    kind_name: str | None = None,
    *,
    catalog: Catalog | None = None,
    today: date | None = None,
    config: Config | None = None,
) -> Upload:
    """Read and check one file against the database; writes nothing."""
    upload, table = read_upload(path, display_name, kind_name, config=config)
    if table is None:
        return upload
    return check_read(con, upload, table, catalog=catalog, today=today)


class _Checker:
    """Validation of one chunk of a parsed table (``check_rows``), or of every chunk's values at once
    (``check_across``): each step adds problems for the rows it rejects."""

    def __init__(
        self,
        kind: Kind,
        frame: pd.DataFrame | None,
        lines: np.ndarray,
        headers: dict[str, str],
        file: str,
        catalog: Catalog,
        today: date,
        problems: ProblemList,
        memo: dict,
        *,
        out: pd.DataFrame | None = None,
        bad: pd.Series | None = None,
    ):
        self.kind, self.lines, self.headers, self.file = kind, lines, headers, file
        self.catalog, self.today, self.problems, self.memo = catalog, today, problems, memo
        self.out = out if out is not None else pd.DataFrame(index=frame.index)
        self.raw = frame if frame is not None else pd.DataFrame(index=self.out.index)
        self.bad = bad if bad is not None else pd.Series(False, index=self.out.index)  # rows with a problem already

    # -- helpers ---------------------------------------------------------------------------
    def text(self, key: str) -> pd.Series:
        """The cells of a column as the file has them ("" where the file lacks the column)."""
        return self.raw[key] if key in self.raw else pd.Series("", index=self.raw.index)

    def header(self, key: str) -> str:
        return self.headers.get(key) or self.kind.column(key).zh

    def add(self, mask: pd.Series, code: str, key: str | None, *, value=None, params=None) -> None:
        """A problem for every row in ``mask``; ``value``/``params`` may be per-row Series."""
        mask = mask.fillna(False).astype(bool)
        self.bad |= mask
        hits = np.flatnonzero(mask.to_numpy())
        room = self.problems.room
        if len(hits) > room:  # only counted: no need to build what would not be kept
            self.problems.dropped += len(hits) - room
            hits = hits[:room]
        for i in hits:
            idx = mask.index[i]
            v = (
                value[idx]
                if isinstance(value, pd.Series)
                else (value if value is not None else (self.raw.at[idx, key] if key in self.raw else None))
            )
            p = {k: (s[idx] if isinstance(s, pd.Series) else s) for k, s in (params or {}).items()}
            self.problems.append(
                Problem(
                    self.file,
                    code,
                    line=int(self.lines[i]),
                    column=self.header(key) if key else None,
                    value=None if v is None else str(v),
                    params=p,
                )
            )

    # -- steps -------------------------------------------------------------------------------
    def check_rows(self, con: duckdb.DuckDBPyConnection) -> None:
        """Every rule that looks at one row at a time (with the catalogue and the stored data)."""
        self.parse_columns()
        self.resolve_projects()
        self.place_in_year()
        self.check_one_of()
        getattr(self, f"check_{self.kind.name}", lambda con: None)(con)

    def check_across(self, con: duckdb.DuckDBPyConnection) -> None:
        """The rules across rows, once over the whole file: figures to date, one way of reporting, duplicates."""
        getattr(self, f"across_{self.kind.name}", lambda con: None)(con)
        self.check_duplicates()

    def parse_columns(self) -> None:
        for col in self.kind.columns:
            text = self.text(col.key)
            if col.required:
                self.add(parsing.blank(text), "required", col.key)
            if col.type == "text":
                self.out[col.key] = self.parse_text(col.key, text)
                continue
            if col.type == "number_or_text":  # 实际完成值: words are checked with the rating (check_indicator_values)
                parsed, self.out[f"{col.key}_words"] = value_cells(text)
                self.add(parsed < 0, "negative", col.key)
            elif col.type in ("money", "number", "percent"):
                parsed, bad = parsing.numbers(text, percent_ok=col.type == "percent")
                self.add(bad, "not_a_number", col.key)
                self.add(parsed < 0, "negative", col.key)
            elif col.type == "count":
                parsed, bad = parsing.counts(text)
                self.add(bad, "not_a_count", col.key)
                self.add(parsed < 0, "negative", col.key)
            elif col.type == "month":
                parsed, bad = parsing.months(text)
                self.add(bad, "not_a_month", col.key)
            elif col.type in ("datetime", "date"):
                parsed, bad = (parsing.datetimes if col.type == "datetime" else parsing.dates)(text)
                self.add(bad, "not_a_datetime" if col.type == "datetime" else "not_a_date", col.key)
            elif col.type == "choice" and col.key == "rating":  # synonyms from the vocabulary; else the closest word
                parsed, bad, closest = rating_cells(text)
                near = bad & (closest != "")
                self.add(
                    near, "unknown_rating", col.key, params={"closest": closest, "allowed": "、".join(RATING_WORDS)}
                )
                self.add(bad & ~near, "not_a_choice", col.key, params={"allowed": " / ".join(RATING_WORDS)})
            elif col.type == "choice":
                parsed, bad = parsing.choices(text, dict(col.choices))
                allowed = " / ".join(dict.fromkeys(word for word, _ in col.choices if not word.isascii()))
                self.add(bad, "not_a_choice", col.key, params={"allowed": allowed})
            else:
                raise ValueError(f"unknown column type {col.type}")
            if col.type in RANGES:
                self.check_range(col.key, parsed, RANGES[col.type])
            self.out[col.key] = parsed

    def parse_text(self, key: str, text: pd.Series) -> pd.Series:
        """Text as typed, trimmed; names in their normal form.  Control characters and novels are refused.

        A NUL, an escape or a bell in a cell is never something a person meant to store (and an
        escape sequence would colour a terminal that prints it), so the row is refused, not cleaned.
        """
        cells = text.fillna("").astype(str)
        control = cells.str.contains(_CONTROL.pattern, regex=True)  # a string pattern: matched in Arrow
        self.add(control, "control_character", key, value=cells[control].map(_visible))
        length = cells.str.len()
        self.add(
            (length > TEXT_MAX) & ~control,
            "text_too_long",
            key,
            value=cells[length > TEXT_MAX].str.slice(0, 20) + "…",
            params={"length": length, "limit": TEXT_MAX},
        )
        cells = cells.where(~control & (length <= TEXT_MAX), "").str.strip()  # refused: not looked up as a name
        if key in NAME_KEYS:
            cells = cells.map({c: normalise_name(c) for c in cells.unique()})
        return cells.replace("", None)

    def check_range(self, key: str, parsed: pd.Series, allowed: Range) -> None:
        """Above the column's range (below it is ``negative``, reported already)."""
        self.add(parsed > allowed.high, "out_of_range", key, params=allowed.params())

    def check_values(self, key: str) -> None:
        """An indicator's value, baseline or reference: 0–100 for a percentage, a score within its full marks."""
        ind = self.catalog.indicators.set_index("indicator_id")
        unit = self.out["indicator_id"].map(ind["unit"])
        target = pd.to_numeric(self.out["indicator_id"].map(ind["target_value"]), errors="coerce")
        value = self.out[key]
        percent = unit == "%"
        self.add(percent & (value > PERCENT_MAX), "percent_over_100", key)
        score = unit.isin(SCORE_UNITS)
        scale = target.fillna(0).clip(lower=SCORE_SCALE)  # out of 100, or of a higher target
        self.add(score & (value > scale), "score_over_scale", key, params={"scale": scale.map(_fmt)})
        self.add(~percent & ~score & (value > VALUE.high), "out_of_range", key, params=VALUE.params())

    def resolve_projects(self) -> None:
        """Names that match no project of any year; the rest take the stored name (duplicates compare those)."""
        names = self.out["project"].fillna("")
        index = self.memo.get("names")
        if index is None:
            index = self.memo["names"] = NameIndex((None, n, n) for n in self.catalog.projects["name"])
        stored = _find_all(index, pd.Series(None, index=names.index, dtype=object), names)
        unknown = (names != "") & stored.isna()
        known = index.names(None)
        hints = names[unknown].map(lambda n: _hint(n, known))
        self.add(unknown, "unknown_project", "project", params={"hint": hints.reindex(names.index, fill_value="")})
        self.out["project"] = stored.fillna(names)

    def place_in_year(self) -> None:
        """Pick the project of the row's year (a name may recur yearly); reject other years and the future."""
        when = pd.to_datetime(self.out[self.kind.month_from])
        self.out["month"] = when.dt.to_period("M").dt.to_timestamp()
        projects = self.catalog.projects[["project_id", "name", "year"]].astype({"year": "int64"})
        index = self.memo.get("years")
        if index is None:
            index = self.memo["years"] = NameIndex(
                zip(projects["year"], projects["name"], projects["project_id"], strict=True)
            )
        year = when.dt.year.astype("Int64").astype(object).where(when.notna(), None)
        pid = _find_all(index, year, self.out["project"])
        if self.kind.baseline_year_ok:  # last year's months are the baseline of this year's project
            pid = pid.fillna(_find_all(index, year.map(lambda y: None if y is None else y + 1), self.out["project"]))
        outside = pid.isna() & when.notna() & ~self.bad
        if outside.any():
            years = projects.groupby(projects["name"].map(loose_key))["year"].agg(
                lambda ys: "/".join(str(y) for y in sorted(ys))
            )
            named = self.out.loc[outside, "project"]
            self.add(
                outside,
                "outside_year",
                self.kind.month_from,
                params={"project": self.out["project"], "year": named.map(loose_key).map(years)},
            )
        now = pd.Timestamp(datetime.combine(self.today, datetime.max.time()))
        future = (
            (self.out["month"] > pd.Timestamp(self.today.replace(day=1)))
            if self.kind.month_from == "month"
            else (when > now)
        )
        self.add(future & ~self.bad, "in_future", self.kind.month_from)
        self.out["project_id"] = pid
        if "indicator" in self.out:
            self.resolve_indicators()
        if "item" in self.out:
            self.resolve_items()

    def resolve_indicators(self) -> None:
        self.out["indicator"] = self.out["indicator"].fillna("")
        ind = self.catalog.indicators
        ind = ind[ind["project_id"].isin(self.out["project_id"].dropna().unique())]  # only the upload's projects
        index = NameIndex(zip(ind["project_id"], ind["level3"], ind["indicator_id"], strict=True))
        ids = _find_all(index, self.out["project_id"], self.out["indicator"])
        unknown = ids.isna() & self.out["project_id"].notna() & (self.out["indicator"] != "")
        hints = pd.Series(
            [
                _hint(n, index.names(p))
                for n, p in zip(self.out.loc[unknown, "indicator"], self.out.loc[unknown, "project_id"], strict=True)
            ],
            index=self.out.index[unknown],
            dtype=object,
        )
        self.add(
            unknown,
            "unknown_indicator",
            "indicator",
            params={"project": self.out["project"], "hint": hints.reindex(self.out.index, fill_value="")},
        )
        self.out["indicator_id"] = ids

    def resolve_items(self) -> None:
        """Items by their normal form; a row keeps the stored spelling, so measures and re-uploads meet it."""
        present = set(self.out["project_id"].dropna().astype(int))
        index = NameIndex((pid, item, item) for pid, items in self.catalog.items(present).items() for item in items)
        found = _find_all(index, self.out["project_id"], self.out["item"])
        unknown = found.isna() & self.out["project_id"].notna() & self.out["item"].notna()
        self.out["item"] = found.fillna(self.out["item"])
        hints = pd.Series(
            [
                _hint(n, index.names(int(p)))
                for n, p in zip(self.out.loc[unknown, "item"], self.out.loc[unknown, "project_id"], strict=True)
            ],
            index=self.out.index[unknown],
            dtype=object,
        )
        self.add(
            unknown,
            "unknown_item",
            "item",
            params={"project": self.out["project"], "hint": hints.reindex(self.out.index, fill_value="")},
        )

    def check_duplicates(self) -> None:
        keys = [k for k in self.kind.identity]
        frame = self.out[keys].astype(str)
        for name, ident in (("project", "project_id"), ("indicator", "indicator_id")):
            if name in keys and ident in self.out:  # two spellings of one project are one project
                found = self.out[ident].notna()
                frame.loc[found, name] = "#" + self.out.loc[found, ident].astype("Int64").astype(str)
        dup = frame.duplicated(keep="first") & ~frame.isna().any(axis=1)
        if not dup.any():
            return
        first_line = pd.Series(self.lines, index=self.out.index).groupby([frame[k] for k in keys]).transform("first")
        key_text = frame.loc[:, [k for k in keys if k != "month"]].agg(" / ".join, axis=1)
        if "month" in keys:
            key_text = key_text + " / " + self.out["month"].dt.strftime("%Y-%m").fillna("")
        self.add(dup, "duplicate_row", None, value="", params={"other": first_line, "key": key_text})

    # -- kind-specific rules -------------------------------------------------------------------
    def _greater(self, key: str, other: str) -> None:
        a, b = self.out[key], self.out[other]
        self.add(
            a > b,
            "greater_than",
            key,
            value=a.map(_fmt),
            params={"column": self.header(key), "other": self.header(other), "other_value": b.map(_fmt)},
        )

    def _earlier(self, key: str, other: str) -> None:
        a, b = self.out[key], self.out[other]
        self.add(
            a < b,
            "earlier_than",
            key,
            value=self.text(key),
            params={"column": self.header(key), "other": self.header(other), "other_value": self.text(other)},
        )

    def check_hotline_month(self, con) -> None:
        """A month states what happened within it: a backlog closed in July may pass July's receipts,
        but never what was received up to then (this year, with the months already stored)."""
        self._greater("accepted_on_time", "accepted")

    def across_hotline_month(self, con) -> None:
        """Closed or accepted to date never pass received to date (after every row's own checks)."""
        ok = self.out["project_id"].notna() & ~self.bad
        if not ok.any():
            return
        new = self.out.loc[ok, ["project_id", "month", "received", "accepted", "closed"]]
        new = new.assign(line=self.lines[np.flatnonzero(ok.to_numpy())])
        old = con.execute(
            "SELECT project_id, CAST(month AS TIMESTAMP) AS month, received, accepted, closed "
            "FROM hotline_month WHERE replaced_by IS NULL"
        ).df()
        old = old[~old.set_index(["project_id", "month"]).index.isin(new.set_index(["project_id", "month"]).index)]
        both = pd.concat([old.assign(line=np.nan), new]).sort_values(["project_id", "month"], ignore_index=True)
        by_year = [both["project_id"], both["month"].dt.year]
        both["received_to_date"] = both.groupby(by_year)["received"].cumsum()
        for key in ("accepted", "closed"):
            both["to_date"] = both.groupby(by_year)[key].cumsum()
            over = both[(both["to_date"] > both["received_to_date"]) & both["line"].notna()]
            for _, first in over.groupby("project_id").head(1).iterrows():
                self.problems.append(
                    Problem(
                        self.file,
                        "greater_to_date",
                        line=int(first["line"]),
                        column=self.header(key),
                        value=_fmt(first["to_date"]),
                        params={
                            "column": self.header(key),
                            "other": self.header("received"),
                            "other_value": _fmt(first["received_to_date"]),
                        },
                    )
                )

    def check_hotline_ticket(self, con) -> None:
        self._earlier("accepted_at", "received_at")
        self._earlier("closed_at", "received_at")

    def check_opinion_event(self, con) -> None:
        self._earlier("detected_at", "appeared_at")
        self._earlier("reported_at", "detected_at")

    def check_opinion_hours(self, con) -> None:
        self.add(self.out["hours"] > 24, "hours_range", "hours")

    def check_reference(self, con) -> None:
        self.check_values("value")

    def check_indicator_values(self, con) -> None:
        """A value, a rating or a likelihood (mid-year); a value in words only beside a rating, kept as the note."""
        out = self.out
        words = out["value_words"]
        nothing = out["value"].isna() & words.isna() & out["rating"].isna() & out["likelihood"].isna()
        self.add(nothing & ~self.bad, "value_or_rating", "value")
        self.add(words.notna() & out["rating"].isna() & ~self.bad, "words_need_rating", "value")
        out["note"] = free_text_note(words, out["note"])
        self.check_values("value")
        needs_reason = out["likelihood"].isin(["possible", "impossible"]) & (
            out["deviation_reason"].isna() | out["measures"].isna()
        )
        self.add(needs_reason, "reason_required", "likelihood")

    def across_budget(self, con) -> None:
        """Spending to date may not pass the budget in force (执行率 above 100% is impossible); a cumulative
        series (累计支出) never falls, and one project is reported one way in a file."""
        ok = self.out["project_id"].notna() & ~self.bad
        if not ok.any():
            return
        self._one_form(ok, "spent", "spent_to_date")
        new = self.out.loc[ok, ["project_id", "month", "spent", "spent_to_date"]]
        new = new.assign(line=self.lines[np.flatnonzero(ok.to_numpy())])
        old = con.execute(
            "SELECT project_id, CAST(month AS TIMESTAMP) AS month, CAST(spent AS DOUBLE) AS spent, "
            "CAST(spent_to_date AS DOUBLE) AS spent_to_date FROM budget_month WHERE replaced_by IS NULL"
        ).df()
        both = _merged(old, new, ["project_id", "month"])
        both["total"] = _to_date(both, ["project_id"], "spent", "spent_to_date")
        self._never_falls(both, ["project_id"], "spent_to_date")
        both["budget"] = _in_force(con, both, self.catalog.projects.set_index("project_id")["budget"])
        over = both[(both["total"] > both["budget"] + 0.005) & both["line"].notna()]
        for _pid, rows in over.groupby("project_id"):
            first = rows.iloc[0]
            self.problems.append(
                Problem(
                    self.file,
                    "over_budget",
                    line=int(first["line"]),
                    column=self.header(
                        "spent" if first["spent_to_date"] != first["spent_to_date"] else "spent_to_date"
                    ),
                    params={"total": f"{first['total']:,.2f}", "budget": f"{first['budget']:,.2f}"},
                )
            )

    def across_deliverables(self, con) -> None:
        """A cumulative count (累计数量) never falls; one item is reported one way in a file."""
        ok = self.out["project_id"].notna() & ~self.bad
        if not ok.any():
            return
        self._one_form(ok, "count", "count_to_date", by=["project_id", "item"])
        new = self.out.loc[ok, ["project_id", "item", "month", "count_to_date"]]
        new = new.assign(line=self.lines[np.flatnonzero(ok.to_numpy())])
        old = con.execute(
            "SELECT project_id, item, CAST(month AS TIMESTAMP) AS month, CAST(count_to_date AS DOUBLE) AS count_to_date "
            "FROM deliverable_month WHERE replaced_by IS NULL"
        ).df()
        self._never_falls(_merged(old, new, ["project_id", "item", "month"]), ["project_id", "item"], "count_to_date")

    def check_budget_adjustment(self, con) -> None:
        """An adjusted budget is positive and not below what was already spent by its month."""
        ok = self.out["project_id"].notna() & ~self.bad
        self.add(ok & (self.out["budget"] <= 0), "budget_not_positive", "budget")
        ok &= ~self.bad
        if not ok.any():
            return
        spent = self.memo.get("spent")
        if spent is None:
            spent = con.execute(
                "SELECT project_id, CAST(month AS TIMESTAMP) AS month, CAST(spent AS DOUBLE) AS spent, "
                "CAST(spent_to_date AS DOUBLE) AS spent_to_date FROM budget_month WHERE replaced_by IS NULL"
            ).df()
            spent = spent.sort_values(["project_id", "month"], ignore_index=True)
            spent["total"] = _to_date(spent, ["project_id"], "spent", "spent_to_date")
            self.memo["spent"] = spent
        rows = self.out.loc[ok, ["project_id", "month", "budget"]]
        for idx, row in rows.iterrows():
            before = spent[(spent["project_id"] == row["project_id"]) & (spent["month"] <= row["month"])]
            total = float(before["total"].iloc[-1]) if len(before) else 0.0
            if row["budget"] + 0.005 < total:
                mask = pd.Series(False, index=self.out.index)
                mask[idx] = True
                self.add(mask, "adjusted_below_spent", "budget", params={"total": f"{total:,.2f}"})

    def check_target_revision(self, con) -> None:
        """The revised target is read by the target grammar; its meaning is stored beside the words."""
        from metrics.targets import parse_target

        parsed = [parse_target(text) if isinstance(text, str) else None for text in self.out["target_text"].tolist()]
        self.out["kind"] = [t.kind if t else None for t in parsed]
        self.out["operator"] = [t.operator if t else None for t in parsed]
        self.out["target_value"] = [t.value if t else None for t in parsed]
        self.out["unit"] = [t.unit if t else None for t in parsed]

    def check_one_of(self) -> None:
        """Each row fills exactly one column of each ``Kind.one_of`` group (当月 or 累计)."""
        for group in self.kind.one_of:
            filled = pd.concat([self.out[k].notna() for k in group if k in self.out], axis=1).sum(axis=1)
            names = "或".join(f"“{self.header(k)}”" for k in group)
            names_en = " or ".join(f"“{self.header(k)}”" for k in group)
            self.add(
                ~self.bad & (filled == 0),
                "one_of_missing",
                group[0],
                value="",
                params={"columns": names, "columns_en": names_en},
            )
            self.add(
                ~self.bad & (filled > 1),
                "one_of_both",
                group[0],
                value="",
                params={"columns": names, "columns_en": names_en},
            )

    def _one_form(self, ok: pd.Series, monthly: str, cumulative: str, by: list[str] | None = None) -> None:
        """One project (or item) is reported monthly or cumulatively in a file, never both."""
        keys = by or ["project_id"]
        rows = self.out.loc[ok, keys].assign(cum=self.out.loc[ok, cumulative].notna())
        mixed = rows.groupby(keys)["cum"].transform("nunique") > 1
        first = mixed & ~rows.duplicated(keys)
        mask = pd.Series(False, index=self.out.index)
        mask[first[first].index] = True
        self.add(
            mask,
            "mixed_forms",
            cumulative,
            value="",
            params={"monthly": self.header(monthly), "cumulative": self.header(cumulative)},
        )

    def _never_falls(self, both: pd.DataFrame, keys: list[str], cumulative: str) -> None:
        """A figure to date that is lower than the one of an earlier month is a typo (or the wrong month)."""
        series = both[both[cumulative].notna()].sort_values([*keys, "month"])
        previous = series.groupby(keys)[cumulative].shift()
        falls = series[(series[cumulative] < previous - 0.005) & series["line"].notna()]
        for _, row in falls.iterrows():
            earlier = previous[row.name]
            self.problems.append(
                Problem(
                    self.file,
                    "cumulative_falls",
                    line=int(row["line"]),
                    column=self.header(cumulative),
                    value=_fmt(row[cumulative]),
                    params={"earlier": _fmt(earlier)},
                )
            )

    # -- output --------------------------------------------------------------------------------
    def stored_rows(self) -> pd.DataFrame:
        out = self.out
        keep = [c.key for c in self.kind.columns if c.key not in ("project", "indicator")] + list(self.kind.derived)
        id_cols = ["indicator_id"] if "indicator" in out else ["project_id"]
        columns = id_cols + (["month"] if "month" not in keep else []) + keep
        rows = out[columns]
        for col in id_cols:
            rows = rows.assign(**{col: rows[col].astype("Int64")})
        return rows.reset_index(drop=True)


def _merged(old: pd.DataFrame, new: pd.DataFrame, keys: list[str]) -> pd.DataFrame:
    """The stored rows the upload does not replace, and the upload's (``line`` set), in order."""
    old = old[~old.set_index(keys).index.isin(new.set_index(keys).index)]
    return pd.concat([old.assign(line=np.nan), new]).sort_values(keys, ignore_index=True)


def _to_date(rows: pd.DataFrame, keys: list[str], monthly: str, cumulative: str) -> pd.Series:
    """Figures to date, row by row (rows in month order): a cumulative row states it, monthly rows add to it."""
    cum = rows[cumulative] if cumulative in rows else pd.Series(np.nan, index=rows.index)
    run = cum.notna().groupby([rows[k] for k in keys]).cumsum()
    groups = [*(rows[k] for k in keys), run]
    base = cum.groupby(groups).transform("max").fillna(0)
    added = rows[monthly].where(cum.isna(), 0).fillna(0).groupby(groups).cumsum()
    return base + added


def _in_force(con: duckdb.DuckDBPyConnection, rows: pd.DataFrame, budgets: pd.Series) -> pd.Series:
    """The budget in force at each row's month: the latest 预算调整 up to it, else the project's."""
    adjustments = con.execute(
        "SELECT project_id, CAST(month AS TIMESTAMP) AS month, CAST(budget AS DOUBLE) AS budget "
        "FROM budget_adjustment WHERE replaced_by IS NULL ORDER BY project_id, month"
    ).df()
    out = rows["project_id"].map(budgets).astype(float)
    for (pid, month), budget in zip(
        zip(adjustments["project_id"], adjustments["month"], strict=True), adjustments["budget"], strict=True
    ):
        out = out.where(~((rows["project_id"] == pid) & (rows["month"] >= month)), budget)
    return out


def _find_all(index: NameIndex, scopes: pd.Series, names: pd.Series) -> pd.Series:
    """``index.find`` for every row, computed once per distinct (scope, name)."""
    keys = pd.DataFrame(
        {"scope": pd.to_numeric(scopes, errors="coerce").astype(float), "name": names.fillna("").astype(str)}
    )
    distinct = keys.drop_duplicates()
    found = [
        index.find(None if np.isnan(s) else int(s), n) for s, n in zip(distinct["scope"], distinct["name"], strict=True)
    ]
    distinct = distinct.assign(found=pd.Series(found, index=distinct.index, dtype=object))
    merged = keys.merge(distinct, on=["scope", "name"], how="left")["found"]
    return pd.Series(merged.to_numpy(dtype=object), index=names.index, dtype=object)


def _visible(text: str) -> str:
    """A cell with its control characters spelt out (``\\x00``), short enough to quote."""
    shown = _CONTROL.sub(lambda m: f"\\x{ord(m.group()):02x}", text)
    return shown if len(shown) <= 40 else shown[:40] + "…"


def _fmt(v) -> str:
    if v is None or (isinstance(v, float) and np.isnan(v)):
        return ""
    if isinstance(v, float) and v.is_integer() and abs(v) < 1e15:
        return str(int(v))  # a count of 2147483648 reads as that, not 2.14748e+09
    return f"{v:g}" if isinstance(v, float) else str(v)


HINT_CHARS = 200  # no name is longer; matching a longer text would cost time (difflib is quadratic) for nothing


def _hint(name: str, candidates: set[str]) -> str:
    """The closest known name, as a suggestion; worked out once per distinct name and catalogue."""
    if len(name) > HINT_CHARS:
        return ""
    return _closest(name, tuple(sorted(candidates)))


@lru_cache(maxsize=4096)
def _closest(name: str, candidates: tuple[str, ...]) -> str:
    close = difflib.get_close_matches(name, candidates, n=1, cutoff=0.4)
    return f"，是否为“{close[0]}”？" if close else ""


def _replaced(con: duckdb.DuckDBPyConnection, upload: Upload, select: str, tail: str = "") -> pd.DataFrame:
    """``SELECT {select}`` over the current rows a valid upload would replace (same keys), as ``t``."""
    kind = upload.kind
    keys = upload.rows[list(kind.replaces)].drop_duplicates()
    con.register("upload_keys", keys)
    try:
        match = " AND ".join(f"t.{k} = CAST(k.{k} AS {_KEY_TYPES[k]})" for k in kind.replaces)
        return con.execute(
            f"SELECT {select} FROM {kind.table} t JOIN upload_keys k ON {match} WHERE t.replaced_by IS NULL {tail}"
        ).df()  # fetched before the keys are unregistered
    finally:
        con.unregister("upload_keys")


def replaced_count(con: duckdb.DuckDBPyConnection, upload: Upload) -> int:
    """How many current rows a valid upload would replace (for the preview before confirming)."""
    return int(_replaced(con, upload, "count(*) AS n")["n"].iloc[0])


def replaced_rows(con: duckdb.DuckDBPyConnection, upload: Upload, limit: int) -> pd.DataFrame:
    """The first ``limit`` current rows a valid upload would replace: what the person is about to overwrite."""
    return _replaced(con, upload, "t.* EXCLUDE (load_id, replaced_by)", f"LIMIT {int(limit)}")


_KEY_TYPES = {
    "project_id": "INTEGER",
    "indicator_id": "INTEGER",
    "month": "DATE",
    "item": "VARCHAR",
    "ref_type": "VARCHAR",
}


AUDIT_ROWS = 20  # small writes (a form, a correction) keep their rows before and after in the audit


def write_upload(con: duckdb.DuckDBPyConnection, upload: Upload, actor: Actor | None = None) -> Loaded:
    """Store a validated upload inside the caller's transaction, with its audit entry; returns what it did."""
    kind = upload.kind
    load_id = log_load(
        con,
        f"actuals:{kind.name}",
        upload.file,
        upload.digest,
        len(upload.rows),
        detail=",".join(upload.months),
        loaded_by=actor.username if actor else None,
    )
    cols = list(upload.rows.columns)
    con.register("upload_rows", upload.rows)
    try:
        con.execute(f"CREATE OR REPLACE TEMP TABLE staged AS SELECT * FROM {kind.table} LIMIT 0")
        con.execute(
            f"INSERT INTO staged ({', '.join(cols)}, load_id) SELECT {', '.join(cols)}, ? FROM upload_rows", [load_id]
        )
    finally:
        con.unregister("upload_rows")
    match = " AND ".join(f"t.{k} = k.{k}" for k in kind.replaces)
    replaced = con.execute(
        f"UPDATE {kind.table} AS t SET replaced_by = ? "
        f"FROM (SELECT DISTINCT {', '.join(kind.replaces)} FROM staged) AS k "
        f"WHERE t.replaced_by IS NULL AND {match}",
        [load_id],
    ).fetchone()[0]
    con.execute(f"INSERT INTO {kind.table} SELECT * FROM staged")
    con.execute("DROP TABLE staged")
    small = len(upload.rows) <= AUDIT_ROWS and (replaced or 0) <= AUDIT_ROWS
    before = _rows(con, kind.table, "replaced_by", load_id) if small else {"rows": int(replaced or 0)}
    after = _rows(con, kind.table, "load_id", load_id) if small else {"rows": len(upload.rows)}
    record(
        con, actor or local_operator(), f"upload:{kind.name}", upload.file, before=before, after=after, load_id=load_id
    )
    return Loaded(upload.file, kind.name, len(upload.rows), int(replaced or 0), upload.months, load_id)


def _rows(con: duckdb.DuckDBPyConnection, table: str, column: str, load_id: int) -> list[dict]:
    cur = con.execute(f"SELECT * EXCLUDE (load_id, replaced_by) FROM {table} WHERE {column} = ?", [load_id])
    names = [d[0] for d in cur.description]
    return [dict(zip(names, row, strict=True)) for row in cur.fetchall()]


def touched_projects(uploads: list[Upload], catalog: Catalog) -> set[int]:
    """The projects a set of validated uploads would change."""
    owner = dict(zip(catalog.indicators["indicator_id"], catalog.indicators["project_id"], strict=True))
    out: set[int] = set()
    for u in uploads:
        if "project_id" in u.rows:
            out |= {int(p) for p in u.rows["project_id"].dropna().unique()}
        elif "indicator_id" in u.rows:
            out |= {int(owner[i]) for i in u.rows["indicator_id"].dropna().unique()}
    return out


def ingest_actuals(
    files: list[Path],
    db_path=None,
    kind: str | None = None,
    display_names: list[str] | None = None,
    today: date | None = None,
    also=None,
    actor: Actor | None = None,
    *,
    config: Config | None = None,
    db_lock: AbstractContextManager | None = None,
) -> list[Loaded]:
    """Read every file, then check and write them all in one transaction, or raise ValidationFailed and write nothing.

    The files are read before the database is opened, and ``db_lock`` (the caller's own lock, e.g. the
    dashboard's) is held only around the database work.  ``also(con, loaded)``, when given, writes more in
    the same transaction (e.g. an evidence file).
    """
    names = display_names or [Path(f).name for f in files]
    db_lock = db_lock or nullcontext()
    read = [read_upload(Path(f), names[i], kind, config=config) for i, f in enumerate(files)]
    problems = [p for upload, _ in read for p in upload.problems]
    if problems:
        raise ValidationFailed(problems)
    try:
        with db_lock:
            return _ingest(read, db_path, today, also, actor)
    except (PermissionDenied, MonthLocked):
        with db_lock:
            record_refusal(db_path, actor or local_operator(), "upload", "、".join(names))
        raise


def _ingest(read: list[tuple[Upload, Table]], db_path, today, also, actor) -> list[Loaded]:
    with write_transaction(db_path) as con:
        catalog = Catalog.load(con)
        uploads = [check_read(con, upload, table, catalog=catalog, today=today) for upload, table in read]
        problems = [p for u in uploads for p in u.problems]
        if problems:
            raise ValidationFailed(problems)
        names = dict(zip(catalog.projects["project_id"], catalog.projects["name"], strict=True))
        check_projects(actor, touched_projects(uploads, catalog), names, "上传或修改这些项目的数据")
        owner = dict(zip(catalog.indicators["indicator_id"], catalog.indicators["project_id"], strict=True))
        for u in uploads:  # an approved month is locked: refused before anything is written (docs/domain.md §10)
            check_unlocked(con, touched_months(u.rows, owner), u.file)
        loaded = [write_upload(con, u, actor) for u in uploads]
        if also is not None:
            also(con, loaded)
        pause = float(os.environ.get("PERFBOARD_PAUSE_BEFORE_COMMIT", "0"))  # lets tests kill a load mid-way
        if pause:
            print("writing", flush=True)
            time.sleep(pause)
        return loaded
