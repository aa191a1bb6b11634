"""The interface every format module implements, and the context it reads in.

A format module (``cen_search/formats/<name>.py``) defines module-level constants and functions:

``NAME``        registry name (``"ris"``), used by ``--format``/``--to`` and in provenance
``LABEL``       human name (``"RIS"``)
``EXTENSIONS``  file suffixes it claims, lower case with the dot (``(".ris",)``)
``sniff(text) -> int``
                confidence 0-100 that ``text`` (the first few KB, decoded) is this format
``read(text, source) -> Parsed``
                parse a whole decoded file; never raises for bad records: it reports them
``write(records, fh) -> int`` (optional)
                write records, return how many were written

Modules stay small and symmetric; mapping tables (tags, columns) live in ``formats/tables``.
"""

from __future__ import annotations

import traceback
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import TextIO

from cen_search.models import ReadIssue, Record


def release(exc: BaseException) -> None:
    """Drop the tracebacks of ``exc`` and the exceptions chained to it, clearing their
    frames' locals, once a reader has taken the message it needs. Parsers (the standard XML
    parsers, bibtexparser) raise or keep exceptions whose tracebacks reach frames that hold
    those same exceptions: a reference cycle, with all it refers to, each time a file breaks,
    which only a full garbage collection would free (see ``_build.no_gc``)."""
    seen: set[int] = set()
    todo: list[BaseException | None] = [exc]
    while todo:
        current = todo.pop()
        if current is None or id(current) in seen:
            continue
        seen.add(id(current))
        if current.__traceback__ is not None:
            traceback.clear_frames(current.__traceback__)
            current.__traceback__ = None
        todo += [current.__context__, current.__cause__]


OWN_TAG_PREFIX = "cen-search:"
"""Raw fields whose tag starts with this were added by cen-search (the members of a merged
record), not read from a file: writers never write them back as if they were source tags."""


@dataclass(frozen=True, slots=True)
class Source:
    """What a reader knows about the file it parses."""

    file: str
    """Path as it should appear in provenance and messages."""
    sha256: str
    encoding: str
    database: str = ""
    """Database declared by the user (``--database``); readers may detect one when empty."""
    platform: str = ""
    searched: str = ""


@dataclass(slots=True)
class Parsed:
    """What a reader returns: records plus an account of everything it could not use."""

    records: list[Record] = field(default_factory=list)
    warnings: list[ReadIssue] = field(default_factory=list)
    skipped: list[ReadIssue] = field(default_factory=list)


Sniffer = Callable[[str], int]
Reader = Callable[[str, Source], Parsed]
Writer = Callable[[Iterable[Record], TextIO], int]


@dataclass(frozen=True, slots=True)
class Format:
    """A registered format."""

    name: str
    label: str
    extensions: tuple[str, ...]
    sniff: Sniffer
    read: Reader
    write: Writer | None = None

    @property
    def writable(self) -> bool:
        return self.write is not None


class IssueLog:
    """Collects warnings and skips for one file, with positions."""

    def __init__(self, file: str) -> None:
        self.file = file
        self.warnings: list[ReadIssue] = []
        self.skipped: list[ReadIssue] = []
        self._warned: set[str] = set()

    def warn(self, message: str, *, line: int | None = None, record: int | None = None) -> None:
        self.warnings.append(ReadIssue(self.file, message, line=line, record_index=record))

    def warn_once(
        self, about: str, message: str, *, line: int | None = None, record: int | None = None
    ) -> None:
        """Warn with ``message`` only the first time the file gives ``about`` (a type name)."""
        if about not in self._warned:
            self._warned.add(about)
            self.warn(message, line=line, record=record)

    def skip(
        self,
        message: str,
        *,
        line: int | None = None,
        record: int | None = None,
        lost: int | None = None,
    ) -> None:
        """Report a record or block that could not be read; ``lost`` when the problem cut
        the file short and cost that many records (see :attr:`ReadIssue.lost`)."""
        self.skipped.append(
            ReadIssue(self.file, message, line=line, record_index=record, skipped=True, lost=lost)
        )

    def short(self, message: str, *, lost: int, line: int | None = None) -> None:
        """Report that the file is read short of what its structure implies (``lost`` records
        or rows, at least) without a record being skipped (a row that swallowed others)."""
        self.warnings.append(ReadIssue(self.file, message, line=line, lost=lost))

    def parsed(self, records: list[Record]) -> Parsed:
        return Parsed(records=records, warnings=self.warnings, skipped=self.skipped)
