"""The monthly briefing (月度绩效简报, exports/briefing.py): the demo's June page read back, one page, the PNG;
the missing uploads from the grey lights; many lights cut to one page; the status table's number formats."""

from __future__ import annotations

import csv
import io
import logging
import re
import shutil
import subprocess
from contextlib import contextmanager
from datetime import date

import pypdfium2 as pdfium
import pytest
from helpers import run_cli
from openpyxl import load_workbook
from PIL import Image

from core import db
from core.config import load_config
from exports import briefing, forms_pdf
from exports.status_table import status_csv, status_xlsx
from metrics.status import compute_status

pytestmark = pytest.mark.skipif(
    not any(forms_pdf.Path(p).is_file() for p, _ in forms_pdf.FONT_CANDIDATES), reason="no CJK font"
)
TRAINING, MUSEUM, IT = "上海体育系统人员培训经费", "上海体育文史业务经费", "上海市体育局信息技术保障经费"


def pdf_text(path) -> str:
    """The text poppler reads from the PDF, without white space (a cell's wrapped lines join up)."""
    out = subprocess.run(["pdftotext", str(path), "-"], capture_output=True, text=True, check=True).stdout
    return re.sub(r"\s+", "", out)


class Said(logging.Handler):
    """What fpdf2 logs while a page is made (it warns of a character the cut font lacks, then prints nothing)."""

    def __init__(self) -> None:
        super().__init__(logging.WARNING)
        self.messages: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.messages.append(record.getMessage())

    @contextmanager
    def listening(self):
        logger = logging.getLogger("fpdf")
        logger.addHandler(self)
        try:
            yield self
        finally:
            logger.removeHandler(self)


@pytest.fixture(scope="module")
def june(demo_template, tmp_path_factory):
    """The June briefing made once by the real command, PDF and PNG (and what fpdf2 said meanwhile)."""
    folder = tmp_path_factory.mktemp("briefing")
    demo = folder / "demo.duckdb"
    shutil.copyfile(demo_template, demo)
    pdf, png = folder / "简报.pdf", folder / "简报.png"
    with Said().listening() as said:
        result = run_cli("export", "briefing", "--month", "2020-06", "--out", str(pdf), "--png", str(png), db=demo)
    return result, pdf, png, said.messages


def test_the_command_writes_both_files(june):
    result, pdf, png, said = june
    assert result.returncode == 0, result.stderr
    assert not [m for m in said if "missing" in m]  # every character printed is in the cut font
    assert result.stdout.startswith("2020年6月 绩效简报：5个项目，红灯指标3个")
    assert str(pdf) in result.stdout and str(png) in result.stdout


def test_june_reads_back(june):
    _, pdf, _, _ = june
    text = pdf_text(pdf)
    assert "上海市体育宣传教育中心" in text and "2020年6月绩效简报" in text
    for name in (IT, "上海体育公共服务经费", MUSEUM, TRAINING, "上海体育宣传服务经费"):
        assert name in text, name
    # budget 3,890,000 + 2,150,040 + 35,987,000 + 2,187,000 + 7,700,000 = 51,914,040 元 = 5,191.40万元;
    # executed 1,400,400 + 855,715.92 + 4,318,440 + 437,400 + 3,465,000 = 10,476,955.92 元 = 1,047.70万元;
    # 10,476,955.92 / 51,914,040 = 20.2% against time progress 6/12 = 50%: 29.8 points behind
    assert "5,191.40万元" in text and "1,047.70万元" in text
    assert "20.2%" in text and "落后29.8个百分点" in text
    # 3 red indicators (党校干部培训, 教练员岗位培训, the museum's visitors), 15 yellow
    assert "6月红灯指标3个、黄灯指标15个；全单位执行率20.2%，时间进度50%，落后29.8个百分点。" in text
    # the red indicators with the dashboard's own reasons, and the staff's words
    assert "党校干部培训" in text and "截至6月完成0期，计划应达1期（0%），低于60%为红灯" in text
    assert "教练员岗位培训" in text and "6月评级：未达成" in text
    assert "偏差原因：疫情期间暂停集中培训" in text and "纠偏措施：下半年改为线上线下结合分批培训" in text
    assert "提升博物馆的社会知名度" in text and "截至6月参观9,300人次，上年同期63,600（-85.4%）" in text
    # the budget lights: training 20.0% ÷ 50% = 40% and the museum 12.0% ÷ 50% = 24%, both under 60%: red
    assert "执行率÷时间进度=40.0%，低于60%为红灯" in text and "执行率÷时间进度=24.0%，低于60%为红灯" in text
    assert "应报未报（0项）" in text and "6月应报数据均已上传" in text


def test_one_page_and_a_png_for_a_phone(june):
    _, pdf, png, _ = june
    doc = pdfium.PdfDocument(str(pdf))
    assert len(doc) == 1
    assert round(doc[0].get_width()) == 595 and round(doc[0].get_height()) == 842  # A4 in points
    doc.close()
    with Image.open(png) as image:
        # 1240 px over 210 mm; the height keeps A4's proportion: 1240 × 297 / 210 = 1753.7
        assert image.size[0] == 1240 and abs(image.size[1] - 1754) <= 1


def test_png_alone_and_no_year(demo_copy, tmp_path):
    out = tmp_path / "简报.png"
    run_cli("export", "briefing", "--month", "2020-06", "--out", str(out), db=demo_copy, check=True)
    assert out.read_bytes().startswith(b"\x89PNG") and not (tmp_path / "简报.pdf").exists()
    none = run_cli("export", "briefing", "--month", "2019-06", "--out", str(tmp_path / "x.pdf"), db=demo_copy)
    assert none.returncode == 2 and "2019年没有项目" in none.stderr and "Traceback" not in none.stderr


def test_missing_uploads_come_from_the_grey_reasons(demo_copy):
    with db.read_connection(demo_copy) as con:
        config = load_config(con)
        september = briefing.gather(con, config, 2020, 9)
        june = briefing.gather(con, config, 2020, 6)
    # the demo leaves 工作完成及时性's September rating out (due_missing); June has every upload
    assert september.missing == [f"{IT} · 工作完成及时性：9月评级未填报"]
    assert june.missing == []
    # the S-curve ends at the headline 执行率 (both 10,476,955.92 / 51,914,040)
    assert [m for m, _ in june.curve] == [1, 2, 3, 4, 5, 6]
    assert june.curve[-1][1] == pytest.approx(june.execution_rate, abs=1e-4)
    # in a project, reds before yellows; projects worst first (training: 2 red, museum: 1 red and 7 yellow)
    assert [p.name for p in june.projects[:2]] == [TRAINING, MUSEUM]
    museum = [f.light for f in june.flags if f.project == MUSEUM]
    assert museum == sorted(museum, key=lambda s: s != "red")


def test_many_lights_still_one_page(tmp_path):
    """60 red and 60 yellow lights over 40 projects: the reds first, the rest counted, one page."""
    flags = [
        briefing.Flag("red" if k % 2 else "yellow", f"项目{k % 40}", f"指标{k}", "截至6月完成0期，低于60%为红灯" * 2)
        for k in range(120)
    ]
    lines = [briefing.ProjectLine(f"项目{k}", "red", 0.2, 3, 3) for k in range(40)]
    many = briefing.Briefing(
        2020,
        6,
        "某单位",
        date(2020, 7, 1),
        1e8,
        2e7,
        0.2,
        0.5,
        {"red": 60, "yellow": 60, "green": 0, "blue": 0, "grey": 0},
        "red",
        [(6, 0.2)],
        lines,
        flags,
        [f"项目{k} · 指标：6月实际值未填报" for k in range(30)],
    )
    pdf = tmp_path / "many.pdf"
    with Said().listening() as said:
        pdf.write_bytes(briefing.briefing_pdf(many))
    assert not [m for m in said.messages if "missing" in m]  # the counting lines' words are in the font too
    doc = pdfium.PdfDocument(str(pdf))
    assert len(doc) == 1
    doc.close()
    text = pdf_text(pdf)
    assert re.search(r"另有\d+项（其中红灯\d+项）未列出", text)  # not every red fits: the count says so
    assert "另有" in text and "个项目未列出" in text  # the project list is cut too
    assert "应报未报（30项）" in text and re.search(r"另有\d+项未列出", text)


# -- the status table's downloads: real number formats, 是/否, Chinese headers ------------------------------


@pytest.fixture(scope="module")
def june_report(demo_template, tmp_path_factory):
    path = tmp_path_factory.mktemp("status") / "demo.duckdb"
    shutil.copyfile(demo_template, path)
    with db.read_connection(path) as con:
        return compute_status(con, load_config(con), 2020, 6)


def test_status_xlsx_number_formats(june_report):
    ws = load_workbook(io.BytesIO(status_xlsx(june_report))).worksheets[0]
    head = [c.value for c in ws[1]]
    assert head[:7] == ["月份", "项目", "项目状态", "当年预算（元）", "累计执行（元）", "执行率", "时间进度"]
    rows = {(r[1].value, r[10].value): r for r in ws.iter_rows(min_row=2)}
    it = rows[(IT, "等保测评评分")]
    assert it[3].value == 3_890_000 and it[3].number_format == "#,##0.00"  # money: 3,890,000.00
    assert it[5].value == 0.36 and it[5].number_format == "0.0%"  # 1,400,400 / 3,890,000 = 36.0%
    assert it[6].value == 0.5 and it[6].number_format == "0.0%"  # 6/12
    assert it[12].value == 81 and it[12].number_format == "#,##0"  # 81分: a count
    assert it[15].value == "否"
    rate = rows[("上海体育公共服务经费", "预算执行率")]
    assert rate[12].value == pytest.approx(0.398) and rate[12].number_format == "0.0%"  # 39.8 points → 39.8%
    hours = rows[("上海体育宣传服务经费", "宣传服务经费")]  # the slowest report: 0.7667 h = 46 min
    # a time cell: 0.7667 h ÷ 24 of a day, read back as 46 minutes, shown as 0小时46分
    assert round(hours[12].value.total_seconds() / 60) == 46 and "小时" in hours[12].number_format
    assert {r[15].value for r in ws.iter_rows(min_row=2)} <= {"是", "否"}
    assert all(isinstance(r[3].value, float | int) for r in ws.iter_rows(min_row=2))


def test_status_csv_keeps_numbers_and_says_yes_no(june_report):
    rows = list(csv.reader(io.StringIO(status_csv(june_report).decode("utf-8-sig"))))
    assert rows[0][15] == "有风险" and rows[0][5] == "执行率"
    it = next(r for r in rows if r[1] == IT and r[10] == "等保测评评分")
    assert it[5] == "0.36" and it[15] == "否"  # machine-readable: the share as it is
    assert {r[15] for r in rows[1:]} <= {"是", "否"}


def test_a_scoped_briefing_holds_only_the_viewers_projects(demo_template):
    """A unit's leader forwards their own unit's briefing: another unit's projects and spending stay out."""
    with db.connect(demo_template, read_only=True) as con:
        ids = dict(con.execute("SELECT name, project_id FROM project WHERE year = 2020").fetchall())
        made = briefing.gather(con, load_config(), 2020, 6, project_ids={ids[IT]})
    assert [line.name for line in made.projects] == [IT]
    assert {f.project for f in made.flags} <= {IT}
    # the IT project alone: budget 3,890,000 元 (the whole unit's 51,914,040 is not shown)
    assert made.budget == pytest.approx(3_890_000)
