"""Pieces shared by the platform lexers: the normalised view of a line, tokens, quoted strings
and wildcard symbols.

The *view* of a raw line has exactly the same length: curly quotes become ``"``/``'``,
Unicode dashes ``-``, odd spaces a space, and the backslash of ``\\"`` a space. Token offsets
are therefore offsets into the raw line, and every replacement is recorded as a
:class:`ParseIssue` so that ``strategy check`` can point at it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from cen_search.strategies.ast import FieldStyle, ParseIssue, Wildcard, WildcardKind

_DOUBLE_QUOTES = "\u201c\u201d\u201e\u201f\u2033\u00ab\u00bb"
_SINGLE_QUOTES = "\u2018\u2019\u201a\u201b\u2032"
_DASHES = "\u2010\u2011\u2012\u2013\u2014\u2015\u2212\ufe63\uff0d"
_SPACES = (
    "\u00a0\u2000\u2001\u2002\u2003\u2004\u2005\u2006\u2007\u2008\u2009\u200a\u202f\u205f\u3000"
)
_INVISIBLE = "\u200b\u200c\u200d\u2060\ufeff"

_NAMES = {
    "\u2010": "U+2010 HYPHEN",
    "\u2011": "U+2011 NON-BREAKING HYPHEN",
    "\u2012": "U+2012 FIGURE DASH",
    "\u2013": "U+2013 EN DASH",
    "\u2014": "U+2014 EM DASH",
    "\u2212": "U+2212 MINUS SIGN",
    "\u00a0": "U+00A0 NO-BREAK SPACE",
}


def _name(ch: str) -> str:
    return _NAMES.get(ch, f"U+{ord(ch):04X}")


def normalise_view(raw: str) -> tuple[str, list[ParseIssue]]:
    """The same-length ASCII-ish view of ``raw`` and the issues for each replacement."""
    chars = list(raw)
    issues: list[ParseIssue] = []
    for i, ch in enumerate(raw):
        if ch in _DOUBLE_QUOTES:
            chars[i] = '"'
            issues.append(
                ParseIssue(
                    "smart_quote",
                    (i, i + 1),
                    f"curly quote {ch!r} ({_name(ch)}) from a word processor",
                )
            )
        elif ch in _SINGLE_QUOTES:
            chars[i] = "'"
            issues.append(
                ParseIssue(
                    "smart_quote",
                    (i, i + 1),
                    f"curly apostrophe {ch!r} ({_name(ch)}) from a word processor",
                )
            )
        elif ch in _DASHES:
            chars[i] = "-"
            issues.append(
                ParseIssue(
                    "unicode_dash", (i, i + 1), f"{_name(ch)} instead of an ASCII hyphen-minus '-'"
                )
            )
        elif ch in _SPACES or ch in _INVISIBLE:
            chars[i] = " "
            issues.append(
                ParseIssue(
                    "unicode_space", (i, i + 1), f"invisible or non-standard space {_name(ch)}"
                )
            )
        elif ch == "\\" and i + 1 < len(raw) and raw[i + 1] in '"' + _DOUBLE_QUOTES:
            chars[i] = " "
            issues.append(
                ParseIssue(
                    "escaped_quote",
                    (i, i + 2),
                    'backslash-escaped quote \\" (copied from code or JSON)',
                )
            )
    return "".join(chars), issues


@dataclass(frozen=True, slots=True)
class Token:
    """One lexical unit of a query line; offsets are into the raw line."""

    kind: str
    """``(``, ``)``, ``WORD``, ``QUOTED``, ``REF``, ``OP``, ``NEAR``, ``SUFFIX``, ``HEADEND``,
    ``PREFIX``, ``FUNC``, ``TAG``, ``COLON``."""
    text: str
    """The token's text in the normalised view."""
    start: int
    end: int
    value: Any = None
    """Kind-specific payload (operator name, field spec, quoted inner text...)."""


@dataclass(frozen=True, slots=True)
class FieldSpec:
    """Payload of a field token: what the codes mean."""

    fields: frozenset[str]
    codes: tuple[str, ...]
    raw: str
    style: FieldStyle


@dataclass(frozen=True, slots=True)
class HeadingSpec:
    """Payload of a heading marker (EBSCO ``MH``, PubMed ``[mh]``, ProQuest ``.EXACT``)."""

    explode: bool
    major: bool
    syntax: str
    floating: bool = False
    explode_from_label: bool = False
    """EBSCO: explode is decided by a trailing ``+`` inside the quoted label."""


@dataclass(frozen=True, slots=True)
class NearSpec:
    """Payload of a proximity operator."""

    operator: str
    distance: int | None
    max_between: int | None
    ordered: bool
    rule: str
    verified: bool
    max_distance: int | None = None


def scan_quoted(view: str, i: int) -> tuple[int, str, bool]:
    """At ``view[i] == '"'``: ``(end, inner, closed)``; an unclosed quote runs to the end."""
    close = view.find('"', i + 1)
    if close < 0:
        return len(view), view[i + 1 :], False
    return close + 1, view[i + 1 : close], True


WILDCARD_SYMBOLS: dict[str, dict[str, WildcardKind]] = {
    # symbol -> kind, per platform. ``$n`` (Ovid limited truncation) is handled separately.
    "ovid": {"$": "truncation", "*": "truncation", "?": "optional", "#": "single"},
    "ebsco": {"*": "truncation", "?": "single", "#": "optional"},
    "proquest": {"*": "truncation", "?": "single"},
    "pubmed": {"*": "truncation"},
}
_WILD = re.compile(r"\$\d+|[$*?#]")


def extract_wildcards(
    text: str, platform: str, *, offset: int = 0
) -> tuple[tuple[Wildcard, ...], list[ParseIssue]]:
    """Wildcards in ``text`` for ``platform``; symbols the platform lacks become issues
    (``offset`` is the text's start in the raw line, for spans)."""
    table = WILDCARD_SYMBOLS.get(platform, {})
    found: list[Wildcard] = []
    issues: list[ParseIssue] = []
    for match in _WILD.finditer(text):
        symbol = match.group(0)
        base = symbol[0]
        if symbol.startswith("$") and len(symbol) > 1 and platform == "ovid":
            found.append(Wildcard(match.start(), "limited_truncation", symbol, int(symbol[1:])))
            continue
        kind = table.get(base)
        if kind is None:
            issues.append(
                ParseIssue(
                    "bad_truncation",
                    (offset + match.start(), offset + match.end()),
                    f"{symbol!r} is not a truncation or wildcard symbol on {platform}",
                )
            )
            continue
        found.append(Wildcard(match.start(), kind, symbol))
    return tuple(found), issues


def collapse(text: str) -> str:
    """Whitespace runs to single spaces, ends stripped."""
    return " ".join(text.split())


__all__ = [
    "WILDCARD_SYMBOLS",
    "FieldSpec",
    "HeadingSpec",
    "NearSpec",
    "Token",
    "collapse",
    "extract_wildcards",
    "normalise_view",
    "scan_quoted",
]
