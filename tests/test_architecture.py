"""The library is usable without the CLI: the core never imports typer or rich."""

from __future__ import annotations

import subprocess
import sys

CORE_MODULES = [
    "cen_search",
    "cen_search.models",
    "cen_search.errors",
    "cen_search.fields",
    "cen_search.names",
    "cen_search.formats",
]


def test_importing_the_core_does_not_import_typer_or_rich() -> None:
    code = (
        "import sys\n"
        + "".join(f"import {m}\n" for m in CORE_MODULES)
        + "import cen_search.formats as f; f.all_formats()\n"
        + "bad = [m for m in sys.modules if m.split('.')[0] in ('typer', 'rich')]\n"
        + "print(','.join(bad))\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    )
    assert result.stdout.strip() == ""


def test_cli_version_runs_as_a_module() -> None:
    result = subprocess.run(
        [sys.executable, "-m", "cen_search", "--version"], capture_output=True, text=True
    )
    assert result.returncode == 0
    assert result.stdout.startswith("cen-search ")


def test_unknown_command_is_a_usage_error_without_traceback() -> None:
    result = subprocess.run(
        [sys.executable, "-m", "cen_search", "no-such-command"], capture_output=True, text=True
    )
    assert result.returncode == 2
    assert "Traceback" not in result.stderr
