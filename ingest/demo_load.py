"""Load the demo: the seed's 2020 targets, their bindings and the shipped demo actuals, in one transaction."""

from __future__ import annotations

from core.config import Config
from core.db import read_connection, write_transaction
from core.paths import DATA_DIR, SEED_TARGETS
from ingest.actuals import Catalog, validate_upload, write_upload
from ingest.bindings import store_bindings
from ingest.problems import ValidationFailed
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


def load_demo(db_path, config: Config) -> str:
    """Targets first (their own transaction), then bindings and all actuals together.

    ``config`` is the caller's (the CLI command's or the dashboard request's), loaded once at the edge."""
    targets = load_targets([SEED_TARGETS], db_path, config)
    rows = 0
    with write_transaction(db_path) as con:
        bound = store_bindings(con, BINDINGS_2020, 2020)
        catalog = Catalog.load(con)
        uploads = [validate_upload(con, DEMO_DIR / name, catalog=catalog) for name in DEMO_FILES]
        problems = [p for u in uploads for p in u.problems]
        if problems:
            raise ValidationFailed(problems)
        for upload in uploads:
            rows += write_upload(con, upload).rows
    notes = "".join(f"\n提示 warning: {zh}" for zh, _ in bound.warnings)
    return f"{targets.projects} projects, {targets.indicators} indicators, {rows} rows of actuals{notes}"


def load_demo_if_empty(db_path, config: Config) -> str | None:
    """The demo into a database (created and upgraded already) that holds no project yet; None if it has one.

    What both edges do on first start: ``perfboard serve`` before it starts, and the dashboard itself."""
    with read_connection(db_path) as con:
        if con.execute("SELECT count(*) FROM project").fetchone()[0]:
            return None
    return load_demo(db_path, config)
