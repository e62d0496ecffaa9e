"""A batch of PDF forms: the CJK font prepared once for the batch and embedded once in each file, every file
carrying the glyphs of its own form, and the combined file made from the same pages (exports/forms_pdf.py)."""

from __future__ import annotations

import re
import subprocess

import pytest

from core import db
from core.config import load_config
from exports import forms, forms_pdf

pytestmark = pytest.mark.skipif(
    not any(forms_pdf.Path(p).is_file() for p, _ in forms_pdf.FONT_CANDIDATES), reason="no CJK font"
)


def pdf_text(data: bytes) -> str:
    """The text poppler's pdftotext reads from a PDF, without white space."""
    out = subprocess.run(["pdftotext", "-", "-"], input=data, capture_output=True, check=True).stdout
    return re.sub(r"\s+", "", out.decode())


def embedded_fonts(data: bytes) -> int:
    """How many font programs the PDF embeds (CFF outlines: /FontFile3, TrueType: /FontFile2)."""
    return len(re.findall(rb"/FontFile[23] ", data))


@pytest.fixture(scope="module")
def demo_forms(demo_template):
    with db.read_connection(demo_template) as con:
        config = load_config(con)
    found, notes = forms.selfeval_forms(demo_template, config, 2020)
    return found, notes, config.forms.selfeval_title


@pytest.fixture(scope="module")
def exported(demo_template, tmp_path_factory):
    """The demo's self-evaluations exported as PDF by the library function the command line calls, counting
    how often the font was prepared (``find_font`` opens the full font) and added to a document."""
    forms_pdf._prepared.cache_clear()
    calls = {"prepare": 0, "add_font": 0}
    find_font, add_font = forms_pdf.find_font, forms_pdf._Pdf.add_font

    def counting_find_font():
        calls["prepare"] += 1
        return find_font()

    def counting_add_font(self, *args, **kwargs):
        calls["add_font"] += 1
        return add_font(self, *args, **kwargs)

    with pytest.MonkeyPatch.context() as mp:
        mp.setattr(forms_pdf, "find_font", counting_find_font)
        mp.setattr(forms_pdf._Pdf, "add_font", counting_add_font)
        with db.read_connection(demo_template) as con:
            config = load_config(con)
        out = tmp_path_factory.mktemp("pdf-batch")
        done = forms.export_selfeval(demo_template, config, 2020, out, fmt="pdf")
        first = dict(calls)
        # a second batch printing the same characters reuses the prepared font (kept per process)
        found, notes = forms.selfeval_forms(demo_template, config, 2020)
        forms_pdf.selfeval_batch(found, config.forms.selfeval_title, notes)
    return done, first, calls


def test_font_prepared_once_per_batch_and_embedded_once_per_file(exported):
    done, first, total = exported
    singles = [p for p in done.files if p.suffix == ".pdf" and not p.name.endswith("全部项目.pdf")]
    assert len(singles) == 5  # the demo's five projects
    # one preparation for the batch; one font added to each of the 5 files and to the combined file
    assert first == {"prepare": 1, "add_font": 5 + 1}
    assert total == {"prepare": 1, "add_font": 5 + 1}  # the second batch prepared nothing
    for path in done.files:
        if path.suffix == ".pdf":
            assert embedded_fonts(path.read_bytes()) == 1, path.name


def test_each_file_carries_the_glyphs_of_its_form(exported, demo_forms):
    done, _, _ = exported
    found, notes, title = demo_forms
    for form in found:
        path = next(p for p in done.files if p.name == f"自评表_2020_{forms.safe_file_name(form.name)}.pdf")
        text = pdf_text(path.read_bytes())
        plan = forms_pdf._selfeval_plan(form, title, notes.get(form.name, ""))
        printed = {ch for cell in plan.texts() for ch in cell if not ch.isspace()} - set("备注：注；……（全文见XLSX）")
        missing = printed - set(text)
        assert not missing, (form.name, sorted(missing))  # every character drawn and read back as itself
        assert form.name in text and f"{form.total_score:.2f}" in text and "第1页" in text


def test_combined_file_is_the_same_pages_numbered_through(exported, demo_forms):
    done, _, _ = exported
    found, notes, title = demo_forms
    combined = next(p for p in done.files if p.name.endswith("全部项目.pdf")).read_bytes()
    assert embedded_fonts(combined) == 1  # one font for every project, not one per copied page
    drawn_afresh = forms_pdf.selfeval_pdf(found, title, notes)  # laid out again, straight into one file
    pages = subprocess.run(["pdfinfo", "-"], input=combined, capture_output=True, check=True).stdout.decode()
    count = int(re.search(r"Pages:\s+(\d+)", pages).group(1))
    for page in (1, count):
        args = ["-f", str(page), "-l", str(page)]
        copied, afresh = (
            subprocess.run(["pdftotext", *args, "-", "-"], input=data, capture_output=True, check=True).stdout
            for data in (combined, drawn_afresh)
        )
        assert copied == afresh and f"第 {page} 页，共 {count} 页".encode() in copied
    for form in found:
        assert form.name in pdf_text(combined)
