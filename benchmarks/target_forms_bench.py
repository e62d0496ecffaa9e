"""How long reading target tables takes in each input form (not a test): N projects of the district layout
(tests/target_layouts.py) back to back, as text export, pipe table, tab table, XLSX and DOCX.

    .venv/bin/python benchmarks/target_forms_bench.py [--projects 200]
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "tests"))

from target_layouts import DISTRICT, FORMS, write  # noqa: E402

from core.config import load_config  # noqa: E402
from ingest.target_store import parse_targets_file  # noqa: E402


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--projects", type=int, default=200)
    n = parser.parse_args().projects
    config = load_config()
    rows = []
    for k in range(n):
        block = [list(r) for r in DISTRICT.rows]
        block[1][1] = f"全民健身赛事经费{k}"
        rows += block
    with tempfile.TemporaryDirectory() as folder:
        paths = {form: write(rows, form, Path(folder), "bench") for form in FORMS}
        parse_targets_file(paths["tab"], config)  # imports and the vocabulary, once
        for form, path in paths.items():
            start = time.perf_counter()
            projects, problems = parse_targets_file(path, config)
            seconds = time.perf_counter() - start
            assert not problems and len(projects) == n, (form, problems[:3])
            indicators = sum(len(p.indicators) for p in projects)
            print(
                f"{form:5s} {path.stat().st_size / 1024:7.0f} KB  {n} projects, {indicators} indicators: {seconds:.2f} s"
            )


if __name__ == "__main__":
    main()
