"""Cutting RIS text into records: every field kept, in order, with its line and quirks.

Used by :mod:`cen_search.formats.ris`, whose docstring lists the quirks of real exports this
handles. Records are cut at ``ER`` lines; a clean record (blank lines, ``TY`` first, every
line a tag line) is read by one regular expression, and only pieces with quirks go through
the field-by-field loop (``Splitter._careful``), which applies rispy's rules plus the
recovery rules. Tests pin that the fast paths give what that loop gives.
"""

from __future__ import annotations

import re

from cen_search.formats._build import IssueLog
from cen_search.formats._tagged import TaggedRecord, join_lines, line_list

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
_NUMBER_LINE = re.compile(r"\s*(?:\d+\.?|Record #?\s*\d+ of \d+)\s*", re.IGNORECASE)
_HEADER = re.compile(r"(Provider|Database|Content)\s*:\s*(.*)", re.IGNORECASE)


def _stripped_fields(piece: str) -> list[tuple[str, str]]:
    """The fields of ``piece`` (tag lines, each after a newline, and untagged lines), stripped.

    Cutting at tag lines leaves each value with its continuation lines, which are joined to
    it (:func:`~cen_search.formats._tagged.join_lines`).
    """
    parts = _TAG_START.split(piece)  # "", tag, value, tag, value ...
    fields = []
    for tag, value in zip(parts[1::2], parts[2::2], strict=True):
        end = value.find("\n")
        if end < 0:
            fields.append((tag, value.rstrip()))
        else:
            fields.append((tag, join_lines(value[:end].rstrip(), value[end:])))
    return fields


class Pending(TaggedRecord):
    """A RIS record being read: also whether its ER was seen and whether it began with TY."""

    __slots__ = ("closed", "trailing")

    def __init__(
        self, line: int, has_ty: bool, fields: list[tuple[str, str]] | None = None
    ) -> None:
        self.line = line
        self.fields = [] if fields is None else fields
        self.closed = fields is not None  # its ER was seen (a clean record comes whole)
        self.trailing = not has_ty  # a block of tags that did not start with TY


class Splitter:
    """Cuts RIS text into records, keeping every field, its line and the quirks above.

    rispy's own line loop (``RisParser.parse_lines``) keeps neither field order nor line
    numbers, and on this project's 2-core machine takes the whole 20,000 records/s budget by
    itself. Here, from a record's TY line, one search finds the first line that is not a
    plain tag line (``_ODD_LINE``): when that is the record's ER line, one ``findall`` reads
    the record and counts its lines. A record with untagged (continuation) lines or blanks at
    line ends is cut at its tag lines and its values stripped; only pieces with other quirks
    go through the field-by-field loop (``_careful``) that applies rispy's rules (``TY``
    starts, ``ER`` ends, untagged lines continue the previous field) plus the recovery rules.
    """

    def __init__(self, issues: IssueLog) -> None:
        self.issues = issues
        self.records: list[Pending] = []
        self.current: Pending | None = None
        self.headers: dict[str, str] = {}
        self.trailing_lines: list[int] = []
        self.outside: dict[str, list[int]] = {}

    def split(self, text: str) -> list[Pending]:
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
                        records.append(Pending(line + lead, True, fields))
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
                        records.append(Pending(line + lead, True, fields))
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
                    self.records.append(Pending(line + lead, True, fields))
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
                current = Pending(line, True)
                records.append(current)
            elif current is None:
                current = Pending(line, False)
                records.append(current)
            if cont:
                if current.trailing:
                    self._outside_block(cont, line)
                    value = value.rstrip()
                else:
                    value = join_lines(value.rstrip(), cont)
                line += cont.count("\n")
            else:
                value = value.rstrip()
            current.fields.append((tag, value))
            line += 1
        self.current = current

    def _close_unended(self, current: Pending, line: int) -> None:
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

    def _end_of_file(self, current: Pending) -> None:
        if current.trailing and len(self.records) > 1:
            self._merge_into_previous(current)
        elif current.trailing:
            self.issues.warn("record has no TY and no ER", line=current.line)
        else:
            self.issues.warn("file ends before the ER of its last record", line=current.line)

    def _merge_into_previous(self, current: Pending) -> None:
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
        trailing = self.trailing_lines
        if trailing:
            self.issues.warn(
                f"tags after ER kept with the record before them ({line_list(trailing)})",
                line=trailing[0],
            )
        for label, numbers in self.outside.items():
            self.issues.warn(
                f"text outside any record ignored: {label!r}... ({line_list(numbers)})",
                line=numbers[0],
            )
