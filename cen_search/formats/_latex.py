"""LaTeX in BibTeX values: decoding to plain Unicode on read, escaping on write.

Decoding goes through bibtexparser's :class:`LatexDecodingMiddleware` (pylatexenc) for values
with LaTeX that the fast path below does not cover (math, unknown commands). The fast path
gives the same result for what most values hold: braces (``{{Si}}``), ties, TeX ligatures,
accents (``{\\'e}``, ``\\"{u}``, ``\\c{c}``), special letters (``\\ss``, ``{\\o}``),
escaped characters (``\\&``) and font commands (``\\textit{x}``, ``{\\sc x}``), so that
large libraries read quickly. Two habits of real files are handled before pylatexenc sees a
value: unescaped ``%``, ``&`` and ``#`` are text (LaTeX would start a comment and drop the
rest of the value, or align columns), and JabRef's ``{\\d}`` means "ð".
"""

from __future__ import annotations

import html
import re
import unicodedata
from functools import lru_cache
from typing import Any

from bibtexparser.middlewares import LatexDecodingMiddleware
from bibtexparser.model import Entry, Field, MiddlewareErrorBlock
from pylatexenc import latexwalker
from pylatexenc.latex2text import LatexNodes2Text, MacroTextSpec, get_default_latex_context_db

_NEEDS_PARSER = re.compile(r"[\\$]")
_ANY_MARKUP = re.compile(r"[{}\\$~&`]|--|''")
_UNESCAPED = re.compile(r"(?<!\\)([%&#])")
_BRACES = re.compile(r"(?<!\\)[{}]")
_LIGATURES = (("---", "\u2014"), ("--", "\u2013"), ("``", "\u201c"), ("''", "\u201d"))
_HTML_ENTITY = re.compile(r"(?<!\\)&(?:#\d+|#x[0-9a-fA-F]+|[A-Za-z]{2,8});")
_ETH = re.compile(r"\{\\([dD])\}")
_COMBINING = {
    "`": "\u0300",
    "'": "\u0301",
    "^": "\u0302",
    "~": "\u0303",
    "=": "\u0304",
    "u": "\u0306",
    ".": "\u0307",
    '"': "\u0308",
    "r": "\u030a",
    "H": "\u030b",
    "v": "\u030c",
    "d": "\u0323",
    "c": "\u0327",
    "k": "\u0328",
    "b": "\u0331",
}
_LETTERS = {
    "ss": "ß",
    "o": "ø",
    "O": "Ø",
    "aa": "å",
    "AA": "Å",
    "ae": "æ",
    "AE": "Æ",
    "oe": "œ",
    "OE": "Œ",
    "l": "ł",
    "L": "Ł",
    "i": "ı",
    "j": "ȷ",
    "dh": "ð",
    "DH": "Ð",
    "th": "þ",
    "TH": "Þ",
    "&": "&",
    "%": "%",
    "_": "_",
    "#": "#",
    "$": "$",
    "{": "\ue000",
    "}": "\ue001",
}
# \'e  \'{e}  \"{\i}  (symbol accents need no braces); \c{c}  \v s  (letter accents do)
_ACCENT = re.compile(
    r"\\([`'^\"~=.])(?:\{\s*(\\[ij]|[A-Za-z])\s*\}|(\\[ij]|[A-Za-z]))"
    r"|\\([uvHckdbr])(?:\s*\{\s*(\\[ij]|[A-Za-z])\s*\}|\s+([A-Za-z]))"
)
_LETTER = re.compile(
    r"\\(ss|aa|AA|ae|AE|oe|OE|dh|DH|th|TH|[oOlLij])(?![A-Za-z])(?:\{\}|\s?)|\\([&%_#${}])"
)
_FONT = re.compile(
    r"\\(?:text(?:it|bf|sc|rm|sf|tt|up|sl|md|normal)|emph|mbox|textsuperscript|textsubscript)"
    r"\s*(?=\{)|\\(?:it|bf|sc|em|rm|sf|tt|sl|upshape|itshape|bfseries|scshape)(?![A-Za-z])\s*"
)


class _Decoder(LatexNodes2Text):
    """pylatexenc's decoder, parsing with one shared (not per-value rebuilt) context."""

    _walker_context = latexwalker.get_default_latex_context_db()

    def latex_to_text(self, latex: str, **parse_flags: Any) -> str:
        parse_flags.setdefault("latex_context", self._walker_context)
        return str(super().latex_to_text(latex, **parse_flags))


@lru_cache(maxsize=1)
def _middleware() -> LatexDecodingMiddleware:
    context = get_default_latex_context_db()
    context.add_context_category(
        "cen-search",
        prepend=True,
        macros=[
            MacroTextSpec("url", simplify_repl="%s"),
            MacroTextSpec("LaTeX", simplify_repl="LaTeX"),
            MacroTextSpec("TeX", simplify_repl="TeX"),
            MacroTextSpec("BibTeX", simplify_repl="BibTeX"),
            MacroTextSpec("textasciicircum", simplify_repl="^"),
            MacroTextSpec("textasciitilde", simplify_repl="~"),
            MacroTextSpec("texttt", simplify_repl="%s"),
        ],
    )
    decoder = _Decoder(latex_context=context, math_mode="text")
    return LatexDecodingMiddleware(decoder=decoder)


def _entities(value: str) -> str:
    """Web of Science and Europe PMC put HTML entities in BibTeX ("title&apos;s"); an escaped
    ``\\&`` is a literal ampersand and is left alone."""
    if "&" in value and _HTML_ENTITY.search(value):
        return _HTML_ENTITY.sub(lambda m: escape(html.unescape(m.group(0))), value)
    return value


def _plain(text: str) -> str:
    """What pylatexenc makes of a value without commands or math."""
    for ligature, char in _LIGATURES:
        if ligature in text:
            text = text.replace(ligature, char)
    if "{" in text or "}" in text:
        text = _BRACES.sub("", text)
    text = text.replace("~", "\u00a0")
    if "\ue000" in text or "\ue001" in text:  # escaped braces (see _LETTERS)
        text = text.replace("\ue000", "{").replace("\ue001", "}")
    return text


def _accent(match: re.Match[str]) -> str:
    command = match.group(1) or match.group(4)
    letter = match.group(2) or match.group(3) or match.group(5) or match.group(6)
    base = letter[-1]  # an accented dotless \i or \j is a plain i or j
    return "{" + unicodedata.normalize("NFC", base + _COMBINING[command]) + "}"


def _fast(value: str) -> str | None:
    """The decoded value when it holds only LaTeX the fast path knows, else None."""
    text = _FONT.sub("", value) if "\\" in value else value
    if "\\" in text:
        text = _ACCENT.sub(_accent, text)
    if "\\" in text:
        text = _LETTER.sub(lambda m: "{" + _LETTERS[m.group(1) or m.group(2)] + "}", text)
    if _NEEDS_PARSER.search(text):
        return None
    return _plain(text)


class LatexError(ValueError):
    """pylatexenc could not decode a value (the value is then kept with braces removed)."""


_CACHED = 512
"""Values up to this long are decoded once and remembered (names, journals and keywords
repeat across records); longer ones (abstracts, which do not repeat) are not kept, so the
caches hold at most a few tens of MB whatever the input."""


def decode(value: str) -> str:
    """Plain Unicode text for a BibTeX value: accents, commands and braces decoded.

    ``{\\'e}`` -> ``é``, ``{{Si}}`` -> ``Si``, ``\\textit{x}`` -> ``x``, ``50\\%`` -> ``50%``.
    Raises :class:`LatexError` when the LaTeX cannot be parsed.
    """
    if not value or not _ANY_MARKUP.search(value):
        return value
    return _decode_short(value) if len(value) <= _CACHED else _decode(value)


def _decode(value: str) -> str:
    value = _entities(value)
    fast = _fast(value)
    return fast if fast is not None else _parsed(value)


_decode_short = lru_cache(maxsize=65536)(_decode)


def _parsed(value: str) -> str:
    return _parsed_short(value) if len(value) <= _CACHED else _parse(value)


@lru_cache(maxsize=32768)
def _parsed_short(value: str) -> str:
    return _parse(value)


def _parse(value: str) -> str:
    prepared = _UNESCAPED.sub(r"\\\1", value)
    prepared = _ETH.sub(lambda m: "{\\" + ("dh" if m.group(1) == "d" else "DH") + "}", prepared)
    entry = Entry("misc", "", [Field("value", prepared)])
    result = _middleware().transform_entry(entry, None)  # type: ignore[arg-type]
    if isinstance(result, MiddlewareErrorBlock):
        raise LatexError(str(result.error))
    return str(entry.fields[0].value)


def decode_lenient(value: str) -> tuple[str, str]:
    """:func:`decode`, but never raising: ``(text, error message or "")``."""
    try:
        return decode(value), ""
    except LatexError as exc:
        return _plain(_entities(value)), str(exc)


_URL_ESCAPES = re.compile(r"\\([_%&#$~{}])")
_URL_MACRO = re.compile(r"^\\url\{(.*)\}$", re.DOTALL)


def decode_verbatim(value: str) -> str:
    """Values that are not prose (URLs, DOIs, file paths): undo TeX escapes of single
    characters (``\\_`` ``\\%`` ``\\&``) and ``\\url{...}``, drop enclosing braces, keep the rest
    (``~`` in a URL stays a tilde)."""
    value = value.strip()
    match = _URL_MACRO.match(value)
    if match:
        value = match.group(1)
    if "\\" in value:
        value = _URL_ESCAPES.sub(r"\1", value)
    if "{" in value or "}" in value:
        value = _BRACES.sub("", value)
    return value


_SPECIALS = {
    "\\": r"\textbackslash{}",
    "&": r"\&",
    "%": r"\%",
    "$": r"\$",
    "#": r"\#",
    "_": r"\_",
    "{": r"\{",
    "}": r"\}",
    "~": r"\textasciitilde{}",
    "^": r"\textasciicircum{}",
}
_SPECIAL_CHARS = re.compile(r"[\\&%$#_{}~^]")
_LIGATURE_START = re.compile(r"([-`'])(?=\1)")


def escape(text: str) -> str:
    """Text made safe for a braced BibTeX value: ``& % $ # _ { } \\ ~ ^`` escaped; other
    characters (including non-ASCII letters) written as they are (UTF-8 output)."""
    if _SPECIAL_CHARS.search(text):
        text = _SPECIAL_CHARS.sub(lambda m: _SPECIALS[m.group(0)], text)
    if "--" in text or "``" in text or "''" in text:
        # "--" would read back as an en dash: break TeX ligatures with an empty group.
        text = _LIGATURE_START.sub(r"\1{}", text)
    return text


def escape_verbatim(text: str) -> str:
    """URL/DOI values: only what would break the BibTeX syntax is escaped (braces)."""
    if "{" not in text and "}" not in text:
        return text
    return text.replace("{", r"\{").replace("}", r"\}")
