"""The self-evaluation PDF read back: 一级/二级 labels merged down their groups, figures never broken across lines
(exports/forms_pdf.py)."""

from __future__ import annotations

import dataclasses
import subprocess

import pytest

from core import db
from core.config import load_config
from exports import forms, forms_pdf

pytestmark = pytest.mark.skipif(
    not any(forms_pdf.Path(p).is_file() for p, _ in forms_pdf.FONT_CANDIDATES), reason="no CJK font"
)
MUSEUM = "上海体育文史业务经费"


def layout_text(data: bytes) -> str:
    """The PDF's text as ``pdftotext -layout`` places it: one printed line per line."""
    return subprocess.run(
        ["pdftotext", "-layout", "-", "-"], input=data, capture_output=True, check=True
    ).stdout.decode()


@pytest.fixture(scope="module")
def museum(demo_template):
    with db.read_connection(demo_template) as con:
        config = load_config(con)
    (form,), _ = forms.selfeval_forms(demo_template, config, 2020, MUSEUM)
    return form, config.forms.selfeval_title


def test_level_labels_print_once_per_merged_block(museum):
    form, title = museum
    text = layout_text(forms_pdf.selfeval_pdf([form], title))
    # the museum's indicators: 产出 5 rows (数量 3, 质量 1, 时效 1), 效益 5 rows (经济 1, 社会 1, 长效 1, 其它 2)
    assert text.count("产出指标") == 1 and text.count("效益指标") == 1
    assert text.count("其它") == 1  # 二级 其它 spans its two indicators
    assert "56.25分" in text and "33.75分" in text  # 一级 weights (5 × 11.25, 5 × 6.75), never split


def test_a_long_figure_stays_on_one_line(museum):
    form, title = museum
    # a 年初预算数 too wide for its 28 mm column at 8 pt: the cell's font shrinks rather than break the figure
    wide = dataclasses.replace(form, budget_start=1234567890123.8)
    text = layout_text(forms_pdf.selfeval_pdf([wide], title))
    assert "1,234,567,890,123.80" in text
    assert "33,467,910.00" in text  # the other figures as before
    assert "98.44%" in text  # 执行率 33,467,910 ÷ 34,000,000


def test_wrapping_keeps_figures_and_breaks_between_cjk_characters():
    pdf = forms_pdf._new_pdf(forms_pdf.prepare_font("参观人数同比下降，上年人次"))
    pdf.add_page()
    pdf.set_font("cjk", size=8)
    wrapped = forms_pdf._wrap(pdf, "参观人数10,800人次，同比下降92.3%（上年139,500人次）", 20)
    lines = wrapped.split("\n")
    assert len(lines) > 1 and "".join(lines) == "参观人数10,800人次，同比下降92.3%（上年139,500人次）"
    assert any("10,800" in line for line in lines) and any("139,500" in line for line in lines)
    assert any("92.3%" in line for line in lines)
    assert not any(line.startswith(("，", "）")) for line in lines)  # closing punctuation stays with its word
