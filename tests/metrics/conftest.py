"""A database with the seed's targets and bindings: shared by the status tests."""

import pytest
from helpers import ROOT, SEED

from core.config import load_config
from core.db import write_transaction
from ingest.bindings import store_bindings
from ingest.target_store import load_targets


@pytest.fixture
def db(db_path):
    load_targets([SEED], db_path, load_config())
    with write_transaction(db_path) as con:
        store_bindings(con, ROOT / "data" / "bindings_2020.toml", 2020)
    return db_path
