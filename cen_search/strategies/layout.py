"""Finding the strategy lines in a pasted body, whatever layout it came in.

Layouts recognised (detected from the text, or forced):

- ``ovid_export``: Ovid's ``Database:`` / ``Search Strategy:`` header, ``N query (hits)``;
- ``numbered``: ``N query`` or ``N. query`` (journal appendices), hits in ``(…)`` optional;
- ``unnumbered``: one query per line, numbered by position (their ``or/1-6`` assume so);
- ``ebsco_history``: ``S34 S30 NOT S33 110`` in any order (EBSCO prints newest first), with
  optional tab-separated or ``Limiters - …`` search-option columns;
- ``pubmed_history``: ``#1<TAB>query<TAB>8,962`` (a header row such as ``Search ID#`` is skipped);
- ``labelled_blocks``: ``1a`` / ``A.`` labels and ``Final search: A or B`` (Cochrane DTA style).

Several databases in one document (a ``Database:`` header or a heading such as
``EMBASE (Ovid)`` followed by numbering that restarts at 1) become separate sections. Lines
that are not strategy lines (titles, rules, ``Topic:``…) are kept as preamble. A query that a
journal wrapped onto two physical lines is not re-joined: the second part is preamble.
"""

from __future__ import annotations

import re

from cen_search.strategies.ast import ParseIssue, Span
from cen_search.strategies.layout_lines import (
    DATABASE,
    SEARCH_STRATEGY,
    TABLE_HEADER,
    TRAILING_HITS,
    Builder,
    Layout,
    RawLine,
    SectionDraft,
    find_hits,
    is_heading,
    is_prose,
    strip_span,
)

_LIMITS = re.compile(r"^\s*Limits?\s*:\s*(\S.*?)\s*$", re.I)
_NUMBERED = re.compile(r"^(\s*)(\d{1,4})([.):]?)[ \t]+(\S.*?)\s*$")
_OPERATOR_START = re.compile(r"^(and|or|not|adj\d*)\b(?!\s*/)", re.I)
_EBSCO = re.compile(r"^(\s*)(S(\d{1,4}))[.:]?[ \t]+(\S.*?)\s*$")
_PUBMED = re.compile(r"^(\s*)(#(\d{1,4}))[.:]?[ \t]+(\S.*?)\s*$")
_LABEL_ONLY = re.compile(r"^\s*(\d{1,3}[a-z])[.):]?\s*$")
_LETTERED = re.compile(r"^(\s*)([A-Z])[.)][ \t]+(\S.*?)\s*$")
_FINAL = re.compile(r"^(\s*)(Final(?:\s+search)?|Combined|Total)\s*:[ \t]*(\S.*?)\s*$", re.I)
_HEADED_NUMBER = re.compile(r"^\s*\d{1,3}\.?\s+[A-Z][^()\[\]/]*$")
_OPTION_START = re.compile(
    r"\b(Limiters|Expanders|Search\s+modes|Narrow\s+by\s+[A-Za-z]+)\s*-\s*", re.I
)


def _plausible_numbered(text: str) -> bool:
    match = _NUMBERED.match(text)
    return bool(match and not _OPERATOR_START.match(match.group(4)))


def detect_layout(lines: list[str]) -> str:
    """The body layout of ``lines`` (see the module docstring)."""
    candidates = [x for x in lines if not is_prose(x) and not _LIMITS.match(x)]
    if not candidates:
        return "unnumbered"
    total = len(candidates)
    ebsco = sum(1 for x in candidates if _EBSCO.match(x))
    pubmed = sum(1 for x in candidates if _PUBMED.match(x))
    if ebsco and ebsco * 2 >= total:
        return "ebsco_history"
    if pubmed and pubmed * 2 >= total:
        return "pubmed_history"
    if any(_LABEL_ONLY.match(x) for x in candidates) or any(_FINAL.match(x) for x in candidates):
        return "labelled_blocks"
    numbered = sum(1 for x in candidates if _plausible_numbered(x))
    if numbered and numbered * 2 >= total:
        export = any(SEARCH_STRATEGY.match(x) or DATABASE.match(x) for x in lines)
        return "ovid_export" if export else "numbered"
    return "unnumbered"


def _numbered(b: Builder) -> None:
    last: int | None = None
    pending: list[int] = []
    ovid_hits = True
    for index, text in enumerate(b.src):
        match = _NUMBERED.match(text)
        if match is None or is_prose(text):
            pending.append(index)
            continue
        n = int(match.group(2))
        prose_between = any(b.src[i].strip() for i in pending)
        if last is not None and n <= last and (n == 1 or prose_between):
            b.new_section([i for i in pending if b.src[i].strip()])
            for i in pending:
                if b.src[i].strip():
                    b.out.preamble.append((b.file_line(i), b.src[i]))
        else:
            for i in pending:
                b.note(i)
        pending = []
        last = n
        qs = match.start(4)
        qe, hits, hspan = find_hits(text, qs, len(text.rstrip()), ovid=ovid_hits, trailing=False)
        label = match.group(2) + match.group(3)
        b.add(
            RawLine(
                b.section.index,
                n,
                str(n),
                label,
                True,
                text,
                b.file_line(index),
                strip_span(text, qs, qe),
                hits,
                hspan,
            )
        )
    _trailing(b, pending)


def _trailing(b: Builder, pending: list[int]) -> None:
    """Prose after the last numbered line: a new database section with unnumbered lines
    (``PubMed`` then a one-line query), or plain trailing text."""
    heading = next((k for k, i in enumerate(pending) if is_heading(b.src[i])), None)
    if heading is None:
        for i in pending:
            b.note(i)
        return
    for i in pending[:heading]:
        b.note(i)
    b.new_section([pending[heading]])
    b.out.preamble.append((b.file_line(pending[heading]), b.src[pending[heading]]))
    _unnumbered(b, pending[heading + 1 :])


def _unnumbered(b: Builder, indexes: list[int]) -> None:
    position = 0
    started = False
    for index in indexes:
        text = b.src[index]
        if not text.strip():
            continue
        if (m := _LIMITS.match(text)) and position:
            position += 1
            b.add(
                RawLine(
                    b.section.index,
                    position,
                    str(position),
                    "Limits:",
                    False,
                    text,
                    b.file_line(index),
                    (m.start(1), m.end(1)),
                    kind="limits_note",
                )
            )
            continue
        if is_prose(text) or (not started and is_heading(text)):
            b.note(index)
            continue
        if started and is_heading(text):
            b.new_section([index])
            b.out.preamble.append((b.file_line(index), text))
            position = 0
            continue
        started = True
        position += 1
        qs, qe = strip_span(text, 0, len(text))
        qe, hits, hspan = find_hits(text, qs, qe, ovid=True, trailing=False)
        b.add(
            RawLine(
                b.section.index,
                position,
                str(position),
                "",
                False,
                text,
                b.file_line(index),
                strip_span(text, qs, qe),
                hits,
                hspan,
            )
        )
    if position:
        b.out.issues.append(
            ParseIssue(
                "unnumbered_lines",
                (0, 0),
                "lines have no numbers: they are numbered by position, as their line references "
                "assume",
                file_line=b.file_line(indexes[0]) if indexes else 0,
            )
        )


def _history(b: Builder, pattern: re.Pattern[str]) -> None:
    """EBSCO (``S3``) and PubMed (``#3``) histories: label, query, options, hits."""
    matches = [(i, pattern.match(t)) for i, t in enumerate(b.src)]
    found = [(i, m) for i, m in matches if m is not None and not TABLE_HEADER.match(b.src[i])]
    with_hits = sum(1 for i, m in found if "\t" in m.group(4) or TRAILING_HITS.search(m.group(4)))
    trailing = with_hits * 2 >= len(found) if found else False
    drafts: list[RawLine] = []
    keep = {i for i, _ in found}
    for index in range(len(b.src)):
        if index not in keep:
            b.note(index)
    for index, m in found:
        text = b.src[index]
        n = int(m.group(3))
        drafts.append(_history_line(b, index, text, m, n, trailing))
    numbers = [d.n for d in drafts]
    if len(numbers) > 1 and numbers == sorted(numbers, reverse=True) and numbers[0] != numbers[-1]:
        b.out.issues.append(
            ParseIssue(
                "reverse_order",
                (0, 0),
                "the history is printed newest first; lines are read in set-number order",
                file_line=drafts[0].file_line,
            )
        )
    for draft in sorted(drafts, key=lambda d: d.n):
        b.add(draft)


def _history_line(
    b: Builder, index: int, text: str, m: re.Match[str], n: int, trailing: bool
) -> RawLine:
    qs = m.start(4)
    end = len(text.rstrip())
    options: list[tuple[str, str]] = []
    limiters: Span | None = None
    hits: int | None = None
    hspan: Span | None = None
    if "\t" in text[qs:end]:
        cells: list[Span] = []
        start = qs
        for part in text[qs:end].split("\t"):
            cells.append((start, start + len(part)))
            start += len(part) + 1
        qe = cells[0][1]
        for a, c in cells[1:]:
            cell = text[a:c].strip()
            digits = re.fullmatch(r"(?:View Results\s*)?\(?(\d[\d,]*)\)?", cell, re.I)
            if digits:
                hits = int(digits.group(1).replace(",", ""))
                offset = a + text[a:c].find(digits.group(1))
                hspan = (offset, offset + len(digits.group(1)))
            elif _OPTION_START.search(text, a, c):
                limiters = _options(text, a, c, options) or limiters
            elif cell:
                options.append(("Option", cell))
    else:
        qe, hits, hspan = find_hits(text, qs, end, ovid=False, trailing=trailing)
        opt = _OPTION_START.search(text, qs, qe)
        if opt:
            limiters = _options(text, opt.start(), qe, options)
            qe = opt.start()
    qspan = strip_span(text, qs, qe)
    if b.out.layout == "pubmed_history":
        q = text[qspan[0] : qspan[1]]
        if q.lower().startswith("search ") and len(q) > 7:
            qspan = (qspan[0] + 7, qspan[1])
    return RawLine(
        0,
        n,
        str(n),
        m.group(2),
        True,
        text,
        b.file_line(index),
        qspan,
        hits,
        hspan,
        tuple(options),
        limiters,
    )


def _options(text: str, start: int, end: int, options: list[tuple[str, str]]) -> Span | None:
    """Split ``Limiters - …; Search modes - …`` into options; the span of the limiters."""
    marks = list(_OPTION_START.finditer(text, start, end))
    limiters: Span | None = None
    for k, mark in enumerate(marks):
        stop = marks[k + 1].start() if k + 1 < len(marks) else end
        options.append((mark.group(1), text[mark.end() : stop].strip().rstrip(";").strip()))
        if mark.group(1).lower() == "limiters":
            a, z = strip_span(text, mark.start(), stop)
            while z > a and text[z - 1] == ";":
                z -= 1
            limiters = (a, z)
    return limiters


def _labelled(b: Builder) -> None:
    pending_label: str | None = None
    position = 0
    n_lines = len(b.src)
    for index, text in enumerate(b.src):
        if not text.strip() or is_prose(text):
            b.note(index)
            continue
        if m := _LABEL_ONLY.match(text):
            pending_label = m.group(1)
            b.note(index)
            continue
        nxt = next((b.src[k] for k in range(index + 1, n_lines) if b.src[k].strip()), "")
        numbered = _NUMBERED.match(text)
        if (
            numbered
            and (_HEADED_NUMBER.match(text) or _LABEL_ONLY.match(nxt))
            and not _FINAL.match(text)
        ):
            pending_label = numbered.group(2)
            b.note(index)
            continue
        label: str
        if m := _FINAL.match(text):
            label, key, qs = m.group(2), "final", m.start(3)
        elif m := _LETTERED.match(text):
            label, key, qs = m.group(2) + ".", m.group(2).lower(), m.start(3)
        elif pending_label is not None:
            label, key, qs = pending_label, pending_label.lower(), 0
        else:
            b.note(index)
            continue
        pending_label = None
        position += 1
        qspan = strip_span(text, qs, len(text))
        b.add(RawLine(0, position, key, label, True, text, b.file_line(index), qspan))


def split_body(body: str, *, first_file_line: int, layout: str | None = None) -> Layout:
    """Find sections, strategy lines and preamble in ``body`` (file line of its first line
    is ``first_file_line``)."""
    lines = body.splitlines()
    chosen = layout or detect_layout(lines)
    b = Builder(lines, first_file_line, chosen)
    if chosen in ("numbered", "ovid_export"):
        _numbered(b)
    elif chosen == "ebsco_history":
        _history(b, _EBSCO)
    elif chosen == "pubmed_history":
        _history(b, _PUBMED)
    elif chosen == "labelled_blocks":
        _labelled(b)
    else:
        _unnumbered(b, list(range(len(lines))))
    for sec in b.out.sections:
        sec.layout = chosen
    return b.out


LAYOUTS = (
    "ovid_export",
    "numbered",
    "unnumbered",
    "ebsco_history",
    "pubmed_history",
    "labelled_blocks",
)

__all__ = ["LAYOUTS", "Layout", "RawLine", "SectionDraft", "detect_layout", "split_body"]
