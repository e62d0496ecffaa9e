"""The year's basis (targets and the tickets' month-independent counts, kept by the dashboard per data version)
changes no light: with it or without it, every month of the demo gives the same report (docs/design.md §1).

The demo has target revisions (from their month on the basis reads the targets again), budget adjustments,
hotline tickets and monthly reports, so every branch of ``compute_status`` and the hotline measures is met.
"""

from __future__ import annotations

import pandas as pd
import pytest

from core import db
from core.config import load_config
from metrics import measures
from metrics.status import compute_status, status_basis


@pytest.fixture(scope="module")
def demo(demo_template):
    con = db.connect(demo_template, read_only=True)
    yield con, load_config(con)
    con.close()


def same(a, b) -> None:
    pd.testing.assert_frame_equal(a.project_frame, b.project_frame)
    pd.testing.assert_frame_equal(a.indicator_frame, b.indicator_frame)
    assert list(a.judged) == list(b.judged)
    for name in a.judged:
        pd.testing.assert_frame_equal(a.judged[name], b.judged[name])
    assert a.adjustments == b.adjustments
    assert a.to_dict() == b.to_dict()
    assert a.to_dict("en") == b.to_dict("en")


def test_every_month_is_the_same_with_the_basis(demo):
    con, config = demo
    basis = status_basis(con, 2020, config=config)
    assert basis.first_revision is not None  # the demo revises a target: later months read the targets again
    assert set(basis.kept) == {"ticket_rows"}
    for month in range(1, 13):
        same(compute_status(con, config, 2020, month, basis=basis), compute_status(con, config, 2020, month))


def test_a_basis_for_another_configuration_or_year_is_not_used_for_its_rows(demo):
    con, config = demo
    other = status_basis(con, 2019, config=config)  # another year: nothing of it applies
    same(compute_status(con, config, 2020, 6, basis=other), compute_status(con, config, 2020, 6))


def test_hotline_from_the_kept_counts_equals_the_tickets_read_again(demo):
    con, config = demo
    names = ["hotline", "hotline_months"]
    kept = measures.year_rows(con, names, 2020, config)
    for month in range(1, 13):
        got = measures.run_all(con, names, 2020, month, config, kept)
        for name in names:
            alone = measures.run(con, measures.MEASURES[name], 2020, month, config)
            pd.testing.assert_frame_equal(got[name], alone)
