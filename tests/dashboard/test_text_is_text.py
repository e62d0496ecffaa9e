"""Text is text on every page: names, targets, units, file names, usernames, reasons and notes laden with
Markdown and HTML are shown literally — no link, image, emphasis or tag comes from the data.

tests/test_hostile_inputs.py follows one hostile project from upload to every export; this walks every
page of the dashboard as each role, and checks every element Streamlit renders as Markdown (titles,
captions, alerts, labels, help, page links, radio options), as HTML (``st.html``) or as a Plotly figure.
"""

import csv
import json
import re
import shutil

import pytest
from dash_helpers import PASSWORD, app
from google.protobuf.json_format import MessageToDict
from helpers import run_cli

from core import accounts, db
from core.accounts import Actor
from dashboard import svg_charts
from dashboard.render import plain
from ingest.actuals import ingest_actuals

LINK = "[点此重新登录](https://example.invalid/login)"
IMAGE = "![t](https://example.invalid/x.png)"
TAGS = "<img/src=https://example.invalid/y.png><b>粗</b>"  # no space: names with spaces are another fix
MIXED = "**粗**_斜_`码`$x^2$:smile::material/home::red[红]www.example.invalid"
P1, P2 = LINK + "项目", IMAGE + TAGS + "项目"
UNIT = "<a href=https://example.invalid/u>单位</a>" + LINK
USER = "![u](https://example.invalid/u.png)"  # a username: no spaces, under 64 characters
FILE = "![f](https://example.invalid/f.png).csv"
NOTE = TAGS + MIXED + "a@b.invalid"

# what a Markdown source must never hold once the data in it is escaped
MARKDOWN_RAW = ("](", "![", "<img", "<a ", "<b>", "https://", "www.", "$x", ":smile:", "**粗", "a@b")
ESCAPED = re.compile(r"\\[!-/:-@\[-`{-~]")  # a backslash-escaped ASCII punctuation mark is text
HTML_RAW = ("<img", "<a ", "<b>")  # st.html and Plotly: tags from the data arrive escaped
LITERAL = {"text", "dataframe", "arrow_data_frame", "code", "json"}  # shown as they are, never read
PLAIN_OPTIONS = {"selectbox", "multiselect"}  # their options are plain text; labels and help are Markdown


@pytest.fixture(scope="module")
def hostile_template(tmp_path_factory):
    """Two projects whose every text is Markdown and HTML, an upload with hostile notes and file name,
    a hostile admin's name; the demo leader and staff assigned to the first project (built once)."""
    tmp_path = tmp_path_factory.mktemp("hostile-pages")
    header = ["年度", "申报单位名称", "项目名称", "项目当年预算（元）", "总目标及阶段性目标"]
    header += ["一级目标", "二级目标", "三级目标", "指标目标值"]
    rows = [
        ["2020", UNIT, P1, "100000", LINK + TAGS, "产出目标", "数量", IMAGE + "课程", ">=12期"],
        ["2020", UNIT, P1, "", "", "产出目标", "质量", TAGS + "质量", IMAGE],
        ["2020", UNIT, P2, "200000", MIXED, "效果目标", "社会效益", MIXED + "效益", LINK],
    ]
    targets = tmp_path / "targets.csv"
    with open(targets, "w", encoding="utf-8", newline="") as fh:
        csv.writer(fh).writerows([header, *rows])
    path = tmp_path / "hostile-pages.duckdb"
    run_cli("ingest", "targets", str(targets), db=path, check=True)
    notes = tmp_path / "notes.csv"
    notes.write_text(
        "项目名称,三级指标,月份,评级,完成目标可能性,偏差原因,纠偏措施,备注\n"
        f"{P1},{TAGS}质量,2020-06,部分达成,有可能,{NOTE},{LINK},{IMAGE}\n",
        encoding="utf-8",
    )
    ingest_actuals([notes], path, display_names=[FILE], actor=Actor(USER, "admin"))
    accounts.ensure_demo_accounts(path, PASSWORD)
    accounts.add_user(path, USER, PASSWORD, "admin")
    with db.read_connection(path) as con:
        first = con.execute("SELECT project_id FROM project WHERE name = ?", [P1]).fetchall()[0][0]
    for name in ("demo-leader", "demo-staff"):
        accounts.assign(path, name, [first])
    with pytest.raises(accounts.AuthError):
        accounts.authenticate(path, LINK, "typed")  # a hostile name typed at sign-in
    return path


@pytest.fixture
def hostile_pages(hostile_template, tmp_path, monkeypatch):
    """A copy of the hostile database for one test."""
    path = tmp_path / "hostile-pages.duckdb"
    with db.read_connection(hostile_template) as con:
        con.execute("CHECKPOINT")  # everything in the file itself, no write-ahead log to copy
    shutil.copyfile(hostile_template, path)
    monkeypatch.setenv("PERFBOARD_DB", str(path))
    monkeypatch.setenv("PERFBOARD_USER", "tester")
    return path


def _walk(node):
    yield node
    for child in getattr(node, "children", {}).values():
        yield from _walk(child)


def _strings(value, key=""):
    """(field, text) for every string in a proto turned into a dict."""
    if isinstance(value, dict):
        for k, v in value.items():
            yield from _strings(v, k)
    elif isinstance(value, list):
        for v in value:
            yield from _strings(v, key)
    elif isinstance(value, str) and key == "spec":  # a Plotly figure: its texts are inside the JSON
        yield from _strings(json.loads(value), key)
    elif isinstance(value, str):
        yield key, value


def markup_from_data(at) -> list[tuple[str, str, str]]:
    """(element, field, text) of every rendered text that would turn data into markup."""
    found = []
    for node in _walk(at._tree):
        kind, proto = getattr(node, "type", ""), getattr(node, "proto", None)
        if proto is None or kind in LITERAL:
            continue
        for field, text in _strings(MessageToDict(proto)):
            if kind in PLAIN_OPTIONS and field in ("options", "rawValue", "rawValues", "default", "value"):
                continue
            raw_block = kind == "markdown" and text.startswith(svg_charts.GRID_CSS) and "\n" not in text
            if kind in ("html", "plotly_chart") or raw_block:  # the project page's SVG: one line of raw HTML
                found += [(kind, field, text) for fragment in HTML_RAW if fragment in text]
            else:  # what Markdown reads once the backslash escapes are taken out
                read = ESCAPED.sub("\x00", text)
                found += [(kind, field, text) for fragment in MARKDOWN_RAW if fragment in read]
    return found


def shown(at) -> str:
    """Every rendered text, to check that the hostile texts were on the page at all."""
    protos = [node.proto for node in _walk(at._tree) if getattr(node, "proto", None) is not None]
    return "\n".join(text for proto in protos for _, text in _strings(MessageToDict(proto)))


def test_every_page_shows_hostile_text_as_text(hostile_pages):
    at = app("2020-06", user=USER)  # the overview, then every page in the same session
    assert not markup_from_data(at)
    assert plain(P1) in shown(at)  # the page link's label, escaped
    assert at.sidebar.caption[0].value == plain(f"当前用户： {USER}（管理员）")
    at.query_params["project"] = P1
    at.switch_page("views/project.py").run()
    assert at.title[0].value == plain(P1) and not markup_from_data(at)
    at.selectbox(key="project").set_value(P2).run()
    assert at.title[0].value == plain(P2) and not markup_from_data(at)
    at.switch_page("views/entry.py").run()
    assert not markup_from_data(at)
    at.switch_page("views/audit.py").run()
    assert not markup_from_data(at)
    trail = at.dataframe[0].value
    assert FILE in set(trail["对象"]) and LINK not in set(trail["对象"])  # the typed name is "unknown"
    at.switch_page("views/accounts.py").run()
    assert not markup_from_data(at) and USER in set(at.dataframe[0].value["账号"])
    at.switch_page("views/settings.py").run()
    assert not markup_from_data(at)
    at.switch_page("views/exports.py").run()
    at.button(key="prepare").click().run()
    assert any(plain(P2) in w.value for w in at.warning)  # forms without 实际完成情况 warn, naming the project
    assert not markup_from_data(at)
    assert not at.exception


def test_leader_and_staff_pages_show_text_as_text(hostile_pages):
    leader = app(None, page="views/audit.py", user="demo-leader")
    assert not markup_from_data(leader)
    assert list(leader.dataframe[0].value["对象"]) == [FILE]  # the trail of their project: the upload
    staff = app("2020-06", page="views/project.py", user="demo-staff", project=P1)
    staff.selectbox(key="history_indicator").set_value(TAGS + "质量").run()
    assert staff.button(key="revert") and not markup_from_data(staff)  # the revert controls of an assigned project
    staff.switch_page("views/entry.py").run()
    # only the assigned project is offered (issue 14), its hostile name shown as text
    assert staff.selectbox(key="form_project").options == [P1] and not markup_from_data(staff)


def test_plain_escapes_every_markup_and_keeps_the_words():
    assert plain("[a](https://x.y)") == "\\[a\\]\\(https\\:\u2060\\/\\/x\\.y\\)"
    assert plain("<b>粗</b>") == "\\<b\\>粗\\<\\/b\\>"
    assert plain("www.a.b c@d.e") == "www\u2060\\.a\\.b c\u2060\\@d\\.e"
    assert plain("  第一行\n第二行 ") == "第一行 第二行"
    assert plain("上海体育文史业务经费") == "上海体育文史业务经费"  # Chinese text is untouched
