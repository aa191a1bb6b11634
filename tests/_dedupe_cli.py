"""Running ``cen-search`` in-process for the dedupe tests (exit code, stdout, stderr)."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import pytest

from cen_search.cli.app import main

CLI_DATA = Path(__file__).resolve().parent / "data" / "dedupe-cli"


@dataclass
class Run:
    code: int
    out: str
    err: str


def run_cli(capsys: pytest.CaptureFixture[str], *args: str | Path) -> Run:
    """Run ``cen-search ARGS`` through the real entry point (error boundary included)."""
    capsys.readouterr()
    try:
        main([str(arg) for arg in args])
        code = 0
    except SystemExit as exc:
        code = exc.code if isinstance(exc.code, int) else (0 if exc.code is None else 1)
    captured = capsys.readouterr()
    return Run(code, captured.out, captured.err)
