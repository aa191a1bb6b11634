"""The matching keys of one record, computed once per record before blocking and scoring."""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

from cen_search.dedupe import normalise as n
from cen_search.dedupe.journals import journal_key, journal_names
from cen_search.dedupe.numbering import issue_key, volume_key
from cen_search.dedupe.titles import (
    clean_title,
    footnote_marker,
    numbers_in,
    title_flags,
    title_words,
)
from cen_search.dedupe.trials import trial_numbers
from cen_search.fields import clean_doi, expand_end_page
from cen_search.models import Author, Record, RecordType
from cen_search.names import parse_author

_PREPRINT_DOI = (
    "10.1101/",
    "10.48550/",
    "10.21203/",
    "10.2139/",
    "10.20944/",
    "10.31234/",
    "10.31219/",
    "10.31235/",
    "10.35542/",
)
_PREPRINT_VENUE = re.compile(
    r"\b(?:arxiv|biorxiv|medrxiv|psyarxiv|socarxiv|ssrn|research square|"
    r"preprints?|osf preprints|authorea|chemrxiv|eartharxiv)\b"
)
_COCHRANE = re.compile(r"10\.1002/14651858\.(cd\d{6})(?:\.(pub\d+))?", re.IGNORECASE)
_COCHRANE_ID = re.compile(r"\s*(CD\d{6})(?:\.(pub\d+))?\s*$", re.IGNORECASE)
_CONFERENCE = re.compile(
    r"\b(?:proceedings|conference|congress|symposium|workshop|meeting|"
    r"annual|convention|colloquium|summit|abstracts?)\b|\bproc\b|\bconf\b"
)
_RANGE = re.compile(r"([A-Za-z]?)(\d+)\s*(?:-+|–|—)\s*[A-Za-z]?(\d+)")
_ABSTRACTS_VENUE = re.compile(r"\b(?:dissertation|meeting|congress|conference) abstracts\b")
_MEETING_IN_JOURNAL = re.compile(r"\.\s*Conference\s*:", re.IGNORECASE)
"""``Pediatric Nephrology. Conference: 44th Annual Meeting ...``: Embase's form for a meeting
abstract printed in a journal (its supplement)."""
_SUPPLEMENT_PAGE = re.compile(r"\s*(?:S\d|\d+[A-Z]\b)")
"""``S123``, ``102A``: a page of a supplement (abstract pages are numbered so)."""
_ABSTRACT_NOTE = re.compile(r"\[\s*abstract\s*\]", re.IGNORECASE)
"""``Title [abstract]``: databases mark meeting abstracts so."""
_DEGREE = re.compile(r"\s*(?:ph\.?\s?d|m\.?\s?d|m\.?\s?sc|m\.?\s?a|d\.?\s?phil)\.?\s*$", re.I)
_DOI_IN_TEXT = re.compile(r"10\.\d{4,9}/\S+")
_PREPRINT = RecordType.PREPRINT
_ARTICLE = RecordType.ARTICLE
_ARTICLE_TYPES = frozenset({RecordType.ARTICLE, RecordType.REVIEW})
_CONFERENCE_TYPES = frozenset({RecordType.CONFERENCE_ABSTRACT, RecordType.CONFERENCE_PAPER})
_TRANSLATED_TITLE_TAGS = frozenset(
    {"TT", "translated_title", "title_translated", "TRANSLATED_TITLE"}
)


@dataclass(frozen=True, slots=True)
class Keys:
    """Normalised matching keys of one record (see :mod:`cen_search.dedupe.normalise` and
    :mod:`cen_search.dedupe.titles`)."""

    title: str
    """Main title: folded words joined by spaces."""
    title_alt: str
    """Alternative (translated) title given in brackets or after a separator, or ""."""
    numbers: tuple[str, ...]
    """Numbers stated in the title (``Part II`` -> ``("2",)``)."""
    footnote: str
    """A lone digit ending the title that may be a PDF's footnote marker
    (:func:`~cen_search.dedupe.titles.footnote_marker`), else "". (In a title in capitals it is
    taken off the title key instead.)"""
    flags: frozenset[str]
    """Item kinds the title announces: erratum, retraction, comment, reply, protocol ..."""
    families: tuple[str, ...]
    """Normalised family names of the personal authors, in order."""
    author_words: tuple[tuple[str, ...], ...]
    """All name words (2+ letters) of each author, for tolerant matching (first 40)."""
    initials: tuple[str, ...]
    groups: tuple[str, ...]
    """Group or corporate authors, normalised."""
    year: int | None
    journal: tuple[tuple[str, ...], ...]
    """Normalised container name(s): full and abbreviated when both are known."""
    volume: str
    """The volume number ("" when missing or not plausible: see
    :mod:`cen_search.dedupe.numbering`)."""
    issue: str
    """The issue number ("" when missing or not plausible)."""
    supplement: str
    """The supplement named in the issue (or volume) field, ``"s"`` when unnumbered, else ""."""
    page_start: str
    page_end: str
    page_starts: frozenset[str]
    """Every start page given (several ranges: ``"230-5, 246-51"``)."""
    article_number: str
    doi: str
    pmid: str
    cochrane: str
    cochrane_version: str
    abstract: str
    conference: bool
    """A conference paper or abstract (by type, or by a proceedings-like venue)."""
    journal_article: bool
    """Typed as a journal article by its source."""
    preprint: bool
    issn: frozenset[str]
    isbn: frozenset[str]
    report: str = ""
    """What kind of report the record is, where it matters for links: ``"abstract"`` (typed
    a conference abstract, in an abstracts journal such as *Dissertation Abstracts*, or in a
    journal named with its conference), ``"thesis"`` (typed a thesis, or a degree such as
    ``Ph.D.`` given as its volume), ``"conference-paper"``, ``"editorial"`` (typed so),
    else ""."""
    trials: frozenset[str] = frozenset()
    """Trial registration numbers the record names (:mod:`cen_search.dedupe.trials`)."""
    notes: tuple[str, ...] = ()
    """Values set aside as implausible, for ``explain`` (``volume '1)' is not a plausible
    volume: treated as missing``)."""
    part: str = ""
    """The part named in the volume field (``PART 2`` of a multi-part proceedings), else ""."""

    @property
    def first_author(self) -> str:
        """The first personal author's family key, else the first group author, else ""."""
        return self.families[0] if self.families else (self.groups[0] if self.groups else "")

    @property
    def has_pages(self) -> bool:
        """A first page or an article number is known."""
        return bool(self.page_start or self.article_number)


def _title_word_as_author(author: Author, title_words: tuple[str, ...]) -> bool:
    """A one-word "author" without given names or initials that is a word of the record's
    own title: metadata taken from a PDF read a word of the title as an author."""
    if author.organisation or author.given or author.initials:
        return False
    raw = author.raw.strip().strip(".,;:")
    return " " not in raw and n.family_key(raw) in title_words


def _authors(
    record: Record, title_words: tuple[str, ...] = ()
) -> tuple[tuple[str, ...], tuple[tuple[str, ...], ...], tuple[str, ...], tuple[str, ...]]:
    """(family keys, name words, first initials) of the personal authors and the group
    authors' names, in order (see :class:`Keys`); "authors" that are words of the title
    (:func:`_title_word_as_author`) left out."""
    authors = [a for a in record.authors if not _title_word_as_author(a, title_words)]
    raws = [a.raw for a in authors]
    repaired = n.repair_author_strings(raws)
    if len(repaired) != len(raws):
        authors = [parse_author(r) for r in repaired]
    families: list[str] = []
    words: list[tuple[str, ...]] = []
    initials: list[str] = []
    groups: list[str] = []
    for author in authors:
        kind, family, name_words, initial = _author_key(author)
        if kind == "group":
            groups.append(family)
        elif kind == "person":
            families.append(family)
            if len(words) < 40:
                words.append(name_words)
            initials.append(initial)
    return tuple(families), tuple(words), tuple(initials), tuple(groups)


@lru_cache(maxsize=131072)
def _author_key(author: Author) -> tuple[str, str, tuple[str, ...], str]:
    """(kind, family key or group name, name words, first initial); kind is "person",
    "group" or "" (placeholders like "Anonymous")."""
    if n.is_placeholder_author(author.raw):
        return "", "", (), ""
    if author.organisation or not author.given:
        raw_words = n.words(n.fold(author.raw))
        if author.organisation or len(raw_words) > 3:
            key = " ".join(raw_words)
            return ("group" if key else ""), key, (), ""
    family = n.family_key(author.family or author.raw)
    if not family:
        return "", "", (), ""
    all_words = n.words(n.fold(f"{author.family} {author.given}" if author.family else author.raw))
    initial = (author.initials or author.given[:1]).lower()[:1]
    name_words = tuple(dict.fromkeys([family, *(w for w in all_words if len(w) >= 2)]))
    return "person", family, name_words, initial


_PAGE_COUNT = re.compile(r"^\s*\d+\s*(?:p|pp|pages?)\.?\s*$", re.IGNORECASE)
_DATE_LIKE = re.compile(
    r"\b(?:jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec)[a-z]*\b", re.IGNORECASE
)


def _pages(record: Record) -> tuple[str, str, frozenset[str], str]:
    """(first page, last page, every first page given, article number) as matching keys."""
    pages = record.pages
    if (pages.raw or pages.start) and _DATE_LIKE.search(f"{pages.raw} {pages.start}"):
        # "01-Jun": a page range a spreadsheet turned into a date
        return "", "", frozenset(), ""
    if _PAGE_COUNT.match(pages.raw):
        # "215 p": how many pages a thesis or book has, not where it starts
        return "", "", frozenset(), ""
    start = n.page_number(pages.start)
    end = expand_end_page(start, n.page_number(pages.end))
    starts = {start} if start else set()
    for match in _RANGE.finditer(pages.raw or ""):
        starts.add(str(int(match.group(2))))
    if not start and not end and not pages.article_number and pages.raw:
        start = n.page_number(pages.raw)
        if start:
            starts.add(start)
    article = n.page_number(pages.article_number)
    if article and article == start:
        article = ""
    if end and start and end == start:
        end = ""
    return start, end, frozenset(starts), article


def record_doi(record: Record) -> str:
    """The record's DOI, else one found in its URLs or in a raw DOI field."""
    if record.doi:
        return record.doi
    for value in record.urls:
        if "doi" in value.lower():
            doi = clean_doi(value)
            if doi:
                return doi
    for tag, value in record.raw:
        if tag.upper() in ("DO", "DOI", "DI", "R2") and _DOI_IN_TEXT.search(value):
            return clean_doi(value)
    return ""


def _all_capitals(text: str) -> bool:
    """Every letter of ``text`` is a capital (and it has letters)."""
    return text.isupper()


def record_keys(record: Record) -> Keys:
    """Compute the matching keys of one record."""
    main, alt = clean_title(record.title)
    if not alt:
        for tag, value in record.raw:
            if tag in _TRANSLATED_TITLE_TAGS and value:
                alt = clean_title(value)[0]
                break
    main_words = title_words(main)
    if _all_capitals(main) and footnote_marker(main_words, capitals=True):
        # a title in capitals ending in a lone digit is a PDF's title with its footnote marker
        main_words, footnote = main_words[:-1], ""
    else:
        footnote = footnote_marker(main_words)
    alt_words = title_words(alt) if alt else ()
    families, author_words, initials, groups = _authors(record, main_words)
    journals = []
    for value in (record.container, record.container_abbrev):
        if value:
            for part in journal_names(value):
                key = journal_key(part)
                if key and key not in journals:
                    journals.append(key)
    start, end, starts, article = _pages(record)
    volume, issue = volume_key(record.volume), issue_key(record.issue)
    notes = tuple(note for note in (volume.note, issue.note) if note)
    doi = record_doi(record)
    cochrane = _COCHRANE.search(doi) if doi else None
    version = (cochrane.group(2) or "pub1").lower() if cochrane else ""
    if cochrane is None:
        # Cochrane reviews listed without a DOI carry the review number as their pages (the
        # version is then unknown unless written: "CD006828.pub2")
        cochrane = _COCHRANE_ID.match(record.pages.raw or record.pages.article_number)
        version = (cochrane.group(2) or "").lower() if cochrane else ""
    venue = " ".join(" ".join(j) for j in journals)
    preprint = (
        record.type is _PREPRINT
        or bool(_PREPRINT_VENUE.search(venue))
        or (doi.startswith(_PREPRINT_DOI) and not venue)
    )
    conference = record.type in _CONFERENCE_TYPES or (
        record.type is not _ARTICLE and bool(_CONFERENCE.search(venue))
    )
    abstract = " ".join(n.words(n.fold(record.abstract[:800])))[:600] if record.abstract else ""
    if (
        record.type is RecordType.CONFERENCE_ABSTRACT
        or _ABSTRACTS_VENUE.search(venue)
        or _MEETING_IN_JOURNAL.search(record.container)
        or _ABSTRACT_NOTE.search(record.title)
    ):
        report = "abstract"
    elif record.type is RecordType.THESIS or _DEGREE.match(record.volume):
        report = "thesis"
    elif record.type is RecordType.CONFERENCE_PAPER:
        report = "conference-paper"
    elif record.type is RecordType.EDITORIAL:
        report = "editorial"
    else:
        report = ""
    return Keys(
        title=" ".join(main_words),
        title_alt=" ".join(alt_words),
        numbers=numbers_in(main_words),
        footnote=footnote,
        flags=title_flags(record.title) | title_flags(main),
        families=families,
        author_words=author_words,
        initials=initials,
        groups=groups,
        year=record.year,
        journal=tuple(journals),
        volume=volume.number,
        issue=issue.number,
        part=volume.part or issue.part,
        supplement=issue.supplement
        or volume.supplement
        or ("s" if _SUPPLEMENT_PAGE.match(record.pages.raw or record.pages.start) else ""),
        page_start=start,
        page_end=end,
        page_starts=starts,
        article_number=article,
        doi=doi,
        pmid=record.pmid.strip(),
        cochrane=cochrane.group(1).lower() if cochrane else "",
        cochrane_version=version,
        abstract=abstract,
        conference=conference,
        journal_article=record.type in _ARTICLE_TYPES,
        preprint=preprint,
        issn=frozenset(record.issn),
        isbn=frozenset(record.isbn),
        report=report,
        trials=trial_numbers(record),
        notes=notes,
    )
