"""A city-scale dataset, made in SQL: N projects (2,000 by default), 10 indicators each, 12 months of values,
500 hotline tickets and 50 monitoring events per project (1,000,000 and 100,000 at 2,000 projects;
10,000,000 and 1,000,000 at 20,000), daily monitoring hours, one unit per 40 projects.

Used by the status and export benchmarks; ``make_city(path, projects)`` builds the file once and
``city_path(projects)`` is where the benchmarks keep it (the temporary folder). Also a script:

    .venv/bin/python benchmarks/city_scale.py --projects 20000 [--out PATH]
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import pandas as pd  # noqa: E402

from core import db  # noqa: E402
from metrics.targets import parse_target  # noqa: E402

PROJECTS = 2000
TICKETS_PER_PROJECT = 500
EVENTS_PER_PROJECT = 50
PROJECTS_PER_UNIT = 40
TICKET_CHUNK = 2_000_000  # tickets per INSERT, so that no single statement holds 10 M rows
BUILD_MEMORY_LIMIT = "2GB"  # DuckDB spills beyond this while building; the machine is shared
GENERATOR = "city_scale 3"  # stored in ``meta``: a cached file made by another generator is rebuilt

# Project names as a finance bureau lists them: district + domain + purpose, e.g. 黄浦区体育人员培训经费.
# The three list lengths are pairwise coprime (17, 29, 41), so project k takes (k mod 17, k mod 29, k mod 41):
# by the Chinese remainder theorem the first 17 × 29 × 41 = 20,213 names are all different, and every list
# varies from one project to the next even in a small city. Beyond 20,213 a phase (（二期）…) is added.
DISTRICTS = (
    "上海市", "黄浦区", "徐汇区", "长宁区", "静安区", "普陀区", "虹口区", "杨浦区", "闵行区",
    "宝山区", "嘉定区", "浦东新区", "金山区", "松江区", "青浦区", "奉贤区", "崇明区",
)  # fmt: skip
DOMAINS = (
    "体育", "教育", "卫生健康", "文化旅游", "民政", "交通", "水务", "绿化市容", "生态环境", "房屋管理",
    "农业农村", "科学技术", "人力资源和社会保障", "司法", "应急管理", "市场监督管理", "商务",
    "规划和自然资源", "退役军人事务", "医疗保障", "城市管理", "档案", "统计", "气象", "财政", "审计",
    "发展和改革", "经济和信息化", "民族宗教",
)  # fmt: skip
PURPOSES = (
    "公共服务经费", "设施维护经费", "人员培训经费", "信息化建设经费", "宣传推广经费", "专项补助资金",
    "业务运行经费", "设备购置经费", "课题研究经费", "监督检查经费", "应急保障经费", "志愿服务经费",
    "场馆运营经费", "数据治理经费", "安全生产经费", "对外交流经费", "标准制定经费", "绩效评价经费",
    "政府购买服务经费", "人才引进经费", "示范创建经费", "基层能力建设经费", "档案数字化经费",
    "资产管理经费", "法律援助经费", "群众活动经费", "质量提升经费", "普查调查经费", "节能改造经费",
    "平台运维经费", "课程开发经费", "赛事活动经费", "健康促进经费", "帮扶救助经费", "环境整治经费",
    "规划编制经费", "检验检测经费", "文物保护经费", "技能竞赛经费", "服务热线经费", "业务文史经费",
)  # fmt: skip
UNIT_KINDS = ("局", "事务中心", "发展中心")  # with DISTRICTS × DOMAINS: 1,479 unit names (coprime again)
PHASES = ("", "（二期）", "（三期）", "（四期）", "（五期）", "（六期）", "（七期）", "（八期）", "（九期）")

# (name, target, rule, item, plan, level1, level2): ten indicators per project
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

TABLES = (
    "project",
    "indicator",
    "budget_month",
    "deliverable_month",
    "indicator_value",
    "hotline_ticket",
    "opinion_event",
    "opinion_hours",
)


def _crt_name(k: int, parts: tuple[tuple[str, ...], ...]) -> str:
    """The ``k``-th combination: element ``k mod len(part)`` of each part, then a phase for each full cycle."""
    cycle = 1
    for part in parts:
        cycle *= len(part)
    phase = k // cycle
    suffix = PHASES[phase] if phase < len(PHASES) else f"（第{phase + 1}期）"
    return "".join(part[k % len(part)] for part in parts) + suffix


def project_names(projects: int) -> list[str]:
    """``projects`` different, realistic project names (see DISTRICTS)."""
    return [_crt_name(k, (DISTRICTS, DOMAINS, PURPOSES)) for k in range(projects)]


def unit_names(units: int) -> list[str]:
    """``units`` different unit names: district + domain + kind, e.g. 徐汇区教育局."""
    return [_crt_name(k, (DISTRICTS, DOMAINS, UNIT_KINDS)) for k in range(units)]


def city_path(projects: int = PROJECTS) -> Path:
    """Where the benchmarks cache the dataset for ``projects`` projects."""
    return Path(tempfile.gettempdir()) / f"perfboard_city_{projects}.duckdb"


def generator_tag(projects: int) -> str:
    return f"{GENERATOR}; projects={projects}"


def is_current(path: Path, projects: int) -> bool:
    """Whether ``path`` holds this generator's dataset for ``projects`` at this program's schema version."""
    if not path.exists():
        return False
    try:
        con = db.connect(path, read_only=True)
    except Exception:
        return False
    try:
        if db.schema_version(con) != db.SCHEMA_VERSION:
            return False
        row = con.execute("SELECT value FROM meta WHERE key = 'city_scale'").fetchone()
        return bool(row) and row[0] == generator_tag(projects)
    finally:
        con.close()


def make_city(path: Path, projects: int = PROJECTS) -> Path:
    """Create the city-scale database for ``projects`` projects at ``path`` (replacing any file there).

    The file is built beside ``path`` and moved into place at the end, so an interrupted build never
    leaves a half-made file for the benchmarks to reuse.
    """
    path = Path(path)
    building = path.with_name(path.name + ".building")
    for stale in (building, Path(str(building) + ".wal")):
        stale.unlink(missing_ok=True)
    units = max(1, projects // PROJECTS_PER_UNIT)
    unit_list = unit_names(units)
    names = pd.DataFrame(
        {
            "i": range(1, projects + 1),
            "name": project_names(projects),
            "unit": [unit_list[i % units] for i in range(1, projects + 1)],
        }
    )
    tickets = projects * TICKETS_PER_PROJECT
    events = projects * EVENTS_PER_PROJECT
    db.init(building)
    con = db.connect(building)
    try:
        con.execute(f"SET memory_limit = '{BUILD_MEMORY_LIMIT}'")
        con.execute("SET preserve_insertion_order = false")
        con.register("city_names", names)
        con.execute("BEGIN")
        con.execute(
            """INSERT INTO project (project_id, year, unit, name, budget, total_budget)
            SELECT i, 2020, unit, name, (100000 + (hash(i) % 9000000))::DECIMAL(18,2), NULL
            FROM city_names ORDER BY i"""
        )
        for k, (name, target, rule, item, plan, level1, level2) in enumerate(INDICATORS):
            t = parse_target(target)
            con.execute(
                f"""INSERT INTO indicator (indicator_id, project_id, seq, level1, level2, level3, form_level1,
                        target_text, kind, operator, target_value, unit, direction, needs)
                SELECT (p - 1) * {len(INDICATORS)} + {k + 1}, p, {k + 1}, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?
                FROM range(1, {projects} + 1) t(p)""",
                [level1, level2, name, "产出指标", target, t.kind, t.operator, t.value, t.unit, t.direction, t.needs],
            )
            con.execute(
                f"""INSERT INTO binding (indicator_id, rule, item, plan, params, load_id) SELECT (p - 1) * {len(INDICATORS)} + {k + 1}, ?, ?, ?, NULL, 0
                FROM range(1, {projects} + 1) t(p)""",
                [rule, item, plan],
            )
        con.execute(
            f"INSERT INTO deliverable_item (project_id, item) SELECT p, '培训班次' FROM range(1, {projects} + 1) t(p)"
        )
        con.execute(
            f"INSERT INTO deliverable_item (project_id, item) SELECT p, '宣传活动' FROM range(1, {projects} + 1) t(p)"
        )
        con.execute(
            """INSERT INTO budget_month (project_id, month, spent, received, note, load_id, replaced_by)
            SELECT p.project_id, make_date(2020, m, 1),
                   (p.budget * (0.05 + (hash(p.project_id * 13 + m) % 60) / 1000))::DECIMAL(18,2),
                   CASE WHEN m IN (1, 4, 7, 10) THEN p.budget / 4 ELSE 0 END, NULL, 0, NULL
            FROM project p, range(1, 13) t(m)"""
        )
        for item, per_month in (("培训班次", 4), ("宣传活动", 1)):
            con.execute(
                f"""INSERT INTO deliverable_month (project_id, month, item, count, note, load_id, replaced_by)
                SELECT p, make_date(2020, m, 1), '{item}',
                       {per_month} + (hash(p * 7 + m) % 3) - 1, NULL, 0, NULL
                FROM range(1, {projects} + 1) a(p), range(1, 13) b(m)"""
            )
        con.execute(
            """INSERT INTO indicator_value (indicator_id, month, value, rating, likelihood, deviation_reason,
                   measures, evidence, note, load_id, replaced_by)
            SELECT i.indicator_id, make_date(2020, m, 1),
                   CASE WHEN i.kind = 'qualitative' THEN NULL ELSE 70 + (hash(i.indicator_id + m) % 30) END,
                   CASE WHEN i.kind = 'qualitative' THEN (['achieved', 'partial', 'missed'])[(1 + hash(i.indicator_id) % 3)::BIGINT]
                   END, 'certain', NULL, NULL, NULL, NULL, 0, NULL
            FROM indicator i, range(1, 13) t(m)"""
        )
        for start in range(0, tickets, TICKET_CHUNK):
            stop = min(start + TICKET_CHUNK, tickets)
            con.execute(
                f"""INSERT INTO hotline_ticket (project_id, month, ticket_id, received_at, accepted_at,
                       accept_due_at, closed_at, state, load_id, replaced_by)
                SELECT 1 + (i % {projects}), date_trunc('month', ts)::DATE, 'T' || i, ts,
                       ts + INTERVAL ((hash(i) % 30)::BIGINT) HOUR, NULL,
                       CASE WHEN hash(i) % 20 = 0 THEN NULL ELSE ts + INTERVAL 3 DAY END, NULL, 0, NULL
                FROM (SELECT i, TIMESTAMP '2020-01-01' + INTERVAL ((hash(i * 31) % 8640)::BIGINT) HOUR AS ts
                      FROM range({start}, {stop}) t(i))"""
            )
        con.execute(
            f"""INSERT INTO opinion_event (project_id, month, event_id, level, title, appeared_at, detected_at,
                   reported_at, load_id, replaced_by)
            SELECT 1 + (i % {projects}), date_trunc('month', ts)::DATE, 'E' || i, 'hot',
                   NULL, ts, ts + INTERVAL 10 MINUTE, ts + INTERVAL ((20 + hash(i) % 45)::BIGINT) MINUTE, 0, NULL
            FROM (SELECT i, TIMESTAMP '2020-01-01' + INTERVAL ((hash(i * 17) % 8640)::BIGINT) HOUR AS ts
                  FROM range({events}) t(i))"""
        )
        con.execute(
            f"""INSERT INTO opinion_hours (project_id, month, day, hours, load_id, replaced_by)
            SELECT p, date_trunc('month', d)::DATE, d, 14 + hash(p + epoch(d)) % 3, 0, NULL
            FROM range(1, {projects} + 1) a(p),
                 (SELECT CAST(x AS DATE) AS d FROM range(DATE '2020-01-01', DATE '2021-01-01', INTERVAL 1 DAY) t(x))"""
        )
        con.execute("INSERT OR REPLACE INTO meta VALUES ('city_scale', ?)", [generator_tag(projects)])
        con.execute("COMMIT")
        con.execute("CHECKPOINT")
    finally:
        con.close()
    building.replace(path)
    Path(str(path) + ".wal").unlink(missing_ok=True)
    return path


def row_counts(path: Path) -> dict[str, int]:
    con = db.connect(path, read_only=True)
    try:
        return {t: con.execute(f"SELECT count(*) FROM {t}").fetchone()[0] for t in TABLES}
    finally:
        con.close()


def main() -> None:
    parser = argparse.ArgumentParser(description="Build the city-scale dataset.")
    parser.add_argument("--projects", type=int, default=PROJECTS)
    parser.add_argument("--out", type=Path, help="the file to write (default: the benchmarks' cache in the temp dir)")
    args = parser.parse_args()
    path = args.out or city_path(args.projects)
    started = time.perf_counter()
    make_city(path, args.projects)
    seconds = time.perf_counter() - started
    print(f"built {path.name} in {seconds:.1f} s, {path.stat().st_size / 2**20:,.0f} MiB")
    print(" · ".join(f"{k} {v:,}" for k, v in row_counts(path).items()))


if __name__ == "__main__":
    main()
