"""Editable settings: the scoring weights' parsing and validation, the audit of a change, and the override."""

import json
import re

import duckdb
import pytest
from helpers import run_cli

from core import db, settings
from core.accounts import Actor, PermissionDenied
from core.config import load_config

ADMIN = Actor("admin1", "admin")
DEFAULT_LEVELS = {"产出指标": 50, "效益指标": 30, "满意度指标": 10}


def parse(key, text, budget_weight=None):
    return settings.parse("scoring", key, text, budget_weight=budget_weight)


@pytest.fixture
def db_file(db_path):
    db.init(db_path)
    return db_path


def q(path, sql, params=()):
    con = duckdb.connect(str(path), read_only=True)
    try:
        return con.execute(sql, list(params)).fetchall()
    finally:
        con.close()


def audit(path):
    rows = q(
        path,
        "SELECT actor, action, target, outcome, before, after FROM audit WHERE action = 'config' ORDER BY audit_id",
    )
    return [
        (a, act, target, outcome, json.loads(b) if b else None, json.loads(c) if c else None)
        for a, act, target, outcome, b, c in rows
    ]


def in_force(path):
    with db.read_connection(path) as con:
        return settings.current(con), load_config(con).scoring


# --- what may be changed -------------------------------------------------------------------------


def test_the_scoring_weights_are_editable_with_their_defaults():
    defaults = settings.editable()
    assert defaults[("scoring", "budget_weight")] == 10
    assert defaults[("scoring", "level_weights")] == DEFAULT_LEVELS
    assert ("scoring", "band_top") not in defaults and ("scoring", "grades") not in defaults
    assert defaults[("lights", "accumulating_blue_from")] == 120  # the thresholds are still there
    keys = list(defaults)
    assert keys.index(("scoring", "budget_weight")) < keys.index(("scoring", "level_weights"))


# --- budget_weight -------------------------------------------------------------------------------


@pytest.mark.parametrize("text,value", [("20", 20), ("12.5", 12.5), ("0.01", 0.01), ("99.99", 99.99), (15.0, 15)])
def test_budget_weight_between_0_and_100(text, value):
    got = parse("budget_weight", text)
    assert got == value and type(got) is type(value)


@pytest.mark.parametrize(
    "text,message",
    [
        ("0", "scoring.budget_weight（预算执行率分值）应大于0且小于100，不能为0"),
        ("100", "scoring.budget_weight（预算执行率分值）应大于0且小于100，不能为100"),
        ("-5", "scoring.budget_weight（预算执行率分值）应大于0且小于100，不能为-5"),
        ("abc", "scoring.budget_weight：“abc”不是数字"),
        ("nan", "scoring.budget_weight：“nan”不是数字"),
        ("12.345", "scoring.budget_weight（预算执行率分值）最多保留两位小数"),
    ],
)
def test_budget_weight_refused(text, message):
    with pytest.raises(ValueError) as exc:
        parse("budget_weight", text)
    assert str(exc.value) == message


# --- level_weights -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "text,value",
    [
        # percent: 100 in all; a level not given is 0
        ("产出=60,效益=40", {"产出指标": 60, "效益指标": 40, "满意度指标": 0}),
        ("产出指标=60,效益指标=30,满意度指标=10", {"产出指标": 60, "效益指标": 30, "满意度指标": 10}),
        # the form's own points: 90 = 100 − the budget weight 10
        ("产出=50,效益=30,满意度=10", DEFAULT_LEVELS),
        ("产出=60,效益=30", {"产出指标": 60, "效益指标": 30, "满意度指标": 0}),
        # in the levels' order, without names; Chinese commas, colons and spaces are read too
        ("50,30,10", DEFAULT_LEVELS),
        ("产出：55.5，效益 = 34.5、满意度=10", {"产出指标": 55.5, "效益指标": 34.5, "满意度指标": 10}),
        ("满意度=20,产出=80", {"产出指标": 80, "效益指标": 0, "满意度指标": 20}),
        # what `perfboard config show` prints is taken back
        ("产出指标=60, 效益指标=40, 满意度指标=0", {"产出指标": 60, "效益指标": 40, "满意度指标": 0}),
        # the page gives a dict of numbers
        ({"产出指标": 50.0, "效益指标": 30.0, "满意度指标": 10.0}, DEFAULT_LEVELS),
    ],
)
def test_level_weights_accepted(text, value):
    got = parse("level_weights", text)
    assert got == value
    assert list(got) == list(DEFAULT_LEVELS)  # always every level, in the file's order


def test_level_weights_sum_is_checked_against_the_budget_weight_given():
    # with a budget weight of 20 the form's own points are 80
    assert parse("level_weights", "产出=50,效益=30", budget_weight=20) == {
        "产出指标": 50,
        "效益指标": 30,
        "满意度指标": 0,
    }
    with pytest.raises(ValueError, match="合计90，应为100（百分比）或80（100减去预算执行率分值20）"):
        parse("level_weights", "50,30,10", budget_weight=20)


@pytest.mark.parametrize(
    "text,message",
    [
        (
            "产出=60,效益=30,满意度=20",
            "scoring.level_weights：各级权重合计110，应为100（百分比）或90（100减去预算执行率分值10）",
        ),
        ("产出=50,效益=30", "scoring.level_weights：各级权重合计80，应为100（百分比）或90（100减去预算执行率分值10）"),
        ("产出=0", "scoring.level_weights：各级权重合计0，应为100（百分比）或90（100减去预算执行率分值10）"),
        ("产出=33.3,效益=33.3,满意度=33.3", "scoring.level_weights：各级权重合计99.9，应为100（百分比）"),
        (
            "规划=50,产出=50",
            "scoring.level_weights：未知的一级指标“规划”，应为产出、效益、满意度（或产出指标、效益指标、满意度指标）",
        ),
        ("产出=60,产出指标=40", "scoring.level_weights：产出的权重给了两次"),
        ("产出=abc,效益=40", "scoring.level_weights（产出）：“abc”不是数字"),
        ("产出=-10,效益=110", "scoring.level_weights（产出）不能为负数"),
        ("60,40", "scoring.level_weights：不带名称时须依次给出3个数（产出、效益、满意度），实际为2个"),
        ("产出=60,40", "scoring.level_weights：“产出=60,40”混用了带名称和不带名称的权重，应写成 产出=60,效益=40"),
        ("", "scoring.level_weights：未给出权重，应写成 产出=60,效益=40"),
    ],
)
def test_level_weights_refused(text, message):
    with pytest.raises(ValueError) as exc:
        parse("level_weights", text)
    assert str(exc.value).startswith(message)


def test_unknown_and_thresholds_keep_their_behaviour():
    with pytest.raises(ValueError, match="scoring.grades 不是可修改的阈值"):
        settings.parse("scoring", "grades", "1")
    assert settings.parse("lights", "short_days_yellow_max", "4") == 4
    assert settings.parse("lights", "value_yellow_band_share", "0.1") == 0.1
    with pytest.raises(ValueError, match="不能为负数"):
        settings.parse("lights", "accumulating_red_below", "-1")
    with pytest.raises(ValueError, match="“inf”不是数字"):
        settings.parse("lights", "accumulating_red_below", "inf")
    with pytest.raises(ValueError, match="ratio / gap"):
        settings.parse("budget", "mode", "sideways")


def test_shown_is_what_the_command_line_takes_back():
    assert (
        settings.shown({"产出指标": 60, "效益指标": 39.5, "满意度指标": 0.5})
        == "产出指标=60,效益指标=39.5,满意度指标=0.5"
    )
    assert settings.shown(140) == "140"
    assert parse("level_weights", settings.shown(DEFAULT_LEVELS)) == DEFAULT_LEVELS


# --- a change: stored, in force, audited, and removed when set back ------------------------------


def test_budget_weight_change_is_stored_audited_and_removed_at_the_default(db_file):
    assert settings.set_setting(db_file, "scoring", "budget_weight", "20", ADMIN) == (10, 20)
    values, scoring = in_force(db_file)
    assert values[("scoring", "budget_weight")] == 20 and scoring.budget_weight == 20
    assert q(db_file, "SELECT section, key, value FROM setting") == [("scoring", "budget_weight", "20")]
    assert audit(db_file) == [("admin1", "config", "scoring.budget_weight", "done", 10, 20)]
    assert settings.set_setting(db_file, "scoring", "budget_weight", "10", ADMIN) == (20, 10)
    assert q(db_file, "SELECT count(*) FROM setting") == [(0,)]


def test_level_weights_change_is_a_json_object_audited_before_and_after(db_file):
    after = {"产出指标": 60, "效益指标": 40, "满意度指标": 0}
    assert settings.set_setting(db_file, "scoring", "level_weights", "产出=60,效益=40", ADMIN) == (
        DEFAULT_LEVELS,
        after,
    )
    values, scoring = in_force(db_file)
    assert values[("scoring", "level_weights")] == after and isinstance(values[("scoring", "level_weights")], dict)
    assert scoring.level_weights == after
    ((stored,),) = q(db_file, "SELECT value FROM setting WHERE section = 'scoring' AND key = 'level_weights'")
    assert json.loads(stored) == after
    assert audit(db_file) == [("admin1", "config", "scoring.level_weights", "done", DEFAULT_LEVELS, after)]
    # back to the default, given as the form's points: the override is gone
    settings.set_setting(db_file, "scoring", "level_weights", "50,30,10", ADMIN)
    assert q(db_file, "SELECT count(*) FROM setting") == [(0,)]
    assert in_force(db_file)[1].level_weights == DEFAULT_LEVELS


def test_level_weights_are_checked_against_the_budget_weight_in_force(db_file):
    settings.set_setting(db_file, "scoring", "budget_weight", "20", ADMIN)
    # 80 = 100 − 20 is the form's points now; 90 is neither that nor 100
    settings.set_setting(db_file, "scoring", "level_weights", "产出=50,效益=30", ADMIN)
    with pytest.raises(ValueError, match="合计90，应为100（百分比）或80（100减去预算执行率分值20）"):
        settings.set_setting(db_file, "scoring", "level_weights", "50,30,10", ADMIN)
    assert in_force(db_file)[1].level_weights == {"产出指标": 50, "效益指标": 30, "满意度指标": 0}


def test_a_refused_value_changes_nothing_and_staff_may_not(db_file):
    with pytest.raises(ValueError):
        settings.set_setting(db_file, "scoring", "level_weights", "产出=70,效益=40", ADMIN)
    with pytest.raises(ValueError):
        settings.set_setting(db_file, "scoring", "budget_weight", "100", ADMIN)
    assert q(db_file, "SELECT count(*) FROM setting") == [(0,)] and audit(db_file) == []
    with pytest.raises(PermissionDenied):
        settings.set_setting(db_file, "scoring", "budget_weight", "20", Actor("staff1", "staff"))
    assert audit(db_file) == [("staff1", "config", "scoring.budget_weight", "refused", None, None)]
    assert q(db_file, "SELECT count(*) FROM setting") == [(0,)]


def test_the_command_line_sets_the_scoring_weights(db_file):
    done = run_cli("config", "set", "scoring.budget_weight", "20", db=db_file)
    assert done.returncode == 0, done.stderr
    done = run_cli("config", "set", "scoring.level_weights", "产出=60,效益=40", db=db_file)
    assert done.returncode == 0, done.stderr
    assert in_force(db_file)[1].level_weights == {"产出指标": 60, "效益指标": 40, "满意度指标": 0}
    refused = run_cli("config", "set", "scoring.level_weights", "产出=60,效益=30,满意度=20", db=db_file)
    assert refused.returncode != 0 and "合计110" in refused.stderr
    refused = run_cli("config", "set", "scoring.level_weights", "规划=100", db=db_file)
    assert refused.returncode != 0 and "未知的一级指标“规划”" in refused.stderr
    assert [row[2] for row in audit(db_file)] == ["scoring.budget_weight", "scoring.level_weights"]


@pytest.mark.parametrize(
    "key,text,reason",
    [
        ("lights.short_days_yellow_max", "2.5", "lights.short_days_yellow_max：2.5 应为整数"),
        ("lights.accumulating_yellow_below", "50", "accumulating_red_below ≤ accumulating_yellow_below"),
        ("lights.value_yellow_band_share", "5", "0 ≤ lights.value_yellow_band_share < 1"),
        ("budget.ratio_red_below", "85", "budget.ratio_red_below ≤ budget.ratio_yellow_below"),
        ("opinion.daily_hours_minimum", "25", "0 < opinion.daily_hours_minimum ≤ 24"),
    ],
)
def test_a_setting_that_would_break_the_configuration_is_refused(db_file, key, text, reason):
    """Checked as a whole Config before it is stored, so every light and form can still be computed after it."""
    section, name = key.split(".")
    with pytest.raises(ValueError, match=re.escape(reason)):
        settings.set_setting(db_file, section, name, text, Actor("admin1", "admin"))
    assert q(db_file, "SELECT count(*) FROM setting") == [(0,)]
    with db.read_connection(db_file) as con:
        assert load_config(con) == load_config()  # nothing changed: the file's values are in force
