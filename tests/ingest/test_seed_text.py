"""The seed's five target tables, parsed from the PDF text export exactly as it is."""

from dataclasses import replace
from datetime import date
from decimal import Decimal

import pytest
from helpers import SEED

from core.config import load_config
from core.vocabulary import load_vocabulary
from ingest.target_records import split_overview
from ingest.target_store import validate_projects
from ingest.target_text import parse_target_text

EXPECTED = {
    "上海市体育局信息技术保障经费": {
        "budget": Decimal("3890000"),
        "prev_budget": Decimal("2670000"),
        "prev_executed": Decimal("2670000"),
        "indicators": [
            ("产出目标", "数量", "政府资源开放工作评估", "高于全市平均水平"),
            ("产出目标", "质量", "等保测评评分", ">=80分"),
            ("产出目标", "时效", "工作完成及时性", "达到既定目标"),
            ("效果目标", "经济效益", "市体育局数据中心稳定运行", "无重大安全故障"),
            ("影响力目标", "长效管理", "市体育局官网测评", "全市优秀网站"),
        ],
    },
    "上海体育公共服务经费": {
        "budget": Decimal("2150040"),
        "prev_budget": Decimal("4159007"),
        "prev_executed": Decimal("4159007"),
        "indicators": [
            ("产出目标", "数量", "预算执行率", ">=98%"),
            ("产出目标", "质量", "预算资金到位率", "=100%"),
            ("产出目标", "时效", "预算执行及时", "及时"),
            ("效果目标", "社会效益", "热线数据库", "每周更新"),
            ("影响力目标", "长效管理", "处理12345热线工单办结率", ">=95%"),
        ],
    },
    "上海体育文史业务经费": {
        "budget": Decimal("35987000"),
        "prev_budget": None,
        "prev_executed": None,
        "indicators": [
            ("产出目标", "数量", "体育藏品拍卖", "=100%"),
            ("产出目标", "数量", "藏品社会征集", "=100%"),
            ("产出目标", "数量", "体育藏品收购", "=100%"),
            ("产出目标", "质量", "体育藏品范围", "进一步扩大"),
            ("产出目标", "时效", "藏品收购时间计划", "按预算计划完成"),
            ("效果目标", "经济效益", "宣传体育文化，传播体育知识", "设计制作"),
            ("效果目标", "社会效益", "丰富体育藏品数量和质量", "同比提高"),
            ("影响力目标", "长效管理", "提升博物馆的社会知名度，让公众进一步了解上海体育历史", "参观人数、次数增加"),
            ("影响力目标", "其它", "近代体育发源地的地位进一步强化", "同比提高"),
            ("影响力目标", "其它", "提升上海体育文化在全国的影响力", "同比提高"),
        ],
    },
    "上海体育系统人员培训经费": {
        "budget": Decimal("2187000"),
        "prev_budget": None,
        "prev_executed": None,
        "indicators": [
            ("产出目标", "数量", "党校干部培训", ">=2期"),
            ("产出目标", "数量", "党校微课堂", ">=48期"),
            ("产出目标", "质量", "微课堂品质", "提高"),
            ("产出目标", "时效", "课程推出频率", "及时"),
            ("效果目标", "社会效益", "教练员岗位培训", "覆盖新任和中级"),
            ("影响力目标", "长效管理", "党员素质", "提升"),
        ],
    },
    "上海体育宣传服务经费": {
        "budget": Decimal("7700000"),
        "prev_budget": Decimal("4124000"),
        "prev_executed": Decimal("4124000"),
        "indicators": [
            ("产出目标", "数量", "预算执行率", ">=95%"),
            ("产出目标", "质量", "预算资金到位率", ">=100%"),
            ("产出目标", "时效", "预算执行及时性", "及时"),
            (
                "效果目标",
                "社会效益",
                "宣传服务",
                "舆情监控确保每天14小时人工加系统进行监控，对热点、负面舆情有预判、及时监控、汇报",
            ),
            (
                "影响力目标",
                "长效管理",
                "宣传服务经费",
                "舆情监控确保热点及负面1小时内发现、上报，为领导处置、应对提供信息。",
            ),
        ],
    },
}


@pytest.fixture(scope="module")
def config():
    return load_config()  # the file's defaults: the test stands where an edge would


@pytest.fixture(scope="module")
def seed_projects(config):
    projects, problems = parse_target_text(SEED.read_text(encoding="utf-8"), SEED.name, config)
    assert problems == []
    return {p.name: p for p in projects}


def test_five_projects_in_order(seed_projects):
    assert list(seed_projects) == list(EXPECTED)


@pytest.mark.parametrize("name", list(EXPECTED))
def test_project_figures_and_indicators(seed_projects, name):
    project, expected = seed_projects[name], EXPECTED[name]
    assert project.year == 2020
    assert project.unit == "上海市体育宣传教育中心"
    assert project.category == "其他一次性项目"
    assert (project.start_date, project.end_date) == (date(2020, 1, 1), date(2020, 12, 31))
    assert (project.gov_purchase, project.perf_type) == ("否", "其他类")
    assert project.budget == project.total_budget == expected["budget"]
    assert (project.prev_budget, project.prev_executed) == (expected["prev_budget"], expected["prev_executed"])
    got = [(i.level1, i.level2, i.level3, i.target) for i in project.indicators]
    assert got == expected["indicators"]


def test_31_indicators(seed_projects):
    assert sum(len(p.indicators) for p in seed_projects.values()) == 31


def test_name_broken_over_lines_is_joined(seed_projects):
    assert "上海市体育局信息技术保障经费" in seed_projects  # "上海市体育局信息技术保障" + blank line + "经费"


def test_prose_sections(seed_projects):
    training = seed_projects["上海体育系统人员培训经费"]
    assert "上半年推出20节在线党课，下半年推出20节在线党课和至少一个重点学习专题" in training.goals
    assert training.basis.startswith("1、根据体育局领导的工作指示完成预定的预算计划")
    hotline = seed_projects["上海体育公共服务经费"]
    assert "流转工单接单率100%，按期接单率99%以上" in hotline.goals
    assert hotline.plan.startswith("按照12345市民服务热线的要求")
    museum = seed_projects["上海体育文史业务经费"]
    assert "3-4月份现有展厅撤展；6月开展拆除工程" in museum.goals
    assert museum.necessity.startswith("上海体育博物馆是传承体育历史")
    it = seed_projects["上海市体育局信息技术保障经费"]
    assert it.measures.startswith("严格遵守中心的固定资产")
    assert it.goals.endswith("确定每年实施定期数据维护机制。")
    assert "2020年绩效目标" not in (it.goals or "")


def test_overview_split(seed_projects):
    background, content, structure = split_overview(seed_projects["上海市体育局信息技术保障经费"].overview)
    assert background.startswith("随着城市化加速发展")
    assert content.startswith("上海体育信息管理服务经费项目主要内容为")
    assert structure.startswith("该项目主要由上海市体育宣教中心申请设立")
    background, content, structure = split_overview(seed_projects["上海体育宣传服务经费"].overview)
    assert content.startswith("为了贯彻、宣传体育精神") and structure is None


def test_line_numbers_point_into_the_file(seed_projects):
    lines = SEED.read_text(encoding="utf-8").splitlines()
    museum = seed_projects["上海体育文史业务经费"]
    long_name = museum.indicators[7]
    assert lines[long_name.line - 1] == "提升博物馆的社会知名度，让公众进一步了解"


def test_labels_and_wrapping_come_from_the_config_passed_in(config):
    """The parser reads no configuration of its own: the caller's Config decides the labels and the wrap width."""
    text = SEED.read_text(encoding="utf-8")
    levels = config.levels
    fewer = replace(
        config,
        levels=replace(levels, level1_to_form={k: v for k, v in levels.level1_to_form.items() if k != "影响力目标"}),
    )
    projects, problems = parse_target_text(text, SEED.name, fewer)
    assert problems == []  # an unknown 一级 label is kept, for validation to report on each of its rows
    adds_nothing = replace(load_vocabulary(), level1={})  # data/vocabulary.toml would know it again
    unknown = [
        p for p in validate_projects(projects, SEED.name, fewer, adds_nothing) if p.code.startswith("unknown_level1")
    ]
    assert {p.value for p in unknown} == {"影响力目标"}
    assert validate_projects(projects, SEED.name, config) == []

    wide = replace(config, seed_text=replace(config.seed_text, wrapped_cell_width=1000))
    projects, _ = parse_target_text(text, SEED.name, wide)  # no cell counts as wrapped: broken names stay apart
    names = {i.level3 for p in projects for i in p.indicators}
    assert "提升博物馆的社会知名度，让公众进一步了解上海体育历史" not in names
