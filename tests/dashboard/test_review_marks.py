"""Which projects the overview marks 待审核, and the month each is shown as of with approved data only
(``overview_model.review_marks`` over ``metrics.review_state.month_states``; docs/domain.md §10)."""

from __future__ import annotations

from datetime import date

import pandas as pd

from dashboard.overview_model import review_marks


def states(*rows: tuple[int, int, str]) -> pd.DataFrame:
    return pd.DataFrame(
        [(p, date(2020, m, 1), s) for p, m, s in rows], columns=["project_id", "month", "state"]
    ).reindex(columns=["project_id", "month", "state", "actor", "happened_at", "reason"])


def test_review_marks_as_of_june():
    marks = review_marks(
        states(
            (1, 4, "approved"),
            (1, 5, "approved"),
            (1, 6, "returned"),  # June sent back: shown as of May
            (2, 6, "approved"),  # June approved: not pending
            (3, 5, "approved"),
            (3, 6, "submitted"),  # June awaiting review
            (4, 7, "approved"),  # only a later month approved: nothing approved up to June
            (5, 6, "open"),  # unlocked: open again
        ),
        [1, 2, 3, 4, 5, 6],  # 6: no step at all
        6,
    )
    assert marks.pending == {1, 3, 4, 5, 6}
    assert marks.approved_as_of == {1: 5, 2: 6, 3: 5}


def test_no_steps_at_all():
    marks = review_marks(states(), [1, 2], 6)
    assert marks.pending == {1, 2} and marks.approved_as_of == {}
