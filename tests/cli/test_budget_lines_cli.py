"""Budget lines of the structured targets file (docs/domain.md §8): 年初预算数, 全年预算数, 财政拨款, 其他资金,
in 元 or 万元, totals checked against their parts; and the adjusted budget on both forms."""

import duckdb
from helpers import run_cli
from openpyxl import load_workbook

HEAD = "年度,申报单位名称,项目名称,年初预算数（万元）,全年预算数（万元）,财政拨款（万元）,其他资金（万元）,一级目标,二级目标,三级目标,指标目标值\n"


def budgets(db) -> dict:
    con = duckdb.connect(str(db), read_only=True)
    try:
        rows = con.execute("SELECT name, budget_initial, budget, budget_fiscal, budget_other FROM project").fetchall()
    finally:
        con.close()
    return {name: tuple(float(v) if v is not None else None for v in values) for name, *values in rows}


def test_amounts_in_wan_yuan_are_converted_exactly_and_parts_checked(tmp_path):
    path = tmp_path / "t.csv"
    path.write_text(
        HEAD
        + "2021,区体育局,全民健身赛事,389.5,350.25,300,89.5,产出指标,数量,举办赛事,>=12次\n"
        # a published form with 年度资金总额 of 0 next to filled parts: loaded, and said
        + "2021,区体育局,体育场馆开放,0,,120.123456,30,产出指标,数量,开放天数,>=300天\n"
        + "2021,区体育局,青少年培训,100,,60,30,产出指标,数量,培训人次,>=1000人次\n",
        encoding="utf-8",
    )
    db = tmp_path / "t.duckdb"
    result = run_cli("ingest", "targets", str(path), db=db, check=True)
    assert budgets(db) == {
        # 389.5 万元 = 3,895,000 元 as filed; 350.25 万元 = 3,502,500 元 after adjustment
        "全民健身赛事": (3895000.0, 3502500.0, 3000000.0, 895000.0),
        # 120.123456 万元 = 1,201,234.56 元; with 30 万元 the parts make 1,501,234.56 元, taken as the total
        "体育场馆开放": (1501234.56, 1501234.56, 1201234.56, 300000.0),
        "青少年培训": (1000000.0, 1000000.0, 600000.0, 300000.0),
    }
    assert result.stderr.splitlines() == [
        "提示：项目“体育场馆开放”：年初预算数（万元）为空或为0，财政拨款与其他资金合计1,501,234.56元，已按合计计",
        "提示：项目“青少年培训”：年初预算数（万元）1,000,000.00元与财政拨款（万元）、其他资金（万元）合计900,000.00元不一致",
    ]


def test_the_self_evaluation_prints_each_budget_figure_in_its_column(demo_copy, tmp_path):
    """The demo's museum: 35,987,000 filed, cut to 34,000,000 from July (预算调整), no other funds."""
    out = tmp_path / "forms"
    run_cli(
        "export",
        "selfeval",
        "--year",
        "2020",
        "--project",
        "上海体育文史业务经费",
        "--out",
        str(out),
        db=demo_copy,
        check=True,
    )
    ws = load_workbook(out / "自评表_2020_上海体育文史业务经费.xlsx").worksheets[0]
    rows = [[c for c in row if c is not None] for row in ws.iter_rows(values_only=True)]
    total = next(r[r.index("年度资金总额") + 1 :] for r in rows if "年度资金总额" in r)
    fiscal = next(r[r.index("其中：当年财政拨款") + 1 :] for r in rows if "其中：当年财政拨款" in r)
    assert total[:3] == [35987000, 34000000, 33467910]  # 年初, 全年 (in force), 全年执行数
    assert round(total[4], 4) == 0.9844  # 执行率 = 33,467,910 ÷ 34,000,000 = 98.435%
    assert fiscal[:3] == [35987000, 34000000, 33467910]
    note = next(r[0] for r in rows if r and str(r[0]).startswith("备注：预算调整"))
    assert (
        note
        == "备注：预算调整：2020年7月预算由35,987,000.00元调整为34,000,000.00元（展厅改建期间闭馆，布展经费相应调减，沪体财〔2020〕35号）"
    )
    revised = next(r[0] for r in rows if r and str(r[0]).startswith("备注：绩效目标调整"))
    assert (
        revised
        == "备注：绩效目标调整：藏品社会征集由“=100%”调整为“>=90%”（9月起，受疫情影响部分社会征集活动取消，经主管部门批准调整）"
    )
