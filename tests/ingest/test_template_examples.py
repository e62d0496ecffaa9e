"""An unedited upload template is refused with 请先删除示例行; with its example row made real it loads (issue 14)."""

from __future__ import annotations

import shutil

import openpyxl
import pytest
from helpers import ROOT, SEED

from core import db
from core.config import load_config
from ingest.actuals import ingest_actuals
from ingest.examples import EXAMPLE_PREFIX
from ingest.problems import ValidationFailed
from ingest.target_store import load_targets
from ingest.templates import TEMPLATE_KINDS, template_name

TEMPLATES = ROOT / "data" / "templates"
ACTUAL_KINDS = [k for k in TEMPLATE_KINDS if k != "targets"]


def made_real(src, folder):
    """The template with its example row turned into a real row: the 示例： mark taken off the 项目名称."""
    out = folder / ("edited" + src.suffix)
    if src.suffix == ".csv":
        out.write_text(src.read_text(encoding="utf-8-sig").replace(EXAMPLE_PREFIX, ""), encoding="utf-8-sig")
        return out
    shutil.copyfile(src, out)
    wb = openpyxl.load_workbook(out)
    ws = wb.worksheets[0]
    for row in ws.iter_rows(min_row=2):
        for cell in row:
            if isinstance(cell.value, str) and cell.value.startswith(EXAMPLE_PREFIX):
                cell.value = cell.value.removeprefix(EXAMPLE_PREFIX)
    wb.save(out)
    return out


@pytest.fixture(scope="module")
def seed_only(tmp_path_factory):
    """The seed's targets and bindings, no actuals: every template's example row fits it once made real."""
    from ingest.bindings import store_bindings

    path = tmp_path_factory.mktemp("seed-only") / "seed.duckdb"
    db.init(path)
    load_targets([SEED], path, load_config())
    with db.write_transaction(path) as con:
        store_bindings(con, ROOT / "data" / "bindings_2020.toml", 2020)
    return path


@pytest.fixture
def seeded(seed_only, tmp_path):
    path = tmp_path / "seeded.duckdb"
    shutil.copyfile(seed_only, path)
    return path


def refusal(call) -> list:
    with pytest.raises(ValidationFailed) as refused:
        call()
    return refused.value.problems


@pytest.mark.parametrize("suffix", [".csv", ".xlsx"])
@pytest.mark.parametrize("kind", ACTUAL_KINDS)
def test_each_actuals_template_is_refused_unedited_and_loads_edited(seeded, tmp_path, kind, suffix):
    template = TEMPLATES / template_name(kind, suffix)
    problems = refusal(lambda: ingest_actuals([template], seeded))
    # one problem, on the example row (line 2, under the header), in both languages, and nothing else
    assert [(p.code, p.line) for p in problems] == [("example_row", 2)]
    assert "请先删除示例行" in problems[0].reason("zh") and "请先删除示例行" in problems[0].format("zh")
    assert "delete the example rows first" in problems[0].reason("en")
    with db.read_connection(seeded) as con:
        assert con.execute("SELECT count(*) FROM load_log WHERE kind LIKE 'actuals:%'").fetchone() == (0,)
    loaded = ingest_actuals([made_real(template, tmp_path)], seeded)
    assert loaded[0].rows == 1


@pytest.mark.parametrize("suffix", [".csv", ".xlsx"])
def test_the_targets_template_is_refused_unedited_and_loads_edited(db_path, tmp_path, suffix):
    template = TEMPLATES / template_name("targets", suffix)
    db.init(db_path)
    problems = refusal(lambda: load_targets([template], db_path, load_config()))
    assert {p.code for p in problems} == {"example_row"}
    assert "请先删除示例行" in problems[0].reason()
    load_targets([made_real(template, tmp_path)], db_path, load_config())
    with db.read_connection(db_path) as con:
        assert con.execute("SELECT name FROM project").fetchall() == [("项目名称（请替换）",)]
