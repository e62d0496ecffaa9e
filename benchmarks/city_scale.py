"""A city-scale dataset, made in SQL: 2,000 projects, 20,000 indicators, 12 months of values,
1,000,000 hotline tickets, 100,000 monitoring events (and daily monitoring hours).

Used by the status and export benchmarks; ``make_city(path)`` builds the file once.
"""

from __future__ import annotations

import json
from pathlib import Path

from metrics.targets import parse_target
from core import db

PROJECTS = 2000
TICKETS = 1_000_000
EVENTS = 100_000

# (name, target, rule, item, plan): ten indicators per project
INDICATORS = [
    ("预算执行率", ">=95%", "budget_execution_rate", None, None, "产出目标", "数量"),
    ("预算资金到位率", "=100%", "budget_funds_rate", None, None, "产出目标", "质量"),
    ("预算执行及时性", "及时", "budget_timeliness", None, None, "产出目标", "时效"),
    ("培训班次", ">=48期", "deliverable_count", "培训班次", json.dumps({"6": 20, "12": 48}), "产出目标", "数量"),
    ("宣传活动", ">=12次", "deliverable_count", "宣传活动", None, "产出目标", "数量"),
    ("合格率", ">=90%", "value_latest", None, None, "产出目标", "质量"),
    ("测评得分", ">=80分", "value_latest", None, None, "效果目标", "社会效益"),
    ("服务质量", "达到既定目标", "rating", None, None, "效果目标", "社会效益"),
    ("工单办结率", ">=95%", "hotline_close_rate", None, None, "影响力目标", "长效管理"),
    ("舆情上报", "热点及负面1小时内上报", "opinion_report_within", None, None, "影响力目标", "长效管理"),
]


def make_city(path: Path) -> Path:
    """Create the city-scale database at ``path`` (replacing any file there)."""
    path.unlink(missing_ok=True)
    db.init(path)
    con = db.connect(path)
    try:
        con.execute("BEGIN")
        con.execute(
            f"""INSERT INTO project (project_id, year, unit, name, budget, total_budget)
            SELECT i, 2020, '单位' || (i % 50), '项目' || lpad(i::VARCHAR, 4, '0'),
                   (100000 + (hash(i) % 9000000))::DECIMAL(18,2), NULL
            FROM range(1, {PROJECTS} + 1) t(i)"""
        )
        for k, (name, target, rule, item, plan, level1, level2) in enumerate(INDICATORS):
            t = parse_target(target)
            con.execute(
                f"""INSERT INTO indicator (indicator_id, project_id, seq, level1, level2, level3, form_level1,
                        target_text, kind, operator, target_value, unit, direction, needs)
                SELECT (p - 1) * {len(INDICATORS)} + {k + 1}, p, {k + 1}, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?
                FROM range(1, {PROJECTS} + 1) t(p)""",
                [level1, level2, name, "产出指标", target, t.kind, t.operator, t.value, t.unit, t.direction, t.needs],
            )
            con.execute(
                f"""INSERT INTO binding SELECT (p - 1) * {len(INDICATORS)} + {k + 1}, ?, ?, ?, NULL, 0
                FROM range(1, {PROJECTS} + 1) t(p)""",
                [rule, item, plan],
            )
        con.execute(f"INSERT INTO deliverable_item SELECT p, '培训班次' FROM range(1, {PROJECTS} + 1) t(p)")
        con.execute(f"INSERT INTO deliverable_item SELECT p, '宣传活动' FROM range(1, {PROJECTS} + 1) t(p)")
        con.execute(
            """INSERT INTO budget_month SELECT p.project_id, make_date(2020, m, 1),
                   (p.budget * (0.05 + (hash(p.project_id * 13 + m) % 60) / 1000))::DECIMAL(18,2),
                   CASE WHEN m IN (1, 4, 7, 10) THEN p.budget / 4 ELSE 0 END, NULL, 0, NULL
            FROM project p, range(1, 13) t(m)"""
        )
        for item, per_month in (("培训班次", 4), ("宣传活动", 1)):
            con.execute(
                f"""INSERT INTO deliverable_month SELECT p, make_date(2020, m, 1), '{item}',
                       {per_month} + (hash(p * 7 + m) % 3) - 1, NULL, 0, NULL
                FROM range(1, {PROJECTS} + 1) a(p), range(1, 13) b(m)"""
            )
        con.execute(
            """INSERT INTO indicator_value SELECT i.indicator_id, make_date(2020, m, 1),
                   CASE WHEN i.kind = 'qualitative' THEN NULL ELSE 70 + (hash(i.indicator_id + m) % 30) END,
                   CASE WHEN i.kind = 'qualitative' THEN (['achieved', 'partial', 'missed'])[(1 + hash(i.indicator_id) % 3)::BIGINT]
                   END, 'certain', NULL, NULL, NULL, NULL, 0, NULL
            FROM indicator i, range(1, 13) t(m)"""
        )
        con.execute(
            f"""INSERT INTO hotline_ticket SELECT 1 + (i % {PROJECTS}), date_trunc('month', ts)::DATE, 'T' || i, ts,
                   ts + INTERVAL ((hash(i) % 30)::BIGINT) HOUR, NULL,
                   CASE WHEN hash(i) % 20 = 0 THEN NULL ELSE ts + INTERVAL 3 DAY END, NULL, 0, NULL
            FROM (SELECT i, TIMESTAMP '2020-01-01' + INTERVAL ((hash(i * 31) % 8640)::BIGINT) HOUR AS ts
                  FROM range({TICKETS}) t(i))"""
        )
        con.execute(
            f"""INSERT INTO opinion_event SELECT 1 + (i % {PROJECTS}), date_trunc('month', ts)::DATE, 'E' || i, 'hot',
                   NULL, ts, ts + INTERVAL 10 MINUTE, ts + INTERVAL ((20 + hash(i) % 45)::BIGINT) MINUTE, 0, NULL
            FROM (SELECT i, TIMESTAMP '2020-01-01' + INTERVAL ((hash(i * 17) % 8640)::BIGINT) HOUR AS ts
                  FROM range({EVENTS}) t(i))"""
        )
        con.execute(
            f"""INSERT INTO opinion_hours SELECT p, date_trunc('month', d)::DATE, d, 14 + hash(p + epoch(d)) % 3, 0, NULL
            FROM range(1, {PROJECTS} + 1) a(p),
                 (SELECT CAST(x AS DATE) AS d FROM range(DATE '2020-01-01', DATE '2021-01-01', INTERVAL 1 DAY) t(x))"""
        )
        con.execute("COMMIT")
        con.execute("CHECKPOINT")
    finally:
        con.close()
    return path


def row_counts(path: Path) -> dict[str, int]:
    con = db.connect(path, read_only=True)
    try:
        return {
            t: con.execute(f"SELECT count(*) FROM {t}").fetchone()[0]
            for t in (
                "project",
                "indicator",
                "budget_month",
                "deliverable_month",
                "indicator_value",
                "hotline_ticket",
                "opinion_event",
                "opinion_hours",
            )
        }
    finally:
        con.close()
