"""The admin pages' tables in the reader's language (issue 14): column names translated, 是/否 for flags,
— for nothing, project names for ids, and a readable before → after instead of raw JSON.

Pure functions over the DataFrames ``core.accounts`` returns, so the pages stay thin and the wording is
tested without a browser.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Mapping
from datetime import date

import pandas as pd

from core.accounts import ROLE_ZH
from core.numbers import month_label, yes_no
from ingest.actual_kinds import KINDS

NOTHING = "—"

AUDIT_COLUMNS = {
    "happened_at": ("时间", "Time"),
    "actor": ("账号", "Account"),
    "action": ("操作", "Action"),
    "target": ("对象", "On"),
    "outcome": ("结果", "Outcome"),
    "change": ("修改前 → 修改后", "Before → after"),
    "load_id": ("写入编号", "Load"),
}
ACCOUNT_COLUMNS = {
    "username": ("账号", "Account"),
    "role": ("角色", "Role"),
    "projects": ("负责项目", "Projects"),
    "units": ("可见范围", "Scope"),
    "failed": ("连续登录失败次数", "Failed sign-ins"),
    "locked": ("已锁定", "Locked"),
    "locked_until": ("锁定至", "Locked until"),
}
ACTIONS = {
    "sign-in": ("登录", "sign-in"),
    "sign-out": ("退出登录", "sign-out"),
    "account": ("账号", "account"),
    "account:add": ("新建账号", "account added"),
    "account:password": ("设置密码", "password set"),
    "account:assign": ("分配项目", "projects assigned"),
    "config": ("修改设置", "setting changed"),
    "upload": ("上传", "upload"),
    "revert": ("撤销更正", "revert"),
    "targets": ("载入绩效目标表", "targets loaded"),
    "bindings": ("载入绑定", "bindings loaded"),
    "selfeval": ("自评表", "self-evaluation"),
    "selfeval:final": ("自评表定稿", "self-evaluation finalised"),
}
OUTCOMES = {"done": ("完成", "done"), "refused": ("拒绝", "refused")}
KEYS = {  # words inside a before/after
    "role": ("角色", "role"),
    "rows": ("行", "rows"),
    "failed": ("失败次数", "failed"),
    "locked_until": ("锁定至", "locked until"),
    "withdrawn": ("撤回", "withdrawn"),
    "restored": ("恢复", "restored"),
    "projects": ("项目", "projects"),
    "indicators": ("指标", "indicators"),
    "month": ("月份", "month"),
}


def _pick(pair: tuple[str, str], lang: str) -> str:
    return pair[1] if lang == "en" else pair[0]


def action_label(action: str, lang: str) -> str:
    """upload:budget → 上传：预算执行; sign-in → 登录; an action not known here as it is."""
    if action in ACTIONS:
        return _pick(ACTIONS[action], lang)
    head, _, tail = action.partition(":")
    if head in ACTIONS and tail:
        kind = KINDS.get(tail)
        detail = (kind.en if lang == "en" else kind.zh) if kind else tail
        return f"{_pick(ACTIONS[head], lang)}{': ' if lang == 'en' else '：'}{detail}"
    return action


def _missing(value) -> bool:
    if value is None:
        return True
    try:
        return bool(pd.isna(value))
    except (TypeError, ValueError):
        return False


def readable(value, lang: str, projects: Mapping[int, str], words: Callable[[str], str] = str) -> str:
    """One side of a change, in words: a list of project ids as names, a dict as 键：值, nothing as —."""
    if _missing(value):
        return NOTHING
    if isinstance(value, str):
        try:
            value = json.loads(value)
        except ValueError:
            return words(value)
    if isinstance(value, list):
        if not value:
            return "无" if lang != "en" else "none"
        if all(isinstance(v, dict) for v in value):  # rows of a small upload: one line each
            return "；".join(readable(v, lang, projects, words) for v in value)
        if all(isinstance(v, int) for v in value):
            value = [projects.get(v, str(v)) for v in value]
        return ("、" if lang != "en" else ", ").join(str(v) for v in value)
    if isinstance(value, dict):
        sep = "：" if lang != "en" else ": "
        return ("，" if lang != "en" else ", ").join(
            f"{_key(k, lang)}{sep}{_cell(k, v, lang, projects, words)}" for k, v in value.items() if not _missing(v)
        )
    if isinstance(value, bool):
        return yes_no(value, lang)
    return words(str(value))


COLUMN_WORDS = {c.key: (c.zh, c.en) for kind in KINDS.values() for c in kind.columns} | {
    "project_id": ("项目", "project"),
    "indicator_id": ("指标编号", "indicator"),
}
SHOWN_CHARS = 30  # a long text in a change is cut: the audit names the change, the project page shows it whole


def _key(key: str, lang: str) -> str:
    words = KEYS.get(key) or COLUMN_WORDS.get(key)
    return _pick(words, lang) if words else key


def _cell(key: str, value, lang: str, projects: Mapping[int, str], words: Callable[[str], str]) -> str:
    """One value of a stored row: a project by name, a month as 2020年12月, a long text cut."""
    if key == "project_id" and isinstance(value, int):
        return projects.get(value, str(value))
    if key == "role" and isinstance(value, str):
        return value if lang == "en" else ROLE_ZH.get(value, value)
    text = readable(value, lang, projects, words)
    if key == "month" and len(text) >= 7 and text[4] == "-" and text[:4].isdigit():
        return month_label(date(int(text[:4]), int(text[5:7]), 1), lang)
    return text if len(text) <= SHOWN_CHARS else text[: SHOWN_CHARS - 1] + "…"


def audit_table(
    rows: pd.DataFrame,
    lang: str,
    projects: Mapping[int, str],
    setting_label: Callable[[str], str] = str,
    choice: Callable[[str], str] = str,
) -> pd.DataFrame:
    """The audit trail as the page shows it. ``setting_label("budget.mode")`` names a setting, ``choice("ratio")``
    words a setting's value; a config change reads 预算执行灯：判断方式 with 比值… → 差距…."""
    out = pd.DataFrame(index=rows.index)
    out["happened_at"] = pd.to_datetime(rows["happened_at"]).dt.strftime("%Y-%m-%d %H:%M")
    out["actor"] = rows["actor"].fillna(NOTHING)
    config = rows["action"] == "config"
    out["action"] = [action_label(a, lang) for a in rows["action"]]
    out["target"] = [
        setting_label(t) if is_config and isinstance(t, str) else (NOTHING if _missing(t) else str(t))
        for t, is_config in zip(rows["target"], config, strict=True)
    ]
    out["outcome"] = [_pick(OUTCOMES[o], lang) if o in OUTCOMES else o for o in rows["outcome"]]
    changes = []
    for before, after, is_config in zip(rows["before"], rows["after"], config, strict=True):
        words = choice if is_config else str
        if _missing(before) and _missing(after):
            changes.append(NOTHING)
        elif _missing(before):
            changes.append(readable(after, lang, projects, words))
        else:
            changes.append(f"{readable(before, lang, projects, words)} → {readable(after, lang, projects, words)}")
    out["change"] = changes
    out["load_id"] = [NOTHING if _missing(v) else str(int(v)) for v in rows["load_id"]]
    return out.rename(columns={k: _pick(v, lang) for k, v in AUDIT_COLUMNS.items()})


def accounts_table(rows: pd.DataFrame, lang: str, now=None) -> pd.DataFrame:
    """Accounts as the page shows them: role in words, projects by name, 是/否 for locked, — for nothing."""
    now = pd.Timestamp.now() if now is None else pd.Timestamp(now)
    out = pd.DataFrame(index=rows.index)
    out["username"] = rows["username"]
    out["role"] = [role if lang == "en" else ROLE_ZH.get(role, role) for role in rows["role"]]
    out["projects"] = [("、" if lang != "en" else ", ").join(p) if len(p) else NOTHING for p in rows["projects"]]
    if "units" in rows:  # a unit or 主管部门 the account is scoped to (docs/domain.md §10)
        out["units"] = [("、" if lang != "en" else ", ").join(u) if len(u) else NOTHING for u in rows["units"]]
    out["failed"] = rows["failed"].fillna(0).astype(int)
    until = [None if _missing(v) else pd.Timestamp(v) for v in rows["locked_until"]]
    out["locked"] = [yes_no(u is not None and u > now, lang) for u in until]
    out["locked_until"] = [NOTHING if u is None else u.strftime("%Y-%m-%d %H:%M") for u in until]
    return out.rename(columns={k: _pick(v, lang) for k, v in ACCOUNT_COLUMNS.items()})
