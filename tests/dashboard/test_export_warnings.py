"""A city's form export can carry thousands of warnings: the 导出 page shows ten as boxes and lists the rest."""

from __future__ import annotations

from dash_helpers import app

from dashboard import data


def test_many_warnings_show_ten_boxes_and_a_table_of_the_rest(demo_db, monkeypatch):
    warnings = [f"项目{k}：实际完成情况待补充" for k in range(25)]
    monkeypatch.setattr(data, "form_zip", lambda *args, **kwargs: (b"zip", warnings))
    at = app("2020-06", page="views/exports.py")
    at.button(key="prepare").click().run()
    assert not at.exception, at.exception
    assert [w.value for w in at.warning] == warnings[:10]
    (more,) = [e for e in at.expander if e.label == "另有 15 条提示"]  # 25 − 10
    assert more.dataframe[0].value["提示"].tolist() == warnings[10:]
