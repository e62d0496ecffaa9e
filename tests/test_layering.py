"""metrics/ and ingest/ are the domain: importing them must not pull in the UI."""

import subprocess
import sys

from helpers import ROOT


def test_domain_does_not_import_streamlit():
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
