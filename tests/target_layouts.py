"""Target tables in the layouts units hold (docs/domain.md §9), each described once in code and written
in every input form: PDF text export, pipe table, tab table, XLSX form, DOCX form.

A layout is rows of cells.  ``UP`` is a cell merged with the one above (a 一级 spanning its rows),
``LEFT`` one merged with the cell to its left (a value spanning the row); both are empty in a copied
table, gone in a text export, and real merged cells in XLSX and DOCX.  ``""`` is a cell left empty.
Every row is one line (or sheet row, or Word paragraph/table row), so line numbers agree in all forms.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from pathlib import Path

UP, LEFT = "^", "<"
FORMS = ("text", "pipe", "tab", "xlsx", "docx")


@dataclass(frozen=True)
class Layout:
    name: str
    rows: list[list[str]]
    project: dict  # expected project fields
    indicators: list[tuple]  # expected (level1, level2, level3, target, level_weight)


DISTRICT = Layout(
    "district",
    [
        ["2022年度区级财政项目支出绩效目标表"],
        ["项目名称", "全民健身赛事经费", "主管部门及代码", "[042]区体育局", LEFT],
        ["实施单位", "区体育事业发展中心", "项目负责人", "张三", LEFT],
        ["项目资金（万元）", "年度资金总额", "120", LEFT, LEFT],
        [UP, "其中：财政拨款", "100", LEFT, LEFT],
        [UP, "其他资金", "20", LEFT, LEFT],
        ["年度目标", "全年举办全民健身赛事12场，参赛1.5万人次", LEFT, LEFT, LEFT],
        ["绩效指标", "一级指标", "二级指标", "三级指标", "指标值"],
        [UP, "产出指标（40分）", "数量指标", "举办赛事场次", "≥12场"],
        [UP, UP, "质量指标", "赛事安全事故", "0起"],
        [UP, UP, "时效指标", "赛事完成时间", "12月31日前完成"],
        [UP, "成本指标（10分）", "经济成本指标", "单场赛事成本", "≤10万元"],
        [UP, "效益指标（30分）", "社会效益指标", "参赛人次", "≥1.5万人次"],
        [UP, "满意度指标（10分）", "服务对象满意度指标", "参赛群众满意度", "≥90%"],
    ],
    {
        "year": 2022,
        "name": "全民健身赛事经费",
        "department": "区体育局",  # "[042]" is the department's code, not its name
        "implementing_unit": "区体育事业发展中心",
        "unit": "区体育事业发展中心",  # no 申报单位: the implementing unit reports
        "project_lead": "张三",
        "budget_initial": Decimal("1200000"),  # 120 万元 × 10,000
        "budget": Decimal("1200000"),
        "budget_fiscal": Decimal("1000000"),  # 100 万元
        "budget_other": Decimal("200000"),  # 20 万元; 100 + 20 = 120, no warning
        "goals": "全年举办全民健身赛事12场，参赛1.5万人次",
        "start_date": None,
        "project_type": None,
    },
    [
        ("产出指标", "数量指标", "举办赛事场次", "≥12场", 40.0),
        ("产出指标", "质量指标", "赛事安全事故", "0起", 40.0),
        ("产出指标", "时效指标", "赛事完成时间", "12月31日前完成", 40.0),
        ("成本指标", "经济成本指标", "单场赛事成本", "≤10万元", 10.0),
        ("效益指标", "社会效益指标", "参赛人次", "≥1.5万人次", 30.0),
        ("满意度指标", "服务对象满意度指标", "参赛群众满意度", "≥90%", 10.0),
    ],
)

MUNICIPAL = Layout(
    "municipal",
    [
        ["上海市市级财政项目绩效目标申报表"],
        ["（2021年度）"],
        ["项目名称", "上海市民体育节经费", LEFT, LEFT],
        ["主管部门及代码", "[042]上海市体育局", "实施单位", "上海市体育宣传教育中心"],
        ["项目负责人", "李四", "项目来源", "年度常规工作"],
        ["项目类型", "经常性专项业务费√ 其他经常性项目□ 一次性项目□", LEFT, LEFT],
        ["资金用途", "□设备购置 √专项业务 □其他", LEFT, LEFT],
        ["项目期", "2021-01-01至2021-12-31", LEFT, LEFT],
        ["项目资金（元）", "年度资金总额", "3,890,000", LEFT],
        [UP, "其中：财政拨款", "3,890,000", LEFT],
        [UP, "其他资金", "0", LEFT],
        ["年度绩效目标", "办好第三届上海市民体育节", LEFT, LEFT],
        ["一级目标", "二级目标", "三级目标", "指标目标值"],
        ["产出目标", "数量", "市民体育节赛事活动", ">=300项"],
        [UP, "质量", "赛事安全事故", "0起"],
        ["效果目标", "社会效益", "参与人次", "≥1.5万人次"],
        ["影响力目标", "长效管理", "赛事品牌影响力", "进一步扩大"],
    ],
    {
        "year": 2021,  # from the title's （2021年度）
        "name": "上海市民体育节经费",
        "department": "上海市体育局",
        "implementing_unit": "上海市体育宣传教育中心",
        "unit": "上海市体育宣传教育中心",
        "project_lead": "李四",
        "source": "年度常规工作",
        "project_type": "经常性专项业务费",  # the ticked one of three
        "fund_use": "专项业务",  # ticks before the items here
        "start_date": date(2021, 1, 1),
        "end_date": date(2021, 12, 31),
        "budget_initial": Decimal("3890000"),  # in 元: no conversion
        "budget": Decimal("3890000"),
        "budget_fiscal": Decimal("3890000"),
        "budget_other": Decimal("0"),
        "goals": "办好第三届上海市民体育节",
    },
    [
        ("产出目标", "数量", "市民体育节赛事活动", ">=300项", None),
        ("产出目标", "质量", "赛事安全事故", "0起", None),
        ("效果目标", "社会效益", "参与人次", "≥1.5万人次", None),
        ("影响力目标", "长效管理", "赛事品牌影响力", "进一步扩大", None),
    ],
)

FOUR_PART = Layout(
    "four_part",
    [
        ["2021年度项目支出绩效目标表"],
        ["项目名称", "青少年体育培训经费", LEFT, LEFT],
        ["主管部门", "区体育局", LEFT, LEFT],
        ["实施单位", "区青少年业余体校", LEFT, LEFT],
        ["开始时间", "2021年1月", "结束时间", "2021年12月"],
        ["项目资金（万元）", "年度资金总额", "50", LEFT],
        [UP, "其中：财政拨款", "45", LEFT],
        [UP, "其他资金", "5", LEFT],
        ["总目标", "培养青少年体育后备人才", LEFT, LEFT],
        ["年度目标", "全年开展培训200期", LEFT, LEFT],
        ["一级指标", "二级指标", "三级指标", "指标值"],
        ["产出指标", "数量指标", "培训期数", "≥200期"],
        [UP, "质量指标", "结业合格率", "≥95%"],
        [UP, "时效指标", "培训完成时间", "年底前"],
        ["效益指标", "社会效益指标", "参训青少年人数", "≥2000人"],
        [UP, "可持续影响指标", "后备人才输送", "持续"],
        ["满意度指标", "服务对象满意度指标", "家长满意度", "≥90%"],
        ["成本指标", "经济成本指标", "人均培训成本", "≤250元"],
        [UP, "社会成本指标", "扰民投诉", "0起"],
        [UP, "生态环境成本指标", "场馆能耗", "≤上年"],
    ],
    {
        "year": 2021,
        "name": "青少年体育培训经费",
        "department": "区体育局",
        "implementing_unit": "区青少年业余体校",
        "unit": "区青少年业余体校",
        "start_date": date(2021, 1, 1),  # 2021年1月: its first day
        "end_date": date(2021, 12, 31),  # 2021年12月: its last day
        "budget_initial": Decimal("500000"),  # 50 万元
        "budget": Decimal("500000"),
        "budget_fiscal": Decimal("450000"),
        "budget_other": Decimal("50000"),
        "goals": "总目标：培养青少年体育后备人才\n年度目标：全年开展培训200期",  # both kept, each named
        "project_lead": None,
    },
    [
        ("产出指标", "数量指标", "培训期数", "≥200期", None),
        ("产出指标", "质量指标", "结业合格率", "≥95%", None),
        ("产出指标", "时效指标", "培训完成时间", "年底前", None),
        ("效益指标", "社会效益指标", "参训青少年人数", "≥2000人", None),
        ("效益指标", "可持续影响指标", "后备人才输送", "持续", None),
        ("满意度指标", "服务对象满意度指标", "家长满意度", "≥90%", None),
        ("成本指标", "经济成本指标", "人均培训成本", "≤250元", None),
        ("成本指标", "社会成本指标", "扰民投诉", "0起", None),
        ("成本指标", "生态环境成本指标", "场馆能耗", "≤上年", None),
    ],
)

LAYOUTS = (DISTRICT, MUNICIPAL, FOUR_PART)
TRUNCATED_NAME = "体育场馆开放补贴"


def truncated(layout: Layout) -> list[list[str]]:
    """A second project in the layout's own header and words, cut short: one whole indicator row, one
    without its value, and one naming only its levels; the file ends there."""
    head = next(row for row in layout.rows if any(c in ("三级指标", "三级目标") for c in row))
    width = len(head)
    lead = [UP] * (width - 4)  # the 绩效指标 caption column, when the layout has one
    first = next(row for row in layout.rows[layout.rows.index(head) + 1 :])[width - 4 :]
    other = next(ind for ind in layout.indicators if ind[0] != layout.indicators[0][0])
    title = [c for c in layout.rows[0] if c][0]
    year = str(layout.project["year"])
    return [
        [title if year in title else f"{year}年度项目支出绩效目标表"],
        ["项目名称", TRUNCATED_NAME] + [LEFT] * (width - 2),
        ["实施单位", "区体育事业发展中心"] + [LEFT] * (width - 2),
        ["项目资金（万元）", "年度资金总额", "30"] + [LEFT] * (width - 3),
        head,
        lead + [first[0], first[1], "开放场馆数", "≥20个"],
        lead + [UP, _second_level2(layout), "开放时长达标率", ""],
        lead + [_raw_level1(layout, other[0]), _raw_level2(layout, other[1]), "", ""],
    ]


def _second_level2(layout: Layout) -> str:
    return layout.indicators[1][1]


def _raw_level1(layout: Layout, level1: str) -> str:
    for row in layout.rows:
        for cell in row:
            if cell.startswith(level1):
                return cell
    return level1


def _raw_level2(layout: Layout, level2: str) -> str:
    return level2


def truncated_missing(layout: Layout, first_line: int) -> list[str]:
    """The cells the truncated project leaves empty, as the reader lists them (column by column).

    ``first_line``: the line of its title; its value-less row is 6 lines below, the levels-only row 7."""
    value_less, levels_only = first_line + 6, first_line + 7
    return [
        f"三级指标（第{levels_only}行）",
        f"指标值（第{value_less}行“开放时长达标率”）",
        f"指标值（第{levels_only}行）",
    ]


def file_rows(layout: Layout, with_truncated: bool = True) -> list[list[str]]:
    return layout.rows + (truncated(layout) if with_truncated else [])


def _plain(cell: str) -> str:
    return "" if cell in (UP, LEFT) else cell


def write(rows: list[list[str]], form: str, folder: Path, stem: str) -> Path:
    """The rows as a file of ``form``."""
    if form == "text":  # what PDF extraction leaves: words separated by spaces, empty cells gone
        path = folder / f"{stem}.txt"
        path.write_text("\n".join(" ".join(c for c in map(_plain, row) if c) for row in rows) + "\n", "utf-8")
    elif form == "pipe":
        path = folder / f"{stem}_pipe.txt"
        path.write_text("\n".join("| " + " | ".join(map(_plain, row)) + " |" for row in rows) + "\n", "utf-8")
    elif form == "tab":
        path = folder / f"{stem}_tab.txt"
        path.write_text("\n".join("\t".join(map(_plain, row)) for row in rows) + "\n", "utf-8")
    elif form == "xlsx":
        path = folder / f"{stem}.xlsx"
        _xlsx(rows, path)
    elif form == "docx":
        path = folder / f"{stem}.docx"
        _docx(rows, path)
    else:
        raise ValueError(form)
    return path


def _spans(rows: list[list[str]]) -> list[tuple[int, int, int, int]]:
    """Merged ranges (first row, first column, last row, last column), 0-based, from the UP/LEFT marks."""
    spans = []
    for r, row in enumerate(rows):
        for c, cell in enumerate(row):
            if cell in (UP, LEFT):
                continue
            last_c = c
            while last_c + 1 < len(row) and row[last_c + 1] == LEFT:
                last_c += 1
            last_r = r
            while last_r + 1 < len(rows) and c < len(rows[last_r + 1]) and rows[last_r + 1][c] == UP:
                last_r += 1
            if (last_r, last_c) != (r, c):
                spans.append((r, c, last_r, last_c))
    return spans


def _xlsx(rows: list[list[str]], path: Path) -> None:
    from openpyxl import Workbook

    wb = Workbook()
    ws = wb.active
    for r, row in enumerate(rows, start=1):
        for c, cell in enumerate(row, start=1):
            if _plain(cell):
                ws.cell(r, c, cell)
    for r0, c0, r1, c1 in _spans(rows):
        ws.merge_cells(start_row=r0 + 1, start_column=c0 + 1, end_row=r1 + 1, end_column=c1 + 1)
    wb.save(path)


def _docx(rows: list[list[str]], path: Path) -> None:
    """Title rows (one cell) as paragraphs; each run of table rows as one Word table with merged cells."""
    import docx

    document = docx.Document()
    k = 0
    while k < len(rows):
        if len(rows[k]) == 1:
            document.add_paragraph(rows[k][0])
            k += 1
            continue
        block = []
        while k < len(rows) and len(rows[k]) > 1:
            block.append(rows[k])
            k += 1
        width = max(len(r) for r in block)
        table = document.add_table(rows=len(block), cols=width)
        for r, row in enumerate(block):
            for c, cell in enumerate(row):
                if _plain(cell):
                    table.cell(r, c).text = cell
        for r0, c0, r1, c1 in _spans(block):
            text = table.cell(r0, c0).text
            merged = table.cell(r0, c0).merge(table.cell(r1, c1))
            merged.text = text  # merging joins the cells' paragraphs; keep the first cell's text alone
    document.save(str(path))
