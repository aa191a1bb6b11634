"""What the line-tagged readers share: RIS, MEDLINE, Ovid tagged, Web of Science, EndNote tagged.

Each of these formats writes a record as lines of a tag and a value, with untagged
continuation lines. :class:`TaggedRecord` is a record being read; :func:`join_lines` joins a
field's continuation lines to its value the one way all of them do; :func:`line_list` names
the lines of a repeated warning; :func:`reference_type` reads a record's type code (RIS
``TY``, EndNote ``%0``). :func:`split_tagged` cuts the MEDLINE layout (``AU  - x``,
indented continuations, blank lines between records), which Ovid's tagged export shares.

Where and how a record starts and ends, which lines continue a field and how text outside
records is reported differ from format to format (a ``PT``/``ER`` pair in Web of Science, a
blank line in MEDLINE and EndNote tagged, ``TY``/``ER`` in RIS), so each reader cuts its own
layout with these pieces.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping

from cen_search.formats._build import IssueLog, document_type
from cen_search.models import RawField, RecordType

__all__ = ["TaggedRecord", "join_lines", "line_list", "reference_type", "split_tagged"]

# A MEDLINE tag line: tag of 1-4 characters, padding, "-", the value; then any lines that do
# not start like a tag (indented continuations, blank lines, junk between records).
_FIELD = re.compile(r"\n([A-Z][A-Z0-9]{1,3})( *)-([^\n]*)((?:\n(?![A-Z][A-Z0-9]{1,3} *-)[^\n]*)*)")


class TaggedRecord:
    """A record being read: its ``(tag, value)`` fields in source order, and its first line."""

    __slots__ = ("fields", "line")

    def __init__(self, line: int, fields: list[RawField] | None = None) -> None:
        self.line = line
        self.fields: list[RawField] = [] if fields is None else fields


def join_lines(value: str, cont: str) -> str:
    """``value`` with the continuation lines ``cont`` after it, one per line.

    Each continuation line is stripped and blank ones are dropped; ``value`` is kept as it
    is (callers strip it as their format says).
    """
    if not cont or cont.isspace():
        return value
    more = "\n".join(filter(None, map(str.strip, cont.split("\n"))))
    return f"{value}\n{more}" if value else more


def reference_type(
    code: str, types: Mapping[str, RecordType], issues: IssueLog, *, line: int, record: int
) -> RecordType | None:
    """The type a record's reference-type code names (RIS ``TY``, EndNote ``%0``).

    Looked up in the format's ``types`` table, else read as a document-type label
    ("Review"); an unknown code is reported and gives ``None`` (read as other).
    """
    found = types.get(code.upper()) or (document_type(code) if code else None)
    if found is None and code:
        issues.warn(f"unknown reference type {code!r} read as other", line=line, record=record)
    return found


def line_list(numbers: list[int]) -> str:
    """``line 3``, or ``lines 3, 8, 9, 12, 20 and 4 more``."""
    shown = ", ".join(str(n) for n in numbers[:5])
    more = f" and {len(numbers) - 5} more" if len(numbers) > 5 else ""
    return f"line{'s' if len(numbers) > 1 else ''} {shown}{more}"


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
                    current.fields.append((last_tag, join_lines(last_value, cont)))
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
            current.fields.append((tag, join_lines(value, body)))
            if after is not None:  # a blank (or separator) line ends the record
                current = None
                _note_outside(after, line + body.count("\n"), outside, separator)
            line += cont.count("\n")
    for label, numbers in outside.items():
        issues.warn(
            f"text outside any record ignored: {label!r} ({line_list(numbers)})", line=numbers[0]
        )
    return records


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
