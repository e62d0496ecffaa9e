"""年末自评 (dashboard/views/yearend.py): staff see the drafts of their own projects, marked 草稿, edit one and confirm all."""

from __future__ import annotations

import duckdb
import pytest
from dash_helpers import app

TRAINING = "上海体育系统人员培训经费"  # demo-staff's projects: 培训经费 and 文史业务经费 (core.accounts.DEMO_PROJECTS)


def test_staff_edit_and_confirm_their_drafts(demo_db):
    at = app(page="views/yearend.py", user="demo-staff")
    assert at.title[0].value == "年末自评"
    assert at.selectbox(key="yearend_project").options == ["上海体育文史业务经费", TRAINING]  # assigned only
    at.selectbox(key="yearend_project").set_value(TRAINING).run()
    areas = {a.label: a for a in at.text_area if a.key.startswith("yearend_text_")}
    assert len(areas) == 6 and all(label.endswith("（草稿）") for label in areas)
    lesson = next(a for label, a in areas.items() if "党校微课堂" in label)
    assert lesson.value == "全年完成党校微课堂50期，达到年度目标（目标≥48期）"
    assert "还有 7 条实际完成情况为草稿" not in [w.value for w in at.warning]  # the demo's staff wrote the summary
    assert "还有 6 条实际完成情况为草稿，待确认" in [w.value for w in at.warning]

    lesson.set_value("全年发布党校微课堂50期")
    at.button(key="yearend_all").click().run()
    assert not at.exception
    assert "本项目的实际完成情况已全部确认" in [s.value for s in at.success]
    labels = [a.label for a in at.text_area if a.key.startswith("yearend_text_")]
    assert all(label.endswith("（已确认）") for label in labels)
    con = duckdb.connect(str(demo_db), read_only=True)
    try:
        texts = dict(con.execute("SELECT text, 1 FROM indicator_summary WHERE replaced_by IS NULL").fetchall())
    finally:
        con.close()
    assert len(texts) == 6 and "全年发布党校微课堂50期" in texts


def test_leaders_do_not_get_the_page(demo_db):
    at = app(user="demo-leader")  # leaders read and approve; the texts are the staff's to confirm
    with pytest.raises(ValueError):
        at.switch_page("views/yearend.py")
