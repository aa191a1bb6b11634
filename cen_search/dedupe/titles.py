"""Titles reduced to matching keys: notes, tags and markup removed, kinds and numbers read.

What :func:`clean_title` removes or rewrites, and why: markup (HTML, JATS, MathML, LaTeX) and
entities, language tags (``[Chinese]``), ``[Review] [12 refs]``, erratum notes (``[Erratum
appears in ...]``), trailing citations of another item, ``RETRACTED:`` and section prefixes;
a bracketed or parallel translation is kept apart as an alternative title.
:func:`title_words` then folds accents and scripts and spells British words the American way
(:mod:`cen_search.dedupe.normalise`). :func:`title_flags` reads the kind of item a title
announces (erratum, reply, comment, protocol ...); :func:`numbers_in` the numbers it states
(digits, number words, roman numerals after "part"/"phase"/...), which tell Part I from Part II.
"""

from __future__ import annotations

import re
from functools import lru_cache

from cen_search.dedupe.normalise import american, fold, strip_markup, words

_DIGITS = re.compile(r"\d+")

# ---------------------------------------------------------------------------------------------
# numbers in titles

NUMBER_WORDS = {
    "one": "1",
    "two": "2",
    "three": "3",
    "four": "4",
    "five": "5",
    "six": "6",
    "seven": "7",
    "eight": "8",
    "nine": "9",
    "ten": "10",
    "eleven": "11",
    "twelve": "12",
    "first": "1",
    "second": "2",
    "third": "3",
    "fourth": "4",
    "fifth": "5",
    "sixth": "6",
    "single": "1",
    "twenty": "20",
    "thirty": "30",
    "forty": "40",
    "fifty": "50",
    "hundred": "100",
}
ROMAN = {
    "i": "1",
    "ii": "2",
    "iii": "3",
    "iv": "4",
    "v": "5",
    "vi": "6",
    "vii": "7",
    "viii": "8",
    "ix": "9",
    "x": "10",
    "xi": "11",
    "xii": "12",
    "xiii": "13",
    "xiv": "14",
    "xv": "15",
    "xvi": "16",
    "xvii": "17",
    "xviii": "18",
    "xix": "19",
    "xx": "20",
}
# fmt: off
_ROMAN_CONTEXT = frozenset(
    [
        "part", "phase", "type", "stage", "grade", "class", "section", "chapter", "volume",
        "vol", "series", "book", "trial", "study", "report", "paper", "pt", "no", "number",
        "level", "factor", "group", "complex", "mode", "category", "criteria",
    ]
)
"""Words after which a roman numeral is a number ("type ii", "phase iii")."""
# fmt: on
_NUMERIC_WORDS = frozenset(NUMBER_WORDS) | frozenset(ROMAN)
_LETTER_NUMERALS = ("i", "v", "x")
"""Roman numerals that are also words or initials: numbers only after a context word."""


@lru_cache(maxsize=65536)
def numbers_in(tokens: tuple[str, ...]) -> tuple[str, ...]:
    """Sorted numbers a title's words state (digits, number words, roman numerals in context)."""
    found: list[str] = []
    for i, token in enumerate(tokens):
        if token.isalpha() and token not in _NUMERIC_WORDS:
            continue
        if token.isdigit():
            found.append(str(int(token)))
        elif token in NUMBER_WORDS:
            found.append(NUMBER_WORDS[token])
        elif token in ROMAN and (
            (i > 0 and tokens[i - 1] in _ROMAN_CONTEXT)
            or (i == len(tokens) - 1 and token not in _LETTER_NUMERALS)
        ):
            found.append(ROMAN[token])
        else:
            found.extend(str(int(d)) for d in _DIGITS.findall(token))
    return tuple(sorted(found))


# ---------------------------------------------------------------------------------------------
# titles

_LANGUAGES = (
    "afrikaans|albanian|arabic|armenian|bosnian|bulgarian|catalan|chinese|croatian|czech|danish|"
    "dutch|english|estonian|finnish|french|georgian|german|greek|modern greek|hebrew|hungarian|"
    "icelandic|indonesian|italian|japanese|korean|latvian|lithuanian|macedonian|malay|"
    "norwegian|persian|polish|portuguese|romanian|russian|serbian|slovak|slovenian|spanish|"
    "swedish|thai|turkish|ukrainian|vietnamese|multiple languages"
)
_LANG_TAG = re.compile(
    rf"\s*[\[(]\s*(?:{_LANGUAGES})(?:\s*(?:,|and|;)\s*(?:{_LANGUAGES}))*"
    r"\s*(?:abstract|text)?\s*[\])]\s*\.?",
    re.IGNORECASE,
)
_ERRATUM_NOTE = re.compile(r"\s*\[(?:published\s+)?erratum appears in[^\]]*\]?.*$", re.IGNORECASE)
"""``[Erratum appears in ...]``: a note about another item, ignored when reading flags."""
_ORIGINAL = re.compile(r"\s*<original>.*$", re.IGNORECASE | re.DOTALL)
"""``<original>`` and the original-language title after it (removed before markup is)."""
_NOTES = [
    _ERRATUM_NOTE,
    re.compile(
        r"\s*\[(?:corrected|retracted|see comments?|comment|letter|editorial|"
        r"news|interview|biography|obituary|abstract|update|note)\]",
        re.IGNORECASE,
    ),
    re.compile(r"\s*\[review\]", re.IGNORECASE),
    re.compile(r"\s*\[\s*\d+\s*refs?\.?\s*\]", re.IGNORECASE),
    re.compile(r"\s*\[abstract no[^\]]*\]", re.IGNORECASE),
    re.compile(r"\s*\(\s*multiple letters?\s*\)", re.IGNORECASE),
    re.compile(r"\s*\[\s*\d\s*\]\s*$"),
    _ORIGINAL,
    re.compile(r"\s*\bto:\s.*$"),
    re.compile(r"\s*\*+\s*$"),
]
_TRAILING_REF = re.compile(r"\.{2,}\s*[A-Z][^.]*\.\s*\d{4}[^.]*;\s*\d+.*$")
_PREFIXES = re.compile(
    r"^\s*(?:retracted(?: article)?|withdrawn|reprint|republished|expression of concern|"
    r"medical progress|clinical practice|original articles?|research articles?|"
    r"review articles?|review-artikel|original research|brief reports?|case reports?|"
    r"editorial|correspondence|letters?)\s*[:.\-]\s+",
    re.IGNORECASE,
)
FLAG_PATTERNS: dict[str, re.Pattern[str]] = {
    "erratum": re.compile(
        r"^\s*(?:erratum|errata|corrigendum|corrigenda|correction|corrections|"
        r"publisher'?s? (?:note|correction)|author'?s?'? correction|notice of correction)\b"
        r"|\(vol\.? \d+,? (?:pg|p)\.? ?\d+|\berratum\b(?! appears)|\bcorrigendum\b"
        r"|^\s*correction to\b|[:\"”]\s*correction to\b",
        re.IGNORECASE,
    ),
    "retraction": re.compile(
        r"^\s*(?:retraction(?: notice| note)?|notice of retraction|retraction of|"
        r"withdrawal)\b(?!\s*\w*ed\b)",
        re.IGNORECASE,
    ),
    "comment": re.compile(
        r"^\s*(?:comments?|commentary|invited commentary|editorial comment)\b(?!\s+and\b)"
        r"|\b(?:comment on|commentary on)\b|[:.]\s*(?:a )?(?:comment|commentary)\s*$",
        re.IGNORECASE,
    ),
    "reply": re.compile(
        r"^\s*(?:re|reply|response|in reply|author(?:s|'s|s')? reply|authors?'? response|"
        r"reply from the authors?|response from the authors?)\b"
        r"|\b(?:reply to|author reply|authors'? reply|the authors reply|reply from)\b"
        r"|\bresponse to (?:the |a )?(?:comments?|letters?|commentary|editorial|critique|"
        r"criticisms?|discussion|correspondence|response|reply)\b"
        r"|[:.\-]\s*(?:reply|response)\s*$",
        re.IGNORECASE,
    ),
    "protocol": re.compile(
        r"\bprotocols?\b|\bstudy design\b|\brationale and design\b", re.IGNORECASE
    ),
    "abstract": re.compile(r"^\s*(?:abstract|poster|oral presentation)\b", re.IGNORECASE),
    "letter": re.compile(r"\bletters? to the editor\b|\bdear editor\b", re.IGNORECASE),
    "bundle": re.compile(r"[(\[]\s*multiple letters?\s*[)\]]", re.IGNORECASE),
}


_LEADING_BRACKET = re.compile(r"^\s*\[([^\[\]]{12,})\]\s*\.?\s*(.*)$")
_TRAILING_BRACKET = re.compile(r"^(.{12,}?)\s*\[([^\[\]]{12,})\]\s*\.?$")


def _bracketed_alternative(text: str) -> tuple[str, str]:
    """Split ``Original [Translation]`` / ``[Translation]`` / ``A; B`` into (main, alternative)."""
    stripped = text.strip().rstrip(".").strip()
    if stripped.startswith("[") and stripped.endswith("]") and stripped.count("[") == 1:
        return stripped[1:-1], ""
    match = _LEADING_BRACKET.match(stripped)
    if match and len(match.group(2)) > 12:
        return match.group(1), match.group(2)
    match = _TRAILING_BRACKET.match(stripped)
    if match:
        return match.group(1), match.group(2)
    if ";" in stripped:
        left, _, right = stripped.partition(";")
        if len(left) > 25 and len(right) > 25:
            return left, right
    for sep in (" = ", " / "):
        if sep in stripped:
            left, _, right = stripped.partition(sep)
            if len(left) > 25 and len(right) > 25:
                return left, right
    return stripped, ""


# fmt: off
_FLAG_TRIGGERS = (
    "errat", "corrig", "correct", "retract", "withdraw", "comment", "reply", "respon", "re ",
    "re:", "protocol", "design", "abstract", "poster", "oral", "letter", "editor", "notice",
    "multiple",
)
"""A cheap first look: a title that contains none of these (lower-cased) and does not end in
a bracket announces nothing, and is not matched against :data:`FLAG_PATTERNS` at all."""
# fmt: on


@lru_cache(maxsize=131072)
def title_flags(text: str) -> frozenset[str]:
    """Kinds of item a title announces (erratum, reply, comment, protocol ...)."""
    if not text:
        return frozenset()
    cited = text.rstrip(" .").endswith((")", "]"))
    lowered = text.lower()
    if not cited and not any(t in lowered for t in _FLAG_TRIGGERS):
        return frozenset()
    head = _ERRATUM_NOTE.sub("", text)
    flags = {name for name, pattern in FLAG_PATTERNS.items() if pattern.search(head)}
    if cited and citation_suffix(head) > 0:
        flags.add("erratum")
    return frozenset(flags)


_VOL_PG = re.compile(r"\bvol\.?\s*\d+|\bpg\.?\s*\d+", re.IGNORECASE)
_YEAR = re.compile(r"\b(?:19|20)\d\d\b")
_WORDISH = re.compile(r"[A-Za-z]{3,}")
_KIND_PREFIX = re.compile(
    r"^\s*(?:erratum|errata|corrigendum|correction(?: to)?|retraction(?: notice)?(?: to)?|"
    r"notice of retraction)\s*[:.\-]\s*",
    re.IGNORECASE,
)


def citation_suffix(text: str) -> int:
    """Start of a trailing citation of another item (``(vol 360, pg 542, 2009)``,
    ``(New England Journal of Medicine (2009) 360 (542-544))``) or -1 when there is none."""
    text = text.rstrip(" .")
    if not text.endswith((")", "]")):
        return -1
    depth = 0
    for pos in range(len(text) - 1, -1, -1):
        char = text[pos]
        if char in ")]":
            depth += 1
        elif char in "([":
            depth -= 1
            if depth == 0:
                inner = text[pos + 1 : -1]
                if _VOL_PG.search(inner) or (
                    _YEAR.search(inner)
                    and len(_DIGITS.findall(inner)) >= 2
                    and _WORDISH.search(inner)
                ):
                    return pos
                return -1
    return -1


_NEEDS_CLEANING = re.compile(r"[\[\](){}<>&\\$*;=/]|\.{2}|\bto:|^\s*\w+(?:\s\w+){0,3}\s*[:.\-]\s")


@lru_cache(maxsize=65536)
def clean_title(text: str) -> tuple[str, str]:
    """The title without markup, notes and tags, split into (main, alternative) raw strings."""
    if not _NEEDS_CLEANING.search(text or ""):
        return " ".join((text or "").split()).strip().rstrip(".").strip(), ""
    original = text or ""
    text = _ORIGINAL.sub("", original)
    text = strip_markup(text)
    text = " ".join(text.split())
    text = _TRAILING_REF.sub("", text)
    for _ in range(3):
        before = text
        text = _LANG_TAG.sub(" ", text)
        for pattern in _NOTES:
            text = pattern.sub("", text)
        cut = citation_suffix(text)
        if cut > 0:
            text = text[:cut]
        text = text.strip().rstrip(".").strip()
        if text == before:
            break
    if not text:
        # the whole title was one bracketed note ("[EDITORIAL]"): that is the title
        text = " ".join(strip_markup(original).replace("[", " ").replace("]", " ").split())
        text = text.strip(" .")
    main, alt = _bracketed_alternative(text)
    main = _PREFIXES.sub("", main)
    main = _KIND_PREFIX.sub("", main)
    return main, alt


def footnote_marker(tokens: tuple[str, ...], *, capitals: bool = False) -> str:
    """The footnote marker a title taken from a PDF may end with (``... A STABLE TOPIC MODEL
    APPROACH 1``): a lone digit at the end of a title of four words or more, else "".

    A word that numbers things keeps its digit (``type 1``, ``phase 2``, ``day 1``). For a
    title in capitals (``capitals``), the form PDF metadata has, that is the only exception;
    otherwise the digit must follow a word that does not number things (``trial 1``,
    ``receptor 4`` keep theirs) or a number that does (``grade 3 1``).
    """
    if len(tokens) < 4:
        return ""
    last, before = tokens[-1], tokens[-2]
    if len(last) != 1 or not last.isdigit() or last == "0":
        return ""
    if before in _NUMBERING or (before.isdigit() and tokens[-3] in _NUMBERING and not capitals):
        return ""
    if capitals:
        return last
    if before.isdigit():  # "... neoplasia grade 3 1": the marker after a number
        before = tokens[-3]
    if before in _NUMBER_CONTEXT or not before.isalpha() or len(before) < 2:
        return ""
    return last


# fmt: off
_NUMBERING = frozenset(
    [
        "part", "phase", "type", "stage", "grade", "class", "chapter", "volume", "vol",
        "series", "no", "number", "pt", "section", "level", "wave", "cycle", "day", "week",
        "month", "year", "version", "edition", "step", "session", "figure", "table",
    ]
)
"""Words whose lone digit is never a footnote marker."""
_NUMBER_CONTEXT = _NUMBERING | _ROMAN_CONTEXT | frozenset(NUMBER_WORDS) | frozenset(
    [
        "days", "weeks", "months", "years", "dose", "arm", "cohort", "round", "visit",
        "appendix", "experiment", "and", "or", "to", "than", "versus", "vs", "receptor",
        "gene", "domain", "protein", "kinase", "chromosome", "trisomy", "sprint", "release",
    ]
)
"""Words after which a lone digit ending a title in mixed case is part of it."""
# fmt: on


_DIGIT = re.compile(r"\d")
_THOUSANDS = re.compile(r"(?<=\d)[,\s](?=\d{3}\b)")


@lru_cache(maxsize=65536)
def title_words(text: str) -> tuple[str, ...]:
    """Folded, American-spelt words of a (cleaned) title (``10,000`` -> ``10000``)."""
    if _DIGIT.search(text):
        text = _THOUSANDS.sub("", text)
    return tuple(american(w) for w in words(fold(text)))
