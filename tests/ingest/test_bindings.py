"""Bindings (``perfboard ingest bindings``): the parameters are checked when the file is loaded, not when status runs."""

import json

import duckdb
import pytest
from helpers import ROOT, SEED, run_cli

BINDINGS = ROOT / "data" / "bindings_2020.toml"
PROJECT = "上海体育文史业务经费"
INDICATOR = "体育藏品拍卖"


def _binding(extra: str) -> str:
    return f'[[binding]]\nproject = "{PROJECT}"\nindicator = "{INDICATOR}"\nrule = "value_latest"\n{extra}\n'


def _bindings(db) -> list[tuple]:
    con = duckdb.connect(str(db), read_only=True)
    try:
        return con.execute("SELECT * FROM binding ORDER BY indicator_id").fetchall()
    finally:
        con.close()


@pytest.fixture
def bound_db(tmp_path):
    """The seed's 2020 targets with the shipped bindings."""
    db = tmp_path / "b.duckdb"
    run_cli("init", db=db, check=True)
    run_cli("ingest", "targets", str(SEED), db=db, check=True)
    run_cli("ingest", "bindings", str(BINDINGS), "--year", "2020", db=db, check=True)
    return db


@pytest.mark.parametrize(
    "extra,found",
    [
        ('due = "6"', 'due 应为 1–12 月的整数列表（不能为空），如 due = [3, 6, 9, 12]；现为 "6"'),
        ("due = [0]", "现为 [0]"),
        ("due = [13]", "现为 [13]"),
        ("due = [6.5]", "现为 [6.5]"),
        ("due = [6, 12.5]", "现为 [6, 12.5]"),
        ("due = []", "现为 []"),
        ("due = [true]", "现为 [true]"),
        ('due = ["6"]', '现为 ["6"]'),
        ("due = 2020-06-30", '现为 "2020-06-30"'),
        ('accumulate = "yes"', 'accumulate 应为 true 或 false；现为 "yes"'),
        ("accumulate = 1", "accumulate 应为 true 或 false；现为 1"),
    ],
)
def test_bad_parameters_are_refused_at_load(bound_db, tmp_path, extra, found):
    before = _bindings(bound_db)
    bad = tmp_path / "bad.toml"
    bad.write_text(_binding(extra), encoding="utf-8")
    result = run_cli("ingest", "bindings", str(bad), "--year", "2020", db=bound_db)
    assert result.returncode == 1, result.stdout + result.stderr
    assert f"bad.toml，列“binding 1”：项目“{PROJECT}”指标“{INDICATOR}”的 " in result.stderr
    assert found in result.stderr and "1 个问题，未写入任何数据" in result.stderr
    assert _bindings(bound_db) == before
    assert run_cli("status", "--month", "2020-06", db=bound_db).returncode == 0


def test_every_bad_parameter_of_every_binding_is_reported(bound_db, tmp_path):
    before = _bindings(bound_db)
    bad = tmp_path / "bad.toml"
    bad.write_text(_binding('due = "6"\naccumulate = "yes"') + "\n" + _binding("due = [13]"), encoding="utf-8")
    result = run_cli("ingest", "bindings", str(bad), "--year", "2020", db=bound_db)
    assert result.returncode == 1
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 4 and lines[-1] == "3 个问题，未写入任何数据"
    assert "binding 1" in lines[0] and "due" in lines[0] and "binding 1" in lines[1] and "accumulate" in lines[1]
    assert "binding 2" in lines[2] and "现为 [13]" in lines[2]
    assert _bindings(bound_db) == before


def test_bad_parameters_in_english(bound_db, tmp_path):
    bad = tmp_path / "bad.toml"
    bad.write_text(_binding('due = "6"\naccumulate = "yes"'), encoding="utf-8")
    result = run_cli("ingest", "bindings", str(bad), "--year", "2020", "--lang", "en", db=bound_db)
    assert result.returncode == 1
    assert (
        f"project “{PROJECT}”, indicator “{INDICATOR}”: due must be a non-empty list of whole months 1–12"
        in result.stderr
    )
    assert 'accumulate must be true or false; found "yes"' in result.stderr
    assert "2 problem(s): nothing was written" in result.stderr


@pytest.mark.parametrize("plan", ["{ x = 1 }", '{ 6 = "a" }', '"half"'])
def test_a_plan_that_is_not_months_to_numbers_is_refused(bound_db, tmp_path, plan):
    before = _bindings(bound_db)
    bad = tmp_path / "bad.toml"
    bad.write_text(_binding(f"plan = {plan}"), encoding="utf-8")
    result = run_cli("ingest", "bindings", str(bad), "--year", "2020", db=bound_db)
    assert result.returncode == 1 and "plan: months 1–12" in result.stderr
    assert _bindings(bound_db) == before


def test_good_parameters_are_stored(bound_db, tmp_path):
    """Whole months written as 6.0 are stored as 6; accumulate keeps its boolean; status runs on them."""
    good = tmp_path / "good.toml"
    good.write_text(_binding("due = [6.0, 12]\naccumulate = false"), encoding="utf-8")
    result = run_cli("ingest", "bindings", str(good), "--year", "2020", db=bound_db, check=True)
    assert result.stdout.strip() == "good.toml：绑定 1 个指标，计划内目标 0 个"
    (params,) = [row[4] for row in _bindings(bound_db)]
    assert json.loads(params) == {"due": [6, 12], "accumulate": False}
    assert run_cli("status", "--month", "2020-12", db=bound_db).returncode == 0


def test_the_shipped_bindings_still_load(bound_db):
    rows = _bindings(bound_db)
    params = [json.loads(row[4]) for row in rows if row[4]]
    assert {"due": [3, 6, 9, 12]} in params and {"accumulate": True} in params
