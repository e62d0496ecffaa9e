"""A row the reader cannot place is refused with its line, never dropped (docs/domain.md §9)."""

import duckdb
from helpers import run_cli

TABLE = """\
2021年度项目绩效目标表
项目名称 | 全民健身日活动经费
申报单位名称 | 上海市体育宣传教育中心
项目资金（万元） | 年度资金总额 | 120
年度目标 | 举办全民健身日主题活动
绩效指标 | 一级指标 | 二级指标 | 三级指标 | 指标值
 | 产出指标（50分） | 数量指标 | 活动场次 | 不少于10场
 | 效益指标（50分） | 社会效益指标 | 参与人次 | ≥1.5万人次
"""
STRAY = " | 成本指标 | 经济成本 | 人均成本 | ≤80元\n"


def test_an_indicator_row_above_its_project_is_refused_and_nothing_is_written(db_path, tmp_path):
    run_cli("init", db=db_path, check=True)
    f = tmp_path / "t.txt"
    lines = TABLE.splitlines(keepends=True)
    f.write_text(lines[0] + STRAY + "".join(lines[1:]), encoding="utf-8")  # the stray row is line 2
    out = run_cli("ingest", "targets", str(f), db=db_path)
    assert out.returncode == 1
    assert (
        "第 2 行：这一行没有可识别的栏目名，也不在指标表内，无法载入：成本指标 | 经济成本 | 人均成本 | ≤80元"
        in out.stderr
    )
    with duckdb.connect(str(db_path), read_only=True) as con:
        assert con.execute("SELECT count(*) FROM project").fetchone() == (0,)


def test_the_same_table_without_the_stray_row_loads(db_path, tmp_path):
    f = tmp_path / "t.txt"
    f.write_text(TABLE, encoding="utf-8")
    out = run_cli("ingest", "targets", str(f), db=db_path, check=True)
    assert "已载入 1 个项目、2 个指标" in out.stdout + out.stderr
