"""The library is usable without the CLI: the core never imports typer or rich."""

from __future__ import annotations

import subprocess
import sys


def _library_modules() -> list[str]:
    """Every module of the package outside ``cen_search.cli``."""
    import pkgutil

    import cen_search

    return [
        info.name
        for info in pkgutil.walk_packages(cen_search.__path__, "cen_search.")
        if not info.name.startswith(("cen_search.cli", "cen_search.__main__"))
    ]


def test_importing_the_library_does_not_import_typer_rich_or_click() -> None:
    modules = _library_modules()
    assert {
        "cen_search.dedupe.rules",
        "cen_search.strategies.runner",
        "cen_search.apis.http",
    } <= set(modules)
    code = (
        "import sys\n"
        + "".join(f"import {m}\n" for m in modules)
        + "import cen_search.formats as f; f.all_formats()\n"
        + "bad = sorted({m.split('.')[0] for m in sys.modules} & {'typer', 'rich', 'click'})\n"
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
