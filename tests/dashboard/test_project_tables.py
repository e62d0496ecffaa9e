"""The project page's tables in words (dashboard/project_tables.py): no raw kinds, floats, flags or None."""

from datetime import datetime

import pandas as pd
from dash_helpers import app

from dashboard.project_tables import kind_label, ledger_table, upload_table, value_history_table


def test_upload_history_in_words():
    history = pd.DataFrame(
        {
            "load_id": [7],
            "loaded_at": [datetime(2020, 7, 6, 9, 30, 12)],
            "loaded_by": ["demo-staff"],
            "kind": ["actuals:budget"],
            "file_name": [None],
            "detail": ["2020-06"],
            "rows": [5],
            "replaced_later": [0],
        }
    )
    shown = upload_table(history, "zh").iloc[0]
    assert shown["kind"] == "上传：预算执行" and shown["loaded_at"] == "2020-07-06 09:30"
    assert shown["file_name"] == "—" and "load_id" not in shown
    assert kind_label("actuals:budget", "en") == "upload: budget execution"


def test_budget_ledger_in_wan_yuan_and_flags_as_words():
    ledger = pd.DataFrame(
        {
            "month": ["2020-07"],
            "before": [35_987_000.0],
            "after": [34_000_000.0],
            "reason": ["调减"],
            "approval": [None],
            "who": ["demo-admin"],
            "at": [datetime(2020, 7, 3, 10, 0)],
            "current": [True],
        }
    )
    shown = ledger_table(ledger, "zh", amounts=True).iloc[0]
    # 35,987,000 元 = 3,598.70万元; 34,000,000 元 = 3,400.00万元
    assert (shown["month"], shown["before"], shown["after"]) == ("2020年7月", "3,598.70万元", "3,400.00万元")
    assert (shown["approval"], shown["current"]) == ("—", "是")
    assert ledger_table(ledger, "en", amounts=True).iloc[0]["month"] == "Jul 2020"


def test_value_history_in_words():
    history = pd.DataFrame(
        {
            "month": ["2020-06"],
            "value": [10800.0],
            "rating": [None],
            "likelihood": ["有可能"],
            "deviation_reason": [None],
            "measures": [None],
            "note": [None],
            "current": [False],
            "load_id": [3],
            "file_name": ["v.csv"],
            "loaded_by": ["demo-staff"],
            "loaded_at": [datetime(2020, 7, 6, 9, 0)],
        }
    )
    shown = value_history_table(history, "zh").iloc[0]
    assert (shown["month"], shown["value"], shown["rating"], shown["current"]) == ("2020年6月", "10,800", "—", "否")


def test_the_project_page_shows_no_raw_internals(demo_db):
    at = app("2020-06", page="views/project.py", project="上海体育文史业务经费")
    for frame in at.dataframe:
        text = frame.value.astype(str).to_string()
        assert "actuals:" not in text and "None" not in text and "True" not in text, text
