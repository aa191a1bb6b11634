"""Pieces shared by the platform lexers: the normalised view of a line, tokens, the scanning
loop every platform uses (:func:`scan`), quoted strings, operators, line references, proximity
payloads and wildcard symbols.

The *view* of a raw line has exactly the same length: curly quotes become ``"``/``'``,
Unicode dashes ``-``, odd spaces a space, and the backslash of ``\\"`` a space. Token offsets
are therefore offsets into the raw line, and every replacement is recorded as a
:class:`ParseIssue` so that ``strategy check`` can point at it.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from cen_search.strategies.ast import BoolOp, FieldStyle, ParseIssue, Wildcard, WildcardKind

if TYPE_CHECKING:
    from cen_search.strategies.fields import ProximityRule

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


_REPLACEMENTS: tuple[tuple[str, str, str, str], ...] = (
    # characters, replacement, issue kind, message ({ch!r} and {name} are filled in)
    (_DOUBLE_QUOTES, '"', "smart_quote", "curly quote {ch!r} ({name}) from a word processor"),
    (_SINGLE_QUOTES, "'", "smart_quote", "curly apostrophe {ch!r} ({name}) from a word processor"),
    (_DASHES, "-", "unicode_dash", "{name} instead of an ASCII hyphen-minus '-'"),
    (_SPACES + _INVISIBLE, " ", "unicode_space", "invisible or non-standard space {name}"),
)


def normalise_view(raw: str) -> tuple[str, list[ParseIssue]]:
    """The same-length ASCII-ish view of ``raw`` and the issues for each replacement."""
    chars = list(raw)
    issues: list[ParseIssue] = []
    for i, ch in enumerate(raw):
        for look_alikes, plain, kind, message in _REPLACEMENTS:
            if ch in look_alikes:
                chars[i] = plain
                issues.append(ParseIssue(kind, (i, i + 1), message.format(ch=ch, name=_name(ch))))
                break
        else:
            if ch == "\\" and i + 1 < len(raw) and raw[i + 1] in '"' + _DOUBLE_QUOTES:
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


WordReader = Callable[[int, int, list[Token], list[ParseIssue]], int]
"""Reads the bare chunk ``view[i:j]`` into tokens (appending to the list, reporting issues);
returns the offset where scanning goes on (usually ``j``)."""

SpecialReader = Callable[[int, list[Token], list[ParseIssue]], int | None]
"""Reads a platform construct starting at ``view[i]`` (a PubMed tag, an Ovid field suffix);
returns the offset after it, or None when there is none at ``i``."""


def scan(
    view: str,
    start: int,
    end: int,
    *,
    word: WordReader,
    special: SpecialReader | None = None,
    stops: str = '()"',
) -> tuple[list[Token], list[ParseIssue]]:
    """The tokens of ``view[start:end]``, the loop every platform shares: whitespace is
    skipped, ``(``/``)`` are tokens of their own, then ``special`` may read a platform
    construct, a double quote opens a ``QUOTED`` token, and anything else up to whitespace or
    one of ``stops`` is a chunk handed to ``word``."""
    tokens: list[Token] = []
    issues: list[ParseIssue] = []
    i = start
    while i < end:
        ch = view[i]
        if ch.isspace():
            i += 1
            continue
        if ch in "()":
            tokens.append(Token(ch, ch, i, i + 1))
            i += 1
            continue
        if special is not None and (after := special(i, tokens, issues)) is not None:
            i = after
            continue
        if ch == '"':
            close, inner, closed = scan_quoted(view[:end], i)
            tokens.append(Token("QUOTED", view[i:close], i, close, (inner, closed)))
            i = close
            continue
        j = i
        while j < end and not view[j].isspace() and view[j] not in stops:
            j += 1
        i = word(i, j, tokens, issues)
    return tokens, issues


OPERATORS: dict[str, BoolOp] = {"and": "AND", "or": "OR", "not": "NOT"}
"""Boolean operator words (any case) and their normalised names."""


def near_spec(
    text: str, distance: int | None, rule: ProximityRule | None, *, foreign: str = ""
) -> NearSpec:
    """The payload of a proximity operator normalised by ``rule``; without a rule (an operator
    of another platform) the written number is kept and ``foreign`` explains why."""
    if rule is None:
        return NearSpec(text, distance, distance, False, foreign, False)
    return NearSpec(
        text,
        distance,
        rule.max_between(distance),
        rule.ordered,
        rule.rule,
        rule.verified,
        rule.max_distance,
    )


@dataclass(frozen=True, slots=True)
class Dialect:
    """How a platform writes line references, and how it names itself when a proximity
    operator of another platform is met."""

    name: str
    """With its article, as in "not *an EBSCOhost* operator"."""
    advice: str
    """What to write instead (``use Nn or Wn``)."""
    ref: re.Pattern[str]
    """A prefixed line reference (``S3``, ``#3``); group 1 is the number."""
    foreign: re.Pattern[str]
    """Proximity operators of other platforms."""

    def reference_or_foreign(
        self, chunk: str, i: int, j: int, labels: frozenset[str], issues: list[ParseIssue]
    ) -> Token | None:
        """A ``REF`` token (prefixed reference, or a bare line label), a reported ``NEAR``
        token for a foreign proximity operator, or None."""
        if m := self.ref.match(chunk):
            return Token("REF", chunk, i, j, (m.group(1), True))
        low = chunk.lower()
        if low in labels:
            return Token("REF", chunk, i, j, (low, False))
        if not self.foreign.match(chunk):
            return None
        issues.append(
            ParseIssue(
                "foreign_operator",
                (i, j),
                f"{chunk!r} is not {self.name} operator ({self.advice})",
            )
        )
        digits = re.sub(r"\D", "", chunk)
        distance = int(digits) if digits else None
        spec = near_spec(chunk, distance, None, foreign=f"{chunk} is not {self.name} operator")
        return Token("NEAR", chunk, i, j, spec)


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
    "OPERATORS",
    "WILDCARD_SYMBOLS",
    "Dialect",
    "FieldSpec",
    "HeadingSpec",
    "NearSpec",
    "SpecialReader",
    "Token",
    "WordReader",
    "collapse",
    "extract_wildcards",
    "near_spec",
    "normalise_view",
    "scan",
    "scan_quoted",
]
