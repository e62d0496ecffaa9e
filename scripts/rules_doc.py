"""Write docs/rules.md from the rule registry and the shipped configuration.

.venv/bin/python scripts/rules_doc.py
"""

from __future__ import annotations

import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from core.config import load_config  # noqa: E402
from core.paths import DEFAULT_CONFIG  # noqa: E402
from metrics.rules.docs import render  # noqa: E402

if __name__ == "__main__":
    target = ROOT / "docs" / "rules.md"
    target.write_text(render(load_config(path=DEFAULT_CONFIG)), encoding="utf-8")
    print(target.relative_to(ROOT))
