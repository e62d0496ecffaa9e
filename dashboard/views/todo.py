"""A staff member's to-do list ("本月需填报：…，截止 …"), shown above the page they land on after signing in.

From ``metrics.due.todo`` (docs/domain.md §10): the month being filed now, what is overdue, and months returned
to them with the reviewer's reason.
"""

from __future__ import annotations

import pandas as pd
import streamlit as st

from core.accounts import Actor
from dashboard import data
from dashboard.i18n import lang, t
from dashboard.render import plain
from metrics.due import STREAMS


def _items(rows: pd.DataFrame) -> str:
    """What a project-month still owes: its streams, with the values' indicators named."""
    parts = []
    for stream, missing in zip(rows["stream"], rows["missing"], strict=True):
        name = STREAMS[stream].zh if lang() == "zh" else STREAMS[stream].en
        if len(missing):
            shown = "、".join(list(missing)[:3]) + ("…" if len(missing) > 3 else "")
            name += f"（{shown}）" if lang() == "zh" else f" ({shown})"
        parts.append(name)
    return ("、" if lang() == "zh" else ", ").join(parts)


def lines(frame: pd.DataFrame) -> list[tuple[str, str, str, str]]:
    """(kind, text, project, YYYY-MM) per project-month: ``returned``, ``overdue`` or ``due``; returned first."""
    out = []
    for (_, project, month), rows in frame.groupby(["project_id", "project", "month"], sort=True):
        shown_month = f"{month.year}年{month.month}月" if lang() == "zh" else f"{month:%Y-%m}"
        due_by = rows["deadline"].iloc[0].isoformat()
        reasons = [r for r in rows["reason"] if isinstance(r, str) and r]
        if reasons:
            text = t("todo_returned", project=project, month=shown_month, reason=reasons[0])
            out.append(("returned", text, project, f"{month:%Y-%m}"))
            continue
        kind = "overdue" if bool(rows["overdue"].any()) else "due"
        text = t(f"todo_{kind}", project=project, month=shown_month, items=_items(rows), deadline=due_by)
        out.append((kind, text, project, f"{month:%Y-%m}"))
    order = {"returned": 0, "overdue": 1, "due": 2}
    return sorted(out, key=lambda line: order[line[0]])


def render(actor: Actor) -> None:
    frame = data.todo(actor.username)
    if frame.empty:
        st.caption(t("todo_none"))
        return
    shown = lines(frame)
    text = "\n".join(f"- {plain(line[1])}" for line in shown)
    box = st.error if any(line[0] != "due" for line in shown) else st.info
    box(f"**{t('todo_title')}**\n\n{text}")
    kind, _, project, month = shown[0]  # the most pressing month, opened on the submission page
    st.page_link(
        "views/review.py",
        label=t("todo_open"),
        icon=":material/task_alt:",
        query_params={"project": project, "month": month},
    )
