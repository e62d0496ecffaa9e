"""The demo's monthly cycle: January–May approved, April of 培训 returned once, June awaiting review.

The session's demo is loaded without the review history (``cycle=False``: other tests write to its months);
here the history is added to a copy, as ``load_demo`` does, and every month it submits is checked to have had
nothing missing (``ingest.review.blockers``), which the loader itself does not judge on every load.
"""

from __future__ import annotations

from datetime import date

import pytest

from core.config import load_config
from core.db import read_connection, write_transaction
from ingest.demo import REVIEW, TRAINING
from ingest.demo_load import write_review_history
from ingest.review import blockers
from metrics import due
from metrics.review_state import month_states, steps


@pytest.fixture
def cycled(demo_copy):
    with write_transaction(demo_copy) as con:
        write_review_history(con)
    return demo_copy


def test_every_month_the_demo_submits_had_nothing_missing(demo_copy):
    submitted = sorted({m for _, m, step, *_ in REVIEW if step == "submit"})
    assert submitted == [1, 2, 3, 4, 5, 6]
    with read_connection(demo_copy) as con:
        config = load_config(con)
        found = {m: blockers(con, config, 2020, m, today=date(2021, 1, 1)) for m in submitted}
    assert found == dict.fromkeys(submitted, {})


def test_january_to_may_approved_june_submitted(cycled):
    with read_connection(cycled) as con:
        states = month_states(con, 2020)
        names = dict(con.execute("SELECT project_id, name FROM project").fetchall())
        history = steps(con, 2020)
    by_month = states.groupby("month")["state"].agg(set).to_dict()
    assert by_month == {
        **{date(2020, m, 1): {"approved"} for m in range(1, 6)},
        date(2020, 6, 1): {"submitted"},
    }
    assert len(states) == 6 * 5  # five projects, six months each
    april = history[(history["month"] == date(2020, 4, 1)) & (history["project_id"].map(names) == TRAINING)]
    assert april["action"].tolist() == ["submit", "return", "submit", "approve"]
    assert april["actor"].tolist() == ["demo-staff", "demo-leader", "demo-staff", "demo-leader"]
    assert "体荟魔都" in april["reason"].iloc[1]
    assert str(history["happened_at"].min()) == "2020-02-08 10:00:00"


def test_the_demo_files_on_time_but_twice(cycled):
    """Each month is filed on the 6th of the next; February's deliverables (12 March) and March's visitors
    (14 April) came after the 10th."""
    with read_connection(cycled) as con:
        view = due.completeness(con, load_config(con), 2020, 12, today=date(2021, 2, 1))
    rates = view.projects.set_index("project")
    # 培训: budget and deliverables every month (24) and values in June and December (2) = 26, one late
    assert rates.loc[TRAINING, ["due", "on_time", "late", "not_filed"]].tolist() == [26, 25, 1, 0]
    cells = view.cells
    june = cells[cells["month"] == date(2020, 6, 1)]
    assert set(june["state"]) == {"filed"} and set(june["review_state"]) == {"submitted"}
    assert set(cells.loc[cells["month"] == date(2020, 3, 1), "state"]) == {"approved"}
    # IT's values of September: 工作完成及时性 was never rated (the demo leaves it out on purpose)
    september = cells[(cells["month"] == date(2020, 9, 1)) & (cells["stream"] == "values")]
    assert september["missing"].tolist() == [["工作完成及时性"]] and september["state"].tolist() == ["late"]
