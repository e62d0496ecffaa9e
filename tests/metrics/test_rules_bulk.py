"""Rules judged in bulk on hand-made frames: the edges the review found, numbers worked out by hand."""

import numpy as np
import pandas as pd

from core.config import load_config
from metrics.rules import REGISTRY, Period, RuleName
from metrics.status import Judgement

CFG = load_config()
JUNE = Period(2020, 6, CFG)


def indicators(rule: RuleName, **columns) -> pd.DataFrame:
    """One row per indicator with the target and binding columns the engine passes to a rule."""
    n = len(next(iter(columns.values())))
    base = {
        "project_id": list(range(1, n + 1)),
        "indicator_id": list(range(101, 101 + n)),
        "seq": [1] * n,
        "level1": ["产出目标"] * n,
        "level2": ["质量"] * n,
        "name": [f"指标{k}" for k in range(n)],
        "target": [">=58%"] * n,
        "kind": ["at_least"] * n,
        "operator": [">="] * n,
        "target_value": [58.0] * n,
        "unit": ["%"] * n,
        "rule": [str(rule)] * n,
        "item": [None] * n,
        "plan": [None] * n,
        "params": [None] * n,
    }
    return pd.DataFrame(base | columns)


def explain(rule: RuleName, row: pd.Series) -> str:
    facts = {k: (None if isinstance(v, float) and np.isnan(v) else v) for k, v in row.items()}
    return Judgement(rule, row["status"], None, None, None, False, facts, JUNE).explain()


def test_a_rate_exactly_at_its_target_is_green():
    # 29 of 50 closed is 58%: as a float 29 / 50 × 100 is 57.99999999999999, which would be yellow
    frame = indicators(RuleName.HOTLINE_CLOSE_RATE, target_value=[58.0, 58.0])
    hotline = pd.DataFrame(
        {
            "project_id": [1, 2],
            "received": [50, 50],
            "closed": [29, 28],
            "accepted": [50, 50],
            "accepted_on_time": [50, 50],
            "close_rate": [29 / 50, 28 / 50],
            "accept_rate": [1.0, 1.0],
            "ontime_rate": [1.0, 1.0],
            "months_mask": [0b1111110, 0b1111110],
            "n_months": [6, 6],
        }
    )
    out = REGISTRY[RuleName.HOTLINE_CLOSE_RATE].judge(frame, {"hotline": hotline}, JUNE)
    assert list(out["status"]) == ["green", "yellow"]  # 56% is 2 points short: within the 5-point band
    assert list(out["actual"]) == [58.0, 56.0]
    assert "办结率58.0%（29/50），目标>=58%，达到目标为绿灯" in explain(RuleName.HOTLINE_CLOSE_RATE, out.iloc[0])


def test_a_value_without_a_numeric_target_is_grey_not_red():
    frame = indicators(RuleName.VALUE_LATEST, target=["较好"], target_value=[np.nan], unit=[None], kind=["at_least"])
    values = pd.DataFrame(
        {
            "indicator_id": [101],
            "latest_value": [3.0],
            "value_month": [pd.Timestamp("2020-06-01")],
            "latest_rating": [None],
            "rating_month": [pd.NaT],
            "likelihood": [None],
            "value_sum": [3.0],
        }
    )
    out = REGISTRY[RuleName.VALUE_LATEST].judge(frame, {"values": values}, JUNE)
    assert out.iloc[0]["status"] == "grey"
    assert explain(RuleName.VALUE_LATEST, out.iloc[0]) == "目标值不是数值，无法与实际值比较"


def test_visitors_against_a_year_with_none_do_not_crash():
    # no visitor a year earlier: any visitor now is an increase (green), and the change is shown as —
    frame = indicators(RuleName.VISITORS_YOY, target=["同比提高"], target_value=[np.nan], unit=[None])
    visitors = pd.DataFrame(
        {
            "project_id": [1],
            "visitors": [100],
            "visits": [5],
            "baseline_visitors": [0],
            "baseline_visits": [0],
            "baseline_months": [6],
            "months_mask": [0b1111110],
            "n_months": [6],
            "visitors_change": [np.nan],
            "visits_change": [np.nan],
        }
    )
    out = REGISTRY[RuleName.VISITORS_YOY].judge(frame, {"visitors": visitors}, JUNE)
    assert out.iloc[0]["status"] == "green"
    assert out.iloc[0]["expected"] == 0 and isinstance(out.iloc[0]["expected"], int)
    assert "上年同期0（—）" in explain(RuleName.VISITORS_YOY, out.iloc[0])
