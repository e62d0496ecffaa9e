"""Bind indicators to the rule that produces their actual (``data/bindings_2020.toml`` for the seed).

The file names indicators by project and 三级目标; indicators it does not name keep the
default rule for their target's kind (``metrics.rules.DEFAULT_RULE``).
"""

from __future__ import annotations

import hashlib
import json
import tomllib
from dataclasses import dataclass
from pathlib import Path

import duckdb

from core.accounts import local_operator, record
from core.db import log_load
from ingest.problems import Problem, ValidationFailed
from metrics.rules import DEFAULT_RULE, RULES


def _problem(file: str, where: str, text: str) -> Problem:
    return Problem(file, "unreadable", column=where, params={"detail": text})


@dataclass(frozen=True)
class ParamProblem(Problem):
    """A binding parameter that does not fit, worded in both languages (the project and indicator named)."""

    zh: str = ""
    en: str = ""

    def reason(self, lang: str = "zh") -> str:
        return self.en if lang == "en" else self.zh


def _shown(value: object) -> str:
    """A TOML value as the file would show it (``"6"``, ``[6.5]``, ``true``)."""
    return json.dumps(value, ensure_ascii=False, default=str)  # a TOML date shows as its text


def _plan(raw: object) -> dict[int, float] | None:
    """``plan = { 6 = 50, 12 = 100 }`` as month → cumulative value; None when it is not a table of month = number."""
    try:
        return {int(m): float(v) for m, v in raw.items()}  # type: ignore[union-attr]
    except (AttributeError, TypeError, ValueError):
        return None


def _whole_months(due: object) -> list[int] | None:
    """``due = [3, 6, 9, 12]`` as whole months; None unless a non-empty list of whole numbers 1–12."""
    if not isinstance(due, list) or not due:
        return None
    if not all(isinstance(m, int | float) and not isinstance(m, bool) and m in range(1, 13) for m in due):
        return None
    return [int(m) for m in due]


def _check_params(file: str, where: str, entry: dict) -> tuple[dict, list[Problem]]:
    """The binding's extra parameters (``due``, ``accumulate``…), checked; ``due`` comes back as whole months."""
    params = {k: v for k, v in entry.items() if k not in ("project", "indicator", "rule", "item", "plan")}
    zh_name = f"项目“{entry.get('project')}”指标“{entry.get('indicator')}”"
    en_name = f"project “{entry.get('project')}”, indicator “{entry.get('indicator')}”"
    wrong: list[tuple[str, str]] = []
    if "due" in params:
        months = _whole_months(params["due"])
        if months is None:
            found = _shown(params["due"])
            wrong.append(
                (
                    f"{zh_name}的 due 应为 1–12 月的整数列表（不能为空），如 due = [3, 6, 9, 12]；现为 {found}",
                    f"{en_name}: due must be a non-empty list of whole months 1–12, e.g. due = [3, 6, 9, 12]; "
                    f"found {found}",
                )
            )
        else:
            params["due"] = months
    if "accumulate" in params and not isinstance(params["accumulate"], bool):
        found = _shown(params["accumulate"])
        wrong.append(
            (
                f"{zh_name}的 accumulate 应为 true 或 false；现为 {found}",
                f"{en_name}: accumulate must be true or false; found {found}",
            )
        )
    problems: list[Problem] = [
        ParamProblem(file, "unreadable", column=where, params={"detail": en}, zh=zh, en=en) for zh, en in wrong
    ]
    return params, problems


def store_bindings(con: duckdb.DuckDBPyConnection, path: Path, year: int) -> int:
    """Validate the bindings file against the year's indicators and store it (caller's transaction)."""
    name = path.name
    try:
        spec = tomllib.loads(path.read_text(encoding="utf-8"))
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
        raise ValidationFailed([_problem(name, "", str(exc))]) from exc
    indicators = {
        (p, i): (iid, pid)
        for iid, pid, p, i in con.execute(
            "SELECT indicator_id, project_id, p.name, level3 FROM indicator JOIN project p USING (project_id) "
            "WHERE p.year = ?",
            [year],
        ).fetchall()
    }
    projects = {p: pid for (p, _), (_, pid) in indicators.items()}
    problems: list[Problem] = []
    rows = []
    for n, entry in enumerate(spec.get("binding", []), start=1):
        where = f"binding {n}"
        key = (entry.get("project"), entry.get("indicator"))
        rule = entry.get("rule")
        if key not in indicators:
            problems.append(_problem(name, where, f"no indicator {key[1]!r} in project {key[0]!r} of {year}"))
            continue
        if rule not in RULES:
            problems.append(_problem(name, where, f"unknown rule {rule!r}; known: {', '.join(RULES)}"))
            continue
        if rule == "deliverable_count" and not entry.get("item"):
            problems.append(_problem(name, where, "deliverable_count needs an item"))
            continue
        plan = _plan(entry.get("plan", {}))
        if plan is None or any(not 1 <= m <= 12 for m in plan) or list(plan.values()) != sorted(plan.values()):
            problems.append(_problem(name, where, "plan: months 1–12 with cumulative values that never fall"))
            continue
        params, wrong = _check_params(name, where, entry)
        if wrong:
            problems.extend(wrong)
            continue
        rows.append(
            (
                indicators[key][0],
                rule,
                entry.get("item"),
                json.dumps(plan) if plan else None,
                json.dumps(params, ensure_ascii=False) if params else None,
            )
        )
    items = []
    for n, entry in enumerate(spec.get("item", []), start=1):
        if entry.get("project") not in projects:
            problems.append(_problem(name, f"item {n}", f"no project {entry.get('project')!r} in {year}"))
            continue
        items += [(projects[entry["project"]], item) for item in entry.get("names", [])]
    if problems:
        raise ValidationFailed(problems)
    items += [
        (projects[p], row[2]) for row in rows for (p, _), (iid, _) in indicators.items() if iid == row[0] and row[2]
    ]
    load_id = log_load(con, "bindings", name, hashlib.sha256(path.read_bytes()).hexdigest(), len(rows))
    ids = [iid for iid, _ in indicators.values()]
    con.execute("DELETE FROM binding WHERE list_contains(?, indicator_id)", [ids])
    con.execute("DELETE FROM deliverable_item WHERE list_contains(?, project_id)", [sorted(set(projects.values()))])
    if rows:
        con.executemany("INSERT INTO binding VALUES (?, ?, ?, ?, ?, ?)", [(*row, load_id) for row in rows])
    if items:
        con.executemany("INSERT OR IGNORE INTO deliverable_item VALUES (?, ?)", sorted(set(items)))
    record(con, local_operator(), "bindings", name, after={"year": year, "bound": len(rows)}, load_id=load_id)
    return len(rows)


def binding_table(con: duckdb.DuckDBPyConnection, year: int) -> list[dict]:
    """Every indicator of the year with its rule (bound or default), item and plan."""
    rows = con.execute(
        "SELECT p.name, i.level3, i.kind, b.rule, b.item, b.plan FROM indicator i JOIN project p USING (project_id) "
        "LEFT JOIN binding b USING (indicator_id) WHERE p.year = ? ORDER BY p.project_id, i.seq",
        [year],
    ).fetchall()
    return [
        {
            "project": p,
            "indicator": i,
            "rule": rule or DEFAULT_RULE[kind],
            "item": item,
            "plan": json.loads(plan) if plan else None,
            "bound": rule is not None,
        }
        for p, i, kind, rule, item, plan in rows
    ]
