"""设置: the admin changes thresholds and scoring weights (each change audited); every light and score follows at once."""

from __future__ import annotations

import streamlit as st

from core.config import load_config, whole_numbers
from core.settings import BUDGET_WEIGHT, CHOICES, LEVEL_WEIGHTS, editable, parse
from dashboard import data
from dashboard.i18n import TEXT, setting_label, t
from dashboard.render import plain
from dashboard.views.common import current_actor
from ingest.next_year import draft_files


def _shown(value) -> str:
    return f"{value:g}" if isinstance(value, float) else str(value)


def _key_help(section: str, key: str) -> str:
    """The tooltip: the setting's name for ``perfboard config set`` (the label above it is in words)."""
    return plain(t("setting_key_help", name=f"{section}.{key}"))


def _choice(value: str) -> str:
    return t(f"mode_{value}") if f"mode_{value}" in TEXT else value


def _field(section: str, key: str, value, default):
    """One input for one setting: a choice or a number, labelled in words, with its name and default."""
    widget = f"set_{section}_{key}"
    if (section, key) in CHOICES:
        label = t("with_default", label=setting_label(section, key), value=_choice(default))
        options = list(CHOICES[(section, key)])
        return st.selectbox(
            label, options, index=options.index(value), format_func=_choice, key=widget, help=_key_help(section, key)
        )
    label = t("with_default", label=setting_label(section, key), value=_shown(default))
    if (section, key) in whole_numbers():  # a count (e.g. of days): whole numbers only
        return st.number_input(label, value=int(value), min_value=0, step=1, key=widget, help=_key_help(section, key))
    return st.number_input(
        label, value=float(value), min_value=0.0, format="%g", key=widget, help=_key_help(section, key)
    )


def _level_fields(value: dict, default: dict) -> dict:
    """The level weights: one number per level, side by side."""
    st.markdown(f"**{setting_label(*LEVEL_WEIGHTS)}**")
    new = {}
    for column, (level, weight) in zip(st.columns(len(value)), value.items(), strict=True):
        with column:
            new[level] = st.number_input(
                plain(t("with_default", label=t("level_weight", level=level), value=_shown(default.get(level, 0)))),
                value=float(weight),
                min_value=0.0,
                key=f"set_scoring_level_{level}",
                help=plain(t("setting_key_help", name=f"scoring.level_weights {level}")),
            )
    return new


def _next_year() -> None:
    """The next year's targets draft (ingest.next_year), made on request and offered as downloads."""
    years = data.years()
    if not years:
        return
    st.subheader(t("next_year_title"))
    st.caption(t("next_year_help"))
    left, right = st.columns([1, 2])
    year = left.selectbox(t("next_year_from"), years, key="next_year_from")
    if right.button(t("next_year_make", year=year + 1), key="next_year_make"):
        with data.reading() as con:
            st.session_state[f"next_year_files_{year}"] = draft_files(con, load_config(con), year)
    for name, content in st.session_state.get(f"next_year_files_{year}", []):
        st.download_button(t("next_year_download", name=name), content, file_name=name, key=f"download_{name}")


def render() -> None:
    st.title(t("settings"))
    st.caption(t("settings_help"))
    _thresholds()
    _next_year()


def _thresholds() -> None:
    values = data.settings()
    defaults = editable()
    changed = {}
    with st.form("settings"):
        section_shown = None
        for (section, key), value in values.items():
            if section != section_shown:
                name = f"section_{section}"
                st.subheader(t(name) if name in TEXT else section)
                if section == "scoring":
                    st.caption(t("scoring_help"))
                section_shown = section
            if (section, key) == LEVEL_WEIGHTS:
                new = _level_fields(value, defaults[LEVEL_WEIGHTS])
                if any(new[level] != weight for level, weight in value.items()):
                    changed[(section, key)] = new
                continue
            new = _field(section, key, value, defaults[(section, key)])
            if new != value:
                changed[(section, key)] = new
        submitted = st.form_submit_button(t("save"), type="primary")
    if not submitted:
        return
    try:
        # every change is checked first (the level weights against the budget weight being saved with them),
        # so a refused value leaves nothing half saved; the budget weight is written before the level weights
        budget = changed.get(BUDGET_WEIGHT, values[BUDGET_WEIGHT])
        for (section, key), value in changed.items():
            parse(section, key, value, budget_weight=float(budget))
        for (section, key), value in changed.items():
            data.change_setting(section, key, value, current_actor())
    except ValueError as exc:
        st.error(plain(str(exc)))
        return
    st.success(t("saved"))


render()
