"""The DuckDB file: schema and upgrades, short-lived connections, and bounded waits on locks.

DuckDB lets one process open a file read-write and then nobody else can open it, so
every caller opens, works and closes (docs/design.md §3).  A connection that meets a lock
retries for a bounded time, then raises ``DatabaseBusy`` and nothing has changed.
"""

from __future__ import annotations

import getpass
import os
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import duckdb

from core.paths import default_db_path

DEFAULT_BUSY_TIMEOUT = 20.0  # seconds a write waits for another process; PERFBOARD_BUSY_TIMEOUT overrides


class DatabaseBusy(RuntimeError):
    """Another process holds the database for longer than we are willing to wait."""


class DatabaseMissing(RuntimeError):
    """The database file does not exist yet (``perfboard init`` creates it)."""


# Each entry upgrades the schema by one version; never edit a released entry, append one.
MIGRATIONS: list[str] = [
    # 1: targets
    """
    CREATE TABLE meta (key VARCHAR PRIMARY KEY, value VARCHAR NOT NULL);
    CREATE SEQUENCE load_id_seq START 1;
    CREATE TABLE load_log (
        load_id      BIGINT PRIMARY KEY,
        kind         VARCHAR NOT NULL,
        file_name    VARCHAR,
        file_hash    VARCHAR,
        row_count    INTEGER NOT NULL,
        loaded_by    VARCHAR NOT NULL,
        loaded_at    TIMESTAMP NOT NULL DEFAULT current_localtimestamp(),
        detail       VARCHAR
    );
    CREATE SEQUENCE project_id_seq START 1;
    CREATE TABLE project (
        project_id    INTEGER PRIMARY KEY,
        year          INTEGER NOT NULL,
        unit          VARCHAR NOT NULL,
        name          VARCHAR NOT NULL,
        category      VARCHAR,
        start_date    DATE,
        end_date      DATE,
        gov_purchase  VARCHAR,
        perf_type     VARCHAR,
        overview      VARCHAR,
        background    VARCHAR,
        content       VARCHAR,
        structure     VARCHAR,
        basis         VARCHAR,
        necessity     VARCHAR,
        measures      VARCHAR,
        plan          VARCHAR,
        goals         VARCHAR,
        total_budget  DECIMAL(18, 2),
        budget        DECIMAL(18, 2),
        prev_budget   DECIMAL(18, 2),
        prev_executed DECIMAL(18, 2),
        load_id       BIGINT,
        UNIQUE (year, name)
    );
    CREATE SEQUENCE indicator_id_seq START 1;
    CREATE TABLE indicator (
        indicator_id  INTEGER PRIMARY KEY,
        project_id    INTEGER NOT NULL,
        seq           INTEGER NOT NULL,
        level1        VARCHAR NOT NULL,
        level2        VARCHAR NOT NULL,
        level3        VARCHAR NOT NULL,
        form_level1   VARCHAR NOT NULL,
        target_text   VARCHAR NOT NULL,
        kind          VARCHAR NOT NULL,
        operator      VARCHAR,
        target_value  DOUBLE,
        unit          VARCHAR,
        direction     VARCHAR,
        needs         VARCHAR,
        deadline      DATE,
        weight        DOUBLE,
        UNIQUE (project_id, level1, level2, level3)
    );
    """,
    # 2: monthly actuals, bindings of indicators to the streams that produce their actuals
    """
    CREATE TABLE binding (
        indicator_id  INTEGER PRIMARY KEY,
        rule          VARCHAR NOT NULL,
        item          VARCHAR,
        plan          VARCHAR,
        params        VARCHAR,
        load_id       BIGINT
    );
    CREATE TABLE deliverable_item (
        project_id    INTEGER NOT NULL,
        item          VARCHAR NOT NULL,
        PRIMARY KEY (project_id, item)
    );
    CREATE TABLE budget_month (
        project_id INTEGER NOT NULL, month DATE NOT NULL,
        spent DECIMAL(18, 2) NOT NULL, received DECIMAL(18, 2), note VARCHAR,
        load_id BIGINT NOT NULL, replaced_by BIGINT
    );
    CREATE TABLE hotline_month (
        project_id INTEGER NOT NULL, month DATE NOT NULL,
        received INTEGER NOT NULL, accepted INTEGER NOT NULL, accepted_on_time INTEGER NOT NULL, closed INTEGER NOT NULL,
        load_id BIGINT NOT NULL, replaced_by BIGINT
    );
    CREATE TABLE hotline_ticket (
        project_id INTEGER NOT NULL, month DATE NOT NULL, ticket_id VARCHAR NOT NULL,
        received_at TIMESTAMP NOT NULL, accepted_at TIMESTAMP, accept_due_at TIMESTAMP, closed_at TIMESTAMP,
        state VARCHAR,
        load_id BIGINT NOT NULL, replaced_by BIGINT
    );
    CREATE TABLE opinion_event (
        project_id INTEGER NOT NULL, month DATE NOT NULL, event_id VARCHAR NOT NULL, level VARCHAR NOT NULL,
        title VARCHAR, appeared_at TIMESTAMP NOT NULL, detected_at TIMESTAMP NOT NULL, reported_at TIMESTAMP NOT NULL,
        load_id BIGINT NOT NULL, replaced_by BIGINT
    );
    CREATE TABLE opinion_hours (
        project_id INTEGER NOT NULL, month DATE NOT NULL, day DATE NOT NULL, hours DOUBLE NOT NULL,
        load_id BIGINT NOT NULL, replaced_by BIGINT
    );
    CREATE TABLE visitors_month (
        project_id INTEGER NOT NULL, month DATE NOT NULL, visitors INTEGER NOT NULL, visits INTEGER NOT NULL,
        load_id BIGINT NOT NULL, replaced_by BIGINT
    );
    CREATE TABLE deliverable_month (
        project_id INTEGER NOT NULL, month DATE NOT NULL, item VARCHAR NOT NULL, count INTEGER NOT NULL, note VARCHAR,
        load_id BIGINT NOT NULL, replaced_by BIGINT
    );
    CREATE TABLE indicator_value (
        indicator_id INTEGER NOT NULL, month DATE NOT NULL, value DOUBLE, rating VARCHAR, likelihood VARCHAR,
        deviation_reason VARCHAR, measures VARCHAR, evidence VARCHAR, note VARCHAR,
        load_id BIGINT NOT NULL, replaced_by BIGINT
    );
    CREATE TABLE reference_value (
        indicator_id INTEGER NOT NULL, month DATE NOT NULL, ref_type VARCHAR NOT NULL, value DOUBLE NOT NULL,
        note VARCHAR,
        load_id BIGINT NOT NULL, replaced_by BIGINT
    );
    """,
    # 3: evidence files attached to entered values and ratings
    """
    CREATE SEQUENCE evidence_id_seq START 1;
    CREATE TABLE evidence (
        evidence_id  BIGINT PRIMARY KEY,
        sha256       VARCHAR NOT NULL,
        file_name    VARCHAR NOT NULL,
        size         BIGINT NOT NULL,
        content      BLOB NOT NULL,
        load_id      BIGINT NOT NULL
    );
    """,
    # 4: year-end texts and the frozen self-evaluations
    """
    CREATE TABLE project_summary (
        project_id INTEGER NOT NULL, month DATE NOT NULL, summary VARCHAR NOT NULL,
        load_id BIGINT NOT NULL, replaced_by BIGINT
    );
    CREATE SEQUENCE snapshot_id_seq START 1;
    CREATE TABLE selfeval_snapshot (
        snapshot_id  BIGINT PRIMARY KEY,
        year         INTEGER NOT NULL,
        project      VARCHAR NOT NULL,
        created_at   TIMESTAMP NOT NULL DEFAULT current_localtimestamp(),
        created_by   VARCHAR NOT NULL,
        digest       VARCHAR NOT NULL,
        form         VARCHAR NOT NULL,
        config       VARCHAR NOT NULL
    );
    """,
    # 5: accounts, project assignments, sign-in sessions and the audit trail
    """
    CREATE TABLE account (
        username      VARCHAR PRIMARY KEY,
        role          VARCHAR NOT NULL,
        password_hash VARCHAR NOT NULL,
        failed        INTEGER NOT NULL DEFAULT 0,
        locked_until  TIMESTAMP,
        created_at    TIMESTAMP NOT NULL DEFAULT current_localtimestamp()
    );
    CREATE TABLE assignment (username VARCHAR NOT NULL, project_id INTEGER NOT NULL, PRIMARY KEY (username, project_id));
    CREATE TABLE web_session (
        token_hash VARCHAR PRIMARY KEY, username VARCHAR NOT NULL,
        created_at TIMESTAMP NOT NULL, expires_at TIMESTAMP NOT NULL
    );
    CREATE SEQUENCE audit_id_seq START 1;
    CREATE TABLE audit (
        audit_id BIGINT PRIMARY KEY,
        happened_at TIMESTAMP NOT NULL DEFAULT current_localtimestamp(),
        actor    VARCHAR NOT NULL,
        action   VARCHAR NOT NULL,
        target   VARCHAR,
        outcome  VARCHAR NOT NULL,
        before   VARCHAR,
        after    VARCHAR,
        load_id  BIGINT
    );
    """,
    # 6: thresholds changed by an admin, over the defaults of data/config.toml
    """
    CREATE TABLE setting (section VARCHAR NOT NULL, key VARCHAR NOT NULL, value VARCHAR NOT NULL,
                          PRIMARY KEY (section, key));
    """,
    # 7: targets stated in a project's prose but not in its table (计划内目标), declared with the bindings;
    #    their ids come from the indicators' sequence, so a binding names either kind the same way
    """
    CREATE TABLE plan_target (
        indicator_id INTEGER PRIMARY KEY,
        project_id   INTEGER NOT NULL,
        seq          INTEGER NOT NULL,
        level2       VARCHAR NOT NULL,
        name         VARCHAR NOT NULL,
        target_text  VARCHAR NOT NULL,
        kind         VARCHAR NOT NULL,
        operator     VARCHAR,
        target_value DOUBLE,
        unit         VARCHAR,
        source       VARCHAR,
        load_id      BIGINT NOT NULL
    );
    """,
    # 8: indicators a targets reload removed while they had values (--drop-missing): the row moves here with
    #    its id, so its values, baselines and references still belong to it, while lights, forms and uploads
    #    (which read ``indicator``) no longer see it; a later load that names it again brings it back.
    #    The columns are ``indicator``'s plus removed_by (the load that removed it): keep them in step.
    """
    CREATE TABLE removed_indicator (
        indicator_id  INTEGER PRIMARY KEY,
        project_id    INTEGER NOT NULL,
        seq           INTEGER NOT NULL,
        level1        VARCHAR NOT NULL,
        level2        VARCHAR NOT NULL,
        level3        VARCHAR NOT NULL,
        form_level1   VARCHAR NOT NULL,
        target_text   VARCHAR NOT NULL,
        kind          VARCHAR NOT NULL,
        operator      VARCHAR,
        target_value  DOUBLE,
        unit          VARCHAR,
        direction     VARCHAR,
        needs         VARCHAR,
        deadline      DATE,
        weight        DOUBLE,
        removed_by    BIGINT NOT NULL
    );
    """,
    # 9: budgets and targets as they change during the year (docs/domain.md §8): the budget lines of the
    #    form, adjustments and target revisions with their month and reason (revisions like any actual),
    #    and cumulative figures ("1–m月执行数") that cover months 1…m
    """
    ALTER TABLE project ADD COLUMN budget_initial DECIMAL(18, 2);
    ALTER TABLE project ADD COLUMN budget_fiscal DECIMAL(18, 2);
    ALTER TABLE project ADD COLUMN budget_other DECIMAL(18, 2);
    CREATE TABLE budget_adjustment (
        project_id INTEGER NOT NULL, month DATE NOT NULL, budget DECIMAL(18, 2) NOT NULL,
        reason VARCHAR NOT NULL, approval VARCHAR,
        load_id BIGINT NOT NULL, replaced_by BIGINT
    );
    CREATE TABLE target_revision (
        indicator_id INTEGER NOT NULL, month DATE NOT NULL, target_text VARCHAR NOT NULL,
        kind VARCHAR NOT NULL, operator VARCHAR, target_value DOUBLE, unit VARCHAR, reason VARCHAR NOT NULL,
        load_id BIGINT NOT NULL, replaced_by BIGINT
    );
    ALTER TABLE budget_month ALTER COLUMN spent DROP NOT NULL;
    ALTER TABLE budget_month ADD COLUMN spent_to_date DECIMAL(18, 2);
    ALTER TABLE budget_month ADD COLUMN received_to_date DECIMAL(18, 2);
    ALTER TABLE budget_month ADD COLUMN forecast DECIMAL(18, 2);
    ALTER TABLE budget_month ADD COLUMN reason VARCHAR;
    ALTER TABLE budget_month ADD COLUMN measures VARCHAR;
    ALTER TABLE deliverable_month ALTER COLUMN count DROP NOT NULL;
    ALTER TABLE deliverable_month ADD COLUMN count_to_date INTEGER;
    """,
    # 10: target tables in other layouts (docs/domain.md §9): the header fields other forms carry, whether the
    #     table was loaded whole (``complete``; ``missing`` is a JSON list of the cells it left empty), and the
    #     分值 an indicator's 一级 label prints ("产出指标（50分）"), in ``indicator`` and ``removed_indicator`` alike
    """
    ALTER TABLE project ADD COLUMN department VARCHAR;
    ALTER TABLE project ADD COLUMN implementing_unit VARCHAR;
    ALTER TABLE project ADD COLUMN project_lead VARCHAR;
    ALTER TABLE project ADD COLUMN project_type VARCHAR;
    ALTER TABLE project ADD COLUMN fund_use VARCHAR;
    ALTER TABLE project ADD COLUMN source VARCHAR;
    ALTER TABLE project ADD COLUMN complete BOOLEAN DEFAULT TRUE;
    ALTER TABLE project ADD COLUMN missing VARCHAR;
    ALTER TABLE indicator ADD COLUMN level_weight DOUBLE;
    ALTER TABLE removed_indicator ADD COLUMN level_weight DOUBLE;
    """,
    # 11: the monthly cycle (docs/domain.md §10).  ``review_step`` is append-only: a project-month's state is
    #     its latest step (submit → 已提交, approve → 已审核 and locked, return → 退回, unlock → open again).
    #     ``unit_assignment`` scopes an account to an implementing unit (``project.unit``) or, with unit '',
    #     to a whole 主管部门 (``project.department``); an account with no row keeps its role's usual scope.
    #     ``indicator_summary`` holds the year-end 实际完成情况 a staff member confirmed or edited, with the
    #     usual replace-keeps-history columns; an indicator without a current row shows a drafted text (草稿).
    """
    CREATE SEQUENCE review_step_seq START 1;
    CREATE TABLE review_step (
        step_id    BIGINT PRIMARY KEY,
        project_id INTEGER NOT NULL,
        month      DATE NOT NULL,
        action     VARCHAR NOT NULL,
        actor      VARCHAR NOT NULL,
        happened_at TIMESTAMP NOT NULL DEFAULT current_localtimestamp(),
        reason     VARCHAR
    );
    CREATE TABLE unit_assignment (
        username   VARCHAR NOT NULL,
        department VARCHAR NOT NULL,
        unit       VARCHAR NOT NULL,
        PRIMARY KEY (username, department, unit)
    );
    CREATE TABLE indicator_summary (
        indicator_id INTEGER NOT NULL, year INTEGER NOT NULL, text VARCHAR NOT NULL,
        load_id BIGINT NOT NULL, replaced_by BIGINT
    );
    """,
]

SCHEMA_VERSION = len(MIGRATIONS)


def operator_name() -> str:
    """Who is writing: ``PERFBOARD_USER`` or the login name (recorded in every load)."""
    return os.environ.get("PERFBOARD_USER") or getpass.getuser()


def _is_lock_error(exc: Exception) -> bool:
    text = str(exc).lower()
    return "lock" in text and ("conflicting" in text or "could not set" in text)


def connect(
    path: Path | str | None = None, *, read_only: bool = False, timeout: float | None = None
) -> duckdb.DuckDBPyConnection:
    """Open the database, waiting up to ``timeout`` seconds for another process to let go."""
    path = Path(path) if path else default_db_path()
    if read_only and not path.exists():
        raise DatabaseMissing(f"database {path} does not exist: run `perfboard init` first")
    if not read_only:
        path.parent.mkdir(parents=True, exist_ok=True)
    if timeout is None:
        timeout = float(os.environ.get("PERFBOARD_BUSY_TIMEOUT", DEFAULT_BUSY_TIMEOUT))
    deadline = time.monotonic() + timeout
    delay = 0.05
    while True:
        try:
            return duckdb.connect(str(path), read_only=read_only)
        except duckdb.IOException as exc:
            if not _is_lock_error(exc):
                raise
            if time.monotonic() >= deadline:
                raise DatabaseBusy(
                    f"数据库正忙：另一个上传或程序正在使用 {path.name}，请一分钟后重试。"
                    f" / The database is busy: another upload is running, try again in a minute."
                ) from exc
            time.sleep(delay)
            delay = min(delay * 2, 0.5)


def schema_version(con: duckdb.DuckDBPyConnection) -> int:
    exists = con.execute("SELECT count(*) FROM information_schema.tables WHERE table_name = 'meta'").fetchone()[0]
    if not exists:
        return 0
    row = con.execute("SELECT value FROM meta WHERE key = 'schema_version'").fetchone()
    return int(row[0]) if row else 0


def upgrade(con: duckdb.DuckDBPyConnection) -> int:
    """Bring the schema to ``SCHEMA_VERSION`` in one transaction; returns the version found."""
    found = schema_version(con)
    if found > SCHEMA_VERSION:
        raise RuntimeError(f"database schema {found} is newer than this program ({SCHEMA_VERSION})")
    if found == SCHEMA_VERSION:
        return found
    con.execute("BEGIN TRANSACTION")
    try:
        for sql in MIGRATIONS[found:]:
            con.execute(sql)
        con.execute("INSERT OR REPLACE INTO meta VALUES ('schema_version', ?)", [str(SCHEMA_VERSION)])
        con.execute("INSERT OR IGNORE INTO meta VALUES ('data_version', '0')")
        con.execute("COMMIT")
    except Exception:
        con.execute("ROLLBACK")
        raise
    return found


def init(path: Path | str | None = None) -> int:
    """Create or upgrade the database file; returns the schema version it had before."""
    con = connect(path)
    try:
        return upgrade(con)
    finally:
        con.close()


def bump_data_version(con: duckdb.DuckDBPyConnection) -> None:
    """Every write bumps this counter so readers (the dashboard's cache) know to refresh."""
    con.execute("UPDATE meta SET value = CAST(CAST(value AS BIGINT) + 1 AS VARCHAR) WHERE key = 'data_version'")


def data_version(con: duckdb.DuckDBPyConnection) -> int:
    row = con.execute("SELECT value FROM meta WHERE key = 'data_version'").fetchone()
    return int(row[0]) if row else 0


@contextmanager
def write_transaction(path: Path | str | None = None, *, bump: bool = True) -> Iterator[duckdb.DuckDBPyConnection]:
    """Open, upgrade if needed, run the body as one transaction, bump the data version, close.

    ``bump=False`` for writes no light, figure or form depends on (sign-in sessions): the dashboard's caches
    key on the data version, and a sign-in must not throw away every computed status.
    """
    con = connect(path)
    try:
        upgrade(con)
        con.execute("BEGIN TRANSACTION")
        try:
            yield con
            if bump:
                bump_data_version(con)
            con.execute("COMMIT")
        except BaseException:
            con.execute("ROLLBACK")
            raise
    finally:
        con.close()


@contextmanager
def read_connection(path: Path | str | None = None) -> Iterator[duckdb.DuckDBPyConnection]:
    """A short read-only connection; fails clearly when the schema is older than this program."""
    con = connect(path, read_only=True)
    try:
        found = schema_version(con)
        if found != SCHEMA_VERSION:
            raise RuntimeError(
                f"database schema version {found}, program expects {SCHEMA_VERSION}: run `perfboard init`"
            )
        yield con
    finally:
        con.close()


def log_load(
    con: duckdb.DuckDBPyConnection,
    kind: str,
    file_name: str | None,
    file_hash: str | None,
    row_count: int,
    detail: str | None = None,
    loaded_by: str | None = None,
) -> int:
    """Record a write in ``load_log`` inside the caller's transaction; returns its id.

    ``loaded_by`` names the signed-in user of a web write; the command line's operator otherwise."""
    return con.execute(
        "INSERT INTO load_log (load_id, kind, file_name, file_hash, row_count, loaded_by, detail) "
        "VALUES (nextval('load_id_seq'), ?, ?, ?, ?, ?, ?) RETURNING load_id",
        [kind, file_name, file_hash, row_count, loaded_by or operator_name(), detail],
    ).fetchone()[0]
