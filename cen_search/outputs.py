"""Checks on output paths before anything is written: never over an input, a decisions file,
another output, or (without ``--yes``) any existing file.

Files are compared as files, not as spellings: ``in.ris``, ``./in.ris``, an absolute path and a
symbolic link to it are all the same file. Every command that writes files the user names
(``-o``, ``--clusters``, ``--review`` ...) calls :func:`check_outputs` first, so a refused run
writes nothing at all.
"""

from __future__ import annotations

import os
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import TYPE_CHECKING

from cen_search.errors import InputError, UsageError

if TYPE_CHECKING:
    from cen_search.workspace import Workspace


def same_file(a: str | Path, b: str | Path) -> bool:
    """True when ``a`` and ``b`` are one file (links followed), or would be once created."""
    try:
        return os.path.samefile(a, b)
    except OSError:
        return os.path.realpath(a) == os.path.realpath(b)


def check_outputs(
    outputs: Mapping[str, Path | None],
    *,
    protected: Iterable[tuple[str, Path]] = (),
    may_replace: bool = False,
    in_place: Mapping[str, Path | None] | None = None,
) -> None:
    """Refuse (with a :class:`UsageError`, before anything is written) outputs that would
    overwrite what a person made.

    ``outputs`` maps option names (``--clusters``) to paths (None: not asked for);
    ``protected`` lists ``(what, path)`` pairs that are never written to (``("input file",
    Path("in.ris"))``, ``("decisions file", ...)``); an existing output needs ``may_replace``
    (``--yes``). Outputs naming a protected file or each other are a :class:`UsageError`
    (exit 2); an existing file without ``--yes`` an :class:`InputError` (exit 1), as for
    ``convert``. ``in_place`` names outputs that may be the given file and are then rewritten
    keeping what it holds (``--review`` over the ``--decisions`` file it came from).
    """
    in_place = in_place or {}
    protected = list(protected)
    named = [(option, path) for option, path in outputs.items() if path is not None]
    for position, (option, path) in enumerate(named):
        rewrite = in_place.get(option)
        if rewrite is not None and same_file(path, rewrite):
            continue
        if path.is_dir():
            raise UsageError(
                f"{option} {path}: is a folder", hint=f"give {option} a file name inside it"
            )
        for what, other in protected:
            if same_file(path, other):
                raise UsageError(
                    f"{option} {path}: is the {what} {other}; it would be overwritten, so "
                    "nothing was written",
                    hint=f"give {option} a new file name",
                )
        for other_option, other in named[:position]:
            if same_file(path, other):
                raise UsageError(
                    f"{option} and {other_option} name the same file ({path})",
                    hint="give each output its own file name",
                )
        if not may_replace and (path.exists() or path.is_symlink()):
            raise InputError(
                f"{option} {path}: already exists; nothing was written",
                hint="give --yes to replace it, or another file name",
            )


def person_made(ws: Workspace) -> list[tuple[str, Path]]:
    """What a person made in the review ``ws``, for ``protected``: its settings, every
    append-only log (the import manifest, screening and dedupe decisions, update and trace
    logs, ``log.jsonl``), every raw export (any file under ``imports/``, also a copy an
    interrupted import left) and the saved strategies. No output a user names may replace
    them, ``--yes`` or not."""
    protected = [("review settings", ws.config_path), ("import manifest", ws.manifest_path)]
    protected += [("review log", log) for log in ws.logs()]
    for what, folder in (("raw export", ws.imports_dir), ("saved strategy", ws.strategies_dir)):
        if folder.is_dir():
            protected += [
                (what, path)
                for path in sorted(folder.rglob("*"))
                if path.is_file() and path.name != ".gitkeep"
            ]
    return protected
