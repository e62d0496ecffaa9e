"""The demo: shipped files are what the generator makes, and they load into every stream."""

import json

import duckdb
from helpers import ROOT, run_cli

from core import db
from core.config import load_config
from ingest.demo import demo_frames
from ingest.demo_load import DEMO_DIR, DEMO_FILES, load_demo_if_empty
from ingest.templates import TEMPLATE_KINDS, write_all_templates


def test_demo_files_are_current(tmp_path):
    from ingest.demo import write_demo_files

    for path in write_demo_files(tmp_path):
        assert path.read_bytes() == (DEMO_DIR / path.name).read_bytes(), f"regenerate {path.name}"
    assert tuple(demo_frames()) == DEMO_FILES


def test_templates_are_current(tmp_path):
    """data/templates holds what the generator writes (the XLSX differ only in their timestamps)."""
    fresh = write_all_templates(tmp_path)
    assert {p.name for p in fresh} == {p.name for p in (ROOT / "data" / "templates").iterdir()}
    for path in fresh:
        if path.suffix == ".csv":
            assert path.read_bytes() == (ROOT / "data" / "templates" / path.name).read_bytes(), (
                f"regenerate {path.name}"
            )
    assert {p.stem.removesuffix("_template") for p in fresh} == set(TEMPLATE_KINDS)


def test_demo_loads_every_stream(db_path):
    out = run_cli("demo", db=db_path, check=True)
    assert "5 projects, 31 indicators" in out.stdout
    con = duckdb.connect(str(db_path), read_only=True)
    counts = {
        t: con.execute(f"SELECT count(*) FROM {t} WHERE replaced_by IS NULL").fetchone()[0]
        for t in (
            "budget_month",
            "hotline_month",
            "hotline_ticket",
            "opinion_event",
            "opinion_hours",
            "visitors_month",
            "deliverable_month",
            "indicator_value",
            "reference_value",
        )
    }
    bound = con.execute("SELECT count(*) FROM binding").fetchone()[0]
    con.close()
    assert all(counts.values()), counts
    assert counts["budget_month"] == 60 and counts["opinion_hours"] == 366 and counts["visitors_month"] == 24
    assert bound == 25  # 23 indicators of the table, and the plan's two monthly hotline targets
    report = json.loads(run_cli("status", "--format", "json", db=db_path, check=True).stdout)
    assert len(report["projects"]) == 5


def test_demo_is_grounded_in_the_seed(db_path):
    """June: 上海体育公共服务经费 at 39.8%; the museum's visitors collapse; micro-lectures ahead of 20 by June."""
    from metrics import measures

    run_cli("demo", db=db_path, check=True)
    con = duckdb.connect(str(db_path), read_only=True)
    try:
        config = load_config(con)
        budget = measures.run(con, measures.BUDGET, 2020, 6, config).set_index("project_id")
        visitors = measures.run(con, measures.VISITORS, 2020, 12, config).iloc[0]
        lectures = (
            measures.run(con, measures.DELIVERABLES, 2020, 6, config)
            .set_index("item")
            .loc["党校微课堂", "count_to_date"]
        )
    finally:
        con.close()
    assert round(budget.loc[2, "execution_rate"], 3) == 0.398
    assert visitors["visitors_change"] < -0.8
    assert lectures == 26


def test_demo_into_an_empty_database_only(db_path):
    """What both edges do on first start, with the Config they loaded: once, and never over real data."""
    db.init(db_path)
    with db.read_connection(db_path) as con:
        config = load_config(con)
    assert load_demo_if_empty(db_path, config).startswith("5 projects, 31 indicators")
    assert load_demo_if_empty(db_path, config) is None
    con = duckdb.connect(str(db_path), read_only=True)
    try:
        assert con.execute("SELECT count(*) FROM project").fetchone()[0] == 5
        forms = dict(con.execute("SELECT DISTINCT level1, form_level1 FROM indicator WHERE level2 = '数量'").fetchall())
    finally:
        con.close()
    assert forms == {k: v for k, v in config.levels.level1_to_form.items() if k in forms}
