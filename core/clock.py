"""Today's date, overridable with ``PERFBOARD_TODAY=YYYY-MM-DD`` (demos and tests of "the future")."""

from __future__ import annotations

import os
from datetime import date


def today() -> date:
    override = os.environ.get("PERFBOARD_TODAY")
    return date.fromisoformat(override) if override else date.today()
