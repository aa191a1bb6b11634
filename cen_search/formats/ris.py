"""RIS (``TY  - JOUR`` ... ``ER  -``): reader and writer, built on rispy.

Reading follows rispy's grammar (a two-character tag, ``"  - "``, the value; ``TY`` starts a
record, ``ER`` ends it; untagged lines continue the previous field) but keeps every field in
order with its line number, and handles the quirks of real exports:

* 4-letter tags (APA PsycNET ``PMID  -``), empty tags with or without a trailing space, a
  final ``ER`` without a newline, a BOM glued to the first tag;
* untagged continuation lines (Rayyan one keyword per line, wrapped ``N2``; a line starting
  ``ER then`` is text, not an end tag), joined to the previous field with ``\\n``;
* headers and numbering between records (``Provider:``/``Database:``/``Content:`` blocks,
  ``Record #1 of 2``, ``1.``): database and platform headers become provenance defaults;
* tags after ``ER`` (Ovid's trailing ``NL``) are kept with the record before them; a block
  of tags without ``TY`` that ends in ``ER`` is read as a record with a warning; a record
  without ``ER`` ends at the next ``TY`` or the end of the file, with a warning.

Mapping to :class:`~cen_search.models.Record` is driven by ``tables/ris_tags.csv`` and
``tables/ris_types.csv``; only identifiers whose meaning depends on the database (``AN``,
``C2``, ``C5`` holding a PMID) are decided here. Writing goes through :class:`rispy.RisWriter`.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import TextIO

from cen_search.fields import split_issn
from cen_search.formats._build import (
    FieldMap,
    IssueLog,
    build_record,
    collect,
    document_type,
    no_gc,
    type_table,
)
from cen_search.formats._ris_write import write_ris
from cen_search.formats.base import Parsed, Source
from cen_search.models import Record

NAME = "ris"
LABEL = "RIS"
EXTENSIONS = (".ris",)

_TAG = re.compile(r"([A-Z][A-Z0-9]|[A-Z]{4})  -(.*)")
# One match per field: tag, the rest of its line, and any untagged lines that follow it.
_FIELD = re.compile(
    r"^([A-Z][A-Z0-9]|[A-Z]{4})  -[ \t]*([^\n]*)((?:\n(?![A-Z][A-Z0-9]  -|[A-Z]{4}  -)[^\n]*)*)",
    re.MULTILINE,
)
_TAG_START = re.compile(r"\n([A-Z][A-Z0-9]|[A-Z]{4})  -[ \t]*")
_SIMPLE = re.compile(r"\n([A-Z][A-Z0-9]|[A-Z]{4})  -[ \t]*([^\n]*)")
# Where a record stops being simple, at the start of a line (after the TY line): its ER line,
# another TY, a line that is not a tag line, or the line before ended in a blank.
_ODD_LINE = re.compile(r"\n(?:ER  -|TY  -|(?<=[ \t]\n)|(?![A-Z][A-Z0-9]  -|[A-Z]{4}  -))")
_ER_LINE = re.compile(r"\nER  -[^\n]*")
_NEWLINES = re.compile(r"\n*")
_ONE_SPACE_TY = re.compile(r"^TY - ", re.MULTILINE)
_ONE_SPACE = re.compile(r"^([A-Z][A-Z0-9]|[A-Z]{4}) -(?= |$)", re.MULTILINE)
_NUMBER_LINE = re.compile(r"\s*(?:\d+\.?|Record #?\s*\d+ of \d+)\s*", re.IGNORECASE)
_HEADER = re.compile(r"(Provider|Database|Content)\s*:\s*(.*)", re.IGNORECASE)
_MEDLINE_ONLY = re.compile(r"^(?:PMID|OWN |STAT|FAU |DCOM|JID ) ?-", re.MULTILINE)
_PUBMED = frozenset({"NLM", "PUBMED", "MEDLINE", "PUBMED CENTRAL"})


def _continued(value: str, cont: str) -> str:
    """A field's value with its untagged continuation lines (stripped, blank ones dropped)."""
    value = value.rstrip()
    if cont.isspace():
        return value
    more = list(map(str.strip, cont.split("\n")))
    return "\n".join([value, *filter(None, more)]) if value else "\n".join(filter(None, more))


def _stripped_fields(piece: str) -> list[tuple[str, str]]:
    """The fields of ``piece`` (tag lines, each after a newline, and untagged lines), stripped.

    Cutting at tag lines leaves each value with its continuation lines, which are joined to
    it as :func:`_continued` says.
    """
    parts = _TAG_START.split(piece)  # "", tag, value, tag, value ...
    fields = []
    for tag, value in zip(parts[1::2], parts[2::2], strict=True):
        end = value.find("\n")
        if end < 0:
            fields.append((tag, value.rstrip()))
        else:
            fields.append((tag, _continued(value[:end], value[end:])))
    return fields


class _Pending:
    """A record being read: its fields in order and where it starts."""

    __slots__ = ("closed", "fields", "line", "trailing")

    def __init__(
        self, line: int, has_ty: bool, fields: list[tuple[str, str]] | None = None
    ) -> None:
        self.line = line
        self.fields: list[tuple[str, str]] = [] if fields is None else fields
        self.closed = fields is not None  # its ER was seen (a clean record comes whole)
        self.trailing = not has_ty  # a block of tags that did not start with TY


class _Splitter:
    """Cuts RIS text into records, keeping every field, its line and the quirks above.

    rispy's own line loop (``RisParser.parse_lines``) keeps neither field order nor line
    numbers, and on this project's 2-core machine takes the whole 20,000 records/s budget by
    itself; so records are cut at ``ER`` lines by one regular expression, a clean record (all
    lines tagged, one ``TY`` first) is read by one ``findall``, and only pieces with quirks go
    through the field-by-field loop (``_careful``) that applies rispy's rules (``TY`` starts,
    ``ER`` ends, untagged lines continue the previous field) plus the recovery rules.
    """

    def __init__(self, issues: IssueLog) -> None:
        self.issues = issues
        self.records: list[_Pending] = []
        self.current: _Pending | None = None
        self.headers: dict[str, str] = {}
        self.trailing_lines: list[int] = []
        self.outside: dict[str, list[int]] = {}

    def split(self, text: str) -> list[_Pending]:
        # Every piece (the text up to an ER line) starts with the newline that ends the line
        # before it, so searches look for a literal "\n" (much faster than "^"). Pieces are
        # read in place (``pos`` and ``endpos`` arguments) rather than cut out, so the text is
        # neither copied nor held twice; only the first piece, which may lack its leading
        # newline, is cut.
        shifted = text.startswith("ER  -")
        if shifted:  # so that this ER line is found like the others, after a newline
            text = "\n" + text
        # ``line``: the line that the newline starting the current piece ends. The first piece
        # gets a newline of its own (ending a line 0) when the text does not start with one.
        prefix = "" if text.startswith("\n") else "\n"
        line = 0 if prefix or shifted else 1
        first_er = _ER_LINE.search(text)
        if first_er is None:
            self._careful(prefix + text, line)
        else:
            piece = prefix + text[: first_er.start()]
            line = self._piece(piece, 0, len(piece), line)
            self._end_tag(line)
            position, line = self._pieces(text, first_er.end(), line)
            self._careful(text[position:], line)
        if self.current is not None:
            self._end_of_file(self.current)
        self._report()
        return self.records

    def _pieces(self, text: str, position: int, line: int) -> tuple[int, int]:
        """Read the pieces after the first ER line; returns where the rest starts, and its line.

        A clean record (see :meth:`_piece`) is found with one search from its TY line, for
        the first line that is not a plain tag line: when that is its ER line, the record is
        read by one ``findall`` and the next piece starts after that ER line.
        """
        records = self.records
        while True:
            if self.current is None:
                if text.startswith("\nTY  -", position):
                    lead = 1
                else:  # blank lines before the record
                    lead = _NEWLINES.match(text, position).end() - position  # type: ignore[union-attr]
                first = position + lead  # where the TY line starts
                if lead and text.startswith("TY  -", first):
                    odd = _ODD_LINE.search(text, first)
                    if odd is None:
                        return position, line  # no ER after this record
                    end = odd.start()
                    if text.startswith("ER  -", end + 1) and text[end - 1] not in " \t":
                        fields = _SIMPLE.findall(text, first - 1, end)  # one per line
                        records.append(_Pending(line + lead, True, fields))
                        line += lead + len(fields)  # the line of the ER
                        after = text.find("\n", end + 1)
                        position = len(text) if after < 0 else after
                        continue
                    er = _ER_LINE.search(text, end)
                    if er is None:
                        return position, line
                    if not text.startswith("TY  -", end + 1) and (
                        text.find("\nTY  -", odd.end(), er.start()) < 0
                    ):  # untagged lines or blanks at line ends: strip the values
                        fields = _stripped_fields(text[first - 1 : er.start()])
                        records.append(_Pending(line + lead, True, fields))
                        line += text.count("\n", position, er.start()) + 1
                        position = er.end()
                        continue
                    line = self._piece(text, position, er.start(), line)  # several TY
                    self._end_tag(line)
                    position = er.end()
                    continue
            er = _ER_LINE.search(text, position)
            if er is None:
                return position, line
            line = self._piece(text, position, er.start(), line)
            self._end_tag(line)
            position = er.end()

    def _piece(self, text: str, start: int, end: int, line: int) -> int:
        """Read ``text[start:end]``, the text before an ER line; returns the line of that ER.

        The fast path takes a clean record: blank lines, then ``TY`` first and no other
        ``TY``. When every line is a tag line that does not end in a blank (one search for
        the first line that is not), one ``findall`` reads it, and its lines are counted by
        it. Otherwise untagged lines continue the field before them and values are stripped.
        Anything else goes through the careful field-by-field loop.
        """
        if self.current is None:
            if text.startswith("\nTY  -", start):
                lead = 1
            else:  # blank lines before the record
                lead = _NEWLINES.match(text, start, end).end() - start  # type: ignore[union-attr]
            first = start + lead  # where the TY line starts
            if lead and text.startswith("TY  -", first):
                odd = _ODD_LINE.search(text, first, end)
                if odd is None and text[end - 1] not in " \t":
                    fields = _SIMPLE.findall(text, first - 1, end)  # one per line
                    newlines = lead + len(fields) - 1
                elif odd is not None and (
                    text.startswith("TY  -", odd.start() + 1)
                    or text.find("\nTY  -", odd.end(), end) >= 0
                ):
                    fields = None  # several records without ER
                else:
                    fields = _stripped_fields(text[first - 1 : end])
                    newlines = text.count("\n", start, end)
                if fields is not None:
                    self.records.append(_Pending(line + lead, True, fields))
                    self.current = self.records[-1]
                    return line + newlines + 1
        self._careful(text[start:end], line)
        return line + text.count("\n", start, end) + 1

    def _end_tag(self, line: int) -> None:
        if self.current is None:
            self.issues.warn("ER without a record before it ignored", line=line)
        else:
            self.current.closed = True
            self.current = None

    def _careful(self, piece: str, line: int) -> None:
        """Field by field through a piece that is not one clean record."""
        first = _FIELD.search(piece)
        if first is None:
            self._outside_block(piece, line)
            return
        if first.start():
            self._outside_block(piece[: first.start()], line)
            line += piece.count("\n", 0, first.start())
        records = self.records
        current = self.current
        for tag, value, cont in _FIELD.findall(piece, first.start()):
            if tag == "TY":
                if current is not None:
                    self._close_unended(current, line)
                current = _Pending(line, True)
                records.append(current)
            elif current is None:
                current = _Pending(line, False)
                records.append(current)
            if cont:
                if current.trailing:
                    self._outside_block(cont, line)
                    value = value.rstrip()
                else:
                    value = _continued(value, cont)
                line += cont.count("\n")
            else:
                value = value.rstrip()
            current.fields.append((tag, value))
            line += 1
        self.current = current

    def _close_unended(self, current: _Pending, line: int) -> None:
        """A TY arrived while ``current`` was still open."""
        if current.trailing and len(self.records) > 1:
            self._merge_into_previous(current)
        elif current.trailing:
            self.issues.warn(
                "record has neither TY nor ER; read as a record of unknown type",
                line=current.line,
            )
        else:
            self.issues.warn(
                f"record has no ER; it ends before the TY on line {line}", line=current.line
            )

    def _end_of_file(self, current: _Pending) -> None:
        if current.trailing and len(self.records) > 1:
            self._merge_into_previous(current)
        elif current.trailing:
            self.issues.warn("record has no TY and no ER", line=current.line)
        else:
            self.issues.warn("file ends before the ER of its last record", line=current.line)

    def _merge_into_previous(self, current: _Pending) -> None:
        self.records.pop()
        self.records[-1].fields.extend(current.fields)
        self.trailing_lines.append(current.line)

    def _outside_block(self, block: str, line: int) -> None:
        """Classify the lines of ``block`` (text between records, starting on ``line``)."""
        for offset, content in enumerate(block.split("\n")):
            content = content.strip()
            if not content or _NUMBER_LINE.fullmatch(content):
                continue
            header = _HEADER.fullmatch(content)
            if header:
                self.headers.setdefault(header.group(1).lower(), header.group(2).strip())
                continue
            label = content.split(":", 1)[0][:40] if ":" in content[:41] else content[:40]
            self.outside.setdefault(label, []).append(line + offset)

    def _report(self) -> None:
        if self.trailing_lines:
            self.issues.warn(
                f"tags after ER kept with the record before them ({_lines(self.trailing_lines)})",
                line=self.trailing_lines[0],
            )
        for label, numbers in self.outside.items():
            self.issues.warn(
                f"text outside any record ignored: {label!r}... ({_lines(numbers)})",
                line=numbers[0],
            )


def _lines(numbers: list[int]) -> str:
    shown = ", ".join(str(n) for n in numbers[:5])
    more = f" and {len(numbers) - 5} more" if len(numbers) > 5 else ""
    return f"line{'s' if len(numbers) > 1 else ''} {shown}{more}"


def sniff(text: str) -> int:
    """High when RIS tag lines and a ``TY``/``ER`` line are present; 0 for MEDLINE, WoS, ENW."""
    head = text[:20000].lstrip("\ufeff")
    if "TY  -" not in head and _ONE_SPACE_TY.search(head):
        head = _ONE_SPACE.sub(r"\1  -", head)
    tags = 0
    has_ty = has_er = False
    for line in head.split("\n")[:400]:
        match = _TAG.match(line)
        if match:
            tags += 1
            has_ty = has_ty or match.group(1) == "TY"
            has_er = has_er or match.group(1) == "ER"
    if tags == 0 or not (has_ty or has_er):
        return 0
    if _MEDLINE_ONLY.search(head) and not has_ty:
        return 0
    if has_ty and has_er:
        return 95
    return 60 if tags >= 3 else 30


def _is_pubmed(by_tag: dict[str, list[str]]) -> bool:
    names = [v.strip().upper() for t in ("DP", "DB") for v in by_tag.get(t, ())]
    return bool(names) and all(name in _PUBMED for name in names)


_ISSN_ONLY = re.compile(r"\d{4}-?\d{3}[\dXx]")


def _extra(by_tag: dict[str, list[str]]) -> dict[str, list[str]]:
    """Canonical values whose tag means different things in different databases.

    ``AN`` is a PMID in EndNote's PubMed exports (``DP  - NLM``) or when written ``PMID:``,
    else an accession number;
    ``C2`` is a PMCID when it starts ``PMC`` and a PMID in Scopus exports; ``C5`` is the
    PMID in Embase exports; an ``N1`` whose first line is an ISSN (EndNote) adds that ISSN;
    ``JO`` is the abbreviation when ``T2``/``JF`` give the full container title.
    """
    extra: dict[str, list[str]] = {}
    if "AN" in by_tag:
        pubmed = _is_pubmed(by_tag)
        for value in by_tag["AN"]:
            text = value.strip()
            if text[:4].upper() == "PMID" or (pubmed and text.isdigit()):
                extra.setdefault("pmid", []).append(text)
            else:
                extra.setdefault("accession", []).append(text)
    if "C2" in by_tag or "C5" in by_tag:
        databases = {v.strip().lower() for v in by_tag.get("DB", ())}
        for value in by_tag.get("C2", ()):
            text = value.strip()
            if text[:3].upper() == "PMC":
                extra.setdefault("pmcid", []).append(text)
            elif text.isdigit() and "scopus" in databases:
                extra.setdefault("pmid", []).append(text)
        embase = "embase" in databases or any(v.startswith("L") for v in by_tag.get("U2", ()))
        for value in by_tag.get("C5", ()):
            if embase and value.strip().isdigit():
                extra.setdefault("pmid", []).append(value)
    if "N1" in by_tag:
        for value in by_tag["N1"]:
            end = value.find("\n")  # (notes can be long: no copy of the rest)
            first_line = (value if end < 0 else value[:end]).strip()
            if len(first_line) <= 9 and _ISSN_ONLY.fullmatch(first_line):
                extra.setdefault("issn", []).extend(split_issn(first_line))
    if "JO" in by_tag and ("T2" in by_tag or "JF" in by_tag):
        container = next((v for t in ("T2", "JF") for v in by_tag.get(t, ()) if v.strip()), "")
        jo = next((v for v in by_tag["JO"] if v.strip()), "")
        if jo and container and jo.strip() != container.strip():
            extra["container_abbrev"] = [jo]
    return extra


def read(text: str, source: Source) -> Parsed:
    """Read RIS text (already decoded, ``\\n`` newlines) into records."""
    with no_gc():
        return _read(text, source)


def _read(text: str, source: Source) -> Parsed:
    issues = IssueLog(source.file)
    text = text.lstrip("\ufeff")
    if "TY  -" not in text and _ONE_SPACE_TY.search(text):  # "TY - JOUR": one space only
        text = _ONE_SPACE.sub(r"\1  -", text)
        issues.warn("tags are followed by one space instead of two; read as RIS", line=1)
    parser = _Splitter(issues)
    pending = parser.split(text)
    fields = FieldMap.load("ris_tags")
    types = type_table("ris_types")
    database = parser.headers.get("database", "")
    platform = parser.headers.get("provider", "")
    records: list[Record] = []
    for index, pending_record in enumerate(pending, 1):
        raw = pending_record.fields
        by_tag = collect(raw)
        code = by_tag["TY"][0].strip().upper() if "TY" in by_tag else ""
        rtype = types.get(code) or (document_type(code) if code else None)
        line = pending_record.line
        if pending_record.trailing:
            issues.warn(
                "record has no TY line (its reference type); read as type other",
                line=line,
                record=index,
            )
        elif rtype is None and code:
            issues.warn(f"unknown reference type {code!r} read as other", line=line, record=index)
        if len(raw) <= 1 and not any(v.strip() for _, v in raw):
            issues.warn("record is empty (no fields with values)", line=line, record=index)
        records.append(
            build_record(
                raw,
                fields=fields,
                source=source,
                format=NAME,
                index=index,
                line=line,
                type=rtype,
                extra=_extra(by_tag),
                by_tag=by_tag,
                database=database,
                platform=platform,
                issues=issues,
            )
        )
        del pending_record.fields  # now in the record as a tuple: free the list (peak memory)
    return issues.parsed(records)


def write(records: Iterable[Record], fh: TextIO) -> int:
    """Write records as RIS; returns how many were written.

    Mapped fields are written with standard tags (TY from the type, one AU per author ...);
    a record read from RIS also gets back its tags that have no mapped equivalent.
    """
    return write_ris(records, fh)
