"""Load the demo: the seed's 2020 targets, their bindings and the shipped demo actuals, in one transaction.

Each month of each file is its own load, stamped on the day it was filed in 2020 (``ingest.demo.FILED_DAY``),
and the review history of 2020 (``ingest.demo.REVIEW``) is taken through the checks of the monthly cycle, so the
demo shows on-time rates, approved and locked months, a return and a month awaiting review (docs/domain.md §10).
"""

from __future__ import annotations

from datetime import date, datetime

import duckdb
import pandas as pd

from core.accounts import Actor
from core.config import Config
from core.db import read_connection, write_transaction
from core.paths import DATA_DIR, SEED_TARGETS
from ingest import demo
from ingest.actuals import Catalog, Upload, validate_upload, write_upload
from ingest.bindings import store_bindings
from ingest.problems import ValidationFailed
from ingest.review import take_step
from ingest.target_store import load_targets

DEMO_DIR = DATA_DIR / "demo"
BINDINGS_2020 = DATA_DIR / "bindings_2020.toml"
DEMO_FILES = (
    "budget_adjustments_2020.csv",
    "budget_2020.csv",
    "target_revisions_2020.csv",
    "hotline_tickets_2020.csv",
    "hotline_month_2020.csv",
    "opinion_events_2020.csv",
    "opinion_hours_2020.csv",
    "visitors_2019_2020.csv",
    "deliverables_2020.csv",
    "indicator_values_2020.csv",
    "reference_values_2020.csv",
    "summary_2020.csv",
)


def load_demo(db_path, config: Config, *, cycle: bool = True) -> str:
    """Targets first (their own transaction), then bindings, all actuals and the review history together.

    ``config`` is the caller's (the CLI command's or the dashboard request's), loaded once at the edge.
    ``cycle=False`` leaves out the review history: every month stays open (for tests that write to them)."""
    targets = load_targets([SEED_TARGETS], db_path, config)
    rows = 0
    with write_transaction(db_path) as con:
        bound = store_bindings(con, BINDINGS_2020, 2020)
        catalog = Catalog.load(con)
        uploads = [validate_upload(con, DEMO_DIR / name, catalog=catalog) for name in DEMO_FILES]
        problems = [p for u in uploads for p in u.problems]
        if problems:
            raise ValidationFailed(problems)
        for name, upload in zip(DEMO_FILES, uploads, strict=True):
            rows += _write_by_month(con, name, upload)
        if cycle:
            write_review_history(con)
    notes = "".join(f"\n提示 warning: {zh}" for zh, _ in bound.warnings)
    return f"{targets.projects} projects, {targets.indicators} indicators, {rows} rows of actuals{notes}"


def load_demo_if_empty(db_path, config: Config) -> str | None:
    """The demo into a database (created and upgraded already) that holds no project yet; None if it has one.

    What both edges do on first start: ``perfboard serve`` before it starts, and the dashboard itself."""
    with read_connection(db_path) as con:
        if con.execute("SELECT count(*) FROM project").fetchone()[0]:
            return None
    return load_demo(db_path, config)


def _filed_at(file: str, month: pd.Timestamp) -> datetime:
    """When a month of a demo file was filed: early in the following month (last year's with January's)."""
    if month.year < demo.YEAR:
        month = pd.Timestamp(demo.YEAR, 1, 1)
    following = date(month.year + 1, 1, 1) if month.month == 12 else date(month.year, month.month + 1, 1)
    day = demo.FILED_LATE.get((file, month.month), demo.FILED_DAY)
    return datetime(following.year, following.month, day, 9, 30)


def _write_by_month(con: duckdb.DuckDBPyConnection, file: str, upload: Upload) -> int:
    """The upload written once, then split into one load per month, each stamped with the day it was filed.

    The first month keeps the load (and its audit entry); each later month gets a copy of its ``load_log`` row."""
    loaded = write_upload(con, upload)
    table = upload.kind.table
    months = sorted(pd.to_datetime(upload.rows["month"]).dt.to_period("M").dt.to_timestamp().unique())
    for n, month in enumerate(months):
        load_id = loaded.load_id
        if n:
            (load_id,) = con.execute(
                "INSERT INTO load_log SELECT nextval('load_id_seq'), kind, file_name, file_hash, 0, loaded_by, "
                "loaded_at, ? FROM load_log WHERE load_id = ? RETURNING load_id",
                [f"{month:%Y-%m}", loaded.load_id],
            ).fetchone()
            con.execute(
                f"UPDATE {table} SET load_id = ? WHERE load_id = ? AND date_trunc('month', month) = ?",
                [load_id, loaded.load_id, month],
            )
        con.execute(
            f"UPDATE load_log SET loaded_at = ?, detail = ?, row_count = (SELECT count(*) FROM {table} "
            "WHERE load_id = ?) WHERE load_id = ?",
            [_filed_at(file, month), f"{month:%Y-%m}", load_id, load_id],
        )
    return loaded.rows


def write_review_history(con: duckdb.DuckDBPyConnection) -> None:
    """The demo's review steps of 2020 (inside the caller's transaction), each checked for who may take it
    and from which state; a test that loaded the demo without them (``cycle=False``) may add them later.

    That each submitted month had nothing missing (``ingest.review.blockers``) is checked by a test
    (tests/ingest/test_demo_cycle.py), not on every load: it judges every month's lights."""
    projects = dict(con.execute("SELECT name, project_id FROM project WHERE year = ?", [demo.YEAR]).fetchall())
    ids = frozenset(projects.values())
    actors = {"demo-staff": Actor("demo-staff", "staff", ids), "demo-leader": Actor("demo-leader", "leader", ids)}
    for project, month, step, who, at, reason in demo.REVIEW:
        for name in [project] if project else list(projects):
            take_step(con, actors[who], projects[name], date(demo.YEAR, month, 1), step, reason, at=at, checked=True)
