"""ProQuest plain-text export ("Report Information from ProQuest"; File > Export > Text).

Layout, as ProQuest writes it (CRLF line ends)::

    ____________________________________________________________   (60 underscores)

    Report Information from ProQuest            <- an optional report header block
    December 08 2015 21:33
    ____________________________________________________________
    Table of contents ... Bibliography          <- an optional table of contents block
    ____________________________________________________________

    Document 1 of 100                           <- optional
    <the title, on its own line>
    Author: Dorst, Chris                        <- "Field: value" paragraphs, blank lines
    http://search.proquest.com/docview/...         between them, values over several lines
    Abstract: ...                                  (Full text paragraphs end in single line
    ...                                            breaks; Links lists URLs a blank line apart)
    Database: ProQuest Dissertations & Theses Global
    ____________________________________________________________
    Contact us at: ...                          <- an optional footer block

Each block between separator lines that holds field labels is a record. A paragraph starts
a new field when it begins with a label of ``tables/proquest_fields.csv`` (matched ignoring
case and spaces, since real exports lose spaces: "ProQuestdocument ID", "Place
ofpublication"), or with another "Label: " in the same style ("Capitalised words: ") unless
it is inside a free-text field (Full text, Abstract), where "CAPTION:" or a speaker's name
before a colon is text. A bare URL paragraph outside a field of links is the record's link.
Lines before the first field are the title (``Heading``) and links (``Link``); everything is
kept in ``raw`` as written, labels as written.
"""

from __future__ import annotations

import re
from functools import cache

from cen_search.formats._build import (
    FieldMap,
    IssueLog,
    RecordBuilder,
    load_table,
    no_gc,
    type_table,
)
from cen_search.formats.base import Parsed, Source
from cen_search.models import RawField, Record, RecordType

NAME = "proquest"
LABEL = "ProQuest plain text"
EXTENSIONS: tuple[str, ...] = ()

_SEPARATOR = re.compile(r"^_{20,}[ \t\r]*$", re.MULTILINE)
_DOCUMENT = re.compile(r"^Document \d+ of \d+\s*$")
# "Label: value" in ProQuest's style: a capital, then words (letters, "/", "&", "-", "(",
# ")", "'"), at most 60 characters, then ": " (or ":" at the end of the line).
_LABEL = re.compile(r"^([A-Z][A-Za-z][A-Za-z0-9 /&()'.,-]{0,58}?)\s*:(?:[ \t]|$)")
_URL = re.compile(r"^(?:https?|ftp)://\S+$")
_FREE_TEXT = frozenset({"fulltext", "abstract", "abstract(english)", "notes"})
_LINK_FIELDS = frozenset({"links", "documenturl", "url"})
_NONE = frozenset({"none available.", "none available"})
_NOT_RECORDS = ("report information from proquest", "table of contents", "contact us at")
HEADING = "Heading"
LINK = "Link"


def _key(label: str) -> str:
    return "".join(label.split()).lower()


def _type_key(kind: str) -> str:
    """A source type as matched: no blanks or commas ("Blog, Podcast, or Webs ite": real
    exports put spaces inside words), lower case."""
    return _key(kind.replace(",", ""))


@cache
def _labels() -> dict[str, str]:
    """Known labels, normalised -> as in the table."""
    return {_key(row["tag"]): row["tag"] for row in load_table("proquest_fields")}


@cache
def _fields() -> FieldMap:
    rows = load_table("proquest_fields")
    return FieldMap.from_pairs((r["tag"], r["field"]) for r in rows if r["field"] != "raw")


def sniff(text: str) -> int:
    """98 for a "Report Information from ProQuest" header or a record with a "ProQuest
    document ID"; 90 for separator lines and "Document N of M" with ProQuest field labels."""
    head = text[:20000].lstrip("\ufeff")
    if not _SEPARATOR.search(head):
        return 0
    if "Report Information from ProQuest" in head or re.search(
        r"^ProQuest ?document ?ID:", head, re.MULTILINE
    ):
        return 98
    labels = sum(
        1
        for line in head.split("\n")
        if (m := _LABEL.match(line)) and _key(m.group(1)) in _labels()
    )
    if re.search(r"^Document \d+ of \d+\s*$", head, re.MULTILINE) and labels >= 3:
        return 90
    return 0


class _Block:
    """The fields of one record block, read paragraph by paragraph."""

    def __init__(self) -> None:
        self.fields: list[list[str]] = []  # [label as written, line, line, ...]

    def start(self, label: str, first: str) -> None:
        self.fields.append([label, first])

    def add(self, line: str, *, paragraph: bool) -> None:
        if paragraph and self.fields[-1][-1] != "":
            self.fields[-1].append("")  # the blank line between paragraphs of one field
        self.fields[-1].append(line)

    def raw(self) -> list[RawField]:
        out: list[RawField] = []
        for label, *lines in self.fields:
            while lines and not lines[-1].strip():
                lines.pop()
            out.append((label, "\n".join(line.rstrip() for line in lines).strip()))
        return out


def _styled(label: str) -> bool:
    """ "Publication subject", "Company / organization": a capital, then lower case only."""
    rest = label[1:]
    return any(c.isalpha() for c in rest) and not any(c.isupper() for c in rest)


def _read_block(lines: list[str]) -> list[RawField]:
    """``(label, value)`` of one block's lines (see the module docstring)."""
    known = _labels()
    block = _Block()
    current = ""  # normalised label of the field being read ("" before the first field)
    blank = True  # the previous line was blank: this line starts a paragraph
    for line in lines:
        text = line.rstrip()
        if not text.strip():
            blank = True
            continue
        match = _LABEL.match(text)
        name = _key(match.group(1)) if match else ""
        free = current in _FREE_TEXT
        if match and name in known and (blank or not free):
            block.start(match.group(1).strip(), text[match.end() :].strip())
            current = name
        elif match and blank and not free and block.fields and _styled(match.group(1)):
            block.start(match.group(1).strip(), text[match.end() :].strip())  # unknown label
            current = name
        elif not block.fields:
            if not _DOCUMENT.match(text):  # ("Document 3 of 100" is a position, not a field)
                block.start(HEADING, text)
        elif blank and _URL.match(text.strip()) and current not in _LINK_FIELDS:
            block.start(LINK, text.strip())
            current = ""
        elif blank and current == "":
            block.start("Text", text)  # (more lines before the first field)
        else:
            block.add(text, paragraph=blank)
        blank = False
    return block.raw()


def _split(text: str, log: IssueLog) -> list[tuple[int, list[RawField]]]:
    """The record blocks of the file: ``(first line, fields)``; other blocks reported."""
    blocks: list[tuple[int, list[RawField]]] = []
    lines = text.split("\n")
    start = 0
    known = _labels()
    for number in [*[i for i, line in enumerate(lines) if _SEPARATOR.match(line)], len(lines)]:
        chunk = lines[start:number]
        first = next((i for i, line in enumerate(chunk) if line.strip()), None)
        if first is not None:
            line_no = start + first + 1
            head = chunk[first].strip().lower()
            fields = _read_block(chunk[first:])
            named = sum(1 for label, _ in fields if _key(label) in known)
            if head.startswith(_NOT_RECORDS) or (head == "bibliography" and named == 0):
                pass  # the report's header, table of contents or footer
            elif named == 0:
                log.warn(
                    f"text between separator lines without any field ignored: {head[:40]!r}",
                    line=line_no,
                )
            else:
                blocks.append((line_no, fields))
        start = number + 1
    return blocks


def _by_canonical(raw: list[RawField]) -> dict[str, list[str]]:
    """Values by the table's spelling of each label (labels as written may lack spaces)."""
    known = _labels()
    by_tag: dict[str, list[str]] = {}
    for label, value in raw:
        by_tag.setdefault(known.get(_key(label), label), []).append(value)
    return by_tag


def _adjusted(by_tag: dict[str, list[str]]) -> dict[str, list[str]]:
    """ProQuest's placeholders and packed values made plain: "None available." is no
    abstract; "Toronto Star; Toronto, Ont." is the title "Toronto Star" when the place of
    publication is "Toronto, Ont."; the title line stands in when there is no Title field."""
    for name in ("Abstract", "Abstract (English)"):
        if name in by_tag:
            by_tag[name] = [v for v in by_tag[name] if v.strip().lower() not in _NONE]
    places = {p.strip() for p in by_tag.get("Place of publication", [])}
    if places and "Publication title" in by_tag:
        by_tag["Publication title"] = [
            value.rpartition(";")[0].strip()
            if ";" in value and value.rpartition(";")[2].strip() in places
            else value
            for value in by_tag["Publication title"]
        ]
    if "Title" not in by_tag and HEADING in by_tag:
        by_tag["Title"] = by_tag[HEADING][:1]
    return by_tag


@no_gc()
def read(text: str, source: Source) -> Parsed:
    """Read a ProQuest plain-text export (already decoded, ``\\n`` newlines)."""
    log = IssueLog(source.file)
    builder = RecordBuilder(_fields(), source=source, format=NAME, issues=log, platform="ProQuest")
    types = {_type_key(code): rtype for code, rtype in type_table("proquest_types").items()}
    records: list[Record] = []
    for line, raw in _split(text.lstrip("\ufeff"), log):
        index = len(records) + 1
        by_tag = _adjusted(_by_canonical(raw))
        rtype = types.get(_type_key((by_tag.get("Source type") or [""])[0]))
        if not by_tag.get("Title") and not by_tag.get(HEADING):
            log.warn("record has no title", line=line, record=index)
        database = "; ".join(dict.fromkeys(v.strip() for v in by_tag.get("Database", [])))
        records.append(
            builder.build(
                raw,
                index=index,
                line=line,
                type=rtype or RecordType.OTHER,
                by_tag=by_tag,
                database=database or None,
            )
        )
    return log.parsed(records)
