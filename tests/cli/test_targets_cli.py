"""The real ``perfboard`` commands on a temporary database: init, ingest targets, status, export."""

import json

import duckdb
import pytest
from helpers import DATA, SEED, run_cli

BAD = DATA / "targets"
BUDGETS = [3890000, 2150040, 35987000, 2187000, 7700000]


def table_contents(db) -> dict:
    """Everything the targets tables hold, for byte-for-byte comparisons of content."""
    con = duckdb.connect(str(db), read_only=True)
    try:
        return {
            t: con.execute(f"SELECT * {'EXCLUDE (load_id)' if t == 'project' else ''} FROM {t} ORDER BY ALL").fetchall()
            for t in ("project", "indicator", "load_log", "meta")
        }
    finally:
        con.close()


@pytest.fixture
def seeded(db_path):
    run_cli("init", db=db_path, check=True)
    run_cli("ingest", "targets", str(SEED), db=db_path, check=True)
    return db_path


def test_init_ingest_status_json(seeded):
    out = run_cli("status", "--format", "json", db=seeded, check=True)
    report = json.loads(out.stdout)
    assert report["year"] == 2020 and report["month"] == "2020-12"
    assert [p["budget"] for p in report["projects"]] == BUDGETS
    indicators = [i for p in report["projects"] for i in p["indicators"]]
    assert len(indicators) == 31
    assert all(i["status"] == "grey" and i["explanation"] for i in indicators)
    assert {p["status"] for p in report["projects"]} == {"grey"}
    # names and targets character for character, as the seed prints them
    seed_text = SEED.read_text(encoding="utf-8").replace("\n", "")
    for i in indicators:
        assert i["name"] in seed_text and i["target"] in seed_text
    assert indicators[-1]["target"] == "舆情监控确保热点及负面1小时内发现、上报，为领导处置、应对提供信息。"
    keys = set(report["projects"][0])
    assert {
        "name",
        "status",
        "budget",
        "executed_to_date",
        "execution_rate",
        "time_progress",
        "budget_status",
        "indicators",
    } <= keys
    assert {"level1", "level2", "name", "target", "actual", "expected", "status", "explanation"} <= set(indicators[0])


def test_status_month_and_formats(seeded):
    report = json.loads(run_cli("status", "--month", "2020-06", "--format", "json", db=seeded, check=True).stdout)
    assert report["month"] == "2020-06" and report["projects"][0]["time_progress"] == 0.5
    csv_out = run_cli("status", "--format", "csv", db=seeded, check=True).stdout.splitlines()
    assert csv_out[0].startswith("month,project,") and len(csv_out) == 32
    table = run_cli("status", db=seeded, check=True).stdout
    assert "党校微课堂" in table and "未填报" in table
    english = run_cli("status", "--lang", "en", db=seeded, check=True).stdout
    assert "no data" in english
    one = json.loads(
        run_cli("status", "--project", "上海体育文史业务经费", "--format", "json", db=seeded, check=True).stdout
    )
    assert [p["name"] for p in one["projects"]] == ["上海体育文史业务经费"]
    bad = run_cli("status", "--month", "2020-13", db=seeded)
    assert bad.returncode != 0 and "YYYY-MM" in bad.stderr


def test_loading_twice_duplicates_nothing(seeded):
    before = table_contents(seeded)
    run_cli("ingest", "targets", str(SEED), db=seeded, check=True)
    after = table_contents(seeded)
    assert after["project"] == before["project"]  # all but load_id
    assert after["indicator"] == before["indicator"]
    assert len(after["load_log"]) == len(before["load_log"]) + 1


def test_init_is_idempotent(seeded):
    out = run_cli("init", db=seeded, check=True)
    assert "已是最新" in out.stdout  # up to date, in Chinese by default (issue 14)


@pytest.mark.parametrize(
    "name,line,words",
    [
        ("bad_not_a_table.txt", 1, "不是财政项目支出绩效目标表"),
        ("bad_duplicate_indicator.txt", 84, "指标重复"),
        ("bad_unknown_level1.txt", 88, "未知的一级目标“满意目标”"),
        ("bad_budget_not_number.txt", 71, "“约二百万”不是数字"),
        ("bad_empty.txt", 1, "文件为空"),
    ],
)
def test_bad_files_are_rejected_and_change_nothing(seeded, name, line, words):
    before = table_contents(seeded)
    result = run_cli("ingest", "targets", str(BAD / name), db=seeded)
    assert result.returncode == 1
    assert f"{name}，第 {line} 行" in result.stderr
    assert words in result.stderr
    assert "未写入任何数据" in result.stderr
    assert table_contents(seeded) == before


def test_a_table_with_no_indicators_loads_flagged_or_is_refused_when_strict(seeded):
    """A header whose indicator table is empty is 不完整 (docs/domain.md §9): --strict refuses it."""
    before = table_contents(seeded)
    result = run_cli("ingest", "targets", "--strict", str(BAD / "bad_no_indicators.txt"), db=seeded)
    assert result.returncode == 1
    assert "bad_no_indicators.txt，第 1 行" in result.stderr and "不完整" in result.stderr
    assert "未写入任何数据" in result.stderr
    assert table_contents(seeded) == before


def test_gbk_file_is_rejected_with_a_clear_message(seeded, tmp_path):
    gbk = tmp_path / "gbk_targets.txt"
    gbk.write_bytes((BAD / "one_project.txt").read_text(encoding="utf-8").encode("gbk"))
    before = table_contents(seeded)
    result = run_cli("ingest", "targets", str(gbk), db=seeded)
    assert result.returncode == 1
    assert "gbk_targets.txt，第 1 行" in result.stderr and "GBK" in result.stderr
    assert table_contents(seeded) == before


def test_one_bad_file_stops_the_whole_load(db_path):
    run_cli("init", db=db_path, check=True)
    result = run_cli("ingest", "targets", str(BAD / "one_project.txt"), str(BAD / "bad_empty.txt"), db=db_path)
    assert result.returncode == 1
    assert table_contents(db_path)["project"] == []


def test_english_messages(db_path):
    result = run_cli("ingest", "targets", str(BAD / "bad_budget_not_number.txt"), "--lang", "en", db=db_path)
    assert "bad_budget_not_number.txt, line 71" in result.stderr and "is not a number" in result.stderr
    assert "nothing was written" in result.stderr


def test_status_without_database(tmp_path):
    result = run_cli("status", db=tmp_path / "missing.duckdb")
    assert result.returncode == 2 and "perfboard init" in result.stderr


def test_demo_loads_the_seed(db_path):
    run_cli("demo", db=db_path, check=True)
    report = json.loads(run_cli("status", "--format", "json", db=db_path, check=True).stdout)
    assert len(report["projects"]) == 5
    again = run_cli("demo", "--if-empty", db=db_path, check=True)
    assert again.stdout == ""


def test_db_and_lang_before_the_command(seeded):
    out = run_cli("--db", str(seeded), "--lang", "en", "status", "--format", "table", check=True)
    assert "no data" in out.stdout


def test_serving_prepares_a_database_someone_can_sign_in_to(tmp_path, capsys, monkeypatch):
    from cli.main import prepare_database
    from core import accounts

    monkeypatch.setenv("PERFBOARD_DEMO_PASSWORD", "first-start-pw")
    fresh = tmp_path / "fresh.duckdb"
    prepare_database(fresh)  # empty: the demo and its accounts, the password printed once
    out = capsys.readouterr().out
    assert "DEMO-ONLY" in out and "first-start-pw" in out
    assert accounts.authenticate(fresh, "demo-staff", "first-start-pw").role == "staff"
    prepare_database(fresh)
    assert "first-start-pw" not in capsys.readouterr().out
    real = tmp_path / "real.duckdb"
    run_cli("ingest", "targets", str(SEED), db=real, check=True)
    prepare_database(real)  # a unit's own data: no demo accounts, but how to make the first admin
    assert "perfboard user add NAME --role admin" in capsys.readouterr().out
