"""Typed values that flow between the stages of the pipeline.

Data flows one way: files -> :class:`Record` (raw fields kept verbatim, :class:`Provenance`
attached) -> duplicate links and clusters -> citation edges -> screening decisions -> PRISMA
counts. Every value here is a frozen dataclass; third-party shapes (rispy dicts, bibtexparser
blocks, API JSON) never leave the module that reads them.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum
from typing import NewType

RecordId = NewType("RecordId", str)
"""Stable identifier of one imported record: ``<first 12 hex of file sha256>:<1-based index>``.

It is derived from the bytes of the raw export, so it survives re-reading, re-indexing and
moving the workspace, and it is what later stages (dedupe decisions, screening logs) refer to.
"""

RawField = tuple[str, str]
"""One original field as it appeared in the source: (tag or column name, value)."""


class RecordType(StrEnum):
    """The publication types the pipeline distinguishes (sources' own type is kept in raw)."""

    ARTICLE = "article"
    REVIEW = "review"
    BOOK = "book"
    CHAPTER = "chapter"
    CONFERENCE_PAPER = "conference-paper"
    CONFERENCE_ABSTRACT = "conference-abstract"
    THESIS = "thesis"
    REPORT = "report"
    PREPRINT = "preprint"
    DATASET = "dataset"
    WEBPAGE = "webpage"
    EDITORIAL = "editorial"
    LETTER = "letter"
    ERRATUM = "erratum"
    OTHER = "other"


@dataclass(frozen=True, slots=True)
class Author:
    """One author as parsed from whatever form the source used."""

    raw: str
    """The author exactly as the source gave it ("Smith, J. A.", "J.A. Smith", "Smith JA")."""
    family: str = ""
    """Family name (surname), with particles kept ("van der Berg")."""
    given: str = ""
    """Given names as written ("John Andrew", "J. A."), possibly empty."""
    initials: str = ""
    """Upper-case initials of the given names without punctuation ("JA")."""
    organisation: bool = False
    """True for group or corporate authors ("World Health Organization")."""

    def display(self) -> str:
        """``Family, Given`` (or the raw string for organisations and unparsed names)."""
        if self.organisation or not self.family:
            return self.raw
        return f"{self.family}, {self.given}" if self.given else self.family


@dataclass(frozen=True, slots=True)
class Pages:
    """Page information; article numbers are kept apart from page ranges."""

    raw: str = ""
    """The page string(s) as given by the source ("1234-9", "e12724", "S12")."""
    start: str = ""
    """First page, expanded and without prefixes other than a supplement marker ("1234")."""
    end: str = ""
    """Last page, expanded to the full number ("1239" for "1234-9")."""
    article_number: str = ""
    """Electronic article number ("e12724", "0267787") when the source gives one."""

    def __bool__(self) -> bool:
        """True when the source gave any page information."""
        return bool(self.raw or self.start or self.end or self.article_number)


@dataclass(frozen=True, slots=True)
class Provenance:
    """Where a record came from. Nothing a user imported loses this."""

    file: str
    """Path of the source file as given by the user, or workspace-relative inside a review."""
    sha256: str
    """SHA-256 of the file's bytes as read (hex)."""
    format: str
    """Registry name of the format it was read as ("ris", "bibtex", "medline", ...)."""
    encoding: str
    """Text encoding used to decode the file ("utf-8-sig", "cp1252", ...)."""
    index: int
    """1-based position of the record in its file."""
    line: int
    """1-based line where the record starts in the file (0 when not applicable)."""
    key: str = ""
    """The record's own identifier in its file: RIS ``ID``, else ``AN``, else its index;
    BibTeX citation key; CSV id column. Empty only when the source has none and no index."""
    database: str = ""
    """Database the records were searched in ("MEDLINE", "Embase"), declared or detected."""
    platform: str = ""
    """Platform or interface ("Ovid", "EBSCOhost", "ProQuest", "PubMed")."""
    searched: str = ""
    """Date the search was run, ISO ``YYYY-MM-DD``; empty when unknown."""

    @property
    def record_id(self) -> RecordId:
        """Stable id of the record: file checksum prefix and index."""
        return RecordId(f"{self.sha256[:12]}:{self.index}")


@dataclass(frozen=True, slots=True)
class Record:
    """One bibliographic record, as used by every stage of the pipeline.

    Mapped fields are cleaned but not normalised for matching (dedupe does that on its own
    keys); ``raw`` keeps every original field verbatim, unknown tags included.
    """

    provenance: Provenance
    """Where the record came from."""
    raw: tuple[RawField, ...] = ()
    """Every original field in source order, repeated tags repeated, values verbatim
    (continuation lines joined with newlines)."""
    type: RecordType = RecordType.OTHER
    """Publication type mapped to the pipeline's vocabulary."""
    title: str = ""
    """Primary title as given (markup and language tags not stripped)."""
    authors: tuple[Author, ...] = ()
    """Authors in order."""
    year: int | None = None
    """Publication year, when one can be read from the source's date fields."""
    date: str = ""
    """Publication date string as given ("2019//", "2016 Dec", "2020-03-01")."""
    container: str = ""
    """Journal, book or proceedings title."""
    container_abbrev: str = ""
    """Abbreviated container title when the source gives one (NLM/ISO4 "J Clin Epidemiol")."""
    volume: str = ""
    issue: str = ""
    pages: Pages = field(default_factory=Pages)
    doi: str = ""
    """DOI in canonical form: lower case, no URL or ``doi:`` prefix ("10.1371/journal.pone.1")."""
    pmid: str = ""
    """PubMed id (digits only)."""
    pmcid: str = ""
    """PubMed Central id with its ``PMC`` prefix."""
    issn: tuple[str, ...] = ()
    """ISSNs as ``NNNN-NNNX``."""
    isbn: tuple[str, ...] = ()
    abstract: str = ""
    keywords: tuple[str, ...] = ()
    language: str = ""
    urls: tuple[str, ...] = ()
    accession_numbers: tuple[str, ...] = ()
    """Database accession numbers (Embase id, PsycINFO AN, WoS UT, Scopus EID ...)."""
    publisher: str = ""
    database: str = ""
    """Database named inside the record itself (RIS ``DB``, MEDLINE ``OWN``/``SO``)."""
    platform: str = ""
    """Platform named inside the record itself (RIS ``DP``)."""
    notes: tuple[str, ...] = ()
    """Free-text notes (RIS ``N1``, BibTeX ``note``)."""

    @property
    def id(self) -> RecordId:
        """Stable id (see :data:`RecordId`)."""
        return self.provenance.record_id

    @property
    def key(self) -> str:
        """The record's own identifier in its file (see :attr:`Provenance.key`)."""
        return self.provenance.key

    @property
    def source_database(self) -> str:
        """Database declared at import, else the one named in the record."""
        return self.provenance.database or self.database

    def raw_values(self, tag: str) -> list[str]:
        """All raw values of one original tag or column, in order."""
        return [value for name, value in self.raw if name == tag]

    def filled_fields(self) -> int:
        """How many mapped fields carry a value (used to pick the most complete record)."""
        values: tuple[object, ...] = (
            self.title,
            self.authors,
            self.year,
            self.container,
            self.volume,
            self.issue,
            self.pages,
            self.doi,
            self.pmid,
            self.pmcid,
            self.issn,
            self.isbn,
            self.abstract,
            self.keywords,
            self.language,
            self.urls,
            self.publisher,
        )
        return sum(1 for value in values if value)


@dataclass(frozen=True, slots=True)
class ReadIssue:
    """A problem met while reading a file, with its position."""

    file: str
    """Path of the file."""
    message: str
    """What happened and what to do about it."""
    line: int | None = None
    """1-based line, when known."""
    record_index: int | None = None
    """1-based record index, when the problem belongs to a record."""
    skipped: bool = False
    """True when the record (or block) could not be read and is not in the result."""
    lost: int | None = None
    """Records this problem cost when it cut the file short: records its structure shows
    (``<record>`` start tags after a fault in XML, rows swallowed by an unclosed quote in
    CSV) that could not be read. ``None`` for a problem that costs at most its own record."""

    def location(self) -> str:
        """``file:line`` or ``file`` for messages."""
        return f"{self.file}:{self.line}" if self.line else self.file


@dataclass(frozen=True, slots=True)
class ReadResult:
    """Everything reading one file produced: records and a full account of what was not."""

    file: str
    """Path of the file as given (workspace-relative for imports)."""
    format: str
    """Registry name of the format it was read as."""
    encoding: str
    """Text encoding it was decoded with."""
    sha256: str
    """SHA-256 of the file's bytes (hex)."""
    records: tuple[Record, ...]
    """The records read, in file order."""
    warnings: tuple[ReadIssue, ...] = ()
    """Problems that did not cost a record (odd dates, unknown tags, repaired syntax)."""
    skipped: tuple[ReadIssue, ...] = ()
    """Records or blocks that could not be read, each with its reason and position."""

    @property
    def ok(self) -> bool:
        """True when nothing was skipped."""
        return not self.skipped

    @property
    def incomplete(self) -> bool:
        """True when the read is short of what the file's structure implies (a truncated XML,
        an unclosed quote that swallowed rows): records are missing that no single skip
        accounts for. ``import`` refuses such a file; ``convert`` and ``info`` say so."""
        return any(issue.lost is not None for issue in (*self.skipped, *self.warnings))

    @property
    def lost(self) -> int:
        """Records known to be lost to problems that cut the file short (see :attr:`incomplete`)."""
        return sum(issue.lost or 0 for issue in (*self.skipped, *self.warnings))
