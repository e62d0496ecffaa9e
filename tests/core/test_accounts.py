"""Accounts, roles, sessions, the audit trail, revert, backup and restore — through the library."""

import json
from datetime import datetime, timedelta

import duckdb
import pytest
from helpers import DATA, ROOT, SEED, run_cli

from core import accounts
from core.accounts import Actor, AuthError, PermissionDenied
from core.backup import backup, restore
from core.config import load_config
from ingest.actuals import ingest_actuals
from ingest.entry import Entry, enter_value
from ingest.revert import revert_load
from ingest.target_store import load_targets

PW = "correct horse 1"
TRAINING, HOTLINE = "上海体育系统人员培训经费", "上海体育公共服务经费"


@pytest.fixture
def db(db_path):
    run_cli("ingest", "targets", str(SEED), db=db_path, check=True)
    run_cli("ingest", "bindings", str(ROOT / "data" / "bindings_2020.toml"), "--year", "2020", db=db_path, check=True)
    accounts.add_user(db_path, "admin1", PW, "admin")
    accounts.add_user(db_path, "leader1", PW, "leader")
    accounts.add_user(db_path, "staff1", PW, "staff")
    con = duckdb.connect(str(db_path), read_only=True)
    training = con.execute("SELECT project_id FROM project WHERE name = ?", [TRAINING]).fetchall()[0][0]
    con.close()
    accounts.assign(db_path, "staff1", [training])
    return db_path


def q(db, sql, params=()):
    con = duckdb.connect(str(db), read_only=True)
    try:
        return con.execute(sql, list(params)).fetchall()
    finally:
        con.close()


def audit(db, action_prefix):
    return q(
        db,
        "SELECT actor, action, target, outcome, before, after FROM audit WHERE action LIKE ? ORDER BY audit_id",
        [action_prefix + "%"],
    )


def test_passwords_are_slow_salted_hashes(db):
    (stored,) = q(db, "SELECT password_hash FROM account WHERE username = 'staff1'")[0]
    assert stored.startswith("$argon2id$") and PW not in stored
    (other,) = q(db, "SELECT password_hash FROM account WHERE username = 'leader1'")[0]
    assert other != stored  # same password, different salt
    with pytest.raises(ValueError, match="至少8位"):
        accounts.add_user(db, "short", "1234567", "staff")
    with pytest.raises(ValueError, match="已存在"):
        accounts.add_user(db, "staff1", PW, "staff")


def test_sign_in_and_lock_out(db):
    assert accounts.authenticate(db, "staff1", PW).role == "staff"
    now = datetime(2026, 1, 1, 9, 0)
    for _ in range(4):
        with pytest.raises(AuthError, match="账号或密码错误"):
            accounts.authenticate(db, "staff1", "wrong", now)
    with pytest.raises(AuthError, match="已锁定 15 分钟"):
        accounts.authenticate(db, "staff1", "wrong", now)  # the fifth failure locks
    with pytest.raises(AuthError, match="账号已锁定"):
        accounts.authenticate(db, "staff1", PW, now + timedelta(minutes=14))  # even the right password
    assert accounts.authenticate(db, "staff1", PW, now + timedelta(minutes=16)).username == "staff1"
    with pytest.raises(AuthError, match="账号或密码错误"):
        accounts.authenticate(db, "nobody", PW)
    outcomes = [r[3] for r in audit(db, "sign-in")]
    assert outcomes.count("refused") == 7 and outcomes.count("done") == 2


def test_sessions_expire_and_sign_out(db):
    now = datetime(2026, 1, 1, 9, 0)
    token = accounts.start_session(db, accounts.authenticate(db, "leader1", PW), now)
    con = duckdb.connect(str(db), read_only=True)
    assert accounts.resume_session(con, token, now + timedelta(hours=7, minutes=59)).username == "leader1"
    assert accounts.resume_session(con, token, now + timedelta(hours=8)) is None  # expired
    assert accounts.resume_session(con, "forged", now) is None
    con.close()
    accounts.end_session(db, token)
    con = duckdb.connect(str(db), read_only=True)
    assert accounts.resume_session(con, token, now) is None
    con.close()
    assert q(db, "SELECT count(*) FROM web_session")[0][0] == 0  # only token hashes were ever stored


def staff():
    return Actor("staff1", "staff", frozenset({4}))


def test_staff_writes_only_assigned_projects(db, tmp_path):
    mine = DATA / "actuals" / "deliverables.csv"  # 上海体育系统人员培训经费
    ingest_actuals([mine], db, actor=staff())
    other = DATA / "actuals" / "budget.csv"  # 上海体育公共服务经费 and 上海体育宣传服务经费
    before = q(db, "SELECT count(*) FROM budget_month")
    with pytest.raises(PermissionDenied, match="上海体育公共服务经费、上海体育宣传服务经费"):
        ingest_actuals([other], db, actor=staff())
    assert q(db, "SELECT count(*) FROM budget_month") == before
    refused = [r for r in audit(db, "upload") if r[3] == "refused"]
    assert refused == [("staff1", "upload", "budget.csv", "refused", None, None)]
    with pytest.raises(PermissionDenied):
        enter_value(Entry(HOTLINE, "热线数据库", "2020-06", rating="达成"), db, actor=staff())
    with pytest.raises(PermissionDenied):
        load_targets([SEED], db, load_config(), actor=staff())


def test_leader_writes_nothing_and_admin_everything(db):
    leader = Actor("leader1", "leader")
    with pytest.raises(PermissionDenied, match="leader1（领导）无权"):
        ingest_actuals([DATA / "actuals" / "deliverables.csv"], db, actor=leader)
    with pytest.raises(PermissionDenied):
        accounts.add_user(db, "x12345678", PW, "staff", by=leader)
    ingest_actuals([DATA / "actuals" / "budget.csv"], db, actor=Actor("admin1", "admin"))


def test_every_change_is_audited_with_before_and_after(db, tmp_path):
    enter_value(Entry(TRAINING, "微课堂品质", "2020-06", rating="部分达成", likelihood="确定能"), db, actor=staff())
    enter_value(
        Entry(TRAINING, "微课堂品质", "2020-06", rating="达成", likelihood="确定能", note="复核后上调"),
        db,
        actor=staff(),
    )
    entries = audit(db, "upload:indicator_values")
    actor, _, target, outcome, before, after = entries[-1]
    assert (actor, target, outcome) == ("staff1", "表单填报", "done")
    assert json.loads(before)[0]["rating"] == "partial" and json.loads(after)[0]["rating"] == "achieved"
    assert [r[1] for r in audit(db, "account")] == ["account:add"] * 3 + ["account:assign"]
    assert audit(db, "targets")[0][0] == "tester" and audit(db, "bindings")


def test_revert_a_correction(db, tmp_path):
    ingest_actuals([DATA / "actuals" / "budget.csv"], db)
    fix = tmp_path / "fix.csv"
    fix.write_text(f"项目名称,月份,当月支出（元）\n{HOTLINE},2020-02,250000\n", encoding="utf-8")
    (loaded,) = ingest_actuals([fix], db)
    spent = "SELECT CAST(spent AS DOUBLE) FROM budget_month WHERE project_id = 2 AND month = DATE '2020-02-01'"
    assert q(db, spent + " AND replaced_by IS NULL") == [(250000.0,)]
    done = revert_load(db, loaded.load_id, Actor("admin1", "admin"))
    assert (done.restored, done.withdrawn) == (1, 1)
    assert q(db, spent + " AND replaced_by IS NULL") == [(200000.5,)]
    assert len(q(db, spent)) == 3  # the original, the correction and the restored row: nothing deleted
    with pytest.raises(PermissionDenied):
        revert_load(db, done.load_id, staff())  # 上海体育公共服务经费 is not staff1's
    assert audit(db, "revert")[-1][3] == "refused"


def test_backup_and_restore_round_trip(db, tmp_path):
    ingest_actuals([DATA / "actuals" / "budget.csv"], db)
    tables = ("project", "indicator", "budget_month", "load_log", "account", "audit")
    before = {t: q(db, f"SELECT * FROM {t} ORDER BY ALL") for t in tables}
    out = backup(db, tmp_path / "backup")
    assert (out / "schema.sql").is_file()
    with pytest.raises(FileExistsError):
        restore(out, db)
    restored = tmp_path / "restored.duckdb"
    restore(out, restored)
    assert {t: q(restored, f"SELECT * FROM {t} ORDER BY ALL") for t in tables} == before
    (loaded,) = ingest_actuals([DATA / "actuals" / "deliverables.csv"], restored)  # the sequences carry on
    assert loaded.load_id > max(r[0] for r in before["load_log"])


def test_cli_accounts_backup_restore(db, tmp_path, monkeypatch):
    import io

    monkeypatch.setattr("sys.stdin", io.StringIO("a-long-password\n"))
    out = run_cli("user", "add", "boss", "--role", "admin", "--password-stdin", db=db, check=True)
    assert out.stdout.strip() == "boss: admin"
    assert accounts.authenticate(db, "boss", "a-long-password").is_admin
    out = run_cli("user", "assign", "staff1", "--project", TRAINING, HOTLINE, "--year", "2020", db=db, check=True)
    listing = run_cli("user", "list", db=db, check=True).stdout
    assert f"staff1\tstaff\t{HOTLINE}、{TRAINING}" in listing or f"staff1\tstaff\t{TRAINING}、{HOTLINE}" in listing
    run_cli("backup", "--out", str(tmp_path / "b"), db=db, check=True)
    refused = run_cli("restore", str(tmp_path / "b"), db=db)
    assert refused.returncode == 2 and "--force" in refused.stderr
    run_cli("restore", str(tmp_path / "b"), "--force", db=db, check=True)
    assert q(db, "SELECT count(*) FROM account")[0][0] == 4


def test_thresholds_changed_by_an_admin_are_audited_and_followed(db, tmp_path):
    from core.settings import set_setting
    from metrics.status import compute_status

    deliverables = tmp_path / "d.csv"
    deliverables.write_text(
        "项目名称,月份,事项,数量\n"
        + "".join(f"{TRAINING},2020-{m:02d},党校微课堂,{n}\n" for m, n in enumerate([6, 6, 5, 5, 4, 4], start=1)),
        encoding="utf-8",
    )
    ingest_actuals([deliverables], db)  # 26 of the plan's 20 by June: 130%

    def light():
        con = duckdb.connect(str(db), read_only=True)
        try:
            report = compute_status(con, load_config(con), 2020, 6, TRAINING)
        finally:
            con.close()
        return next(i.status for i in report.projects[0].indicators if i.name == "党校微课堂")

    assert light() == "blue"
    with pytest.raises(PermissionDenied):
        set_setting(db, "lights", "accumulating_blue_from", "140", staff())
    assert set_setting(db, "lights", "accumulating_blue_from", "140", Actor("admin1", "admin")) == (120, 140)
    assert light() == "green"
    entries = audit(db, "config")
    assert entries[0][3] == "refused"
    assert entries[1][:4] == ("admin1", "config", "lights.accumulating_blue_from", "done")
    assert (json.loads(entries[1][4]), json.loads(entries[1][5])) == (120, 140)
    with pytest.raises(ValueError):
        set_setting(db, "budget", "mode", "sideways", Actor("admin1", "admin"))
    set_setting(db, "lights", "accumulating_blue_from", "120", Actor("admin1", "admin"))  # back to the default
    assert q(db, "SELECT count(*) FROM setting")[0][0] == 0 and light() == "blue"
