"""Every value of an upload is checked against its column's range before anything is written.

The numbers at each edge are worked out by hand: an amount below 10^13 (a double's cents are
exact there; DuckDB stores 9,999,999,999,999,998 as …997.44); a month's count at most 100,000,000; a
percentage at most 100; a score at most 100, or its target when higher; any other value at
most 10^12; a text cell at most 10,000 characters and no control characters.
"""

import csv

import duckdb
import pytest
from helpers import run_cli

from ingest.actuals import validate_upload

PROJECT = "边界测试项目"
BUDGET = "9999999999999999.99"  # the largest DECIMAL(18, 2): loads, and no amount below is over budget
INDICATORS = [
    ("产出目标", "数量", "微课堂", ">=10次"),  # a count to date: at most 10^12
    ("产出目标", "质量", "测评评分", ">=80分"),  # a score out of 100
    ("产出目标", "质量", "竞赛评分", ">=120分"),  # a score whose target is above 100: out of 120
    ("效果目标", "社会效益", "满意率", ">=90%"),  # a percentage
]


def write_csv(path, rows):
    with open(path, "w", encoding="utf-8", newline="") as fh:
        csv.writer(fh).writerows(rows)
    return path


@pytest.fixture(scope="module")
def db(tmp_path_factory):
    folder = tmp_path_factory.mktemp("ranges")
    head = ["年度", "申报单位名称", "项目名称", "项目当年预算（元）", "一级目标", "二级目标", "三级目标", "指标目标值"]
    rows = [["2020", "单位", PROJECT, BUDGET, *ind] for ind in INDICATORS]
    path = folder / "ranges.duckdb"
    run_cli("ingest", "targets", str(write_csv(folder / "targets.csv", [head, *rows])), db=path, check=True)
    return path


def problems(db, tmp_path, rows, name="upload.csv"):
    """The problems of an upload, formatted as the command prints them (nothing is written)."""
    path = write_csv(tmp_path / name, rows)
    con = duckdb.connect(str(db), read_only=True)
    try:
        return [p.format() for p in validate_upload(con, path).problems]
    finally:
        con.close()


BUDGET_HEAD = ["项目名称", "月份", "当月支出（元）", "当月到位资金（元）", "备注"]


def test_amounts_below_ten_trillion(db, tmp_path):
    rows = [
        BUDGET_HEAD,
        [PROJECT, "2020-01", "0", "9999999999999.99", ""],  # the edge: fits, to the cent
        [PROJECT, "2020-02", "0", "10000000000000", ""],  # 10^13
        [PROJECT, "2020-03", "0", "1e20", ""],  # beyond DECIMAL(18, 2) (was a failure after 确认写入)
    ]
    assert problems(db, tmp_path, rows) == [
        "upload.csv，第 3 行，列“当月到位资金（元）”：“10000000000000”超出允许范围 0–9,999,999,999,999.99 元",
        "upload.csv，第 4 行，列“当月到位资金（元）”：“1e20”超出允许范围 0–9,999,999,999,999.99 元",
    ]


def test_the_largest_accepted_amount_is_written(db, tmp_path):
    """What validation passes, the write stores: no failure after 确认写入."""
    copy = tmp_path / "copy.duckdb"
    copy.write_bytes(db.read_bytes())
    path = write_csv(tmp_path / "max.csv", [BUDGET_HEAD, [PROJECT, "2020-01", "9999999999999.99", "0.07"]])
    run_cli("ingest", "actuals", str(path), db=copy, check=True)
    con = duckdb.connect(str(copy), read_only=True)
    stored = con.execute("SELECT CAST(spent AS VARCHAR), CAST(received AS VARCHAR) FROM budget_month").fetchone()
    con.close()
    assert stored == ("9999999999999.99", "0.07")


def test_counts_up_to_a_hundred_million(db, tmp_path):
    head = ["项目名称", "月份", "受理工单数", "接单数", "按期接单数", "办结数"]
    rows = [
        head,
        [PROJECT, "2020-01", "100000000", "100000000", "100000000", "100000000"],  # the edge: fits
        [PROJECT, "2020-02", "100000001", "0", "0", "0"],
        [PROJECT, "2020-03", "99999999999", "0", "0", "0"],  # beyond INTEGER (2,147,483,647)
    ]
    assert problems(db, tmp_path, rows) == [
        "upload.csv，第 3 行，列“受理工单数”：“100000001”超出允许范围 0–100,000,000",
        "upload.csv，第 4 行，列“受理工单数”：“99999999999”超出允许范围 0–100,000,000",
    ]


def test_visitors_of_three_billion_are_refused_in_english_too(db, tmp_path):
    path = write_csv(
        tmp_path / "v.csv", [["项目名称", "月份", "参观人数", "参观次数"], [PROJECT, "2020-01", "3000000000", "1"]]
    )
    con = duckdb.connect(str(db), read_only=True)
    [problem] = validate_upload(con, path).problems
    con.close()
    assert problem.format("en") == (
        "v.csv, line 2, column “参观人数”: “3000000000” is outside the allowed range 0–100,000,000"
    )


VALUES_HEAD = ["项目名称", "三级指标", "月份", "实际值"]


@pytest.mark.parametrize(
    "indicator, fits, too_big, reason",
    [
        ("测评评分", "100", "100.5", "“100.5”超过该指标的满分 100 分"),
        ("竞赛评分", "120", "121", "“121”超过该指标的满分 120 分"),  # target 120分: out of 120
        ("测评评分", "100", "1e308", "“1e308”超过该指标的满分 100 分"),  # was green, 309 digits in the 自评表
        ("满意率", "100", "100.1", "百分比“100.1”超过 100，该指标不可能"),
        ("微课堂", "1000000000000", "1000000000001", "“1000000000001”超出允许范围 0–1,000,000,000,000"),
    ],
)
def test_values_within_their_indicators_scale(db, tmp_path, indicator, fits, too_big, reason):
    rows = [VALUES_HEAD, [PROJECT, indicator, "2020-01", fits], [PROJECT, indicator, "2020-02", too_big]]
    assert problems(db, tmp_path, rows) == [f"upload.csv，第 3 行，列“实际值”：{reason}"]


def test_references_are_checked_like_values(db, tmp_path):
    head = ["项目名称", "三级指标", "月份", "类型", "数值"]
    rows = [head, [PROJECT, "测评评分", "2020-01", "参考值", "100"], [PROJECT, "测评评分", "2020-02", "参考值", "101"]]
    assert problems(db, tmp_path, rows) == ["upload.csv，第 3 行，列“数值”：“101”超过该指标的满分 100 分"]


def test_control_characters_are_refused_tabs_and_line_breaks_kept(db, tmp_path):
    rows = [
        BUDGET_HEAD,
        [PROJECT, "2020-01", "1", "", "第一行\n第二行\t制表"],  # prose may break lines
        [PROJECT, "2020-02", "1", "", "响\x07铃"],  # (a NUL byte is refused while reading: test_reading)
        [PROJECT + "\x1b[31m", "2020-03", "1", "", ""],  # not looked up as a project as well
    ]
    assert problems(db, tmp_path, rows) == [
        "upload.csv，第 3 行，列“备注”：含有控制字符（“响\\x07铃”），请删除后重新上传",
        f"upload.csv，第 4 行，列“项目名称”：含有控制字符（“{PROJECT}\\x1b[31m”），请删除后重新上传",
    ]


def test_a_text_cell_holds_ten_thousand_characters(db, tmp_path):
    rows = [BUDGET_HEAD, [PROJECT, "2020-01", "1", "", "长" * 10_000], [PROJECT, "2020-02", "1", "", "长" * 10_001]]
    assert problems(db, tmp_path, rows) == [
        "upload.csv，第 3 行，列“备注”（值“长长长长长长长长长长长长长长长长长长长长…”）：内容有 10001 个字符，超过上限 10000 个字符"
    ]


@pytest.mark.parametrize("body", ["", ",,,,\n , ,,,\n\n"], ids=["header only", "blank rows"])
def test_a_file_without_data_rows_is_refused_and_writes_nothing(db, tmp_path, body):
    copy = tmp_path / "copy.duckdb"
    copy.write_bytes(db.read_bytes())
    path = tmp_path / "empty.csv"
    path.write_text(",".join(BUDGET_HEAD) + "\n" + body, encoding="utf-8")
    out = run_cli("ingest", "actuals", str(path), db=copy)
    assert out.returncode == 1
    assert "empty.csv，第 1 行：只有表头，没有数据行" in out.stderr
    con = duckdb.connect(str(copy), read_only=True)
    assert con.execute("SELECT count(*) FROM load_log WHERE kind LIKE 'actuals:%'").fetchone() == (0,)
    con.close()
