"""Monthly actuals through the real command: every kind in three CSV encodings and XLSX, checked by hand."""

from datetime import date

import duckdb
import pytest
from helpers import DATA, ROOT, SEED, run_cli
from openpyxl import Workbook

from core.config import load_config
from metrics import measures

GOOD = DATA / "actuals"
BINDINGS = ROOT / "data" / "bindings_2020.toml"
STREAM_TABLES = (
    "budget_month",
    "hotline_month",
    "hotline_ticket",
    "opinion_event",
    "opinion_hours",
    "visitors_month",
    "deliverable_month",
    "indicator_value",
    "reference_value",
    "load_log",
)


@pytest.fixture
def targets_db(db_path):
    run_cli("ingest", "targets", str(SEED), db=db_path, check=True)
    run_cli("ingest", "bindings", str(BINDINGS), "--year", "2020", db=db_path, check=True)
    return db_path


def as_encoding(src, tmp_path, encoding: str):
    """The same table saved as Excel in China would: UTF-8, UTF-8 with BOM, GBK, or XLSX."""
    text = src.read_text(encoding="utf-8")
    if encoding == "xlsx":
        import csv
        import io

        wb = Workbook()
        ws = wb.active
        for row in csv.reader(io.StringIO(text)):
            ws.append([float(c) if c.replace(".", "", 1).isdigit() else c for c in row])
        out = tmp_path / f"{src.stem}.xlsx"
        wb.save(out)
        return out
    out = tmp_path / f"{src.stem}_{encoding}.csv"
    out.write_bytes(text.encode({"utf8": "utf-8", "bom": "utf-8-sig", "gbk": "gbk"}[encoding]))
    return out


def measure(db, which: measures.Measure, month):
    con = duckdb.connect(str(db), read_only=True)
    try:
        return measures.run(con, which, 2020, month, load_config(con))
    finally:
        con.close()


ENCODINGS = ["utf8", "bom", "gbk", "xlsx"]


@pytest.mark.parametrize("encoding", ENCODINGS)
def test_budget(targets_db, tmp_path, encoding):
    out = run_cli(
        "ingest", "actuals", str(as_encoding(GOOD / "budget.csv", tmp_path, encoding)), db=targets_db, check=True
    )
    assert "预算执行" in out.stdout and "4 行" in out.stdout
    b = measure(targets_db, measures.BUDGET, 3).set_index("project_id")
    hotline = b.loc[2]
    assert hotline["spent"] == pytest.approx(600000.50)
    assert round(hotline["execution_rate"], 4) == 0.2791  # 600,000.50 / 2,150,040
    assert round(hotline["funds_rate"], 4) == 0.4651  # 1,000,000 / 2,150,040
    assert (hotline["months_mask"], hotline["n_months"]) == (0b1110, 3)  # bit m for month m: January to March
    assert b.loc[5, "execution_rate"] == pytest.approx(0.1)  # 770,000 / 7,700,000
    assert b.loc[2, "spent"] == pytest.approx(600000.50)
    assert measure(targets_db, measures.BUDGET, 1).set_index("project_id").loc[2, "spent"] == 100000


@pytest.mark.parametrize("encoding", ENCODINGS)
def test_hotline_monthly_and_tickets(targets_db, tmp_path, encoding):
    run_cli(
        "ingest",
        "actuals",
        str(as_encoding(GOOD / "hotline_month.csv", tmp_path, encoding)),
        str(as_encoding(GOOD / "hotline_tickets.csv", tmp_path, encoding)),
        db=targets_db,
        check=True,
    )
    feb = measure(targets_db, measures.HOTLINE, 2).iloc[0]
    assert (feb["received"], feb["accepted"], feb["accepted_on_time"], feb["closed"]) == (150, 150, 147, 140)
    assert feb["accept_rate"] == 1.0
    assert feb["ontime_rate"] == pytest.approx(0.98)  # 147 / 150
    assert feb["close_rate"] == pytest.approx(140 / 150)  # 93.33%
    mar = measure(targets_db, measures.HOTLINE, 3).iloc[0]
    # March from the tickets: 5 received, 4 accepted, on time T1 and T2 (exactly 24 h), closed T1 and T4 (by state)
    assert (mar["received"], mar["accepted"], mar["accepted_on_time"], mar["closed"]) == (155, 154, 149, 142)
    assert mar["close_rate"] == pytest.approx(142 / 155)


@pytest.mark.parametrize("encoding", ENCODINGS)
def test_opinion_events_and_hours(targets_db, tmp_path, encoding):
    run_cli(
        "ingest",
        "actuals",
        str(as_encoding(GOOD / "opinion_events.csv", tmp_path, encoding)),
        str(as_encoding(GOOD / "opinion_hours.csv", tmp_path, encoding)),
        db=targets_db,
        check=True,
    )
    ev = measure(targets_db, measures.OPINION_EVENTS, 5).iloc[0]
    assert ev["events"] == 3
    assert ev["slowest_hours"] == pytest.approx(3601 / 3600) and ev["slowest_event"] == "E3"
    # counted against the bound indicator's own limit, 热点及负面1小时内: 40 min and exactly 1 h are within
    within = measure(targets_db, measures.OPINION_WITHIN, 5).iloc[0]
    assert (within["limit_hours"], within["within_limit"]) == (1, 2)
    hours = measure(targets_db, measures.OPINION_HOURS, 5).iloc[0]
    assert (hours["days"], hours["min_hours"]) == (3, 13.5)
    short = measure(targets_db, measures.OPINION_SHORT_DAYS, 5).iloc[0]
    assert (short["minimum"], short["days_under"]) == (14, 1)  # 每天14小时: one day of 13.5
    assert measure(targets_db, measures.OPINION_EVENTS, 4).empty  # nothing before May


@pytest.mark.parametrize("encoding", ENCODINGS)
def test_visitors_year_on_year(targets_db, tmp_path, encoding):
    run_cli("ingest", "actuals", str(as_encoding(GOOD / "visitors.csv", tmp_path, encoding)), db=targets_db, check=True)
    feb = measure(targets_db, measures.VISITORS, 2).iloc[0]
    assert (feb["visitors"], feb["baseline_visitors"], feb["visits"], feb["baseline_visits"]) == (2000, 3000, 100, 150)
    assert feb["visitors_change"] == pytest.approx(-1 / 3) and feb["visits_change"] == pytest.approx(-1 / 3)
    jan = measure(targets_db, measures.VISITORS, 1).iloc[0]
    assert jan["visitors_change"] == pytest.approx(-0.2)  # 800 against 1,000


@pytest.mark.parametrize("encoding", ENCODINGS)
def test_deliverables(targets_db, tmp_path, encoding):
    run_cli(
        "ingest", "actuals", str(as_encoding(GOOD / "deliverables.csv", tmp_path, encoding)), db=targets_db, check=True
    )
    d = measure(targets_db, measures.DELIVERABLES, 2).set_index("item")["count_to_date"]
    assert (d["党校微课堂"], d["体荟魔都主题活动"]) == (7, 1)


@pytest.mark.parametrize("encoding", ENCODINGS)
def test_indicator_values_and_references(targets_db, tmp_path, encoding):
    run_cli(
        "ingest",
        "actuals",
        str(as_encoding(GOOD / "indicator_values.csv", tmp_path, encoding)),
        str(as_encoding(GOOD / "reference.csv", tmp_path, encoding)),
        db=targets_db,
        check=True,
    )
    con = duckdb.connect(str(targets_db), read_only=True)
    ids = dict(con.execute("SELECT level3, indicator_id FROM indicator WHERE project_id IN (1, 2, 3)").fetchall())
    con.close()
    v = measure(targets_db, measures.VALUES, 6).set_index("indicator_id")
    assert v.loc[ids["等保测评评分"], "latest_value"] == 82
    assert v.loc[ids["工作完成及时性"], "latest_rating"] == "achieved"
    assert v.loc[ids["市体育局官网测评"], "latest_rating"] == "partial"
    assert v.loc[ids["市体育局官网测评"], "likelihood"] == "possible"
    assert v.loc[ids["预算资金到位率"], "latest_value"] == 98  # "98%"
    assert (
        measure(targets_db, measures.VALUES, 5).set_index("indicator_id").loc[ids["等保测评评分"], "latest_value"] == 78
    )
    r = measure(targets_db, measures.REFERENCES, 6).set_index("indicator_id")
    assert r.loc[ids["政府资源开放工作评估"], "reference"] == 82
    assert r.loc[ids["体育藏品范围"], "baseline"] == 12


def test_kind_can_be_given(targets_db):
    run_cli("ingest", "actuals", str(GOOD / "budget.csv"), "--kind", "budget", db=targets_db, check=True)


def contents(db) -> dict:
    con = duckdb.connect(str(db), read_only=True)
    try:
        return {t: con.execute(f"SELECT * FROM {t} ORDER BY ALL").fetchall() for t in STREAM_TABLES}
    finally:
        con.close()


def test_reupload_replaces_the_month_and_keeps_history(targets_db, tmp_path):
    run_cli("ingest", "actuals", str(GOOD / "budget.csv"), db=targets_db, check=True)
    corrected = tmp_path / "budget_feb_fix.csv"
    corrected.write_text("项目名称,月份,当月支出（元）\n上海体育公共服务经费,2020-02,250000\n", encoding="utf-8")
    out = run_cli("ingest", "actuals", str(corrected), db=targets_db, check=True, env={"PERFBOARD_USER": "张三"})
    assert "替换旧数据 1 行" in out.stdout
    b = measure(targets_db, measures.BUDGET, 3).set_index("project_id")
    assert b.loc[2, "spent"] == pytest.approx(650000)  # 100,000 + 250,000 + 300,000
    con = duckdb.connect(str(targets_db), read_only=True)
    history = con.execute(
        "SELECT CAST(spent AS DOUBLE), l.file_name, l.loaded_by, b.replaced_by IS NULL AS current, length(l.file_hash) "
        "FROM budget_month b JOIN load_log l USING (load_id) "
        "WHERE project_id = 2 AND month = DATE '2020-02-01' ORDER BY l.load_id"
    ).fetchall()
    con.close()
    assert history == [
        (200000.5, "budget.csv", "tester", False, 64),
        (250000.0, "budget_feb_fix.csv", "张三", True, 64),
    ]


BAD = DATA / "actuals_bad"
BAD_CASES = [
    ("unknown_project.csv", 2, "项目名称", "未知项目“上海体育公共服务费”，是否为“上海体育公共服务经费”？"),
    ("unknown_indicator.csv", 2, "三级指标", "没有三级指标“等保测评分数”，是否为“等保测评评分”？"),
    ("unknown_item.csv", 2, "事项", "没有事项“党校微课程”，是否为“党校微课堂”？"),
    ("month_outside_year.csv", 3, "月份", "“2021-01”不在项目“上海体育公共服务经费”的年度（2020年）内"),
    ("negative_amount.csv", 2, "当月支出（元）", "“-100”不能为负数"),
    ("not_a_number.csv", 2, "当月支出（元）", "“十万”不是数字"),
    ("over_budget.csv", 2, "当月支出（元）", "超过项目当年预算 2,150,040.00 元"),
    ("duplicate_rows.csv", 4, None, "与第 2 行重复"),
    ("percent_over_100.csv", 2, "实际值", "百分比“120%”超过 100"),
    ("closed_more_than_received.csv", 2, "办结数", "截至本月累计“办结数”（120）超过累计“受理工单数”（100）"),
    ("reported_before_detected.csv", 2, "上报时间", "“上报时间”（2020-05-01 08:20）早于“发现时间”（2020-05-01 08:30）"),
    ("bad_datetime.csv", 2, "派单时间", "“2020-13-01 09:00”不是时间"),
    ("hours_over_24.csv", 2, "监控时长（小时）", "“25”超出 0–24 小时"),
    ("reason_missing.csv", 2, "完成目标可能性", "必须填写偏差原因和纠偏措施"),
    ("rating_not_a_choice.csv", 2, "评级", "“优秀”不是可选值：达成 / "),
    ("missing_columns.csv", 1, None, "无法识别文件类型；最接近"),
    ("empty.csv", None, None, "文件为空"),
]


@pytest.mark.parametrize("name,line,column,words", BAD_CASES)
def test_bad_files_rejected_and_nothing_written(targets_db, name, line, column, words):
    run_cli("ingest", "actuals", str(GOOD / "budget.csv"), db=targets_db, check=True)
    before = contents(targets_db)
    result = run_cli("ingest", "actuals", str(BAD / name), db=targets_db)
    assert result.returncode == 1, result.stdout
    where = name + (f"，第 {line} 行" if line else "") + (f"，列“{column}”" if column else "")
    assert where in result.stderr, result.stderr
    assert words in result.stderr, result.stderr
    assert "未写入任何数据" in result.stderr
    assert contents(targets_db) == before


def test_future_month(targets_db):
    result = run_cli(
        "ingest", "actuals", str(BAD / "month_in_future.csv"), db=targets_db, env={"PERFBOARD_TODAY": "2020-06-15"}
    )
    assert result.returncode == 1
    assert "month_in_future.csv，第 3 行，列“月份”（值“2020-07”）：“2020-07”是将来的时间" not in result.stderr
    assert "month_in_future.csv，第 3 行，列“月份”：“2020-07”是将来的时间" in result.stderr
    assert "第 2 行" not in result.stderr


def test_wrong_kind(targets_db):
    result = run_cli("ingest", "actuals", str(BAD / "visitors_as_budget.csv"), "--kind", "budget", db=targets_db)
    assert result.returncode == 1
    assert "这是“博物馆参观”文件，不是“预算执行”文件" in result.stderr
    result = run_cli("ingest", "actuals", str(BAD / "missing_columns.csv"), "--kind", "budget", db=targets_db)
    assert "缺少必需的列：当月支出（元）或累计支出（元）" in result.stderr


def test_every_problem_of_a_file_is_listed(targets_db, tmp_path):
    bad = tmp_path / "many.csv"
    bad.write_text(
        "项目名称,月份,当月支出（元）\n"
        "上海体育公共服务经费,2020-01,abc\n"
        "不存在的项目,2020-02,100\n"
        "上海体育公共服务经费,2020-13,100\n"
        "上海体育公共服务经费,2020-04,-5\n",
        encoding="utf-8",
    )
    result = run_cli("ingest", "actuals", str(bad), db=targets_db)
    lines = [line for line in result.stderr.splitlines() if line.startswith("many.csv")]
    assert [line.split("，")[1] for line in lines] == ["第 2 行", "第 3 行", "第 4 行", "第 5 行"]
    assert "4 个问题" in result.stderr


def test_english_messages(targets_db):
    result = run_cli("ingest", "actuals", str(BAD / "unknown_project.csv"), "--lang", "en", db=targets_db)
    assert "unknown_project.csv, line 2, column “项目名称”: unknown project “上海体育公共服务费”" in result.stderr
    assert "nothing was written" in result.stderr


def xlsx_with(tmp_path, name, rows, merge=None):
    wb = Workbook()
    ws = wb.active
    for row in rows:
        ws.append(row)
    if merge:
        ws.merge_cells(merge)
    path = tmp_path / name
    wb.save(path)
    return path


def test_xlsx_merged_cells_and_title_rows(targets_db, tmp_path):
    header = ["项目名称", "月份", "当月支出（元）"]
    merged = xlsx_with(
        tmp_path,
        "merged.xlsx",
        [header, ["上海体育公共服务经费", "2020-01", 100], [None, "2020-02", 100]],
        merge="A2:A3",
    )
    result = run_cli("ingest", "actuals", str(merged), db=targets_db)
    assert result.returncode == 1 and "merged.xlsx，第 2 行" in result.stderr and "合并单元格 A2:A3" in result.stderr
    titled = xlsx_with(
        tmp_path, "titled.xlsx", [["2020年预算执行月报"], header, ["上海体育公共服务经费", "2020-01", 100]]
    )
    result = run_cli("ingest", "actuals", str(titled), db=targets_db)
    assert result.returncode == 1 and "titled.xlsx，第 2 行" in result.stderr and "表头应在第 1 行" in result.stderr


def test_xlsx_dates_and_numbers(targets_db, tmp_path):
    from datetime import datetime

    path = xlsx_with(
        tmp_path,
        "dates.xlsx",
        [
            ["项目名称", "月份", "当月支出（元）"],
            ["上海体育公共服务经费", datetime(2020, 1, 1), 1234.5],
            ["上海体育公共服务经费", date(2020, 2, 1), 100],
        ],
    )
    run_cli("ingest", "actuals", str(path), db=targets_db, check=True)
    assert measure(targets_db, measures.BUDGET, 2).set_index("project_id").loc[2, "spent"] == pytest.approx(1334.5)


@pytest.mark.parametrize(
    "kind",
    [
        "budget",
        "hotline_month",
        "hotline_ticket",
        "opinion_event",
        "opinion_hours",
        "visitors",
        "deliverables",
        "indicator_values",
        "reference",
    ],
)
def test_templates_load_once_the_example_row_is_made_real(targets_db, tmp_path, kind):
    """An unedited template is refused (its example row's 项目名称 starts with 示例); made real, it loads."""
    template = ROOT / "data" / "templates" / f"{kind}_template.csv"
    refused = run_cli("ingest", "actuals", str(template), db=targets_db)
    assert refused.returncode == 1 and "请先删除示例行" in refused.stderr
    edited = tmp_path / "edited.csv"
    edited.write_text(template.read_text(encoding="utf-8-sig").replace("示例：", ""), encoding="utf-8")
    out = run_cli("ingest", "actuals", str(edited), db=targets_db, check=True)
    assert "1 行" in out.stdout
