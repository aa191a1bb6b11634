"""What the XML readers share (EndNote XML, EBSCOhost XML): streaming records, their lines,
and the refusals that name what a file holds.

Records are read with defusedxml's ``iterparse`` (no entity expansion, no DTD fetching), one
record element at a time, released once read, so memory stays flat. Element names are
compared without their namespace (``{ns}rec`` is ``rec``): EBSCO's web service wraps its
records in namespaced envelopes.

:func:`read_xml_records` runs a reader's per-record function over every record element and
turns the ways XML goes wrong into reports: a document that breaks after some records keeps
those and says how many record start tags after the fault could not be read; a document
with no record of the expected kind is an error naming what was expected and which
elements were found (an EBSCOhost export given to the EndNote XML reader says so).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from typing import Any, cast
from xml.etree.ElementTree import Element, ParseError, TreeBuilder, XMLPullParser

from defusedxml import DefusedXmlException
from defusedxml.ElementTree import DefusedXMLParser

from cen_search.errors import FileFormatError
from cen_search.formats._build import IssueLog
from cen_search.formats.base import release
from cen_search.models import Record

_DECLARATION = re.compile(r"^\s*<\?xml[^>]*\?>")
_ELEMENT = re.compile(r"<([A-Za-z_][\w.:-]*)")


def local(tag: str) -> str:
    """An element name without its namespace (``{http://...}rec`` -> ``rec``)."""
    return tag.rpartition("}")[2] if tag[:1] == "{" else tag


def text_of(element: Element) -> str:
    """All text inside ``element`` (style wrappers and other inline children joined)."""
    return "".join(element.itertext())


_CHUNK = 1 << 16


def _events(body: str) -> Iterator[tuple[str, Any]]:
    """``(event, element)`` pairs of a pull parser fed ``body`` in chunks; the parser is
    closed however the reading ends, which frees it at once (the standard ``iterparse``
    leaves a reference cycle per call that only a full garbage collection finds)."""
    parser = DefusedXMLParser(target=TreeBuilder())
    pull = XMLPullParser(events=("start", "end"), _parser=parser)
    try:
        for start in range(0, len(body), _CHUNK):
            pull.feed(body[start : start + _CHUNK])
            yield from cast(Iterator[tuple[str, Any]], pull.read_events())
        pull.close()
        yield from cast(Iterator[tuple[str, Any]], pull.read_events())
    finally:
        if getattr(parser, "parser", None) is not None:  # (not closed: the document broke)
            try:
                parser.close()
            except Exception as exc:  # (already reported by the reading that broke)
                release(exc)
            # close() lets go of the expat parser (whose handlers refer back to it) only
            # when the document is complete: let go of it here too
            for name in ("parser", "_parser", "target", "_target"):
                parser.__dict__.pop(name, None)


def iter_elements(text: str, name: str) -> Iterator[Element]:
    """Each complete ``name`` element of the document, released after it is used.

    The XML declaration is removed first (the text is already decoded: a declared encoding
    must not be applied twice). Nested elements of the same name stay inside the outer one.
    """
    body = _DECLARATION.sub("", text, count=1)
    parent: Element | None = None
    depth = 0
    for event, element in _events(body):
        is_record = local(element.tag) == name
        if event == "start":
            if is_record:
                depth += 1
            elif depth == 0:
                parent = element
            continue
        if is_record:
            depth -= 1
            if depth == 0:
                yield element
                if parent is not None:
                    parent.clear()


def start_lines(text: str, name: str) -> list[int]:
    """1-based line of each ``<name`` start tag (with or without a namespace prefix)."""
    pattern = re.compile(rf"<(?:[A-Za-z_][\w.-]*:)?{re.escape(name)}[\s/>]")
    lines: list[int] = []
    line, position = 1, 0
    for match in pattern.finditer(text):
        line += text.count("\n", position, match.start())
        position = match.start()
        lines.append(line)
    return lines


def found_elements(text: str, limit: int = 4) -> str:
    """The first element names of a document, for messages (``<records>, <rec>, <header>``)."""
    names: list[str] = []
    for match in _ELEMENT.finditer(text[:200_000]):
        name = local(match.group(1).rpartition(":")[2] if ":" in match.group(1) else match.group(1))
        if name not in names:
            names.append(name)
        if len(names) >= limit:
            break
    return ", ".join(f"<{n}>" for n in names) or "no elements"


def read_xml_records(
    text: str,
    *,
    name: str,
    label: str,
    expected: str,
    log: IssueLog,
    read_one: Callable[[Element, int, int], Record],
) -> list[Record]:
    """Every ``name`` element read with ``read_one(element, index, line)``.

    ``label`` names the format and ``expected`` its layout in messages ("EndNote XML",
    "<xml><records><record>"). Raises :class:`FileFormatError` when nothing can be read.
    """
    lines = start_lines(text, name)
    records: list[Record] = []
    broken: tuple[int, int, str] | None = None
    refused = ""
    try:
        for element in iter_elements(text, name):
            index = len(records) + 1
            records.append(read_one(element, index, lines[index - 1] if index <= len(lines) else 0))
    except ParseError as exc:
        row, column = getattr(exc, "position", (0, 0))
        broken = (row, column, str(exc))
        release(exc)
    except DefusedXmlException as exc:
        refused = exc.__class__.__name__
        release(exc)
    # (raised here, outside the handlers: the parser's frames are not kept alive by them)
    if refused:
        raise FileFormatError(
            f"the XML uses a construct refused for safety ({refused})",
            path=log.file,
            hint=f"export the records again as {label}",
        )
    if broken is not None:
        row, column, message = broken
        if not records:
            raise FileFormatError(
                f"not well-formed XML ({message}); no {label} record could be read",
                path=log.file,
                line=row or None,
                hint=f"check that the file is a complete {label} export",
            )
        lost = max(len(lines) - len(records), 1)
        log.skip(
            f"the XML is not well-formed here (column {column}: {message}); {lost} record(s) "
            f"after this point (of {len(lines)} {expected} start tags in the file) could not "
            "be read, and any cut off by the fault — export the file again",
            line=row or None,
            lost=lost,
        )
    if not records:
        raise FileFormatError(
            f"holds no {label} records: expected {expected}, found {found_elements(text)}",
            path=log.file,
            hint="check the export format; --format names another reader (e.g. --format "
            "endnote-xml or --format ebsco-xml)",
        )
    return records
