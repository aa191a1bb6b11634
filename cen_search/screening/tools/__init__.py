"""Readers for screening decisions made in other tools, one module per tool, registered once.

Each module defines ``NAME``, ``LABEL`` and ``read(path, options) -> ToolFile`` (see
:mod:`cen_search.screening.tools.base`); :func:`reader` looks one up by name. What a reader
returns is matched to the review's reports and turned into events by
:mod:`cen_search.screening.importing`, the same way for every tool.
"""

from __future__ import annotations

import importlib
from types import ModuleType

from cen_search.errors import UsageError

_MODULES = ("rayyan", "covidence", "asreview")


def names() -> tuple[str, ...]:
    return _MODULES


def reader(name: str) -> ModuleType:
    """The reader module of tool ``name`` (``rayyan``, ``covidence``, ``asreview``)."""
    key = name.strip().lower()
    if key not in _MODULES:
        raise UsageError(
            f"--from {name!r}: not a tool cen-search reads",
            hint=f"use one of {', '.join(_MODULES)} (or leave --from out for a screening sheet)",
        )
    return importlib.import_module(f"cen_search.screening.tools.{key}")
