"""Each project's exported file has its own name, so none overwrites another or repeats in the ZIP."""

from __future__ import annotations

import zipfile
from types import SimpleNamespace

from exports import forms
from exports.forms import unique_file_name


def test_names_that_clean_to_the_same_file_get_a_number():
    taken: set[str] = set()
    # "体育/培训" and "体育.培训" both clean to 体育_培训; "体育_培训" is that name already; case is ignored
    names = [unique_file_name(n, taken) for n in ["体育/培训", "体育.培训", "体育_培训", "Sport", "sport"]]
    assert names == ["体育_培训", "体育_培训_2", "体育_培训_3", "Sport", "sport_2"]


def test_names_cut_at_80_characters_stay_apart():
    taken: set[str] = set()
    long = "上" * 90
    assert [unique_file_name(long + "A", taken), unique_file_name(long + "B", taken)] == ["上" * 80, "上" * 80 + "_2"]


def test_the_zip_holds_every_project_once(tmp_path):
    named = [SimpleNamespace(name=n) for n in ["体育/培训", "体育.培训", "宣传"]]
    renderer = SimpleNamespace(files=lambda: iter([b"1", b"2", b"3"]), combined=lambda: b"all")
    written = forms._write_all(tmp_path, "自评表_2020", named, renderer, "pdf", None)
    with zipfile.ZipFile(written[-1]) as zf:
        entries = {n: zf.read(n) for n in zf.namelist()}
    assert entries == {
        "自评表_2020_体育_培训.pdf": b"1",
        "自评表_2020_体育_培训_2.pdf": b"2",
        "自评表_2020_宣传.pdf": b"3",
        "自评表_2020_全部项目.pdf": b"all",
    }
