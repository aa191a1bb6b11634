"""Writing records as BibTeX (the writer half of :mod:`cen_search.formats.bibtex`).

Entries are built as bibtexparser ``Entry`` blocks and serialised with its writer, a batch at a
time. What is written, in order: author, title, journal/booktitle, shortjournal, year, date
(when it says more than the year), volume, number, pages, eid (an article number the pages do
not show), doi, pmid, pmcid, issn, isbn, publisher/institution/school, language, keywords,
url, accession-number, database, note, abstract, document_type (when the entry type alone
cannot carry the record type). Records read from BibTeX also keep their other fields
(``editor``, ``address``, ``file``, ``timestamp`` ...) as written.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from functools import cache
from typing import TextIO

import bibtexparser
from bibtexparser.library import Library
from bibtexparser.model import Block, Entry, Field
from bibtexparser.writer import BibtexFormat
from unidecode import unidecode

from cen_search.fields import parse_pages
from cen_search.formats._build import FieldMap, load_table, type_table
from cen_search.formats._latex import escape, escape_verbatim
from cen_search.models import Author, Pages, Record, RecordType

_BATCH = 500
_USABLE_KEY = re.compile(r"^[^\s,{}()\"#%'=\\~]+$")
_STOPWORDS = frozenset(
    {
        "a",
        "an",
        "the",
        "of",
        "on",
        "in",
        "for",
        "and",
        "to",
        "with",
        "from",
        "by",
        "at",
        "as",
        "is",
        "are",
        "be",
        "its",
        "into",
    }
)
_BOOKTITLE_TYPES = frozenset(
    {RecordType.CONFERENCE_PAPER, RecordType.CONFERENCE_ABSTRACT, RecordType.CHAPTER}
)
_PUBLISHER_FIELD = {RecordType.REPORT: "institution", RecordType.THESIS: "school"}
# Fields the reader maps besides the table's: never passed through from raw.
_COMPUTED = frozenset(
    {"author", "year", "month", "keywords", "keyword", "eprinttype", "archiveprefix", "eprint"}
)


@cache
def _write_types() -> dict[str, tuple[str, str]]:
    return {
        row["type"]: (row["entrytype"], row["document_type"])
        for row in load_table("bibtex_write_types")
    }


@cache
def _mapped_fields() -> frozenset[str]:
    return FieldMap.load("bibtex_fields").tags | _COMPUTED


def _balanced(value: str) -> bool:
    depth = 0
    for match in re.finditer(r"(?<!\\)[{}]", value):
        depth += 1 if match.group(0) == "{" else -1
        if depth < 0:
            return False
    return depth == 0


def _name(author: Author) -> str:
    if author.organisation or not author.family:
        return "{" + escape(author.raw or author.family) + "}"
    family = escape(author.family)
    if "," in author.family or re.search(r"\band\b", author.family, re.IGNORECASE):
        family = "{" + family + "}"
    given = escape(author.given)
    if re.search(r"\band\b", author.given, re.IGNORECASE) or "," in author.given:
        given = "{" + given + "}"
    return f"{family}, {given}" if given else family


def _ascii_word(text: str) -> str:
    return re.sub(r"[^a-z0-9]", "", unidecode(text).lower())


def generated_key(record: Record) -> str:
    """``smith2019title``: first author's family name, year, first significant title word."""
    family = ""
    if record.authors:
        first = record.authors[0]
        words = (first.family or first.raw).split()
        family = _ascii_word(words[-1]) if words else ""
    word = ""
    for token in unidecode(record.title).split():
        candidate = _ascii_word(token)
        if candidate and candidate not in _STOPWORDS:
            word = candidate
            break
    key = f"{family}{record.year or ''}{word}"
    return key or f"ref{record.provenance.index}"


def own_key(record: Record) -> str:
    """The record's own citation key when it can serve as one, else ""."""
    prov = record.provenance
    if prov.format == "bibtex":
        key = next((value for name, value in record.raw if name == "ID"), prov.key)
    else:
        key = prov.key if prov.key != str(prov.index) else ""
    key = key.strip()
    return key if key and _USABLE_KEY.match(key) else ""


class _Keys:
    def __init__(self) -> None:
        self.used: set[str] = set()

    def claim(self, key: str) -> str:
        candidate = key
        suffix = 0
        while candidate.lower() in self.used:
            suffix += 1
            candidate = key + _suffix(suffix)
        self.used.add(candidate.lower())
        return candidate


def _suffix(number: int) -> str:
    letters = ""
    while number > 0:
        number, rest = divmod(number - 1, 26)
        letters = chr(ord("a") + rest) + letters
    return letters


def _same_pages(a: Pages, b: Pages) -> bool:
    return (a.start, a.end, a.article_number) == (b.start, b.end, b.article_number)


def page_values(pages: Pages) -> tuple[str, str]:
    """``(pages, article number)`` to write so that reading them back gives the same start,
    end and article number: the source's page string when it does, else ``start-end``; the
    article number only when the page string does not carry it."""
    candidates = [pages.raw, "-".join(p for p in (pages.start, pages.end) if p)]
    for text in candidates:
        if not text:
            continue
        if _same_pages(parse_pages(text), pages):
            return text, ""
        if _same_pages(parse_pages(text, article_number=pages.article_number), pages):
            return text, pages.article_number
    return candidates[1], pages.article_number


def _fields(record: Record) -> list[tuple[str, str]]:
    out: list[tuple[str, str]] = []

    def add(name: str, value: str, *, verbatim: bool = False) -> None:
        if value:
            out.append((name, escape_verbatim(value) if verbatim else escape(value)))

    if record.authors:
        out.append(("author", " and ".join(_name(a) for a in record.authors)))
    add("title", record.title)
    add("booktitle" if record.type in _BOOKTITLE_TYPES else "journal", record.container)
    add("shortjournal", record.container_abbrev)
    if record.year is not None:
        add("year", str(record.year))
    if record.date and record.date != str(record.year or ""):
        add("date", record.date)
    add("volume", record.volume)
    add("number", record.issue)
    written_pages, article_number = page_values(record.pages)
    add("pages", written_pages, verbatim=True)
    add("eid", article_number)
    add("doi", record.doi, verbatim=True)
    add("pmid", record.pmid)
    add("pmcid", record.pmcid)
    add("issn", ", ".join(record.issn))
    add("isbn", ", ".join(record.isbn))
    add(_PUBLISHER_FIELD.get(record.type, "publisher"), record.publisher)
    add("language", record.language)
    if record.keywords:
        joined = "; ".join(record.keywords)
        add("keywords", joined + (";" if len(record.keywords) == 1 and "," in joined else ""))
    add("url", " ".join(record.urls), verbatim=True)
    add("accession-number", "; ".join(record.accession_numbers))
    add("database", record.database)
    add("note", "\n\n".join(record.notes))
    add("abstract", record.abstract)
    return out


def _entry(record: Record, keys: _Keys) -> Entry:
    entrytype, document_type = _write_types().get(record.type.value, ("misc", ""))
    fields = _fields(record)
    written = {name for name, _ in fields}
    if record.provenance.format == "bibtex":
        original = next((v for n, v in record.raw if n == "ENTRYTYPE"), "")
        if original and type_table("bibtex_types").get(original.upper()) == record.type:
            entrytype = original.lower()
        mapped = _mapped_fields()
        for name, value in record.raw:
            folded = name.lower()
            if name in ("ENTRYTYPE", "ID") or folded in written or folded in mapped:
                continue
            if not re.fullmatch(r"[A-Za-z][\w:.+-]*", name):
                continue
            written.add(folded)
            fields.append((folded, value if _balanced(value) else escape(value)))
    if document_type and "document_type" not in written:
        fields.append(("document_type", document_type))
    key = keys.claim(own_key(record) or generated_key(record))
    return Entry(entrytype, key, [Field(name, "{" + value + "}") for name, value in fields])


def _format() -> BibtexFormat:
    fmt = BibtexFormat()
    fmt.indent = "  "
    fmt.block_separator = "\n"
    return fmt


def write(records: Iterable[Record], fh: TextIO) -> int:
    """Write ``records`` as BibTeX to ``fh``; returns how many were written."""
    keys = _Keys()
    count = 0
    batch: list[Block] = []
    fmt = _format()
    fh.write("% Encoding: UTF-8\n\n")

    def flush() -> None:
        if batch:
            library = Library(batch, fail_on_duplicate_key=True)
            fh.write(bibtexparser.write_string(library, unparse_stack=[], bibtex_format=fmt))
            fh.write("\n")
            batch.clear()

    for record in records:
        batch.append(_entry(record, keys))
        count += 1
        if len(batch) >= _BATCH:
            flush()
    flush()
    return count
