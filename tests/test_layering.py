"""The house has floors (docs/design.md §1): each imports only the floors below it, and the edges load the Config.

The imports are read with ``ast`` from every .py file of each package (static and fast: nothing is
imported), including imports inside functions and under ``if TYPE_CHECKING``.
"""

from __future__ import annotations

import ast
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest
from helpers import ROOT

# floor → the first-party packages it may import (besides itself)
ALLOWED = {
    "core": set(),
    "metrics": {"core"},
    "ingest": {"core", "metrics"},
    # exports.status_table uses ingest.spreadsheet.neutralize (the formula-injection guard for cells)
    "exports": {"core", "metrics", "ingest"},
    # the two edges: anything below, never each other
    "cli": {"core", "metrics", "ingest", "exports"},
    "dashboard": {"core", "metrics", "ingest", "exports"},
}
FIRST_PARTY = set(ALLOWED)
EDGES = {"cli", "dashboard"}


def python_files(package: str) -> list[Path]:
    return sorted((ROOT / package).rglob("*.py"))


def _tree(path: Path) -> ast.Module:
    return ast.parse(path.read_text(encoding="utf-8"), filename=str(path))


def imported_modules(path: Path) -> list[tuple[int, str]]:
    """(line, dotted module) of every absolute import in the file; relative imports stay in their package."""
    found = []
    for node in ast.walk(_tree(path)):
        if isinstance(node, ast.Import):
            found.extend((node.lineno, alias.name) for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            found.append((node.lineno, node.module))
    return found


def _where(path: Path, line: int) -> str:
    return f"{path.relative_to(ROOT)}:{line}"


@pytest.mark.parametrize("floor", list(ALLOWED))
def test_each_floor_imports_only_floors_below(floor):
    assert python_files(floor), f"{floor}/ has no Python files"
    wrong = [
        f"{_where(path, line)} imports {module}"
        for path in python_files(floor)
        for line, module in imported_modules(path)
        if (top := module.split(".")[0]) in FIRST_PARTY and top != floor and top not in ALLOWED[floor]
    ]
    assert not wrong, f"{floor} may import only {sorted(ALLOWED[floor]) or 'nothing above the standard library'}:\n" + (
        "\n".join(wrong)
    )


def test_the_old_package_is_gone():
    """``perfboard.*`` was split into core/ and cli/; nothing imports the old name."""
    wrong = [
        f"{_where(path, line)} imports {module}"
        for package in [*FIRST_PARTY, "tests", "benchmarks", "scripts"]
        if (ROOT / package).is_dir()
        for path in python_files(package)
        for line, module in imported_modules(path)
        if module == "perfboard" or module.startswith("perfboard.")
    ]
    assert not wrong, "\n".join(wrong)


# the ways to read the configuration: the one loader, and the pieces it is made of
CONFIG_READERS = {"load_config", "file_data", "overrides", "in_force", "config_path"}


def _calls_load_config(path: Path) -> list[int]:
    """Lines where a configuration reader is imported, called or referred to (``core.config.load_config`` too)."""
    lines = []
    for node in ast.walk(_tree(path)):
        if isinstance(node, ast.ImportFrom) and any(a.name in CONFIG_READERS for a in node.names):
            lines.append(node.lineno)
        elif isinstance(node, ast.Name) and node.id in CONFIG_READERS:
            lines.append(node.lineno)
        elif isinstance(node, ast.Attribute) and node.attr in CONFIG_READERS:
            lines.append(node.lineno)
    return sorted(set(lines))


@pytest.mark.parametrize("floor", sorted(FIRST_PARTY - EDGES - {"core"}))
def test_configuration_is_loaded_only_at_the_edges(floor):
    """No module below the edges loads the configuration by itself: the CLI command or the dashboard
    request loads it once and passes the ``Config`` down (issue 10: one rule, one place)."""
    wrong = [f"{_where(path, line)}" for path in python_files(floor) for line in _calls_load_config(path)]
    assert not wrong, "load_config below the edges (take a Config parameter instead):\n" + "\n".join(wrong)


def test_the_scan_sees_what_it_looks_for(tmp_path):
    """The scanners themselves: a function-level import and a dotted call are both found."""
    sample = tmp_path / "sample.py"
    sample.write_text(
        textwrap.dedent(
            """\
            import core.config
            def f():
                from dashboard import data
                return core.config.load_config(None)
            """
        ),
        encoding="utf-8",
    )
    assert [m for _, m in imported_modules(sample)] == ["core.config", "dashboard"]
    assert _calls_load_config(sample) == [4]


@pytest.mark.parametrize("floor", sorted(FIRST_PARTY - EDGES))
def test_below_the_edges_nothing_names_streamlit(floor):
    wrong = [
        f"{_where(path, line)} imports {module}"
        for path in python_files(floor)
        for line, module in imported_modules(path)
        if module.split(".")[0] == "streamlit"
    ]
    assert not wrong, "\n".join(wrong)


def test_domain_does_not_import_streamlit():
    """Importing every module of metrics/ and ingest/ (and what they pull in) loads no streamlit."""
    code = (
        "import pkgutil, importlib, sys\n"
        "import metrics, ingest\n"
        "for pkg in (metrics, ingest):\n"
        "    for mod in pkgutil.iter_modules(pkg.__path__):\n"
        "        importlib.import_module(f'{pkg.__name__}.{mod.name}')\n"
        "assert 'streamlit' not in sys.modules, [m for m in sys.modules if m.startswith('streamlit')]\n"
        "print('ok')\n"
    )
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "ok"
