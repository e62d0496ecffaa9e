"""The command line's contract (docs/design.md §4): exit statuses, --db/--lang anywhere, the configuration at the edge."""

import os
import re
import subprocess
import sys
import types
from types import SimpleNamespace

import duckdb
import pytest
from helpers import DATA, ROOT, SEED, run_cli

from core.config import BudgetMode, Config

BAD_TARGETS = DATA / "targets" / "bad_budget_not_number.txt"
COMMANDS = ("init", "ingest", "status", "export", "template", "serve", "user", "config", "backup", "restore")


# -- exit statuses ---------------------------------------------------------------------------------


def test_help_lists_every_command():
    result = run_cli("--help")
    assert result.returncode == 0
    for name in (*COMMANDS, "revert", "demo"):
        assert f"  {name} " in result.stdout, name


@pytest.mark.parametrize(
    "argv,words",
    [
        (["nope"], "No such command 'nope'"),
        (["status", "--no-such-option"], "--no-such-option"),
        (["status", "--format", "xml"], "Invalid value for '--format'"),
        (["status", "--year", "twenty"], "Invalid value for '--year'"),
        (["status", "--month", "2020-13"], "YYYY-MM"),
        (["export", "monitor", "--year", "2020", "--month", "June", "--out", "x"], "YYYY-MM"),
        (["export", "selfeval", "--out", "x"], "'--year'"),
        (
            ["export", "selfeval", "--year", "2020", "--out", "x", "--final", "--from-snapshot"],
            "cannot be used together",
        ),
        (["ingest", "targets"], "FILES"),
        (["ingest", "actuals", "x.csv", "--kind", "weather"], "Invalid value for '--kind'"),
        (["user", "add", "someone"], "'--role'"),
        (["--lang", "fr", "status"], "Invalid value for '--lang'"),
        (["ingest"], "Usage: perfboard ingest"),
        ([], "Usage: perfboard"),
    ],
)
def test_usage_errors_exit_2(argv, words):
    result = run_cli("--lang", "en", *argv)
    assert result.returncode == 2, (result.stdout, result.stderr)
    assert words in result.stderr + result.stdout
    zh = run_cli(*argv)  # in Chinese by default (issue 14; tests/cli/test_cli_language.py has the wording)
    assert zh.returncode == 2 and "Error:" not in zh.stderr and re.search("[\u4e00-\u9fff]", zh.stderr + zh.stdout)


def test_month_outside_year_is_a_usage_error(tmp_path):
    result = run_cli("status", "--year", "2021", "--month", "2020-06", db=tmp_path / "x.duckdb")
    assert result.returncode == 2 and "--month 2020-06 不在 --year 2021 年内" in result.stderr
    result = run_cli(
        "export", "monitor", "--year", "2021", "--month", "2020-06", "--out", str(tmp_path), db=tmp_path / "x.duckdb"
    )
    assert result.returncode == 2 and "不在 --year 2021 年内" in result.stderr


def test_missing_database_exits_2(tmp_path):
    result = run_cli("export", "targets", "--out", str(tmp_path / "t.csv"), db=tmp_path / "missing.duckdb")
    assert result.returncode == 2 and "perfboard init" in result.stderr


def test_input_problems_exit_1(db_path):
    result = run_cli("ingest", "targets", str(BAD_TARGETS), db=db_path)
    assert result.returncode == 1 and "未写入任何数据" in result.stderr


def test_busy_database_exits_3(db_path, monkeypatch):
    from core import db

    def busy(*args, **kwargs):
        raise db.DatabaseBusy("数据库正被其他程序写入 / the database is busy")

    monkeypatch.setattr(db, "init", busy)
    result = run_cli("init", db=db_path)
    assert result.returncode == 3 and "the database is busy" in result.stderr


def test_a_real_process_exits_with_the_status(tmp_path):
    """`python -m cli.main` is the same command; its status reaches the shell."""
    assert run_cli("--help", subprocess_=True).returncode == 0
    assert run_cli("nope", subprocess_=True).returncode == 2
    assert run_cli("ingest", "targets", str(BAD_TARGETS), db=tmp_path / "t.duckdb", subprocess_=True).returncode == 1


@pytest.mark.parametrize("before", [[], ["--lang", "en"]])
def test_broken_pipe_is_not_an_error(tmp_path, before):
    """`perfboard status | head`: the reader leaving early is fine (exit 0, nothing on standard error)."""
    read, write = os.pipe()
    os.close(read)  # the reader has left before anything is written
    try:
        proc = subprocess.run(
            [sys.executable, "-m", "cli.main", *before, "init", "--db", str(tmp_path / "x.duckdb")],
            stdout=write,
            stderr=subprocess.PIPE,
            text=True,
            cwd=ROOT,
            timeout=120,
        )
    finally:
        os.close(write)
    assert (proc.returncode, proc.stderr) == (0, "")


# -- --db and --lang before and after the command --------------------------------------------------


def test_db_before_and_after_the_command(tmp_path):
    before, after = tmp_path / "before.duckdb", tmp_path / "after.duckdb"
    run_cli("--db", str(before), "init", check=True)
    run_cli("init", "--db", str(after), check=True)
    assert before.is_file() and after.is_file()
    both = tmp_path / "both.duckdb"
    run_cli("--db", str(tmp_path / "ignored.duckdb"), "init", "--db", str(both), check=True)  # after wins
    assert both.is_file() and not (tmp_path / "ignored.duckdb").exists()


@pytest.mark.parametrize(
    "argv",
    [
        ["--lang", "en", "ingest", "targets", str(BAD_TARGETS)],
        ["ingest", "targets", str(BAD_TARGETS), "--lang", "en"],
        ["--lang", "zh", "ingest", "targets", str(BAD_TARGETS), "--lang", "en"],  # after wins
    ],
)
def test_lang_before_and_after_the_command(db_path, argv):
    result = run_cli(*argv, db=db_path)
    assert result.returncode == 1
    assert "bad_budget_not_number.txt, line 71" in result.stderr and "nothing was written" in result.stderr


def test_db_and_lang_before_a_nested_command(db_path):
    result = run_cli("--db", str(db_path), "--lang", "en", "ingest", "targets", str(SEED), check=True)
    assert "5 projects, 31 indicators loaded" in result.stdout
    assert db_path.is_file()


# -- user assign keeps `--project A B` -------------------------------------------------------------


def test_user_assign_takes_several_projects(db_path):
    from core import accounts

    run_cli("ingest", "targets", str(SEED), db=db_path, check=True)
    accounts.add_user(db_path, "li.staff", "a-long-enough-password-1", "staff")
    two = ["上海体育系统人员培训经费", "上海体育文史业务经费"]
    result = run_cli("user", "assign", "li.staff", "--year", "2020", "--project", *two, db=db_path, check=True)
    assert result.stdout.strip() == f"li.staff: {'、'.join(two)}"
    result = run_cli(
        "user", "assign", "li.staff", "--project", two[0], "--project", "没有", "--year", "2020", db=db_path
    )
    assert result.returncode == 2 and "2020年没有项目 没有" in result.stderr
    listed = run_cli("user", "list", db=db_path, check=True).stdout
    assert f"li.staff\tstaff\t{'、'.join(sorted(two))}" in listed


# -- config show / set -----------------------------------------------------------------------------


def test_config_show_lists_every_setting_in_force(db_path):
    from core import settings

    run_cli("config", "set", "budget.mode", "gap", db=db_path, check=True)
    out = run_cli("config", "show", db=db_path, check=True).stdout.splitlines()
    con = duckdb.connect(str(db_path), read_only=True)
    try:
        current = settings.current(con)
    finally:
        con.close()
    assert out == [f"{section}.{key}\t{settings.shown(value)}" for (section, key), value in current.items()]
    assert "budget.mode\tgap" in out and "lights.accumulating_blue_from\t120" in out


def test_scoring_weights_are_settings(db_path):
    """Mappings print as the command takes them back: 产出指标=60,效益指标=30,满意度指标=10."""
    run_cli("init", db=db_path, check=True)
    result = run_cli("config", "set", "scoring.level_weights", "产出=60,效益=30,满意度=10", db=db_path, check=True)
    assert result.stdout.strip().endswith("→ 产出指标=60,效益指标=30,满意度指标=10")
    run_cli("config", "set", "scoring.budget_weight", "20", db=db_path, check=True)
    out = run_cli("config", "show", db=db_path, check=True).stdout.splitlines()
    assert "scoring.level_weights\t产出指标=60,效益指标=30,满意度指标=10" in out
    assert "scoring.budget_weight\t20" in out
    bad = run_cli("config", "set", "scoring.level_weights", "产出=60,效益=60", db=db_path)
    assert bad.returncode == 2 and "合计" in bad.stderr


def test_config_set_reports_before_and_after(db_path):
    result = run_cli("config", "set", "budget.mode", "gap", db=db_path, check=True)
    assert result.stdout.strip() == "budget.mode: ratio → gap"
    bad = run_cli("config", "set", "budget.mode", "sideways", db=db_path)
    assert bad.returncode == 2 and "ratio / gap" in bad.stderr
    unknown = run_cli("config", "set", "lights.no_such_key", "1", db=db_path)
    assert unknown.returncode == 2


# -- the configuration is loaded once, at the edge, and passed down --------------------------------


@pytest.fixture
def spy_forms(monkeypatch):
    """exports.forms replaced by a recorder (the real one needs metrics/): what did the command pass down?"""
    import exports

    calls = []

    def record(kind):
        def fake(*args, **kwargs):
            calls.append((kind, args, kwargs))
            return SimpleNamespace(forms=[], files=[], warnings=[])

        return fake

    forms = types.ModuleType("exports.forms")
    forms.export_selfeval, forms.export_monitor = record("selfeval"), record("monitor")
    pdf = types.ModuleType("exports.forms_pdf")
    pdf.FontMissing = type("FontMissing", (Exception,), {})
    for name, module in (("forms", forms), ("forms_pdf", pdf)):
        monkeypatch.setitem(sys.modules, f"exports.{name}", module)
        monkeypatch.setattr(exports, name, module, raising=False)
    return calls


def test_export_receives_the_config_in_force(db_path, tmp_path, spy_forms):
    run_cli("init", db=db_path, check=True)
    run_cli("config", "set", "budget.mode", "gap", db=db_path, check=True)
    run_cli("export", "selfeval", "--year", "2020", "--out", str(tmp_path), "--final", db=db_path, check=True)
    run_cli("export", "monitor", "--year", "2020", "--month", "2020-06", "--out", str(tmp_path), db=db_path, check=True)
    (kind, args, kwargs), (kind2, args2, _) = spy_forms
    assert kind == "selfeval" and args[0] == db_path and args[2:4] == (2020, tmp_path)
    assert kwargs == {"final": True, "from_snapshot": False}
    assert kind2 == "monitor" and args2[2:5] == (2020, 6, tmp_path)
    for config in (args[1], args2[1]):
        assert isinstance(config, Config) and config.budget.mode == BudgetMode.GAP


PUBLICITY = "上海体育宣传服务经费"
TIMELINESS = "预算执行及时性"


def test_budget_gap_mode_reaches_the_selfeval_score(db_path, tmp_path):
    """Issue 10: in gap mode 预算执行及时性 is yellow in status, so the 自评表 must not give it full marks."""
    from openpyxl import load_workbook

    def timeliness_score(folder) -> float:
        out = run_cli(
            "export", "selfeval", "--year", "2020", "--project", PUBLICITY, "--out", str(folder), db=db_path, check=True
        )
        assert out.stdout.startswith(f"{PUBLICITY}\t")
        ws = load_workbook(folder / f"自评表_2020_{PUBLICITY}.xlsx").worksheets[0]
        row = next(r for r in ws.iter_rows(values_only=True) if TIMELINESS in r)
        return row[6]

    def light() -> str:
        import json

        rep = json.loads(run_cli("status", "--month", "2020-12", "--format", "json", db=db_path, check=True).stdout)
        project = next(p for p in rep["projects"] if p["name"] == PUBLICITY)
        return next(i["status"] for i in project["indicators"] if i["name"] == TIMELINESS)

    run_cli("demo", db=db_path, check=True)
    # ratio at December (issue 14: green only when fully executed): 97.0 ÷ 100 = 97% < 100 → yellow → 部分达成,
    # top of its band 18.75 × 0.8 = 15.00
    assert light() == "yellow" and timeliness_score(tmp_path / "ratio") == 15.0
    run_cli("config", "set", "budget.mode", "gap", db=db_path, check=True)
    run_cli("config", "set", "budget.gap_yellow_points", "2", db=db_path, check=True)
    # gap: 3.0 points behind, not under 2 → red → 未达成: less than the yellow's 15.00
    assert light() == "red"
    assert timeliness_score(tmp_path / "gap") < 15.0


# -- a broken configuration or a missing input file: a message and exit 2, never a traceback --------


def _config_with(tmp_path, line: str):
    """data/config.toml with its short_days_yellow_max line replaced."""
    text = (ROOT / "data" / "config.toml").read_text(encoding="utf-8")
    assert "\nshort_days_yellow_max = 3\n" in text
    path = tmp_path / "config.toml"
    path.write_text(text.replace("\nshort_days_yellow_max = 3\n", f"\n{line}\n"), encoding="utf-8")
    return path


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_missing_configuration_file_exits_2(tmp_path, lang):
    db = tmp_path / "x.duckdb"
    run_cli("init", db=db, check=True)
    missing = tmp_path / "nowhere.toml"
    result = run_cli("status", "--lang", lang, db=db, env={"PERFBOARD_CONFIG": str(missing)}, subprocess_=True)
    assert result.returncode == 2, result.stderr
    assert "Traceback" not in result.stderr and result.stdout == ""
    assert len(result.stderr.strip().splitlines()) == 1 and str(missing) in result.stderr
    if lang == "en":
        assert result.stderr.startswith("configuration problem: ") and "does not exist" in result.stderr
    else:
        assert result.stderr.startswith("配置有误：找不到配置文件") and "PERFBOARD_CONFIG" in result.stderr


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_bad_configuration_value_exits_2(tmp_path, lang):
    db = tmp_path / "x.duckdb"
    run_cli("init", db=db, check=True)
    config = _config_with(tmp_path, "short_days_yellow_max = 2.5")
    result = run_cli("status", "--lang", lang, db=db, env={"PERFBOARD_CONFIG": str(config)}, subprocess_=True)
    assert result.returncode == 2, result.stderr
    assert "Traceback" not in result.stderr and result.stdout == ""
    assert len(result.stderr.strip().splitlines()) == 1
    assert str(config) in result.stderr and "lights.short_days_yellow_max" in result.stderr and "2.5" in result.stderr
    assert result.stderr.startswith("configuration problem: " if lang == "en" else "配置有误：")


def test_configuration_that_is_not_toml_exits_2(tmp_path):
    db = tmp_path / "x.duckdb"
    run_cli("init", db=db, check=True)
    config = _config_with(tmp_path, "short_days_yellow_max = [")
    result = run_cli("status", db=db, env={"PERFBOARD_CONFIG": str(config)})
    assert result.returncode == 2 and result.stderr.startswith("配置有误：") and str(config) in result.stderr
    assert "TOML" in result.stderr


def test_bad_configuration_stops_a_write_too(tmp_path):
    """ingest targets loads the configuration before writing: nothing is written, exit 2."""
    db = tmp_path / "x.duckdb"
    config = _config_with(tmp_path, "short_days_yellow_max = 2.5")
    result = run_cli("ingest", "targets", str(SEED), db=db, env={"PERFBOARD_CONFIG": str(config)})
    assert result.returncode == 2 and "lights.short_days_yellow_max" in result.stderr
    assert not db.exists()


def test_override_that_no_longer_fits_exits_2(tmp_path):
    """A setting stored in the database that the file's schema no longer takes: named, with the way out."""
    db = tmp_path / "x.duckdb"
    run_cli("init", db=db, check=True)
    con = duckdb.connect(str(db))
    try:
        con.execute("INSERT INTO setting VALUES ('lights', 'short_days_yellow_max', '2.5')")
    finally:
        con.close()
    result = run_cli("status", db=db)
    assert result.returncode == 2, result.stderr
    assert result.stderr.startswith("配置有误：数据库中的设置") and "lights.short_days_yellow_max" in result.stderr
    assert "perfboard config set" in result.stderr
    english = run_cli("status", "--lang", "en", db=db)
    assert english.returncode == 2 and english.stderr.startswith(
        "configuration problem: a setting stored in the database"
    )
    run_cli("config", "set", "lights.short_days_yellow_max", "3", db=db, check=True)  # the way out works
    assert run_cli("status", db=db).returncode == 0


def test_other_missing_files_are_not_taken_for_the_configuration(tmp_path):
    """Only errors from reading the configuration file are worded as such; `restore` keeps its own message."""
    result = run_cli("restore", str(tmp_path / "no-backup"), db=tmp_path / "x.duckdb")
    assert result.returncode == 2 and "配置有误" not in result.stderr


@pytest.mark.parametrize(
    "argv",
    [
        ["ingest", "bindings", "{missing}", "--year", "2020"],
        ["ingest", "targets", "{missing}"],
        ["ingest", "targets", str(SEED), "{missing}"],
        ["ingest", "actuals", "{missing}"],
        ["ingest", "actuals", "{missing}", "--kind", "budget"],
    ],
)
def test_missing_input_file_is_a_usage_error(tmp_path, argv):
    db = tmp_path / "x.duckdb"
    missing = tmp_path / "missing.toml"
    result = run_cli(*[a.replace("{missing}", str(missing)) for a in argv], db=db)
    assert result.returncode == 2, result.stderr
    assert f"用法：perfboard ingest {argv[1]}" in result.stderr and "不存在" in result.stderr
    assert str(missing) in result.stderr and not db.exists()  # refused before anything is opened


def test_folder_as_input_file_is_a_usage_error(tmp_path):
    result = run_cli("ingest", "bindings", str(tmp_path), "--year", "2020", db=tmp_path / "x.duckdb")
    assert result.returncode == 2 and "是文件夹，不是文件" in result.stderr


def test_missing_bindings_file_in_a_real_process(tmp_path):
    missing = tmp_path / "missing.toml"
    result = run_cli("ingest", "bindings", str(missing), "--year", "2020", db=tmp_path / "x.duckdb", subprocess_=True)
    assert result.returncode == 2 and "Traceback" not in result.stderr
    assert "用法：perfboard ingest bindings" in result.stderr and "不存在" in result.stderr
