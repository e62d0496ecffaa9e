"""填报: staff download templates, upload actuals (checked and previewed before writing), and rate indicators."""

from __future__ import annotations

import pandas as pd
import streamlit as st

from core.accounts import PermissionDenied
from core.db import DatabaseBusy
from core.numbers import month_label
from core.paths import TEMPLATES_DIR
from dashboard import data, entry_model
from dashboard.i18n import lang, t
from dashboard.render import plain
from dashboard.views.common import current_actor
from ingest.actual_kinds import KINDS, LIKELIHOOD_WORDS, RATING_WORDS
from ingest.entry import Entry
from ingest.problems import Problem, ValidationFailed
from ingest.review import LockedProblem, upload_locks
from ingest.templates import TEMPLATE_KINDS, template_name


def _kind_label(kind: str) -> str:
    if kind == "targets":
        return "绩效目标表" if lang() == "zh" else "targets"
    return KINDS[kind].zh if lang() == "zh" else KINDS[kind].en


def _year() -> int:
    return data.years()[0]


def _mine(year: int) -> dict[str, int]:
    """The projects this account may write for (an admin: all): the only ones its forms offer."""
    with data.reading() as con:
        return entry_model.writable_projects(con, current_actor(), year)


def templates() -> None:
    st.subheader(t("templates"))
    mine = _mine(_year())  # (a cached read, never under another reading's lock)
    with data.reading() as con:
        due = entry_model.due_kinds(con, mine.values())
    st.caption(t("templates_due_help"))
    cols = st.columns(5)
    for k, kind in enumerate(TEMPLATE_KINDS):
        name = template_name(kind, ".xlsx")
        label = _kind_label(kind)
        cols[k % 5].download_button(
            t("template_due", kind=label) if kind in due else label,
            (TEMPLATES_DIR / name).read_bytes(),
            file_name=name,
            key=f"tpl_{kind}",
            type="primary" if kind in due else "secondary",
            mime="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        )


def show_problems(problems) -> None:
    """Every problem, nothing written: a locked month as a sentence of its own (it names the month, who
    approved it and when, too long for a table cell), the rest as a table with line, column and reason."""
    st.error(t("problems", n=len(problems)))
    locked = [p for p in problems if isinstance(p, LockedProblem)]
    for p in locked:
        st.error(plain(p.reason(lang())))
    rest = [p for p in problems if not isinstance(p, LockedProblem)]
    if rest:
        st.dataframe(problems_table(rest), hide_index=True, width="stretch")


def problems_table(problems) -> pd.DataFrame:
    return pd.DataFrame(
        [
            {
                t("file_label"): p.file,
                t("rows_label"): "—" if p.line is None else p.line,
                t("column_label"): p.column or "",
                t("value_label"): p.value or "",
                t("reason_label"): p.reason(lang()),
            }
            for p in problems
        ]
    )


def upload() -> None:
    st.subheader(t("upload"))
    st.caption(t("upload_help"))
    # any file is taken, so a wrong one gets a sentence, not only the uploader's red icon
    file = st.file_uploader(t("upload"), key="upload", label_visibility="collapsed")
    if file is None:
        return
    suffix = file.name.rsplit(".", 1)[-1].lower() if "." in file.name else ""
    if suffix not in ("csv", "xlsx", "xlsm"):
        st.error(plain(t("wrong_file_type", name=file.name, suffix=f".{suffix}" if suffix else "")))
        return
    content = file.getvalue()
    limit = data.config().limits.max_file_mb
    if len(content) > limit * 1024 * 1024:
        size = {"size": f"{len(content) / 1024 / 1024:,.1f}", "limit": f"{limit:g}"}
        st.error(plain(Problem(file.name, "file_too_big", params=size).format(lang())))
        return
    with st.spinner(t("checking")):
        try:
            checked, replaced = data.check_upload(content, file.name)
        except DatabaseBusy:
            st.error(t("busy"))
            return
    if checked.problems:
        show_problems(checked.problems)
        return
    with data.reading() as con:
        refused = entry_model.refused_projects(con, checked, current_actor())
        if refused:  # said before 校验通过, with the rows it concerns, and no confirm button
            named = "、".join(t("project_rows", project=name, n=n) for name, n in refused)
            st.error(plain(t("not_your_projects", projects=named)))
            return
        locks = upload_locks(con, checked.rows, file.name)  # approved months: refused before 校验通过 too
        if locks:
            show_problems(locks)
            return
        shown = entry_model.preview(con, checked, lang())
        overwritten = entry_model.replaced_rows(con, checked, lang()) if replaced else None
    kind = checked.kind.zh if lang() == "zh" else checked.kind.en
    labels = [month_label(pd.Timestamp(f"{m}-01").date(), lang()) for m in checked.months]
    months = ("、" if lang() == "zh" else ", ").join(labels) if len(labels) <= 4 else f"{labels[0]}…{labels[-1]}"
    st.success(plain(t("valid", kind=kind, rows=len(checked.rows), months=months, replaced=replaced)))
    st.markdown(f"**{t('preview')}**")
    st.dataframe(shown, hide_index=True, width="stretch")
    if overwritten is not None and len(overwritten):
        st.markdown(f"**{t('replaced_preview', n=replaced)}**")
        st.dataframe(overwritten, hide_index=True, width="stretch")
    if st.button(t("confirm"), type="primary", key="confirm"):
        progress = st.progress(0.1, text=t("writing"))
        try:
            loaded = data.write_upload(content, file.name, current_actor())
        except ValidationFailed as failed:
            progress.empty()
            show_problems(failed.problems)
            return
        except DatabaseBusy:
            progress.empty()
            st.error(t("busy"))
            return
        except PermissionDenied as exc:
            progress.empty()
            st.error(plain(t("refused", reason=str(exc))))
            return
        progress.empty()  # the one success message below says it (once)
        st.success(t("written", rows=loaded.rows, replaced=loaded.replaced))


def rating_form() -> None:
    st.subheader(t("rating_form"))
    st.caption(t("rating_help"))
    year = _year()
    indicators = data.indicators(year)
    indicators = indicators[indicators["project"].isin(_mine(year))]
    if indicators.empty:
        st.info(t("no_projects_assigned"))
        return
    projects = list(dict.fromkeys(indicators["project"]))
    project = st.selectbox(t("col_project"), projects, key="form_project")
    names = indicators.loc[indicators["project"] == project, "indicator"].tolist()
    with st.form("rating", clear_on_submit=False):
        indicator = st.selectbox(t("indicator"), names, key="form_indicator")
        month = st.selectbox(
            t("month"), [f"{year}-{m:02d}" for m in range(1, 13)], index=data.latest_month(year) - 1, key="form_month"
        )
        value = st.text_input(t("value"), key="form_value")
        rating = st.selectbox(t("rating"), ["", *RATING_WORDS], key="form_rating")
        likelihood = st.selectbox(t("likelihood"), ["", *LIKELIHOOD_WORDS], key="form_likelihood")
        reason = st.text_area(t("reason"), key="form_reason")
        measures = st.text_area(t("measures"), key="form_measures")
        note = st.text_input(t("note"), key="form_note")
        evidence = st.file_uploader(t("evidence"), key="form_evidence")
        submitted = st.form_submit_button(t("save"), type="primary")
    if not submitted:
        return
    entry = Entry(project, indicator, month, value, rating, likelihood, reason, measures, note)
    _write(lambda: data.save_entry(entry, (evidence.name, evidence.getvalue()) if evidence else None, current_actor()))


def _write(save) -> None:
    """Run one form's write and say how it went: saved, every problem, refused, or busy (never a traceback)."""
    try:
        save()
    except ValidationFailed as failed:
        show_problems(failed.problems)
        return
    except PermissionDenied as exc:
        st.error(plain(t("refused", reason=str(exc))))
        return
    except (DatabaseBusy, ValueError) as exc:
        st.error(t("busy") if isinstance(exc, DatabaseBusy) else plain(str(exc)))
        return
    st.success(t("saved"))


def summary_form() -> None:
    st.subheader(t("summary_form"))
    year = _year()
    projects = list(_mine(year))
    if not projects:
        return
    with st.form("summary"):
        project = st.selectbox(t("col_project"), projects, key="summary_project")
        text = st.text_area(t("summary_form"), key="summary_text", height=150)
        submitted = st.form_submit_button(t("save"))
    if not submitted:
        return
    _write(lambda: data.save_summary(project, f"{year}-12", text, current_actor()))


def _row_form(key: str, title: str, kind: str, fields) -> None:
    """A form that writes one row of an upload kind, validated and audited like a file."""
    st.subheader(t(title))
    year = _year()
    projects = list(_mine(year))
    if not projects:
        return
    with st.form(key):
        values = fields(year, projects)
        submitted = st.form_submit_button(t("save"))
    if not submitted:
        return
    _write(lambda: data.save_row(kind, values, current_actor()))


def _adjustment_fields(year: int, projects: list[str]) -> dict[str, str]:
    month = st.selectbox(t("col_effective"), [f"{year}-{m:02d}" for m in range(1, 13)], key="adjust_month")
    return {
        "project": st.selectbox(t("col_project"), projects, key="adjust_project"),
        "month": month,
        "budget": st.text_input(t("adjusted_budget"), key="adjust_budget"),
        "reason": st.text_input(t("change_reason"), key="adjust_reason"),
        "approval": st.text_input(t("approval"), key="adjust_approval"),
    }


def _revision_fields(year: int, projects: list[str]) -> dict[str, str]:
    # one choice of project and indicator together: a form does not rerun when its first box changes
    mine = data.indicators(year)
    mine = mine[mine["project"].isin(projects)]
    pairs = list(mine[["project", "indicator"]].itertuples(index=False, name=None))
    project, indicator = st.selectbox(
        t("indicator"), pairs, format_func=lambda pair: f"{pair[0]} — {pair[1]}", key="revise_indicator"
    )
    return {
        "project": project,
        "indicator": indicator,
        "month": st.selectbox(t("col_effective"), [f"{year}-{m:02d}" for m in range(1, 13)], key="revise_month"),
        "target_text": st.text_input(t("revised_target"), key="revise_target"),
        "reason": st.text_input(t("change_reason"), key="revise_reason"),
    }


def render() -> None:
    st.title(t("entry"))
    templates()
    upload()
    rating_form()
    summary_form()
    _row_form("adjust", "adjust_form", "budget_adjustment", _adjustment_fields)
    _row_form("revise", "revise_form", "target_revision", _revision_fields)


render()
