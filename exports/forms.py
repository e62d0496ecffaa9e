"""Export the forms: a file per project, one workbook (or PDF) with every project, and a ZIP of all.

The final self-evaluation is frozen: it may hold no 实际完成情况 still drafted (草稿), else it is refused with the list
(``ingest.summaries.DraftsPending``) and nothing is recorded; ``final=True`` records a snapshot of each form with
the configuration it was scored under (``Config.as_dict()``), so the same form can be reproduced later
(``from_snapshot=True``); any later export says when the data no longer match it.
"""

from __future__ import annotations

import hashlib
import json
import re
import zipfile
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from core import db
from core.accounts import Actor, PermissionDenied, local_operator, record, record_refusal, require_admin
from core.config import Config
from core.names import numbered
from exports.forms_pdf import monitor_batch, selfeval_batch
from exports.forms_xlsx import XlsxBatch, workbook_bytes, write_monitor, write_selfeval
from ingest.summaries import DraftsPending
from metrics.forms import FormIndicator, ProjectForm, monitoring_forms, pending_drafts, self_evaluations


@dataclass
class Exported:
    files: list[Path]
    forms: list[ProjectForm]
    warnings: list[str]


def safe_file_name(name: str) -> str:
    """A file name from data: letters, digits and CJK kept, anything else (slashes, dots…) becomes _."""
    cleaned = re.sub(r"[^\w\u4e00-\u9fff（）()-]", "_", name).strip("._") or "project"
    return cleaned[:80]


def unique_file_name(name: str, taken: set[str]) -> str:
    """``safe_file_name``, with _2, _3… when two projects would get the same file: names that differ only in
    punctuation or past 80 characters would otherwise overwrite each other and repeat in the ZIP. Case is
    ignored, as Windows and macOS ignore it; ``taken`` holds the lower-cased names given so far."""
    return numbered(safe_file_name(name), taken)


def form_digest(form: ProjectForm) -> str:
    return hashlib.sha256(json.dumps(form.as_dict(), ensure_ascii=False, sort_keys=True).encode()).hexdigest()


def _from_json(data: dict) -> ProjectForm:
    indicators = [FormIndicator(**i) for i in data.pop("indicators")]
    return ProjectForm(**data, indicators=indicators)


def _latest_snapshots(con, year: int) -> dict[str, tuple[str, str, str]]:
    rows = con.execute(
        "SELECT project, arg_max(digest, snapshot_id), arg_max(form, snapshot_id), "
        "strftime(max(created_at), '%Y-%m-%d %H:%M') FROM selfeval_snapshot WHERE year = ? GROUP BY project",
        [year],
    ).fetchall()
    return {p: (d, f, when) for p, d, f, when in rows}


def _freeze(db_path, year: int, forms: list[ProjectForm], config: Config, actor: Actor | None) -> None:
    try:
        require_admin(actor, "自评表定稿")
    except PermissionDenied:  # like every refused write: recorded, then refused
        record_refusal(db_path, actor, "selfeval:final", f"{year}")
        raise
    pending = pending_drafts(forms)
    if pending:
        raise DraftsPending(pending)
    with db.write_transaction(db_path) as con:
        for form in forms:
            con.execute(
                "INSERT INTO selfeval_snapshot (snapshot_id, year, project, created_by, digest, form, config) "
                "VALUES (nextval('snapshot_id_seq'), ?, ?, ?, ?, ?, ?)",
                [
                    year,
                    form.name,
                    db.operator_name(),
                    form_digest(form),
                    json.dumps(form.as_dict(), ensure_ascii=False),
                    json.dumps(config.as_dict(), ensure_ascii=False),
                ],
            )
        load_id = db.log_load(con, "selfeval_snapshot", None, None, len(forms), detail=f"{year}")
        record(
            con,
            actor or local_operator(),
            "selfeval:final",
            f"{year}",
            after={f.name: [f.total_score, f.grade] for f in forms},
            load_id=load_id,
        )


def selfeval_forms(
    db_path,
    config: Config,
    year: int,
    project: str | None = None,
    *,
    final: bool = False,
    from_snapshot: bool = False,
    actor: Actor | None = None,
) -> tuple[list[ProjectForm], dict[str, str]]:
    """The forms (computed now under ``config``, or as frozen) and a note per project comparing them with the snapshot.

    ``config`` is the configuration in force, loaded once by the caller (``core.settings.in_force``).
    """
    with db.read_connection(db_path) as con:
        snapshots = _latest_snapshots(con, year)
        forms = [] if from_snapshot else self_evaluations(con, config, year, project)
    notes: dict[str, str] = {}
    if from_snapshot:
        forms = [_from_json(json.loads(f)) for name, (_, f, _) in snapshots.items() if project in (None, name)]
        notes = {f.name: f"按{snapshots[f.name][2]}定稿快照重现" for f in forms}
    elif final:
        _freeze(db_path, year, forms, config, actor)
        notes = {f.name: "已定稿并记录快照" for f in forms}
    else:
        for form in forms:
            snap = snapshots.get(form.name)
            if snap and snap[0] != form_digest(form):
                notes[form.name] = f"当前数据与{snap[2]}的定稿快照不一致"
    return forms, notes


def export_selfeval(
    db_path,
    config: Config,
    year: int,
    out: Path,
    project: str | None = None,
    fmt: str = "xlsx",
    *,
    final: bool = False,
    from_snapshot: bool = False,
    progress: Callable[[float], None] | None = None,
    actor: Actor | None = None,
) -> Exported:
    """Write each project's self-evaluation, the combined file and a ZIP of them into ``out``."""
    forms, notes = selfeval_forms(db_path, config, year, project, final=final, from_snapshot=from_snapshot, actor=actor)
    title = config.forms.selfeval_title
    if fmt == "pdf":
        renderer = selfeval_batch(forms, title, notes)  # the font prepared once
    else:
        renderer = XlsxBatch(forms, lambda chunk: workbook_bytes(chunk, write_selfeval, title, notes))
    files = _write_all(out, f"自评表_{year}", forms, renderer, fmt, progress)
    warnings = [f"{f.name}：{w}" for f in forms for w in f.warnings] + [f"{k}：{v}" for k, v in notes.items()]
    return Exported(files, forms, warnings)


def export_monitor(
    db_path,
    config: Config,
    year: int,
    month: int,
    out: Path,
    fmt: str = "xlsx",
    progress: Callable[[float], None] | None = None,
) -> Exported:
    """Write each project's monitoring form for months 1–``month``, the combined file and a ZIP into ``out``."""
    with db.read_connection(db_path) as con:
        forms = monitoring_forms(con, config, year, month)
    title = config.forms.monitor_title
    if fmt == "pdf":
        renderer = monitor_batch(forms, title)
    else:
        renderer = XlsxBatch(forms, lambda chunk: workbook_bytes(chunk, write_monitor, title))
    files = _write_all(out, f"监控表_{year}年1-{month}月", forms, renderer, fmt, progress)
    return Exported(files, forms, [f"{f.name}：{w}" for f in forms for w in f.warnings])


def _write_all(out: Path, stem: str, forms: list[ProjectForm], renderer, fmt: str, progress) -> list[Path]:
    out.mkdir(parents=True, exist_ok=True)
    files, taken = [], {"全部项目"}  # the combined file's own name is never a project's
    for k, (form, content) in enumerate(zip(forms, renderer.files(), strict=True)):
        path = out / f"{stem}_{unique_file_name(form.name, taken)}.{fmt}"
        path.write_bytes(content)
        files.append(path)
        if progress:
            progress((k + 1) / (len(forms) + 1))
    combined = []  # one file with every form; XLSX beyond 1,000 forms: one per unit (forms_xlsx.combined_groups)
    parts = renderer.combined_parts() if hasattr(renderer, "combined_parts") else [("", renderer.combined())]
    for label, content in parts:
        combined.append(out / f"{stem}_{safe_file_name(label) + '_' if label else ''}全部项目.{fmt}")
        combined[-1].write_bytes(content)
    archive = out / f"{stem}.zip"
    with zipfile.ZipFile(archive, "w", zipfile.ZIP_DEFLATED) as zf:
        for path in [*files, *combined]:
            zf.write(path, path.name)
    if progress:
        progress(1.0)
    return [*files, *combined, archive]
