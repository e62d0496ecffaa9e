"""Thresholds an admin may change without editing the file, each change audited with before and after.

The defaults stay in ``data/config.toml``; a change is stored in the ``setting`` table and laid
over them (``core.config.load_config``), so every light, score and export follows it.
Setting a value back to the default removes the override.
"""

from __future__ import annotations

import json

from core import db
from core.config import Config, file_data, load_config
from core.accounts import Actor, PermissionDenied, local_operator, record, record_refusal, require_admin

EDITABLE_SECTIONS = ("lights", "budget", "opinion", "hotline")
CHOICES = {("budget", "mode"): ("ratio", "gap")}


def editable() -> dict[tuple[str, str], object]:
    """(section, key) → default, for every scalar threshold of the editable sections."""
    cfg = file_data()
    return {
        (section, key): value
        for section in EDITABLE_SECTIONS
        for key, value in cfg[section].items()
        if isinstance(value, (int, float, str)) and not isinstance(value, bool)
    }


def in_force(db_path) -> Config:
    """The configuration in force for the database at ``db_path``: what an edge loads once per command."""
    with db.read_connection(db_path) as con:
        return load_config(con)


def current(con) -> dict[tuple[str, str], object]:
    """Every editable threshold with its value in force."""
    values = editable()
    for section, key, value in con.execute("SELECT section, key, value FROM setting").fetchall():
        if (section, key) in values:
            values[(section, key)] = json.loads(value)
    return values


def parse(section: str, key: str, text) -> object:
    """The value as the setting's own type; ValueError with a reason otherwise."""
    defaults = editable()
    if (section, key) not in defaults:
        raise ValueError(f"{section}.{key} 不是可修改的阈值")
    if (section, key) in CHOICES:
        if str(text) not in CHOICES[(section, key)]:
            raise ValueError(f"{section}.{key} 应为 {' / '.join(CHOICES[(section, key)])}")
        return str(text)
    default = defaults[(section, key)]
    try:
        value = float(text)
    except (TypeError, ValueError):
        raise ValueError(f"{section}.{key}：“{text}”不是数字") from None
    if value < 0:
        raise ValueError(f"{section}.{key} 不能为负数")
    return int(value) if isinstance(default, int) and value.is_integer() else value


def set_setting(db_path, section: str, key: str, text, actor: Actor | None = None) -> tuple[object, object]:
    """Change one threshold; returns (before, after)."""
    try:
        require_admin(actor, "修改阈值")
    except PermissionDenied:
        record_refusal(db_path, actor, "config", f"{section}.{key}")
        raise
    value = parse(section, key, text)
    default = editable()[(section, key)]
    with db.write_transaction(db_path) as con:
        before = current(con)[(section, key)]
        con.execute("DELETE FROM setting WHERE section = ? AND key = ?", [section, key])
        if value != default:
            con.execute("INSERT INTO setting VALUES (?, ?, ?)", [section, key, json.dumps(value)])
        record(con, actor or local_operator(), "config", f"{section}.{key}", before=before, after=value)
    return before, value
