"""One benchmark suite: every surface at city scale, each next to the nearest physical limit measured in the
same run, with the ratio and the peak memory.

    .venv/bin/python benchmarks/run_all.py --projects 2000
        [--only status,upload,xlsx,export,pdf,overview] [--runs 3] [--month 6] [--rows 100000]
        [--xlsx-rows 100000 | 1048575] [--pdf-sample 50] [--max-seconds 20] [--timeout 1200] [--json FILE]

Builds the city (benchmarks/city_scale.py) once, or reuses the cached file, and makes the upload files
(benchmarks/bench_files.py, cached too). Then, surface by surface, one side at a time, each side in a fresh
subprocess (so a crash or a timeout costs that line only):

- status: ``compute_status`` for one month vs one bare DuckDB aggregate of the rows it reads;
- upload: ``ingest_actuals`` (validate + commit, as ``perfboard ingest actuals``) of a CSV of hotline
  tickets for one project, into a fresh copy of the city, vs DuckDB ``read_csv`` of the same file;
- xlsx: the same for an XLSX (``--xlsx-rows``; 1048575 is the largest legal sheet) vs a bare calamine
  pass over it (the reader the upload uses);
- export: ``export_selfeval`` of the N self-evaluations as XLSX (a file each, the combined workbook, one per
  unit beyond 1,000 projects, and the ZIP) vs the same cells written with no formatting (xlsxwriter, a file
  each with one sheet and no formats, one combined sheet, the ZIP);
- pdf: the same as PDF for a sample city of ``--pdf-sample`` projects, per form, extrapolated to N, vs the
  same text in a bare PDF (no font embedded);
- overview: ``perfboard serve`` on a copy of the city, a leader signed in (Playwright, Debian's Chromium):
  the time until the lights table is visible at a month not shown before, a month switch on the slider
  (one step, to a month judged while the page was read) and a jump to a month not yet judged, vs an empty
  Streamlit page (a slider and one line) served with the same flags.

Times are wall seconds, the best of ``--runs`` (a run slower than ``--max-seconds`` ends its series); status
is warmed up once first. The peak is the VmHWM of our side's fresh process (for the overview: the server's).
The CPU column (user + system seconds of the measuring process, all threads; the least of its timed calls)
says how much of a wall time was waiting for a busy machine; not measured for the browser.
Prints a Markdown table, one line per surface, ready to paste.
"""

from __future__ import annotations

import argparse
import json
import os
import signal
import subprocess
import sys
import time
from datetime import UTC, datetime
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent))
sys.path.insert(0, str(HERE))

from bench_files import tickets_file  # noqa: E402
from city_scale import PROJECTS, city_path, is_current, make_city, project_names, row_counts  # noqa: E402

SURFACES = ("status", "upload", "xlsx", "export", "pdf", "overview")
LIMIT_LABELS = {
    "status": "bare DuckDB aggregate",
    "upload": "DuckDB read_csv",
    "xlsx": "calamine pass over every row",
    "export": "same cells, xlsxwriter, no formats",
    "pdf": "same text, bare PDF",
    "overview": "empty Streamlit page",
    "month switch": "empty Streamlit page",
    "month jump": "empty Streamlit page",
}


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--projects", type=int, default=PROJECTS, help="size of the city (default 2,000)")
    parser.add_argument("--only", default=",".join(SURFACES), help="comma-separated: " + ",".join(SURFACES))
    parser.add_argument("--runs", type=int, default=3, help="best of this many runs (default 3)")
    parser.add_argument("--max-seconds", type=float, default=20.0, help="a run slower than this ends its series")
    parser.add_argument("--month", type=int, default=6, help="the status month (default 6)")
    parser.add_argument("--rows", type=int, default=100_000, help="rows of the CSV upload (default 100,000)")
    parser.add_argument("--xlsx-rows", type=int, default=100_000, help="rows of the XLSX upload (max 1048575)")
    parser.add_argument("--pdf-sample", type=int, default=50, help="PDF forms timed when N is larger (0: all N)")
    parser.add_argument("--timeout", type=float, default=1200.0, help="seconds for one side of one surface")
    parser.add_argument("--json", type=Path, help="also write every figure to this file")
    parser.add_argument("--child", nargs=2, metavar=("SURFACE", "SIDE"), help=argparse.SUPPRESS)
    parser.add_argument("--db", type=Path, help=argparse.SUPPRESS)
    parser.add_argument("--file", type=Path, help=argparse.SUPPRESS)
    parser.add_argument("--fmt", default="xlsx", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    args.only = [s.strip() for s in args.only.split(",") if s.strip()]
    unknown = [s for s in args.only if s not in SURFACES]
    if unknown:
        parser.error(f"unknown surface {', '.join(unknown)}; choose from {', '.join(SURFACES)}")
    if not 1 <= args.xlsx_rows <= 1_048_575:
        parser.error("--xlsx-rows: 1 to 1048575 (a sheet holds 1,048,576 rows with the header)")
    return args


def dataset(projects: int) -> Path:
    """The cached city for ``projects`` (built when missing or made by another generator or schema)."""
    path = city_path(projects)
    if not is_current(path, projects):
        started = time.perf_counter()
        make_city(path, projects)
        say(f"built {path.name} in {time.perf_counter() - started:.1f} s")
    return path


def say(text: str) -> None:
    """Progress, on stderr: stdout holds the table only."""
    print(text, file=sys.stderr, flush=True)


def run_child(args, surface: str, side: str, db: Path, extra: list[str]) -> dict:
    """One side of one surface in a fresh process (its own process group: a timeout ends its servers too)."""
    command = [sys.executable, str(HERE / "run_all.py"), "--child", surface, side, "--db", str(db)]
    command += ["--runs", str(args.runs), "--max-seconds", str(args.max_seconds), "--month", str(args.month), *extra]
    started = time.perf_counter()
    proc = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, start_new_session=True)
    try:
        out, err = proc.communicate(timeout=args.timeout)
    except subprocess.TimeoutExpired:
        os.killpg(proc.pid, signal.SIGKILL)
        proc.communicate()
        return {"error": f"timed out after {args.timeout:.0f} s"}
    if proc.returncode:
        last = (err.strip().splitlines() or ["no output"])[-1]
        return {"error": f"exit {proc.returncode}: {last[:160]}"}
    result = json.loads(out.strip().splitlines()[-1])
    result["wall_seconds"] = time.perf_counter() - started
    return result


def surface_inputs(args, surface: str, city: Path) -> tuple[Path, list[str], dict]:
    """The database and the extra child arguments for ``surface``, and what to say about its input."""
    if surface in ("upload", "xlsx"):
        rows, fmt = (args.rows, "csv") if surface == "upload" else (args.xlsx_rows, "xlsx")
        started = time.perf_counter()
        path = tickets_file(rows, fmt, project_names(1)[0])
        if time.perf_counter() - started > 1:
            say(f"made {path.name} in {time.perf_counter() - started:.1f} s")
        size = path.stat().st_size / 2**20
        return city, ["--file", str(path), "--rows", str(rows)], {"rows": rows, "file_mib": round(size, 1)}
    if surface == "export":
        return city, ["--fmt", "xlsx"], {}
    if surface == "pdf":
        sample = args.pdf_sample
        if not sample or sample >= args.projects:
            return city, ["--fmt", "pdf"], {"sample": None}
        return dataset(sample), ["--fmt", "pdf"], {"sample": sample}
    return city, [], {}


def lines_for(surface: str, ours: dict, limit: dict, info: dict, projects: int) -> list[dict]:
    """The table's lines for one surface: per metric, best times, ratio and our peak."""
    if "error" in ours:  # the limit is still worth a line: it says what a fix could reach
        metrics = limit.get("times") or {surface: None}
        return [
            {"surface": metric, "error": "ours " + ours["error"], "limit": min(times) if times else None}
            for metric, times in metrics.items()
        ]
    scale, how = 1.0, ""
    if surface == "pdf" and info.get("sample"):
        scale = projects / info["sample"]
        how = f"{info['sample']} forms timed, × {scale:g}"
    out = []
    for metric, times in ours["times"].items():
        line = {"surface": metric, "ours": min(times) * scale, "ours_runs": times, "peak_mib": ours["peak_mib"]}
        line["peak_of"] = ours.get("peak_of")
        line["ours_cpu_seconds"] = ours.get("cpu_seconds")  # every timed call, the status warm-up included
        line["notes"] = {**ours.get("notes", {}), **info}
        if how:
            line["extrapolated"] = how
        if "error" in limit:
            line["limit_error"] = limit["error"]
        elif metric in limit.get("times", {}):
            line["limit"] = min(limit["times"][metric]) * scale
            line["limit_runs"] = limit["times"][metric]
            line["limit_peak_mib"] = limit["peak_mib"]
            line["limit_cpu_seconds"] = limit.get("cpu_seconds")
            line["ratio"] = line["ours"] / line["limit"]
        out.append(line)
    return out


def label(line: dict, args) -> str:
    name = line["surface"]
    notes = line.get("notes", {})
    if name == "status":
        return f"status (month {args.month})"
    if name in ("upload", "xlsx"):
        return f"{'CSV' if name == 'upload' else 'XLSX'} upload, {notes.get('rows', 0):,} rows"
    if name == "export":
        combined = notes.get("combined", 1)
        per_unit = f" ({combined:,} combined workbooks)" if combined > 1 else ""
        return f"export {notes.get('forms', args.projects):,} self-evaluations, XLSX{per_unit}"
    if name == "pdf":
        return f"export {args.projects:,} self-evaluations, PDF" + ("*" if line.get("extrapolated") else "")
    return name


def seconds(v: float) -> str:
    return f"{v:.3f} s" if v < 10 else f"{v:,.1f} s"


def row(line: dict, args) -> str:
    if "error" in line:
        limit = seconds(line["limit"]) if line.get("limit") is not None else ""
        return f"| {line['surface']} | failed: {line['error']} | {limit} | | | | {LIMIT_LABELS[line['surface']]} |"
    limit = seconds(line["limit"]) if "limit" in line else "failed: " + line.get("limit_error", "?")
    ratio = f"{line['ratio']:.1f}×" if "ratio" in line else "—"
    peak = f"{line['peak_mib']:,.0f} MiB" + (" (server)" if line.get("peak_of") == "server" else "")
    cpu = "—"
    if line.get("ours_cpu_seconds") and line.get("limit_cpu_seconds"):
        scale = line["ours"] / min(line["ours_runs"])  # the PDF's extrapolation
        cpu = f"{seconds(min(line['ours_cpu_seconds']) * scale)} / {seconds(min(line['limit_cpu_seconds']) * scale)}"
    name = LIMIT_LABELS[line["surface"]]
    return f"| {label(line, args)} | {seconds(line['ours'])} | {limit} | {ratio} | {peak} | {cpu} | {name} |"


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    if args.child:
        from surfaces import measure

        args.surface, args.side = args.child
        print(json.dumps(measure(args)))
        return 0
    started = time.perf_counter()
    city = dataset(args.projects)
    counts = row_counts(city)
    header = (
        f"perfboard run_all · {counts['project']:,} projects ({city.stat().st_size / 2**20:,.0f} MiB, "
        f"{counts['hotline_ticket']:,} tickets) · best of {args.runs} · "
        f"{datetime.now(UTC):%Y-%m-%d %H:%M} UTC · {os.cpu_count()} cores, load {os.getloadavg()[0]:.1f}"
    )
    print(header)
    print()
    print("| surface | ours | limit | ratio | peak | CPU ours / limit | limit measured as |")
    print("|---|---:|---:|---:|---:|---:|---|", flush=True)
    lines: list[dict] = []
    for surface in [s for s in SURFACES if s in args.only]:
        db, extra, info = surface_inputs(args, surface, city)
        say(f"{surface}: ours …")
        ours = run_child(args, surface, "ours", db, extra)
        say(f"{surface}: limit …")
        limit = run_child(args, surface, "limit", db, extra)
        for line in lines_for(surface, ours, limit, info, args.projects):
            lines.append(line)
            print(row(line, args), flush=True)
    footnotes = [line["extrapolated"] for line in lines if line.get("extrapolated")]
    raised = [line for line in lines if line.get("notes", {}).get("limits_raised")]
    print()
    if footnotes:
        print(f"* PDF: a sample city, {footnotes[0]} (per form, both sides); the ratio is the sample's.")
    for line in raised:
        print(f"{line['surface']}: [limits] raised to fit the file: {line['notes']['limits_raised']}")
    total = time.perf_counter() - started
    print(f"load average at the end {os.getloadavg()[0]:.1f} (a shared machine inflates every wall time)")
    print(f"whole run {total / 60:.1f} min · `.venv/bin/python benchmarks/run_all.py {' '.join(sys.argv[1:])}`")
    if args.json:
        args.json.write_text(
            json.dumps(
                {"header": header, "projects": args.projects, "seconds": total, "lines": lines},
                ensure_ascii=False,
                indent=1,
            ),
            encoding="utf-8",
        )
    return 1 if any("error" in line or "limit_error" in line for line in lines) else 0


if __name__ == "__main__":
    sys.exit(main())
