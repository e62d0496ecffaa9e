"""Target tables in three layouts, each written in five forms, read by labels to the same hand-written
expectations (docs/domain.md §9); a truncated second project loads as 不完整 with its cells listed."""

from dataclasses import replace

import pytest
from target_layouts import FORMS, LAYOUTS, MUNICIPAL, TRUNCATED_NAME, UP, file_rows, truncated_missing, write

from core.config import load_config
from core.vocabulary import load_vocabulary
from ingest.target_cells import inspect_docx
from ingest.target_form import ticked_items
from ingest.target_store import incomplete_problems, parse_targets_file, validate_projects


@pytest.fixture(scope="module")
def config():
    return load_config()


@pytest.mark.parametrize("form", FORMS)
@pytest.mark.parametrize("layout", LAYOUTS, ids=lambda layout: layout.name)
def test_every_field_and_indicator_in_every_form(layout, form, tmp_path, config):
    path = write(file_rows(layout), form, tmp_path, layout.name)
    projects, problems = parse_targets_file(path, config)
    assert problems == []
    assert validate_projects(projects, path.name, config) == []  # every 一级/二级 word is known
    whole, cut = projects
    for key, expected in layout.project.items():
        assert getattr(whole, key) == expected, key
    got = [(i.level1, i.level2, i.level3, i.target, i.level_weight) for i in whole.indicators]
    assert got == layout.indicators
    assert whole.complete and whole.missing == [] and whole.warnings == []

    # the second project: cut short after its third indicator row; the title is the line after the first project
    assert cut.name == TRUNCATED_NAME and not cut.complete
    assert cut.missing == truncated_missing(layout, len(layout.rows) + 1)
    assert [i.level3 for i in cut.indicators] == ["开放场馆数", "开放时长达标率", ""]  # nothing present dropped
    assert [i.target for i in cut.indicators] == ["≥20个", "", ""]
    assert cut.budget == 300000  # 30 万元
    assert [p.code for p in incomplete_problems(projects, path.name)] == ["incomplete_project"]


def test_checkbox_lists_yield_the_ticked_items():
    vocab = load_vocabulary()
    assert ticked_items("经常性专项业务费√ 其他经常性项目□ 一次性项目□", vocab) == "经常性专项业务费"
    assert ticked_items("□设备购置 √专项业务 ☑其他", vocab) == "专项业务、其他"  # two ticked: both kept
    assert ticked_items("A□ B□", vocab) is None  # nothing ticked: 未勾选, listed as missing
    assert ticked_items("其他一次性项目", vocab) == "其他一次性项目"  # no checkbox list at all


def test_unknown_words_are_refused_with_the_closest_known_one(tmp_path, config):
    rows = [list(r) for r in MUNICIPAL.rows]
    rows[13] = ["产出木标", "数两", "市民体育节赛事活动", ">=300项"]  # two typos
    path = write(rows, "pipe", tmp_path, "typos")
    projects, problems = parse_targets_file(path, config)
    assert problems == []
    found = validate_projects(projects, path.name, config)
    level1 = [p for p in found if p.code == "unknown_level1_near"]
    assert [p.line for p in level1] == [14, 15]  # the 一级 cell spans both rows: each is reported
    assert level1[0].params["suggestion"] == "产出目标" and level1[0].value == "产出木标"
    (level2,) = [p for p in found if p.code == "unknown_level2"]
    assert level2.line == 14 and "是否应为“数量”" in level2.format()


def test_level_words_come_from_the_vocabulary_file(tmp_path, config):
    """An admin extends data/vocabulary.toml; without 成本指标 in it (or the config) the table is refused."""
    vocab = load_vocabulary()
    fewer = replace(vocab, level1={k: v for k, v in vocab.level1.items() if k != "成本指标"})
    levels = replace(
        config.levels, level1_to_form={k: v for k, v in config.levels.level1_to_form.items() if k != "成本指标"}
    )
    path = write(file_rows(LAYOUTS[2], with_truncated=False), "tab", tmp_path, "four")
    projects, _ = parse_targets_file(path, config)
    found = validate_projects(projects, path.name, replace(config, levels=levels), fewer)
    assert {p.value for p in found} == {"成本指标"}


def test_a_header_without_an_indicator_table_loads_flagged(tmp_path, config):
    rows = [r for r in MUNICIPAL.rows[:12]]  # up to 年度绩效目标: no indicator table at all
    projects, problems = parse_targets_file(write(rows, "xlsx", tmp_path, "header_only"), config)
    assert problems == []
    (project,) = projects
    assert project.indicators == [] and project.missing == ["绩效指标表（未找到指标表）"]
    assert project.project_type == "经常性专项业务费"


def test_a_docx_that_is_no_zip_is_refused_before_parsing(tmp_path, config):
    fake = tmp_path / "fake.docx"
    fake.write_bytes(b"not a zip at all")
    assert inspect_docx(fake, "fake.docx", config.limits).code == "not_docx"
    bomb = tmp_path / "bomb.docx"
    import zipfile

    with zipfile.ZipFile(bomb, "w", zipfile.ZIP_DEFLATED) as zf:
        zf.writestr("word/document.xml", b"<a/>" + b" " * (8 * 1024 * 1024))  # 8 MB of blanks: ratio ≫ 100
    assert inspect_docx(bomb, "bomb.docx", config.limits).code == "compression_ratio"


def test_a_level_printing_more_points_than_the_form_has_is_refused(tmp_path, config):
    rows = [list(r) for r in LAYOUTS[0].rows]
    rows[8] = [UP, "产出指标（500分）", "数量指标", "举办赛事场次", "≥12场"]
    path = write(rows, "tab", tmp_path, "points")
    projects, _ = parse_targets_file(path, config)
    found = validate_projects(projects, path.name, config)
    assert {(p.code, p.value) for p in found} == {("weight_range", "500")}
    assert [p.line for p in found] == [9, 10, 11]  # the 一级 cell spans its three rows
