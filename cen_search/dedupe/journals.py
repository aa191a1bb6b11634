"""Journal names: noise removed, abbreviations and translated names matched.

``journal_key`` maps a name to its normalised words (translated and transliterated names to one
name through ``tables/journal_variants.csv``); ``journals_compatible`` says whether two names can
be the same journal (abbreviation, truncation, parallel title).
"""

from __future__ import annotations

import csv
import re
from functools import lru_cache
from importlib import resources

from cen_search.dedupe.normalise import american, fold, strip_markup, words

_JOURNAL_NOISE = re.compile(
    r"\[electronic resource\]|\((?:print|online|electronic|internet|e-?only)\)|"
    r"\((?:london|england|oxford|new york|n\.?y\.?|1946|chicago|baltimore|basel|berlin|tokyo|"
    r"paris|s\w*o carlos[^)]*|impr\.?)\)",
    re.IGNORECASE,
)
_ORDINAL = re.compile(r"^\d+(?:st|nd|rd|th)?$")
_TRAILING_QUALIFIER = re.compile(r"\s*\([^)]*\)\s*$")
# fmt: off
JOURNAL_STOPWORDS = frozenset(
    [
        "the", "of", "and", "for", "in", "on", "de", "la", "le", "les", "des", "du", "der",
        "die", "das", "und", "fur", "a", "an", "et", "y", "e", "i", "da", "do", "dos", "della",
        "di", "del", "al", "to",
    ]
)
# fmt: on


def journal_words(text: str) -> tuple[str, ...]:
    """Folded words of a journal name without noise, stop words and parallel titles."""
    text = strip_markup(text or "").strip().strip("\"'").strip()
    text = _JOURNAL_NOISE.sub(" ", text)
    text = text.split(" = ")[0]
    text = _TRAILING_QUALIFIER.sub("", text)  # trailing place/year qualifiers
    text = text.replace("&", " and ")
    return tuple(
        american(w)
        for w in words(fold(text))
        if w not in JOURNAL_STOPWORDS and not _ORDINAL.match(w)
    )


_VENUE_SHORT = re.compile(r"\s*(?::|\s-\s|\.\s*Conference\b)")
_BRACKETED = re.compile(r"\s*\[([^\[\]]{4,})\]\s*")


@lru_cache(maxsize=65536)
def journal_names(value: str) -> tuple[str, ...]:
    """The names one container field gives for its journal, whole and in parts: the name
    before a subtitle or an appended conference (``Pediatric Nephrology. Conference: 44th
    Annual Meeting ...``, ``Proc. X: 12th Conference``), and a name given with its
    translation in brackets (``Zhongguo zhen jiu [Chinese acupuncture & moxibustion]``)
    without it and as the translation alone. Two records of one journal that name it
    differently share one of these; different journals share none."""
    names = [value]
    head = _VENUE_SHORT.split(value, maxsplit=1)[0]
    if head != value:
        names.append(head)
    for name in list(names):
        inner = _BRACKETED.search(name)
        if inner and "electronic" not in inner.group(1).lower():
            names.append(_BRACKETED.sub(" ", name))
            names.append(inner.group(1))
    return tuple(dict.fromkeys(n.strip() for n in names if n.strip()))


@lru_cache(maxsize=1)
def _variant_table() -> dict[tuple[str, ...], tuple[str, ...]]:
    """Variant name words -> the journal's name words (``tables/journal_variants.csv``)."""
    table: dict[tuple[str, ...], tuple[str, ...]] = {}
    path = resources.files("cen_search.dedupe") / "tables" / "journal_variants.csv"
    with path.open("r", encoding="utf-8") as fh:
        for row in csv.DictReader(fh):
            canonical = journal_words(row["journal"])
            variant = journal_words(row["variant"])
            if canonical and variant:
                table.setdefault(variant, canonical)
    return table


@lru_cache(maxsize=65536)
def journal_key(text: str) -> tuple[str, ...]:
    """Normalised journal words, translated and transliterated names mapped to one name."""
    tokens = journal_words(text)
    return _variant_table().get(tokens, tokens)


def journals_compatible(a: tuple[str, ...], b: tuple[str, ...]) -> bool:
    """True when one name can be an abbreviation, truncation or variant of the other.

    Each word of the shorter name must be a prefix of a word of the longer one, in order; all
    words of the longer name must be used except at its end (truncated exports) or when the
    shorter name is a run of initials. ``("nat", "rev", "nephrol")`` fits
    ``("nature", "reviews", "nephrology")``.
    """
    if not a or not b:
        return False
    if a == b or "".join(a) == "".join(b):
        return True
    if len(a) == len(b):
        return _fits(a, b) or _fits(b, a)
    return _fits(a, b) if len(a) < len(b) else _fits(b, a)


def _fits(short: tuple[str, ...], long_: tuple[str, ...]) -> bool:
    """Whether ``short`` (fewer words) abbreviates or truncates ``long_``."""
    if len(short) == 1 and len(long_) > 1:
        word = short[0]
        initials = "".join(w[0] for w in long_)
        if word == initials or word == "".join(long_):
            return True
        # "Praxis" vs "Schweizerische Rundschau fur Medizin Praxis"
        return len(word) >= 5 and word in long_ and (long_[-1] == word or long_[0] == word)
    i = 0
    skipped = 0
    for word in short:
        while i < len(long_) and not _prefix_match(word, long_[i]):
            i += 1
            skipped += 1
        if i == len(long_):
            return False
        i += 1
    return skipped <= max(1, len(long_) // 4)


def _prefix_match(abbrev: str, word: str) -> bool:
    """Whether ``abbrev`` abbreviates ``word``: a prefix, or its letters in order."""
    if abbrev == word:
        return True
    if word.startswith(abbrev):
        return len(abbrev) >= 2 or len(word) <= 3 or abbrev == word[0]
    # contractions: "natl" ~ "national", "assoc" ~ "association", "jpn" ~ "japanese"
    if abbrev[0] != word[0] or len(abbrev) < 2:
        return False
    it = iter(word)
    return all(ch in it for ch in abbrev)
