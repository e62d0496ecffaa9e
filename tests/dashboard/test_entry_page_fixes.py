"""The 填报 page as a staff member lives with it (issue 14): only their projects, a refusal before 校验通过,
a preview in words with the rows it replaces, a sentence for a wrong file, one success message, the
templates that are due; and every web write attributed to the signed-in user."""

import duckdb
from dash_helpers import app
from helpers import DATA

from core.accounts import Actor
from ingest.actuals import ingest_actuals
from ingest.revert import revert_load

GOOD = DATA / "actuals" / "deliverables.csv"  # 3 rows of 上海体育系统人员培训经费, January and February
OTHERS = DATA / "actuals" / "budget.csv"  # 上海体育公共服务经费 ×3 and 上海体育宣传服务经费 ×1
ASSIGNED = ["上海体育文史业务经费", "上海体育系统人员培训经费"]  # demo-staff's projects


def query(db, sql: str, params=()):
    con = duckdb.connect(str(db), read_only=True)
    try:
        return con.execute(sql, list(params)).fetchall()
    finally:
        con.close()


def test_a_web_upload_names_the_signed_in_user(demo_db):
    at = app(None, page="views/entry.py", user="demo-staff")
    at.file_uploader(key="upload").set_value(("deliverables.csv", GOOD.read_bytes(), "text/csv")).run()
    at.button(key="confirm").click().run()
    written = [s.value for s in at.success if s.value.startswith("已写入")]
    assert written == ["已写入：3 行，替换 3 行。总览已更新。"]  # once, not twice
    (load_id, by) = query(demo_db, "SELECT load_id, loaded_by FROM load_log ORDER BY load_id DESC LIMIT 1")[0]
    assert by == "demo-staff"  # not the operating-system user (tester, set by the fixture)
    assert query(demo_db, "SELECT actor FROM audit WHERE load_id = ?", [load_id]) == [("demo-staff",)]
    # the project page's 上传记录 reads load_log.loaded_by
    page = app("2020-02", page="views/project.py", user="demo-staff", project="上海体育系统人员培训经费")
    assert any("demo-staff" in set(d.value.astype(str).stack()) for d in page.dataframe)


def test_library_writes_and_reverts_name_their_actor(demo_db, tmp_path):
    staff = Actor("zhang.san", "admin")
    loaded = ingest_actuals([GOOD], demo_db, actor=staff)[0]
    undone = revert_load(demo_db, loaded.load_id, actor=Actor("li.si", "admin"))
    by = dict(query(demo_db, "SELECT load_id, loaded_by FROM load_log"))
    assert (by[loaded.load_id], by[undone.load_id]) == ("zhang.san", "li.si")
    ingest_actuals([GOOD], demo_db)  # the command line, no actor: the local operator
    assert query(demo_db, "SELECT loaded_by FROM load_log ORDER BY load_id DESC LIMIT 1") == [("tester",)]


def test_staff_pick_only_their_projects_and_see_which_templates_are_due(demo_db):
    at = app(None, page="views/entry.py", user="demo-staff")
    assert at.selectbox(key="form_project").options == ASSIGNED
    assert at.selectbox(key="summary_project").options == ASSIGNED
    assert at.selectbox(key="adjust_project").options == ASSIGNED
    labels = {b.label for b in at.get("download_button")}
    # 文史 reads budget, visitors, values and reference values; 培训 budget, deliverables and values
    assert {"★ 预算执行", "★ 博物馆参观", "★ 产出数量", "★ 指标值与评级", "★ 基期值与参考值"} <= labels
    assert {"12345热线月报", "舆情监控时长"} <= labels  # other projects' streams: not starred
    admin = app(None, page="views/entry.py")
    assert len(admin.selectbox(key="form_project").options) == 5


def test_rows_for_other_projects_are_refused_before_validation_passes(demo_db):
    before = query(demo_db, "SELECT count(*) FROM load_log")
    at = app(None, page="views/entry.py", user="demo-staff")
    at.file_uploader(key="upload").set_value(("budget.csv", OTHERS.read_bytes(), "text/csv")).run()
    assert not at.success  # never 校验通过
    assert "“上海体育公共服务经费”3 行、“上海体育宣传服务经费”1 行" in at.error[0].value
    assert not [b for b in at.button if b.key == "confirm"]
    assert query(demo_db, "SELECT count(*) FROM load_log") == before


def test_the_preview_speaks_names_and_months_and_shows_what_it_replaces(demo_db):
    at = app(None, page="views/entry.py", user="demo-staff")
    at.file_uploader(key="upload").set_value(("deliverables.csv", GOOD.read_bytes(), "text/csv")).run()
    assert "月份 2020年1月、2020年2月" in at.success[0].value
    preview, replaced = (d.value for d in at.dataframe[:2])
    assert list(preview["项目名称"]) == ["上海体育系统人员培训经费"] * 3
    assert list(preview["月份"]) == ["2020年1月", "2020年2月", "2020年2月"]
    assert "project_id" not in preview.columns and "00:00:00" not in preview.to_string()
    # the demo's current rows for those keys: 党校微课堂 4 in January and 4 in February, 体荟魔都 0 in February
    assert list(replaced["数量"]) == ["4", "4", "0"] and list(replaced["月份"])[0] == "2020年1月"


def test_a_wrong_file_gets_a_sentence(demo_db):
    at = app(None, page="views/entry.py", user="demo-staff")
    at.file_uploader(key="upload").set_value(("notes.txt", b"hello", "text/plain")).run()
    assert "不支持“.txt”类型的文件，请上传 .csv 或 .xlsx 文件" in at.error[0].value.replace("\\", "")
