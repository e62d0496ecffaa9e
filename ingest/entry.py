"""One value or rating entered on a form: written through the same validation as an upload."""

from __future__ import annotations

import csv
import hashlib
import tempfile
from dataclasses import dataclass
from pathlib import Path

from ingest.actual_kinds import KINDS
from ingest.actuals import Loaded, ingest_actuals

FORM_NAME = "表单填报"
MAX_EVIDENCE_BYTES = 20 * 1024 * 1024


@dataclass
class Entry:
    """What staff fill in for one indicator and month (texts as they typed them)."""

    project: str
    indicator: str
    month: str  # YYYY-MM
    value: str = ""
    rating: str = ""
    likelihood: str = ""
    deviation_reason: str = ""
    measures: str = ""
    note: str = ""


def enter_value(entry: Entry, db_path=None, evidence: tuple[str, bytes] | None = None, actor=None) -> Loaded:
    """Validate and write one ``indicator_values`` row; an evidence file is stored in the same transaction."""
    spec = KINDS["indicator_values"]
    values = {c.key: "" for c in spec.columns}
    values.update({k: v for k, v in vars(entry).items() if k in values})
    if evidence:
        name, content = evidence
        if len(content) > MAX_EVIDENCE_BYTES:
            raise ValueError(f"evidence file larger than {MAX_EVIDENCE_BYTES // (1024 * 1024)} MB")
        digest = hashlib.sha256(content).hexdigest()
        values["evidence"] = f"{Path(name).name} (sha256:{digest[:12]})"

    def store_evidence(con, loaded: list[Loaded]) -> None:
        if evidence:
            con.execute(
                "INSERT INTO evidence VALUES (nextval('evidence_id_seq'), ?, ?, ?, ?, ?)",
                [digest, Path(evidence[0]).name, len(evidence[1]), evidence[1], loaded[0].load_id],
            )

    return enter_row("indicator_values", values, db_path, also=store_evidence, actor=actor)


def enter_summary(project: str, month: str, summary: str, db_path=None, actor=None) -> Loaded:
    """The year's 实际完成情况 of a project (the self-evaluation's 年度总体目标 row)."""
    return enter_row("summary", {"project": project, "month": month, "summary": summary}, db_path, actor=actor)


def enter_row(kind: str, values: dict[str, str], db_path=None, also=None, actor=None) -> Loaded:
    """One row of ``kind`` typed on a form, validated and written exactly as an uploaded file would be."""
    spec = KINDS[kind]
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "entry.csv"
        with open(path, "w", encoding="utf-8", newline="") as fh:
            writer = csv.writer(fh)
            writer.writerow([c.zh for c in spec.columns])
            writer.writerow([values.get(c.key, "") for c in spec.columns])
        return ingest_actuals([path], db_path, kind, [FORM_NAME], also=also, actor=actor)[0]
