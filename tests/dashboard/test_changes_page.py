"""预算调整 and 绩效目标调整 on the pages: entered on a form, shown as 原预算 → 调整后 and in the ledger."""

import duckdb
from dash_helpers import app

MUSEUM = "上海体育文史业务经费"
IT = "上海市体育局信息技术保障经费"


def submit(at, form: str) -> None:
    next(b for b in at.button if b.form_id == form).click().run()


def test_the_project_page_shows_the_adjusted_budget_and_the_ledger(demo_db):
    at = app("2020-12", page="views/project.py", project=MUSEUM)
    metric = at.metric[0]
    assert (metric.label, metric.value) == ("全年预算数", "3,400.00万元")  # 34,000,000 元, in 万元 (core.numbers)
    assert metric.delta == "2020-07调整，原3,598.70万元"
    body = next(h.value for h in at.html if 'id="pb-matrix"' in h.value)
    assert "预算 3,598.70万元 → 3,400.00万元（2020-07）" in body
    assert "原目标 =100%" in body  # 藏品社会征集, revised to >=90% in September
    tables = [d.value for d in at.dataframe]
    budget = next(t for t in tables if "调整前" in t.columns)
    assert list(budget.iloc[0][["生效月份", "调整前", "调整后", "批准文号", "现行"]]) == [
        "2020年7月",
        "3,598.70万元",  # 35,987,000 元
        "3,400.00万元",  # 34,000,000 元
        "沪体财〔2020〕35号",
        "是",
    ]
    target = next(t for t in tables if "调整前" in t.columns and "指标" in t.columns)
    assert list(target.iloc[0][["指标", "调整前", "调整后"]]) == ["藏品社会征集", "=100%", ">=90%"]


def test_an_adjustment_typed_on_the_form_is_written_and_shown(demo_db):
    at = app(None, page="views/entry.py")
    at.selectbox(key="adjust_project").set_value(IT)
    at.selectbox(key="adjust_month").set_value("2020-10")
    at.text_input(key="adjust_budget").input("3600000")
    at.text_input(key="adjust_reason").input("网站改版推迟")
    submit(at, "adjust")
    assert at.success and at.success[-1].value == "已保存。"
    con = duckdb.connect(str(demo_db), read_only=True)
    try:
        row = con.execute("SELECT CAST(budget AS DOUBLE), reason FROM budget_adjustment WHERE reason = '网站改版推迟'")
        assert row.fetchone() == (3600000.0, "网站改版推迟")
    finally:
        con.close()
    page = app("2020-10", page="views/project.py", project=IT)
    assert page.metric[0].value == "360.00万元"  # 3,600,000 元


def test_an_adjustment_to_zero_is_refused_on_the_form(demo_db):
    at = app(None, page="views/entry.py")
    at.selectbox(key="adjust_project").set_value(IT)
    at.text_input(key="adjust_budget").input("0")
    at.text_input(key="adjust_reason").input("试")
    submit(at, "adjust")
    assert at.error and at.error[0].value.startswith("发现 1 个问题")
