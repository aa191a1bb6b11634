"""PubMed/MEDLINE tagged text (``.nbib``, ``.txt``), ERIC ``.nbib`` included.

Each line is a tag of up to four characters, padded to four, then ``"- "`` and the value
(``PMID- 123``, ``AU  - Smith J``); continuation lines are indented (six spaces); records are
separated by blank lines. Quirks handled: old tags (``DA``, ``PUBM``) kept in raw; trailing
spaces; ERIC records (``OWN - ERIC``, no PMID, ``OID`` accession, ``ISSN - ISSN-1234-4567``);
book records (``BTI``/``CTI``/``FED``); malformed tag lines (``PMC -22664230``, ``TI-``) read
with a warning; text between records reported, never silently dropped.

:func:`split_tagged` is shared with the Ovid tagged reader, which uses the same layout.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field

from cen_search.formats._build import FieldMap, IssueLog, build_record, collect, no_gc
from cen_search.formats.base import Parsed, Source
from cen_search.models import Record, RecordType

NAME = "medline"
LABEL = "PubMed/MEDLINE"
EXTENSIONS = (".nbib", ".medline")

# A tag line: tag of 1-4 characters, padding, "-", the value; then any lines that do not
# start like a tag (indented continuations, blank lines, junk between records).
_FIELD = re.compile(r"\n([A-Z][A-Z0-9]{1,3})( *)-([^\n]*)((?:\n(?![A-Z][A-Z0-9]{1,3} *-)[^\n]*)*)")
_SNIFF_TAG = re.compile(r"^([A-Z][A-Z0-9]{1,3}) *-(?: |$)", re.MULTILINE)
_MEDLINE_MARKERS = frozenset({"PMID", "OWN", "STAT", "FAU", "DCOM", "JID", "DP", "PT", "TA"})
_PUBMED_OWNERS = frozenset({"NLM", "PIP", "KIE", "NASA", "HSR", "HMD", "NOTNLM", "PUBMED"})


@dataclass
class TaggedRecord:
    """One record's fields in order, with the line it starts on."""

    line: int
    fields: list[tuple[str, str]] = field(default_factory=list)


def _is_tag(tag: str, pad: str, rest: str) -> bool:
    """``PMID- 1``, ``AU  - x``, ``TI  -``; also glued values when the tag is padded to 4."""
    return rest[:1] in ("", " ") or len(tag) + len(pad) == 4


def split_tagged(
    text: str,
    issues: IssueLog,
    *,
    starts_record: Callable[[str, TaggedRecord], bool] | None = None,
    separator: re.Pattern[str] | None = None,
) -> list[TaggedRecord]:
    """Cut MEDLINE-layout text into records of ``(tag, value)`` fields.

    A blank line ends a record (and a line matching ``separator``, such as Ovid's ``<1>``);
    ``starts_record(tag, current)`` may also start a new record at a tag (PubMed's ``PMID``).
    Continuation lines are joined to their field with ``\\n``. Text outside records and
    malformed tag lines are reported to ``issues`` with their line numbers.
    """
    records: list[TaggedRecord] = []
    current: TaggedRecord | None = None
    outside: dict[str, list[int]] = {}
    text = "\n" + text
    first = _FIELD.search(text)
    line = 0
    if first is None:
        _note_outside(text, 0, outside, separator)
    else:
        if first.start():
            _note_outside(text[: first.start()], 0, outside, separator)
            line = text.count("\n", 0, first.start())
        for tag, pad, rest, cont in _FIELD.findall(text, first.start()):
            line += 1
            if not _is_tag(tag, pad, rest):  # "HIV-1 ..." at a line start: text, not a tag
                cont = f"\n{tag}{pad}-{rest}{cont}"
                line -= 1
                if current is not None and current.fields:
                    last_tag, last_value = current.fields.pop()
                    current.fields.append((last_tag, _join(last_value, cont)))
                else:
                    _note_outside(cont, line, outside, separator)
                line += cont.count("\n")
                continue
            if rest[:1] not in ("", " ") or (pad == "" and len(tag) < 4):
                issues.warn(f"malformed tag line {tag}{pad}-{rest[:20]!r} read as {tag}", line=line)
            if current is not None and starts_record is not None and starts_record(tag, current):
                current = None
            if current is None:
                current = TaggedRecord(line)
                records.append(current)
            value = rest.strip()
            if not cont:
                current.fields.append((tag, value))
                continue
            body, after = _split_at_end(cont, separator)
            current.fields.append((tag, _join(value, body)))
            if after is not None:  # a blank (or separator) line ends the record
                current = None
                _note_outside(after, line + body.count("\n"), outside, separator)
            line += cont.count("\n")
    for label, numbers in outside.items():
        shown = ", ".join(str(n) for n in numbers[:5])
        more = f" and {len(numbers) - 5} more" if len(numbers) > 5 else ""
        issues.warn(
            f"text outside any record ignored: {label!r} (line{'s' if len(numbers) > 1 else ''}"
            f" {shown}{more})",
            line=numbers[0],
        )
    return records


def _join(value: str, cont: str) -> str:
    lines = [part.strip() for part in cont.split("\n")]
    more = "\n".join(filter(None, lines))
    if not more:
        return value
    return f"{value}\n{more}" if value else more


def _split_at_end(cont: str, separator: re.Pattern[str] | None) -> tuple[str, str | None]:
    """Continuation lines up to a blank line (or separator line); the rest is outside."""
    position = 0
    while True:
        end = cont.find("\n", position + 1)
        line_text = cont[position + 1 : end if end >= 0 else len(cont)]
        stripped = line_text.strip()
        if not stripped or (separator is not None and separator.fullmatch(stripped)):
            return cont[:position], cont[position:]
        if end < 0:
            return cont, None
        position = end


def _note_outside(
    block: str, line: int, outside: dict[str, list[int]], separator: re.Pattern[str] | None
) -> None:
    for offset, content in enumerate(block.split("\n")):
        content = content.strip()
        if not content or (separator is not None and separator.fullmatch(content)):
            continue
        label = content[:40]
        outside.setdefault(label, []).append(line + offset)


def _starts_pubmed_record(tag: str, current: TaggedRecord) -> bool:
    return tag == "PMID" and any(t == "PMID" for t, _ in current.fields)


def sniff(text: str) -> int:
    """High when most lines are MEDLINE tag lines and MEDLINE-only tags (PMID, FAU...) occur."""
    head = text[:20000].lstrip("\ufeff")
    tags = _SNIFF_TAG.findall(head)
    if len(tags) < 2:
        return 0
    names = set(tags)
    if "TY" in names or "ER" in names or head.lstrip().startswith("<"):
        return 0  # RIS, or Ovid's "<1>" records
    four = {t for t in names if len(t) > 2}
    markers = names & _MEDLINE_MARKERS
    if "PMID" in names or ("OWN" in names and len(markers) >= 2):
        return 95
    if len(markers) >= 3 and four:
        return 80
    return 0


def _extra(by_tag: dict[str, list[str]]) -> tuple[dict[str, list[str]], RecordType]:
    """Container and type of book records, ERIC accession numbers and links."""
    extra: dict[str, list[str]] = {}
    book_title = next((v for v in by_tag.get("BTI", ()) if v.strip()), "")
    title = next((v for v in by_tag.get("TI", ()) if v.strip()), "")
    if book_title:
        rtype = RecordType.CHAPTER if title else RecordType.BOOK
        container = (
            book_title if title else next((v for v in by_tag.get("CTI", ()) if v.strip()), "")
        )
        if container:
            extra["container"] = [container]
    elif "JT" in by_tag or "TA" in by_tag:
        rtype = RecordType.ARTICLE
    else:
        rtype = RecordType.OTHER
    if "PMID" not in by_tag and "OID" in by_tag:
        extra["accession"] = [v for v in by_tag["OID"] if v.strip()]
    links = [
        v.split()[0] for t in ("LID", "AID") for v in by_tag.get(t, ()) if v.startswith("http")
    ]
    if links:
        extra["url"] = links
    return extra, rtype


def read(text: str, source: Source) -> Parsed:
    """Read MEDLINE-tagged text into records."""
    with no_gc():
        return _read(text, source)


def _read(text: str, source: Source) -> Parsed:
    issues = IssueLog(source.file)
    pending = split_tagged(text.lstrip("\ufeff"), issues, starts_record=_starts_pubmed_record)
    fields = FieldMap.load("medline_tags")
    records: list[Record] = []
    for index, tagged in enumerate(pending, 1):
        by_tag = collect(tagged.fields)
        owners = {v.strip().upper() for v in by_tag.get("OWN", ())}
        if "FAU" in by_tag and "AU" in by_tag and len(by_tag["FAU"]) != len(by_tag["AU"]):
            by_tag = {k: v for k, v in by_tag.items() if k != "FAU"}
        extra, rtype = _extra(by_tag)
        database = "ERIC" if "ERIC" in owners else ("PubMed" if owners & _PUBMED_OWNERS else "")
        records.append(
            build_record(
                tagged.fields,
                fields=fields,
                source=source,
                format=NAME,
                index=index,
                line=tagged.line,
                type=rtype,
                extra=extra,
                by_tag=by_tag,
                database=database,
                issues=issues,
            )
        )
    return issues.parsed(records)
