"""Limit clauses and date ranges: Ovid ``limit N to ...``, EBSCO's ``Limiters - ...`` column,
PubMed ``Limits:`` notes and date terms (``2003:2019[dp]``, ProQuest ``PD(...)``).

Every restriction keeps its raw text and span; anything not understood becomes an
:class:`~cen_search.strategies.ast.UnknownRestriction` (reported by CS-M01), never dropped.
"""

from __future__ import annotations

import re
from dataclasses import replace

from cen_search.strategies.ast import (
    Bool,
    DateKind,
    DateRange,
    FieldScope,
    Languages,
    NamedFilter,
    Node,
    ParseIssue,
    PublicationTypes,
    Restriction,
    Term,
    UnknownRestriction,
)

LANGUAGES = frozenset(
    [
        "english",
        "french",
        "german",
        "spanish",
        "danish",
        "norwegian",
        "swedish",
        "dutch",
        "italian",
        "portuguese",
        "chinese",
        "japanese",
        "russian",
        "polish",
        "finnish",
        "korean",
        "arabic",
        "turkish",
        "greek",
        "hebrew",
        "hungarian",
        "czech",
        "icelandic",
        "persian",
        "thai",
        "vietnamese",
    ]
)
PUBLICATION_TYPES = frozenset({
    "journal article", "article", "review", "randomized controlled trial", "clinical trial",
    "meta analysis", "meta-analysis", "systematic review", "comment", "editorial", "letter",
    "conference abstract", "conference paper", "conference review", "case reports", "note",
    "book", "book chapter", "dissertation", "dissertation abstract", "news", "guideline",
    "practice guideline", "article in press", "erratum", "short survey",
})  # fmt: skip
_NAMED_VENDORS = (
    (
        re.compile(r"\((maximizes|maximises|minimizes|best balance|sensitivity|specificity)", re.I),
        "Ovid Clinical Queries",
    ),
)
_YEAR_RANGE = re.compile(r"""yr\s*=\s*"?\s*(\d{4})\s*(?:-\s*(\d{4}|current|cur)?)?\s*"?""", re.I)
_DATE8_RANGE = re.compile(r"\b(ed|dt|dc|da|em|ep|dp)\s*=\s*(\d{6,8})\s*-\s*(\d{6,8}|current)", re.I)
_DATE_WORDS = re.compile(
    r"(\d{4}(?:[/.-]\d{1,2}){0,2})\s*(?:to|-|:|through|until)\s*(\d{4}(?:[/.-]\d{1,2}){0,2}|current|present|3000)",
    re.I,
)
_DATE_KINDS: dict[str, DateKind] = {
    "ed": "entry_date", "dt": "create_date", "dc": "create_date", "da": "create_date",
    "em": "entry_date", "ep": "publication_date", "dp": "publication_date",
}  # fmt: skip


def iso(text: str) -> str:
    """``20160830`` -> ``2016-08-30``; ``2003/01/01`` -> ``2003-01-01``; ``200301`` ->
    ``2003-01``; years stay years."""
    text = text.strip().replace("/", "-").replace(".", "-")
    if re.fullmatch(r"\d{8}", text):
        return f"{text[:4]}-{text[4:6]}-{text[6:]}"
    if re.fullmatch(r"\d{6}", text):
        return f"{text[:4]}-{text[4:]}"
    parts = text.split("-")
    if len(parts) > 1 and all(p.isdigit() for p in parts):
        return "-".join([parts[0]] + [p.zfill(2) for p in parts[1:]])
    return text


def _open(value: str | None) -> bool:
    return (
        value is None
        or value.lower() in ("current", "cur", "present", "3000")
        or value.startswith("3000")
    )


def _split_top(text: str, sep: re.Pattern[str]) -> list[tuple[int, int]]:
    """Spans of ``text`` split on ``sep`` outside parentheses and quotes."""
    parts: list[tuple[int, int]] = []
    depth, quoted, start, i = 0, False, 0, 0
    while i < len(text):
        ch = text[i]
        if ch == '"':
            quoted = not quoted
        elif not quoted and ch == "(":
            depth += 1
        elif not quoted and ch == ")":
            depth = max(0, depth - 1)
        elif not quoted and depth == 0:
            match = sep.match(text, i)
            if match and match.end() > i:
                parts.append((start, i))
                start = i = match.end()
                continue
        i += 1
    parts.append((start, len(text)))
    return [(a, b) for a, b in parts if text[a:b].strip()]


_AND = re.compile(r"\s+and\s+|\s*;\s*", re.I)
_OR = re.compile(r"\s+or\s+|\s*,\s*", re.I)


def _strip_parens(text: str, start: int, end: int) -> tuple[int, int]:
    while True:
        seg = text[start:end]
        lead = len(seg) - len(seg.lstrip())
        trail = len(seg) - len(seg.rstrip())
        start, end = start + lead, end - trail
        if end - start >= 2 and text[start] == "(" and text[end - 1] == ")":
            depth = 0
            for i in range(start, end):
                depth += {"(": 1, ")": -1}.get(text[i], 0)
                if depth == 0 and i < end - 1:
                    return start, end
            start, end = start + 1, end - 1
            continue
        return start, end


def parse_clause(
    view: str, start: int, end: int
) -> tuple[tuple[Restriction, ...], list[ParseIssue]]:
    """Restrictions in ``view[start:end]`` (an Ovid limit clause or a ``Limits:`` note)."""
    start, end = _strip_parens(view, start, end)
    out: list[Restriction] = []
    issues: list[ParseIssue] = []
    for a, b in _split_top(view[start:end], _AND):
        a, b = _strip_parens(view, start + a, start + b)
        out.extend(_parse_item(view, a, b, issues))
    return tuple(out), issues


def _parse_item(view: str, a: int, b: int, issues: list[ParseIssue]) -> list[Restriction]:
    """One restriction; several run together without ``and`` are split with an issue."""
    text = view[a:b]
    found: list[Restriction] = []
    rest_start = a
    for pattern in (_YEAR_RANGE, _DATE8_RANGE):
        match = pattern.search(text)
        if match is None:
            continue
        ms, me = a + match.start(), a + match.end()
        if pattern is _YEAR_RANGE:
            end_value = match.group(2)
            if match.group(2) is None and "-" not in match.group(0):
                end_value = match.group(1)
            found.append(
                DateRange(
                    "publication_year",
                    match.group(1),
                    None if _open(end_value) else end_value,
                    view[ms:me],
                    (ms, me),
                    open_end=_open(end_value),
                )
            )
        else:
            kind = _DATE_KINDS.get(match.group(1).lower(), "publication_date")
            found.append(
                DateRange(
                    kind,
                    iso(match.group(2)),
                    None if _open(match.group(3)) else iso(match.group(3)),
                    view[ms:me],
                    (ms, me),
                    open_end=_open(match.group(3)),
                )
            )
        before, after = view[a:ms].strip(), view[me:b].strip()
        if before or after:
            issues.append(
                ParseIssue(
                    "limit_clause",
                    (a, b),
                    "restrictions run together without 'and' between them",
                )
            )
            if before:
                found = _parse_item(view, a, ms, issues) + found
            if after:
                rest_start = me + (len(view[me:b]) - len(view[me:b].lstrip()))
                found += _parse_item(view, rest_start, b, issues)
        return found
    if (dates := _DATE_WORDS.fullmatch(text.strip())) is not None:
        return [
            DateRange(
                "publication_date",
                iso(dates.group(1)),
                None if _open(dates.group(2)) else iso(dates.group(2)),
                text,
                (a, b),
                open_end=_open(dates.group(2)),
            )
        ]
    return [_classify_words(view, a, b, issues)]


def _classify_words(view: str, a: int, b: int, issues: list[ParseIssue]) -> Restriction:
    text = view[a:b].strip()
    if len(text) >= 2 and text[0] == '"' and text[-1] == '"':
        name = text[1:-1]
        vendor = next((v for p, v in _NAMED_VENDORS if p.search(name)), "")
        return NamedFilter(name=name, raw=text, span=(a, b), vendor=vendor)
    values = [text[x:y].strip().strip('"').lower() for x, y in _split_top(text, _OR)]
    values = [v.removesuffix(" language").strip() for v in values]
    if values and all(v in LANGUAGES for v in values):
        return Languages(tuple(values), text, (a, b))
    if values and all(v in PUBLICATION_TYPES for v in values):
        return PublicationTypes(tuple(values), text, (a, b))
    if re.fullmatch(r"[\w\s'-]+", text) and len(text.split()) <= 4:
        return NamedFilter(name=text.lower(), raw=text, span=(a, b))
    issues.append(ParseIssue("limit_clause", (a, b), f"limit {text!r} is not understood"))
    return UnknownRestriction(raw=text, span=(a, b), reason="not a known limit form")


_EBSCO_LIMITERS = re.compile(r"^\s*Limiters\s*-\s*", re.I)


def parse_ebsco_limiters(
    view: str, start: int, end: int
) -> tuple[tuple[Restriction, ...], list[ParseIssue]]:
    """EBSCO ``Limiters - Published Date: 20030101-20191231; Language: English`` [verify]."""
    match = _EBSCO_LIMITERS.match(view, start, end)
    if match:
        start = match.end()
    out: list[Restriction] = []
    issues: list[ParseIssue] = []
    for a, b in _split_top(view[start:end], re.compile(r"\s*;\s*")):
        a, b = start + a, start + b
        item = view[a:b].strip()
        name, sep, value = item.partition(":")
        key = name.strip().lower()
        if sep and "date" in key:
            dates = re.search(
                r"(\d{4}(?:\d{2}){0,2}|\d{4}(?:[/-]\d{1,2}){0,2})\s*(?:-|to)\s*"
                r"(\d{4}(?:\d{2}){0,2}|\d{4}(?:[/-]\d{1,2}){0,2})?",
                value,
            )
            if dates:
                out.append(
                    DateRange(
                        "publication_date",
                        iso(dates.group(1)),
                        iso(dates.group(2)) if dates.group(2) else None,
                        item,
                        (a, b),
                        open_end=dates.group(2) is None,
                    )
                )
                continue
        if sep and "language" in key:
            langs = tuple(v.strip().lower() for v in re.split(r",|\bor\b", value) if v.strip())
            out.append(Languages(langs, item, (a, b)))
            continue
        if sep and ("publication type" in key or "document type" in key):
            types = tuple(v.strip().lower() for v in re.split(r",|\bor\b", value) if v.strip())
            out.append(PublicationTypes(types, item, (a, b)))
            continue
        if item:
            out.append(NamedFilter(name=item.lower(), raw=item, span=(a, b), vendor="EBSCOhost"))
    return tuple(out), issues


DATE_FIELDS: dict[str, DateKind] = {
    "publication_date": "publication_date",
    "publication_year": "publication_year",
    "entry_date": "entry_date",
    "create_date": "create_date",
}


_YEARS = re.compile(r"(\d{4})(?:[-:]|to)(\d{4}|current|present)", re.I)
"""``2010-2012``: a range of years, not the date 2010-20-12."""


def date_range_of(node: Node) -> DateRange | None:
    """A date restriction written as a fielded term: PubMed ``2003:2019[dp]``,
    ProQuest ``PD(20030101-20191231)``, Ovid ``2003-2019.yr.``, and consecutive years ORed
    under one date field, Ovid ``(2017 or 2018 or 2019).yr.``."""
    if not isinstance(node, FieldScope):
        return None
    if isinstance(node.child, Bool) and node.child.op == "OR":
        return _consecutive_years(node, node.child)
    if not isinstance(node.child, Term):
        return None
    kinds = [DATE_FIELDS[f] for f in node.fields if f in DATE_FIELDS]
    if not kinds:
        return None
    text = node.child.text.replace(" ", "")
    match = _YEARS.fullmatch(text) or re.fullmatch(
        r"[>]?(\d{4}(?:[/.-]?\d{1,2}){0,2})(?:(?::|-|to)(\d{4}(?:[/.-]?\d{1,2}){0,2}|current|present))?",
        text,
        re.I,
    )
    if match is None:
        return None
    low, high = match.group(1), match.group(2)
    if high is None and text.startswith(">"):
        return DateRange(kinds[0], iso(low), None, node.child.raw, node.span, open_end=True)
    if high is None:
        high = low
    return DateRange(
        kinds[0],
        iso(low),
        None if _open(high) else iso(high),
        node.child.raw,
        node.span,
        open_end=_open(high),
    )


def _consecutive_years(node: FieldScope, years: Bool) -> DateRange | None:
    """One range for an OR of years (or year ranges) that leave no year out between them;
    None when they do (the OR is then translated term by term)."""
    ranges = []
    for child in years.children:
        found = date_range_of(replace(node, child=child))
        if (
            found is None
            or found.open_end
            or not re.fullmatch(r"\d{4}", found.start or "")
            or not re.fullmatch(r"\d{4}", found.end or "")
        ):
            return None
        ranges.append((int(found.start or 0), int(found.end or 0), found.kind))
    ranges.sort()
    if len({kind for _, _, kind in ranges}) != 1:
        return None
    reach = ranges[0][1]
    for start, end, _ in ranges[1:]:
        if start > reach + 1:
            return None
        reach = max(reach, end)
    raw = " OR ".join(c.raw for c in years.children if isinstance(c, Term))
    return DateRange(ranges[0][2], str(ranges[0][0]), str(reach), raw, node.span)


__all__ = [
    "DATE_FIELDS",
    "LANGUAGES",
    "PUBLICATION_TYPES",
    "date_range_of",
    "iso",
    "parse_clause",
    "parse_ebsco_limiters",
]
