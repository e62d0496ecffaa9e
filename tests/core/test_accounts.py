"""Accounts, roles, sessions, the audit trail, revert, backup and restore — through the library."""

import json
import shutil
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


@pytest.fixture(scope="module")
def accounts_template(tmp_path_factory):
    """The seed's targets and bindings, an admin, a leader and a staff account (built once, copied per test)."""
    path = tmp_path_factory.mktemp("accounts") / "template.duckdb"
    run_cli("ingest", "targets", str(SEED), db=path, check=True)
    run_cli("ingest", "bindings", str(ROOT / "data" / "bindings_2020.toml"), "--year", "2020", db=path, check=True)
    accounts.add_user(path, "admin1", PW, "admin")
    accounts.add_user(path, "leader1", PW, "leader")
    accounts.add_user(path, "staff1", PW, "staff")
    con = duckdb.connect(str(path))
    training = con.execute("SELECT project_id FROM project WHERE name = ?", [TRAINING]).fetchall()[0][0]
    con.close()
    accounts.assign(path, "staff1", [training])
    con = duckdb.connect(str(path))
    con.execute("CHECKPOINT")  # everything in the file: no write-ahead log to copy
    con.close()
    return path


@pytest.fixture
def db(accounts_template, db_path):
    shutil.copyfile(accounts_template, db_path)
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


FAILED = accounts.SIGN_IN_FAILED["zh"]


def test_sign_in_and_lock_out(db):
    assert accounts.authenticate(db, "staff1", PW).role == "staff"
    now = datetime(2026, 1, 1, 9, 0)
    for _ in range(4):
        with pytest.raises(AuthError, match=f"^{FAILED}$"):
            accounts.authenticate(db, "staff1", "wrong", now)
    assert q(db, "SELECT failed, locked_until FROM account WHERE username = 'staff1'") == [(4, None)]
    with pytest.raises(AuthError, match=f"^{FAILED}$"):
        accounts.authenticate(db, "staff1", "wrong", now)  # the fifth failure locks: 09:00 + 15 min
    assert q(db, "SELECT failed, locked_until FROM account WHERE username = 'staff1'") == [
        (0, datetime(2026, 1, 1, 9, 15))
    ]
    with pytest.raises(AuthError, match=f"^{FAILED}$"):
        accounts.authenticate(db, "staff1", PW, now + timedelta(minutes=14))  # even the right password
    assert accounts.authenticate(db, "staff1", PW, now + timedelta(minutes=16)).username == "staff1"
    with pytest.raises(AuthError, match=f"^{FAILED}$"):
        accounts.authenticate(db, "nobody", PW)
    outcomes = [r[3] for r in audit(db, "sign-in")]
    assert outcomes.count("refused") == 7 and outcomes.count("done") == 2
    # one answer for a wrong password, a locked account and an unknown name (matched whole above), which
    # says a lock-out may be the cause without telling whether this account exists or is locked
    assert "锁定" in FAILED and "locked" in accounts.SIGN_IN_FAILED["en"]


def test_a_failed_sign_in_never_stores_the_text_typed(db):
    typed = "correct horse 1 typed into the name field"
    with pytest.raises(AuthError):
        accounts.authenticate(db, typed, "x")
    (row,) = [r for r in audit(db, "sign-in")]
    assert row[:4] == ("unknown", "sign-in", "unknown", "refused")
    dump = q(db, "SELECT * FROM audit")
    assert typed not in repr(dump) and "correct horse" not in repr(dump)
    with pytest.raises(AuthError):
        accounts.authenticate(db, "staff1", "wrong")  # a real account keeps its name: whose was refused
    assert audit(db, "sign-in")[-1][:4] == ("staff1", "sign-in", "staff1", "refused")


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


def test_signing_in_and_out_leaves_the_data_version_alone(db):
    """The dashboard's caches key on the data version: a sign-in must not throw every computed light away
    (the sign-in and sign-out are still audited)."""
    before = q(db, "SELECT value FROM meta WHERE key = 'data_version'")[0][0]
    token = accounts.start_session(db, accounts.authenticate(db, "leader1", PW))
    with pytest.raises(AuthError):
        accounts.authenticate(db, "leader1", "wrong")
    accounts.end_session(db, token)
    assert q(db, "SELECT value FROM meta WHERE key = 'data_version'")[0][0] == before
    actions = [a for (a,) in q(db, "SELECT action FROM audit WHERE actor = 'leader1' ORDER BY audit_id")]
    assert actions[-3:] == ["sign-in", "sign-in", "sign-out"]


FIREFOX = "Mozilla/5.0 (X11; Linux x86_64; rv:128.0) Gecko/20100101 Firefox/128.0"
CHROME = "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/130.0 Safari/537.36"


def test_a_session_is_bound_to_the_browser_that_signed_in(db):
    now = datetime(2026, 1, 1, 9, 0)
    token = accounts.start_session(db, Actor("leader1", "leader"), now, user_agent=FIREFOX)
    con = duckdb.connect(str(db), read_only=True)
    try:
        assert accounts.resume_session(con, token, now, user_agent=FIREFOX).username == "leader1"
        assert accounts.resume_session(con, token, now, user_agent=CHROME) is None  # replayed elsewhere
        assert accounts.resume_session(con, token, now, user_agent="") is None
        (stored,) = con.execute("SELECT token_hash FROM web_session").fetchall()[0]
    finally:
        con.close()
    assert token not in stored and accounts.fingerprint(FIREFOX) != accounts.fingerprint(CHROME)
    accounts.end_session(db, token, user_agent=CHROME)  # another browser cannot end it either
    assert q(db, "SELECT count(*) FROM web_session")[0][0] == 1
    accounts.end_session(db, token, user_agent=FIREFOX)
    assert q(db, "SELECT count(*) FROM web_session")[0][0] == 0


def test_signing_in_rotates_the_token(db):
    """A token presented before signing in (planted, or left from before) is ended, never carried on."""
    now = datetime(2026, 1, 1, 9, 0)
    planted = accounts.start_session(db, staff(), now, user_agent=FIREFOX)
    fresh = accounts.start_session(db, Actor("leader1", "leader"), now, user_agent=FIREFOX, replaces=planted)
    assert fresh != planted
    con = duckdb.connect(str(db), read_only=True)
    try:
        assert accounts.resume_session(con, planted, now, user_agent=FIREFOX) is None
        assert accounts.resume_session(con, fresh, now, user_agent=FIREFOX).username == "leader1"
    finally:
        con.close()
    later = now + timedelta(hours=9)  # the 8-hour session has expired: cleared at the next sign-in
    accounts.start_session(db, Actor("admin1", "admin"), later, user_agent=CHROME)
    assert [u for (u,) in q(db, "SELECT username FROM web_session")] == ["admin1"]


def test_the_audit_trail_by_role(db):
    """Admin: everything. Leader: the loads touching their projects. Staff: nothing."""
    hotline = q(db, "SELECT project_id FROM project WHERE name = ?", [HOTLINE])[0][0]
    training = q(db, "SELECT project_id FROM project WHERE name = ?", [TRAINING])[0][0]
    ingest_actuals([DATA / "actuals" / "deliverables.csv"], db, actor=staff())  # 3 rows of 上海体育系统人员培训经费
    ingest_actuals([DATA / "actuals" / "budget.csv"], db)  # 上海体育公共服务经费 and 上海体育宣传服务经费
    with pytest.raises(AuthError):
        accounts.authenticate(db, "leader1", "wrong")
    con = duckdb.connect(str(db), read_only=True)
    try:
        everything = accounts.audit_trail(con, Actor("admin1", "admin"))
        training_lead = accounts.audit_trail(con, Actor("leader1", "leader", frozenset({training})))
        hotline_lead = accounts.audit_trail(con, Actor("leader1", "leader", frozenset({hotline})))
        nobody = accounts.audit_trail(con, Actor("leader1", "leader"))
        with pytest.raises(PermissionDenied):
            accounts.audit_trail(con, staff())
    finally:
        con.close()
    assert {"account:add", "sign-in", "targets", "upload:deliverables", "upload:budget"} <= set(everything["action"])
    assert list(training_lead["action"]) == ["upload:deliverables"]
    assert list(training_lead["actor"]) == ["staff1"]
    assert list(hotline_lead["action"]) == ["upload:budget"]
    assert nobody.empty


def test_leader_sees_reverts_and_entries_of_their_projects(db, tmp_path):
    hotline = q(db, "SELECT project_id FROM project WHERE name = ?", [HOTLINE])[0][0]
    ingest_actuals([DATA / "actuals" / "budget.csv"], db)
    fix = tmp_path / "fix.csv"
    fix.write_text(f"项目名称,月份,当月支出（元）\n{HOTLINE},2020-02,250000\n", encoding="utf-8")
    (loaded,) = ingest_actuals([fix], db)
    revert_load(db, loaded.load_id, Actor("admin1", "admin"))
    enter_value(Entry(HOTLINE, "热线数据库", "2020-06", rating="达成"), db, actor=Actor("admin1", "admin"))
    enter_value(Entry(TRAINING, "微课堂品质", "2020-06", rating="达成"), db, actor=staff())
    con = duckdb.connect(str(db), read_only=True)
    try:
        mine = accounts.audit_trail(con, Actor("leader1", "leader", frozenset({hotline})))
    finally:
        con.close()
    assert list(mine["action"]) == ["upload:indicator_values", "revert:budget", "upload:budget", "upload:budget"]
    assert list(mine["target"])[:2] == ["表单填报", str(loaded.load_id)]


def test_unknown_names_from_before_are_hidden_on_reading(db):
    """Entries written before unknown names were replaced show as unknown, never as typed."""
    with duckdb.connect(str(db)) as con:
        con.execute(
            "INSERT INTO audit (audit_id, actor, action, target, outcome) "
            "VALUES (nextval('audit_id_seq'), 'my-secret-pw', 'sign-in', 'my-secret-pw', 'refused')"
        )
    con = duckdb.connect(str(db), read_only=True)
    try:
        trail = accounts.audit_trail(con, Actor("admin1", "admin"), action="sign-in")
    finally:
        con.close()
    assert trail.iloc[0][["actor", "target"]].tolist() == ["unknown", "unknown"]


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


def test_a_refused_freeze_is_audited_and_freezes_nothing(db):
    from exports.forms import selfeval_forms
    from ingest.summaries import confirm_all

    with pytest.raises(PermissionDenied, match="自评表定稿"):
        selfeval_forms(db, load_config(), 2020, final=True, actor=Actor("leader1", "leader"))
    assert audit(db, "selfeval") == [("leader1", "selfeval:final", "2020", "refused", None, None)]
    assert q(db, "SELECT count(*) FROM selfeval_snapshot") == [(0,)]
    confirm_all(db, 2020, load_config())  # a frozen form holds no drafted 实际完成情况 (ingest/summaries.py)
    selfeval_forms(db, load_config(), 2020, final=True, actor=Actor("admin1", "admin"))
    assert [r[3] for r in audit(db, "selfeval")] == ["refused", "done"]
