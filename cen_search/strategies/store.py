"""The ``strategies/`` folder: create strategy files from a paste, find them, summarise them."""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from cen_search.errors import InputError, StrategyError
from cen_search.fsutil import atomic_write_text, read_regular_file
from cen_search.strategies.fields import (
    DATABASE_LABELS,
    PLATFORM_LABELS,
    database_key,
    platform_key,
    unparsed_platform_label,
)
from cen_search.strategies.fileformat import FORMAT_VERSION, decode_bytes, render_header
from cen_search.strategies.parse import NOT_PARSED

if TYPE_CHECKING:
    from cen_search.workspace.manifest import ImportEntry

_NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]*$")
SUFFIX = ".txt"


def check_name(name: str) -> str:
    """The file stem for ``name`` (``medline`` or ``medline.txt``); raises on bad names."""
    stem = name[: -len(SUFFIX)] if name.endswith(SUFFIX) else name
    if not _NAME.match(stem):
        raise StrategyError(
            f"{name!r} is not a usable strategy name",
            hint="use letters, digits, '-', '_' or '.', e.g. medline-ovid or cinahl_2019",
        )
    return stem


def platform_of(value: str) -> tuple[str, str]:
    """``(label, syntax)`` for a platform as typed: ``ovid`` -> ``("Ovid", "ovid")``. Every
    platform can be saved: one without a parser (``wos``, ``Scopus``, ``Embase.com``) gets its
    usual label, or the name as typed, and the syntax ``none`` (kept verbatim, not parsed)."""
    key = platform_key(value) or value.strip().lower()
    if key in PLATFORM_LABELS:
        return PLATFORM_LABELS[key], key
    label = unparsed_platform_label(value) or " ".join(value.split())
    if not label:
        raise StrategyError(
            "no platform given",
            hint="name the interface the search was run on: Ovid, EBSCOhost, ProQuest, PubMed, "
            "Web of Science, Scopus...",
        )
    return label, NOT_PARSED


def parser_of(value: str) -> str:
    """The parser for a platform as typed (``Ovid`` -> ``ovid``), for forcing a syntax;
    raises when cen-search has no parser for it."""
    label, syntax = platform_of(value)
    if syntax == NOT_PARSED:
        raise StrategyError(
            f"no parser for {label!r}",
            hint="use ovid, ebsco, proquest or pubmed (the syntax the strategy is written in)",
        )
    return syntax


def render_new(
    *,
    name: str,
    database: str,
    platform: str,
    paste: str = "",
    coverage: str = "",
    searched_on: str = "",
    searched_by: str = "",
    date_from: str = "",
    date_to: str = "",
    notes: str = "",
) -> str:
    """The text of a new strategy file: a filled header template, then ``paste`` verbatim."""
    label, syntax = platform_of(platform)
    db = DATABASE_LABELS.get(database_key(database), database.strip())
    header = render_header(
        [
            ("cen_search", str(FORMAT_VERSION)),
            ("id", name),
            ("database # PRISMA-S 1", db),
            ("platform # PRISMA-S 1: the interface", label),
            ("syntax # parser: ovid, ebsco, proquest, pubmed; none = kept verbatim", syntax),
            ("coverage # as the platform shows it, e.g. <1946 to December 31, 2019>", coverage),
            ("searched_on # YYYY-MM-DD (PRISMA-S 13)", searched_on),
            ("searched_by", searched_by),
            ("date_from # date limit applied, YYYY or YYYY-MM-DD", date_from),
            ("date_to", date_to),
            ("languages # empty = no language limit", []),
            ("limits # other limits, one per line: - ... (PRISMA-S 9)", []),
            ("filters # - name | source (PRISMA-S 10)", []),
            ("peer_review # e.g. PRESS 2015, by A. Librarian, 2019-11-02 (PRISMA-S 14)", ""),
            ("final_line # empty = the last line", ""),
            ("records # records exported from the final line (PRISMA-S 15)", ""),
            ("notes", notes),
        ]
    )
    return header + paste


def read_paste(path: str | Path) -> str:
    """A paste file's text, exactly (newlines and characters kept)."""
    try:
        data = read_regular_file(path)  # (a device or FIFO is refused, not read)
    except InputError as exc:
        raise StrategyError(
            f"cannot read the paste: {exc}",
            hint="give the path of a text file holding the strategy",
        ) from None
    text, _, _ = decode_bytes(data, path=str(path))
    return text


def create(folder: str | Path, name: str, text: str, *, overwrite: bool = False) -> Path:
    """Write ``strategies/<name>.txt`` atomically; refuses to replace a file unless
    ``overwrite``."""
    path = Path(folder) / (check_name(name) + SUFFIX)
    if path.exists() and not overwrite:
        raise StrategyError(
            f"{path}: a strategy with this name already exists; nothing was changed",
            hint="choose another name, or pass --yes to replace it",
        )
    atomic_write_text(path, text)
    return path


def resolve(ref: str | Path, folder: str | Path) -> Path:
    """A strategy given as a path, or as a name in ``folder`` (with or without ``.txt``)."""
    candidate = Path(ref)
    if candidate.is_file():
        return candidate
    for option in (Path(folder) / str(ref), Path(folder) / (str(ref) + SUFFIX)):
        if option.is_file():
            return option
    raise StrategyError(
        f"no strategy {str(ref)!r} (looked for the file and in {folder})",
        hint="list the saved strategies with 'cen-search strategy list'",
    )


def files(folder: str | Path) -> list[Path]:
    """Strategy files in ``folder`` (``*.txt``), sorted by name."""
    path = Path(folder)
    return sorted(p for p in path.glob(f"*{SUFFIX}") if p.is_file()) if path.is_dir() else []


@dataclass(frozen=True, slots=True)
class Summary:
    """One row of ``strategy list``."""

    name: str
    path: str
    database: str
    platform: str
    searched_on: str
    lines: int
    final_hits: int | None
    status: str
    """``ok``, ``warnings``, ``errors``, ``not parsed`` (kept verbatim: no parser for the
    platform) or ``unreadable``."""
    errors: int = 0
    warnings: int = 0
    message: str = ""


def summarise(path: str | Path, *, searched: Sequence[str] = ()) -> Summary:
    """Load, check and summarise one strategy file (never raises for a bad file);
    ``searched``: the dates a review's imports of its exports were searched, shown when the
    header gives none (:func:`import_search_dates`)."""
    from cen_search.strategies import load_strategy
    from cen_search.strategies.checks import check_strategy, find_date_window

    name = Path(path).stem
    try:
        strategy = load_strategy(path)
    except StrategyError as exc:
        return Summary(name, str(path), "", "", "", 0, None, "unreadable", message=exc.message)
    report = check_strategy(strategy, window=find_date_window(path))
    final = strategy.final_line()
    section = strategy.sections[0] if strategy.sections else None
    return Summary(
        name=name,
        path=str(path),
        database=strategy.meta.database
        or (DATABASE_LABELS.get(section.database, "") if section else ""),
        platform=strategy.meta.platform or PLATFORM_LABELS.get(strategy.platform or "", ""),
        searched_on=strategy.meta.searched_on
        or (section.searched_on if section else "")
        or ", ".join(sorted(set(searched))),
        lines=len(strategy.lines),
        final_hits=final.recorded_hits if final else None,
        status=report.status(),
        errors=report.errors,
        warnings=report.warnings,
        message=strategy.not_parsed,
    )


def import_search_dates(entries: Iterable[ImportEntry]) -> dict[str, list[str]]:
    """The dates each saved strategy's exports were searched, by the strategy's path in the
    review (``strategies/medline.txt``), from the imports (``entries``) that name it."""
    dates: dict[str, list[str]] = {}
    for entry in entries:
        if entry.strategy and entry.searched:
            dates.setdefault(entry.strategy, []).append(entry.searched)
    return dates


__all__ = [
    "Summary",
    "check_name",
    "create",
    "files",
    "import_search_dates",
    "parser_of",
    "platform_of",
    "read_paste",
    "render_new",
    "resolve",
    "summarise",
]
