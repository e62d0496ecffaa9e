"""Load the demo: the seed's 2020 targets, their bindings and the shipped demo actuals, in one transaction."""

from __future__ import annotations

from ingest.actuals import Catalog, validate_upload, write_upload
from ingest.bindings import store_bindings
from ingest.problems import ValidationFailed
from ingest.target_store import load_targets
from core.db import write_transaction
from core.paths import DATA_DIR, SEED_TARGETS

DEMO_DIR = DATA_DIR / "demo"
BINDINGS_2020 = DATA_DIR / "bindings_2020.toml"
DEMO_FILES = (
    "budget_2020.csv",
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


def load_demo(db_path=None) -> str:
    """Targets first (their own transaction), then bindings and all actuals together."""
    targets = load_targets([SEED_TARGETS], db_path)
    rows = 0
    with write_transaction(db_path) as con:
        store_bindings(con, BINDINGS_2020, 2020)
        catalog = Catalog.load(con)
        uploads = [validate_upload(con, DEMO_DIR / name, catalog=catalog) for name in DEMO_FILES]
        problems = [p for u in uploads for p in u.problems]
        if problems:
            raise ValidationFailed(problems)
        for upload in uploads:
            rows += write_upload(con, upload).rows
    return f"{targets.projects} projects, {targets.indicators} indicators, {rows} rows of actuals"
