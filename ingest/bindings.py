"""Bind indicators to the rule that produces their actual (``data/bindings_2020.toml`` for the seed).

The file names indicators by project and 三级目标; indicators it does not name keep the
default rule for their target's kind (``metrics.rules.DEFAULT_RULE``).  It also declares the
targets a project states in its prose but not in its table (``[[plan_target]]``, 计划内目标):
they are judged and shown like indicators, and listed in the self-evaluation's notes, not scored.

A phased plan whose year-end total differs from the table's target is scaled to the target, and
the load says so (``Bound.warnings``): the table is what the year is judged against.
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
from core.names import normalise_name
from ingest.problems import Problem, ValidationFailed
from metrics.rules import DEFAULT_RULE, RULES, rule
from metrics.targets import parse_target

NUMERIC_KINDS = ("at_least", "equal", "at_most")


@dataclass(frozen=True)
class Bound:
    """What a bindings load did: indicators bound, prose targets declared, and warnings for the admin (zh, en)."""

    bound: int
    plan_targets: int = 0
    warnings: tuple[tuple[str, str], ...] = ()


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


NOT_PARAMS = ("project", "indicator", "rule", "item", "plan", "target", "level2", "source")


def _check_params(file: str, where: str, entry: dict) -> tuple[dict, list[Problem]]:
    """The binding's extra parameters (``due``, ``accumulate``…), checked; ``due`` comes back as whole months."""
    params = {k: v for k, v in entry.items() if k not in NOT_PARAMS}
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
    for flag in ("accumulate", "each_month"):
        if flag in params and not isinstance(params[flag], bool):
            found = _shown(params[flag])
            wrong.append(
                (
                    f"{zh_name}的 {flag} 应为 true 或 false；现为 {found}",
                    f"{en_name}: {flag} must be true or false; found {found}",
                )
            )
    if params.get("each_month") is True and entry.get("rule") in RULES and not rule(entry["rule"]).each_month:
        wrong.append(
            (
                f"{zh_name}：规则 {entry['rule']} 不能按“每月”判断（each_month）",
                f"{en_name}: rule {entry['rule']} cannot be judged each month (each_month)",
            )
        )
    problems: list[Problem] = [
        ParamProblem(file, "unreadable", column=where, params={"detail": en}, zh=zh, en=en) for zh, en in wrong
    ]
    return params, problems


def _scaled(plan: dict[int, float], target: float | None) -> dict[int, float]:
    """The plan scaled so that its year-end total is the table's target (unchanged without both)."""
    if not plan or 12 not in plan or not target or target <= 0 or plan[12] <= 0 or plan[12] == target:
        return plan
    return {m: round(v * target / plan[12], 4) for m, v in plan.items()}


def _plan_warning(project: str, indicator: str, plan: dict, scaled: dict, target: float) -> tuple[str, str]:
    shown = "，".join(f"{m}月{v:g}" for m, v in sorted(scaled.items()))
    shown_en = ", ".join(f"month {m}: {v:g}" for m, v in sorted(scaled.items()))
    return (
        f"项目“{project}”指标“{indicator}”：分阶段计划全年合计{plan[12]:g}，与目标表的{target:g}不一致，"
        f"已按目标表等比例换算为 {shown}",
        f"project “{project}”, indicator “{indicator}”: the phased plan adds up to {plan[12]:g}, the target table "
        f"says {target:g}; the plan was scaled to the table: {shown_en}",
    )


def store_bindings(con: duckdb.DuckDBPyConnection, path: Path, year: int) -> Bound:
    """Validate the bindings file against the year's indicators and store it (caller's transaction)."""
    name = path.name
    try:
        spec = tomllib.loads(path.read_text(encoding="utf-8"))
    except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
        raise ValidationFailed([_problem(name, "", str(exc))]) from exc
    found = con.execute(
        "SELECT indicator_id, project_id, p.name, level3, target_value FROM indicator JOIN project p USING (project_id) "
        "WHERE p.year = ?",
        [year],
    ).fetchall()
    # names in their normal form (core.names), as uploads and reloads match them
    indicators = {(normalise_name(p), normalise_name(i)): (iid, pid) for iid, pid, p, i, _ in found}
    targets = {iid: value for iid, _, _, _, value in found}
    projects = {
        normalise_name(p): pid
        for p, pid in con.execute("SELECT name, project_id FROM project WHERE year = ?", [year]).fetchall()
    }
    problems: list[Problem] = []
    warnings: list[tuple[str, str]] = []
    rows = []
    for n, entry in enumerate(spec.get("binding", []), start=1):
        where = f"binding {n}"
        key = (normalise_name(entry.get("project")), normalise_name(entry.get("indicator")))
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
        scaled = _scaled(plan, targets[indicators[key][0]])
        if scaled != plan:
            warnings.append(_plan_warning(key[0], key[1], plan, scaled, targets[indicators[key][0]]))
            plan = scaled
        rows.append(
            (
                indicators[key][0],
                rule,
                normalise_name(entry["item"]) if entry.get("item") else None,
                json.dumps(plan) if plan else None,
                json.dumps(params, ensure_ascii=False) if params else None,
            )
        )
    items = []
    for n, entry in enumerate(spec.get("item", []), start=1):
        if normalise_name(entry.get("project")) not in projects:
            problems.append(_problem(name, f"item {n}", f"no project {entry.get('project')!r} in {year}"))
            continue
        pid = projects[normalise_name(entry["project"])]
        items += [(pid, normalise_name(item)) for item in entry.get("names", [])]
    plan_targets = _plan_targets(name, spec.get("plan_target", []), projects, indicators, problems)
    if problems:
        raise ValidationFailed(problems)
    items += [
        (projects[p], row[2]) for row in rows for (p, _), (iid, _) in indicators.items() if iid == row[0] and row[2]
    ]
    load_id = log_load(con, "bindings", name, hashlib.sha256(path.read_bytes()).hexdigest(), len(rows))
    ids = [iid for iid, _ in indicators.values()]
    year_projects = sorted(set(projects.values()))
    con.execute("DELETE FROM binding WHERE list_contains(?, indicator_id)", [ids])
    con.execute(
        "DELETE FROM binding WHERE indicator_id IN (SELECT indicator_id FROM plan_target WHERE list_contains(?, project_id))",
        [year_projects],
    )
    con.execute("DELETE FROM plan_target WHERE list_contains(?, project_id)", [year_projects])
    con.execute("DELETE FROM deliverable_item WHERE list_contains(?, project_id)", [year_projects])
    if rows:
        con.executemany("INSERT INTO binding VALUES (?, ?, ?, ?, ?, ?)", [(*row, load_id) for row in rows])
    for target, binding in plan_targets:
        (iid,) = con.execute(
            "INSERT INTO plan_target VALUES (nextval('indicator_id_seq'), ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) "
            "RETURNING indicator_id",
            [*target, load_id],
        ).fetchone()
        con.execute("INSERT INTO binding VALUES (?, ?, ?, ?, ?, ?)", [iid, *binding, load_id])
    if items:
        con.executemany("INSERT OR IGNORE INTO deliverable_item VALUES (?, ?)", sorted(set(items)))
    after = {"year": year, "bound": len(rows), "plan_targets": len(plan_targets), "warnings": [w for w, _ in warnings]}
    record(con, local_operator(), "bindings", name, after=after, load_id=load_id)
    return Bound(len(rows), len(plan_targets), tuple(warnings))


def _plan_targets(
    file: str, entries: list[dict], projects: dict[str, int], indicators: dict, problems: list[Problem]
) -> list[tuple[list, list]]:
    """The ``[[plan_target]]`` entries, checked: (plan_target row without its id and load, binding row without its id)."""
    out = []
    seq: dict[int, int] = {}
    for n, entry in enumerate(entries, start=1):
        where = f"plan_target {n}"
        project, title, text = (
            normalise_name(entry.get("project")),
            normalise_name(entry.get("indicator")),
            entry.get("target"),
        )
        rule_name = entry.get("rule")
        if project not in projects:
            problems.append(_problem(file, where, f"no project {project!r}"))
            continue
        if not title or (project, title) in indicators:
            problems.append(_problem(file, where, f"indicator {title!r}: give a name not already in the target table"))
            continue
        target = parse_target(str(text or ""), title)
        if target.kind not in NUMERIC_KINDS or target.value is None:
            problems.append(_problem(file, where, f'target {text!r}: a number to judge against, e.g. ">=99%"'))
            continue
        if rule_name not in RULES:
            problems.append(_problem(file, where, f"unknown rule {rule_name!r}; known: {', '.join(RULES)}"))
            continue
        params, wrong = _check_params(file, where, {**entry, "indicator": title})
        if wrong:
            problems.extend(wrong)
            continue
        pid = projects[project]
        seq[pid] = seq.get(pid, 0) + 1
        row = [pid, 1000 + seq[pid], str(entry.get("level2") or "质量"), title, str(text)]
        row += [target.kind, target.operator, target.value, target.unit, entry.get("source")]
        out.append((row, [rule_name, None, None, json.dumps(params, ensure_ascii=False) if params else None]))
    return out


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
