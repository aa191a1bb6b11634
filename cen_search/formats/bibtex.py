"""BibTeX and BibLaTeX: reading on bibtexparser 2, writing with its writer.

bibtexparser's splitter cuts the file into blocks (entries, ``@string``, ``@preamble``,
comments, failed blocks) and gives line numbers; this module adds what real exports need:

* entries without a citation key (``@article{`` then fields, EndNote; ``@Article{,`` JabRef,
  Mendeley) get a placeholder key before splitting (on the same line, so line numbers hold);
  their provenance key is then the record index;
* ``@string`` macros, ``#`` concatenation and the predefined month macros are resolved here
  (bibtexparser resolves only whole-value references);
* duplicate citation keys keep both records, with a warning naming both lines;
* a block bibtexparser could not parse becomes a skipped :class:`ReadIssue` with its line,
  and every other entry is still read;
* values are decoded from LaTeX (``{\\'e}`` -> é, ``{{Si}}`` -> Si) only for mapped fields;
  ``Record.raw`` keeps ``ENTRYTYPE``, ``ID`` and every field as written (enclosing braces or
  quotes removed, macros and LaTeX left as they are).
"""

from __future__ import annotations

import contextlib
import logging
import re
from collections.abc import Iterable, Iterator
from dataclasses import replace
from typing import TextIO

from bibtexparser.library import Library
from bibtexparser.middlewares.names import (
    InvalidNameError,
    parse_single_name_into_parts,
    split_multiple_persons_names,
)
from bibtexparser.model import (
    DuplicateBlockKeyBlock,
    DuplicateFieldKeyBlock,
    Entry,
    ImplicitComment,
    ParsingFailedBlock,
    String,
)
from bibtexparser.splitter import Splitter

from cen_search.errors import FileFormatError
from cen_search.fields import squash
from cen_search.formats import _bibtex_write
from cen_search.formats._bibtex_values import (
    PLACEHOLDER,
    SUFFIXES,
    comma_separated_people,
    evaluate,
    fill_missing_keys,
    grouped,
    identifiers,
    keywords,
    strip_enclosing,
)
from cen_search.formats._build import (
    FieldMap,
    IssueLog,
    RecordBuilder,
    document_type,
    no_gc,
    type_table,
)
from cen_search.formats._csv_values import organisation
from cen_search.formats._latex import decode_lenient, decode_verbatim
from cen_search.formats.base import Parsed, Source, release
from cen_search.models import Author, RawField, Record, RecordType
from cen_search.names import initials_of, parse_author

NAME = "bibtex"
LABEL = "BibTeX/BibLaTeX"
EXTENSIONS = (".bib", ".bibtex", ".biblatex")

_HEAD = re.compile(r"^[ \t]*@[ \t]*([A-Za-z_]\w*)[ \t]*[{(]", re.MULTILINE)
_ENTRY_HEAD = re.compile(r"^[ \t]*@[ \t]*([A-Za-z_]\w*)[ \t]*[{(][^,=}\n]*,", re.MULTILINE)
_FOREIGN = re.compile(r"^(?:TY  -|PMID-|FN |PT [A-Z]\b|%0 |<\?xml|<xml>)", re.MULTILINE)
_SPECIAL_BLOCKS = frozenset({"string", "comment", "preamble"})
# Fields that hold identifiers or links: only TeX escapes of single characters are undone.
_VERBATIM = frozenset(
    {
        "pages",
        "doi",
        "di",
        "url",
        "ee",
        "eprint",
        "pmid",
        "pmcid",
        "unique-id",
        "ut",
        "accession-number",
        "accession_number",
        "issn",
        "eissn",
        "sn",
        "isbn",
    }
)
_PROSE_EXTRA = ("author", "month", "year", "keywords", "keyword", "eprinttype", "archiveprefix")


def sniff(text: str) -> int:
    """95 for an entry head (``@article{key,`` / ``@book(key,``) near the start, possibly after
    ``%`` comments or free text; 60 for only ``@string``/``@comment`` blocks; 0 for text that
    looks like RIS, MEDLINE, Web of Science, EndNote tagged or XML."""
    head = text[:20000]
    if _FOREIGN.search(head[:4000]):
        return 0
    for match in _ENTRY_HEAD.finditer(head):
        if match.group(1).lower() not in _SPECIAL_BLOCKS:
            return 95
    for match in _HEAD.finditer(head):
        return 90 if match.group(1).lower() not in _SPECIAL_BLOCKS else 60
    return 0


@contextlib.contextmanager
def _quiet_bibtexparser() -> Iterator[None]:
    """bibtexparser logs each failed block; we report them as ReadIssues instead."""
    logger = logging.getLogger("bibtexparser.splitter")
    previous = logger.disabled
    logger.disabled = True
    try:
        yield
    finally:
        logger.disabled = previous


class _Reader:
    def __init__(self, source: Source) -> None:
        self.log = IssueLog(source.file)
        self.macros: dict[str, str] = {}
        self.keys: dict[str, tuple[str, int]] = {}
        self.records: list[Record] = []
        self.undefined: dict[str, list[int]] = {}
        fields = FieldMap.load("bibtex_fields")
        self.mapped = frozenset(fields.tags) | frozenset(_PROSE_EXTRA)
        self.builder = RecordBuilder(fields, source=source, format=NAME, issues=self.log)

    def string(self, block: String) -> None:
        value, undefined = evaluate(block.value, self.macros)
        line = (block.start_line or 0) + 1
        for name in undefined:
            self.log.warn(f"@string {block.key}: macro {name!r} is not defined", line=line)
        if block.key.lower() in self.macros:
            self.log.warn(
                f"@string {block.key} is defined again; the later value is used", line=line
            )
        self.macros[block.key.lower()] = value

    def report_undefined(self) -> None:
        """One warning per undefined @string macro (files often rely on a separate .bib)."""
        for macro, lines in self.undefined.items():
            self.log.warn(
                f"@string macro {macro!r} is not defined in this file (used {len(lines)} "
                "time(s), first here); the macro name is kept as the value",
                line=lines[0],
            )

    def failed(self, block: ParsingFailedBlock) -> None:
        start = (block.start_line or 0) + 1
        end = start + (block.raw or "").count("\n")
        reason = getattr(block.error, "abort_reason", None) or str(block.error)
        if isinstance(block.error, BaseException):
            release(block.error)
        head = squash((block.raw or "").split("\n", 1)[0])[:60]
        self.log.skip(
            f"BibTeX block {head!r} could not be read (syntax error near line {end}: "
            f"{squash(reason)}); fix the braces or commas there and read the file again",
            line=start,
        )

    def entry(self, entry: Entry, *, duplicate_fields: Iterable[str] = ()) -> None:
        index = len(self.records) + 1
        line = (entry.start_line or 0) + 1
        key = "" if entry.key.startswith(PLACEHOLDER) else entry.key
        written_type = re.match(r"\s*@\s*(\w+)", entry.raw or "")
        raw: list[RawField] = [
            ("ENTRYTYPE", written_type.group(1) if written_type else entry.entry_type),
            ("ID", key),
        ]
        values: dict[str, list[str]] = {}
        for fld in entry.fields:
            stripped = strip_enclosing(str(fld.value))
            raw.append((fld.key, stripped))
            name = fld.key.lower()
            if name not in self.mapped:
                continue
            value, undefined = evaluate(str(fld.value), self.macros, stripped)
            for macro in undefined:
                uses = self.undefined.setdefault(macro, [])
                uses.append((fld.start_line or 0) + 1)
            values.setdefault(name, []).append(value)
        for name in duplicate_fields:
            self.log.warn(
                f"entry {key or index}: field {name!r} is given more than once; the first is "
                "used (all are kept in raw)",
                line=line,
                record=index,
            )
        if not key:
            self.log.warn(
                f"entry {index} has no citation key; its index is used as its key",
                line=line,
                record=index,
            )
        else:
            self._check_duplicate_key(key, line, index)
        record = self._build(entry, key, raw, values, index, line)
        self.records.append(record)

    def _check_duplicate_key(self, key: str, line: int, index: int) -> None:
        folded = key.lower()
        if folded in self.keys:
            first_key, first_line = self.keys[folded]
            self.log.warn(
                f"citation key {key!r} is used again (first at line {first_line} as "
                f"{first_key!r}); both records are kept",
                line=line,
                record=index,
            )
        else:
            self.keys[folded] = (key, line)

    def _decode(self, name: str, value: str, index: int, line: int) -> str:
        if name in _VERBATIM:
            return decode_verbatim(value)
        text, error = decode_lenient(value)
        if error:
            self.log.warn(
                f"field {name} of entry {index}: LaTeX could not be decoded ({error}); "
                "kept with braces removed",
                line=line,
                record=index,
            )
        return text

    def _build(
        self,
        entry: Entry,
        key: str,
        raw: list[RawField],
        values: dict[str, list[str]],
        index: int,
        line: int,
    ) -> Record:
        by_tag = {
            name: [self._decode(name, v, index, line) for v in vals]
            for name, vals in values.items()
            if name != "author"
        }
        extra: dict[str, list[str]] = {"key": [key] if key else []}
        first = {name: vals[0] for name, vals in by_tag.items() if vals}
        date = " ".join(p for p in (first.get("year", ""), first.get("month", "")) if p)
        extra["date"] = [date] if date else []
        extra["doi"], extra["pmid"], extra["pmcid"], extra["url"] = identifiers(key, by_tag)
        extra["keywords"] = keywords(by_tag.get("keywords", []) + by_tag.get("keyword", []))
        rtype = self._type(entry.entry_type, index, line)
        if rtype is RecordType.BOOK and any(
            document_type(label) is RecordType.CHAPTER for label in by_tag.get("document_type", [])
        ):
            rtype = RecordType.CHAPTER  # Scopus writes book chapters as @book + document_type
        record = self.builder.build(
            raw, index=index, line=line, type=rtype, extra=extra, by_tag=by_tag
        )
        authors = values.get("author")
        if authors:
            record = replace(record, authors=self._authors(authors[0], index, line))
        return record

    def _type(self, entry_type: str, index: int, line: int) -> RecordType:
        found = type_table("bibtex_types").get(entry_type.upper())
        if found is None:
            self.log.warn_once(
                entry_type,
                f"entry type @{entry_type} is not a known BibTeX type; read as 'other' "
                "(the type is kept in raw)",
                line=line,
                record=index,
            )
            return RecordType.OTHER
        return found

    def _authors(self, value: str, index: int, line: int) -> tuple[Author, ...]:
        authors: list[Author] = []
        for name in split_multiple_persons_names(value):
            name = name.strip()
            if not name or name.lower() == "others":
                continue
            pairs = comma_separated_people(name)
            if pairs:
                self.log.warn(
                    f"entry {index}: author {squash(name)!r} has commas between people instead "
                    f"of 'and'; read as {len(pairs)} authors",
                    line=line,
                    record=index,
                )
                authors.extend(self._author(pair, index, line) for pair in pairs)
                continue
            authors.append(self._author(name, index, line))
        return tuple(authors)

    def _author(self, name: str, index: int, line: int) -> Author:
        shown = squash(self._decode("author", name, index, line))
        if name.startswith("{") and strip_enclosing(name) != name:
            return organisation(shown)
        if "," not in name and not grouped(name):
            # "First Last" with no comma and no braces grouping words: the rules every other
            # format uses (capitalised particles "Bart De Win", "Nayyar A.", organisations)
            return parse_author(shown)
        try:
            parts = parse_single_name_into_parts(name, strict=False)
            if parts.first and " ".join(parts.first).lower().rstrip(".") in SUFFIXES:
                # "Richard H. Granger, Jr": BibTeX reads "Jr" as the first name
                parts = parse_single_name_into_parts(name.rsplit(",", 1)[0], strict=False)
        except InvalidNameError:
            return parse_author(shown)
        family = squash(self._decode("author", " ".join(parts.von + parts.last), index, line))
        given = squash(self._decode("author", " ".join(parts.first), index, line))
        if not family:
            return parse_author(shown)
        return Author(raw=shown, family=family, given=given, initials=initials_of(given))


@no_gc()
def read(text: str, source: Source) -> Parsed:
    """Read a BibTeX/BibLaTeX file; bad blocks are reported, never fatal (see module doc)."""
    with _quiet_bibtexparser():
        library = Splitter(fill_missing_keys(text)).split()
        return _read_blocks(library, text, source)


def _read_blocks(library: Library, text: str, source: Source) -> Parsed:
    reader = _Reader(source)
    after_failure = False
    for block in library.blocks:
        if isinstance(block, DuplicateFieldKeyBlock):
            if isinstance(block.ignore_error_block, Entry):
                fields = sorted(block.duplicate_keys)
                reader.entry(block.ignore_error_block, duplicate_fields=fields)
        elif isinstance(block, DuplicateBlockKeyBlock):
            duplicate = block.ignore_error_block
            if isinstance(duplicate, Entry):
                reader.entry(duplicate)
            elif isinstance(duplicate, String):
                reader.string(duplicate)
        elif isinstance(block, ParsingFailedBlock):
            reader.failed(block)
            after_failure = True
            continue
        elif isinstance(block, Entry):
            reader.entry(block)
        elif isinstance(block, String):
            reader.string(block)
        elif isinstance(block, ImplicitComment) and not after_failure:
            _check_stray_fields(block, reader.log)
        after_failure = False
    reader.report_undefined()
    if not reader.records and not library.failed_blocks and not _HEAD.search(text) and text.strip():
        raise FileFormatError(
            "no BibTeX entries found",
            path=source.file,
            hint="check the file is BibTeX (entries start with @article{...) or give --format",
        )
    return reader.log.parsed(reader.records)


_STRAY_FIELD = re.compile(r"^\s*[A-Za-z][\w-]*\s*=\s*[{\"]", re.MULTILINE)


def _check_stray_fields(block: ImplicitComment, log: IssueLog) -> None:
    """Text between entries is a comment, unless it looks like fields that lost their entry."""
    match = _STRAY_FIELD.search(block.comment)
    if match:
        line = (block.start_line or 0) + 1 + block.comment.count("\n", 0, match.start())
        log.warn(
            "text outside any entry looks like BibTeX fields (a missing '@type{key,' line?); "
            "it was not read",
            line=line,
        )


def write(records: Iterable[Record], fh: TextIO) -> int:
    """Write records as BibTeX (UTF-8 text); returns how many were written.

    Keys: the record's own key when it is a usable citation key, else ``smith2019title``;
    duplicates get ``a``, ``b``... suffixes. Values are LaTeX-escaped (``& % $ # _ { }``).
    """
    return _bibtex_write.write(records, fh)
