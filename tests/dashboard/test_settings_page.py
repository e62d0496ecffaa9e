"""The 阈值设置 page through AppTest: thresholds and scoring weights in words, saved through set_setting, audited."""

import json

import duckdb
from dash_helpers import app

from core.config import load_config
from dashboard.render import plain

PAGE = "views/settings.py"


def stored(db) -> dict:
    con = duckdb.connect(str(db), read_only=True)
    try:
        rows = con.execute("SELECT section, key, value FROM setting").fetchall()
        audit = con.execute(
            "SELECT actor, target, before, after FROM audit WHERE action = 'config' ORDER BY audit_id"
        ).fetchall()
        scoring = load_config(con).scoring
    finally:
        con.close()
    return {
        "setting": {(s, k): json.loads(v) for s, k, v in rows},
        "audit": [(a, t, json.loads(b), json.loads(c)) for a, t, b, c in audit],
        "scoring": scoring,
    }


def save(at):
    next(b for b in at.button if b.form_id == "settings").click().run()
    assert not at.exception, at.exception
    return at


def test_settings_are_labelled_in_words(demo_db):
    at = app(None, page=PAGE)
    labels = {n.key: n.label for n in at.number_input}
    assert labels["set_lights_accumulating_red_below"] == "累计类指标：完成进度低于此值（%）为红灯（默认 60）"
    assert labels["set_scoring_budget_weight"] == "预算执行率分值（默认 10）"
    assert labels["set_scoring_level_产出指标"] == "产出指标权重（默认 50）"
    assert not any(label.startswith(("lights.", "budget.", "scoring.")) for label in labels.values())
    assert "自评表评分权重" in [h.value for h in at.subheader]


def test_admin_changes_the_budget_weight_and_it_is_stored(demo_db):
    at = app(None, page=PAGE)
    at.number_input(key="set_scoring_budget_weight").set_value(20.0)
    save(at)
    assert at.success[-1].value == "已保存。" and not at.error
    after = stored(demo_db)
    assert after["setting"] == {("scoring", "budget_weight"): 20}
    assert after["scoring"].budget_weight == 20
    assert after["audit"] == [("demo-admin", "scoring.budget_weight", 10, 20)]
    # the page shows the value in force on the next run
    assert app(None, page=PAGE).number_input(key="set_scoring_budget_weight").value == 20.0


def test_admin_changes_the_level_weights_with_the_budget_weight(demo_db):
    # budget 20 and 产出 50 / 效益 30 / 满意度 0: 80, the form's own points with the new budget weight
    at = app(None, page=PAGE)
    at.number_input(key="set_scoring_budget_weight").set_value(20.0)
    at.number_input(key="set_scoring_level_满意度指标").set_value(0.0)
    save(at)
    assert at.success[-1].value == "已保存。" and not at.error
    after = stored(demo_db)
    assert after["scoring"].budget_weight == 20
    assert after["scoring"].level_weights == {"产出指标": 50, "效益指标": 30, "满意度指标": 0}
    assert [row[1] for row in after["audit"]] == ["scoring.budget_weight", "scoring.level_weights"]


def test_level_weights_that_do_not_add_up_are_refused_and_nothing_is_saved(demo_db):
    at = app(None, page=PAGE)
    at.number_input(key="set_scoring_budget_weight").set_value(15.0)
    at.number_input(key="set_scoring_level_满意度指标").set_value(30.0)  # 50 + 30 + 30 = 110
    save(at)
    assert not at.success
    assert at.error[-1].value == plain(  # shown literally (escaped for Markdown)
        "scoring.level_weights：各级权重合计110，应为100（百分比）或85（100减去预算执行率分值15）"
    )
    assert stored(demo_db)["setting"] == {} and stored(demo_db)["audit"] == []
