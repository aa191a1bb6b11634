"""Matching keys for deduplication: values reduced to the form two copies of one record share.

Normalisation does most of the work of deduplication. Each function here is pure and works on
one value; :func:`~cen_search.dedupe.keys.record_keys` puts them together. Titles have their
own module (:mod:`cen_search.dedupe.titles`), journals too (:mod:`cen_search.dedupe.journals`).
What is removed or rewritten here, and why:

* any text: markup (HTML, JATS, MathML, LaTeX) and entities; Greek letters spelled out,
  accents and scripts transliterated (unidecode); British spellings turned American;
* authors: surnames without particles' spacing, accents or case; lost separators
  (``Adeli K.Lewis G. F.``) repaired; ``Anonymous`` and ``et al.`` dropped;
* volumes, issues and pages: supplement prefixes (``S123``), leading zeros, years given as
  volumes, accession numbers given as issues.
"""

from __future__ import annotations

import html
import re
import unicodedata
from functools import lru_cache

from unidecode import unidecode

from cen_search.dedupe.numbering import issue_key, volume_key

# ---------------------------------------------------------------------------------------------
# text basics

_TAG = re.compile(r"</?[A-Za-z][A-Za-z0-9:_-]*(?:\s[^<>]*)?/?>")
_LATEX_CMD = re.compile(
    r"\\(?:textit|textbf|emph|mathrm|mathit|mathbf|text|textsc|textrm)\s*\{([^{}]*)\}"
)
_LATEX_ACCENT = re.compile(r"\\[`'^\"~=.uvHckbdr]\s*\{?\\?([A-Za-z])\}?")
_LATEX_SYMBOL = re.compile(r"\\([A-Za-z]+)")

GREEK = {
    "α": "alpha",
    "β": "beta",
    "γ": "gamma",
    "δ": "delta",
    "ε": "epsilon",
    "ζ": "zeta",
    "η": "eta",
    "θ": "theta",
    "ι": "iota",
    "κ": "kappa",
    "λ": "lambda",
    "μ": "mu",
    "ν": "nu",
    "ξ": "xi",
    "ο": "omicron",
    "π": "pi",
    "ρ": "rho",
    "σ": "sigma",
    "ς": "sigma",
    "τ": "tau",
    "υ": "upsilon",
    "φ": "phi",
    "ϕ": "phi",
    "χ": "chi",
    "ψ": "psi",
    "ω": "omega",
    "µ": "mu",
    "ϐ": "beta",
}
_GREEK_NAMES = frozenset(GREEK.values())
_GREEK_RE = re.compile("|".join(sorted(GREEK, key=len, reverse=True)))


def strip_markup(text: str) -> str:
    """Remove HTML/JATS/MathML tags and entities and simple LaTeX commands, keeping content."""
    if "&" in text:
        text = html.unescape(html.unescape(text))
    if "<" in text:
        text = _TAG.sub(" ", text)
    if "\\" in text or "$" in text:
        text = _LATEX_CMD.sub(r"\1", text)
        text = _LATEX_ACCENT.sub(r"\1", text)
        text = _LATEX_SYMBOL.sub(
            lambda m: " " + m.group(1) + " " if m.group(1).lower() in _GREEK_NAMES else " ", text
        )
        text = text.replace("$", " ").replace("{", "").replace("}", "")
    return text


_LATIN_EXTRA = str.maketrans(
    {
        "ß": "ss",
        "æ": "ae",
        "œ": "oe",
        "ø": "o",
        "ł": "l",
        "đ": "d",
        "ð": "d",
        "þ": "th",
        "ı": "i",
        "ŀ": "l",
        "ħ": "h",
        "ŧ": "t",
    }
)
_COMBINING = re.compile(r"[\u0300-\u036f]+")
_DROPPABLE = re.compile(r"[\u2000-\u206f\u00a0-\u00bf\u00d7\u00f7\u2212\ufeff]+")


def fold(text: str) -> str:
    """Lower-case ASCII: Greek letters spelled out, accents and other scripts transliterated.

    Latin-script text is folded by Unicode decomposition (fast); anything else (Cyrillic,
    Chinese ...) by unidecode. Both give the same letters for Latin text with accents.
    """
    if text.isascii():
        return text.lower()
    lowered = unicodedata.normalize("NFC", text).lower()
    if _GREEK_RE.search(lowered):
        lowered = _GREEK_RE.sub(lambda m: f" {GREEK[m.group(0)]} ", lowered)
    decomposed = unicodedata.normalize("NFKD", lowered.translate(_LATIN_EXTRA))
    latin = _DROPPABLE.sub(" ", _COMBINING.sub("", decomposed))
    if latin.isascii():
        return latin
    return unidecode(lowered).lower()


_NON_ALNUM = re.compile(r"[^a-z0-9]+")


def words(text: str) -> list[str]:
    """Alphanumeric words of already folded text."""
    return [w for w in _NON_ALNUM.split(text) if w]


# ---------------------------------------------------------------------------------------------
# spelling variants (British -> American; applied to whole folded words)

_SPELLING = [
    (
        re.compile(
            r"\b(h|an|leuk|isch|septic|hyperglyc|hypoglyc|hyperkal|hypokal|hyponatr|"
            r"hypernatr|tox|bacter|vir|ur|lipid|glyc|p|orthop|gyn|arch|encyclop|anaest|"
            r"an|haem|pal)ae"
        ),
        r"\1e",
    ),
    (re.compile(r"ae(?=m|sth|tiol|dia|dic|dia|co|nat|rob)"), "e"),
    (
        re.compile(
            r"\b(o|f|amen|diarrh|dyspn|apn|c|gon|homoe|man|oestr|pharmacop|hypopn|"
            r"orthopn|steat|seb|leucorrh|rh|log)oe"
        ),
        r"\1e",
    ),
    (re.compile(r"oe(?=soph|dem|stro|stra|tus|tal|liac)"), "e"),
    (re.compile(r"(?<=[a-z]{2})our(?=s?\b|ed\b|ing\b|able\b|ite\b|ites\b)"), "or"),
    (re.compile(r"(?<=[a-z]{3})is(e|ed|es|ing|ation|ations|er|ers)\b"), r"iz\1"),
    (re.compile(r"(?<=[a-z]{2})ys(e|ed|es|ing)\b"), r"yz\1"),
    (re.compile(r"\b(cent|fib|lit|met|theat|calib|spect|lust|sab|somb)re(s?)\b"), r"\1er\2"),
    (re.compile(r"\bprogramme"), "program"),
    (re.compile(r"(?<=[a-z])ogue\b"), "og"),
    (re.compile(r"\bgrey\b"), "gray"),
    (re.compile(r"\bleucocyt"), "leukocyt"),
    (re.compile(r"\bsulph"), "sulf"),
    (re.compile(r"\bcaesar"), "cesar"),
    (re.compile(r"\baluminium\b"), "aluminum"),
    (re.compile(r"\bfaec"), "fec"),
    (re.compile(r"(?<=[a-z])ll(ed|ing|er|ers)\b"), r"l\1"),
]


@lru_cache(maxsize=65536)
def american(word: str) -> str:
    """One spelling for words spelt differently in British and American English."""
    if len(word) < 4:
        return word
    for pattern, repl in _SPELLING:
        if pattern.search(word):
            word = pattern.sub(repl, word)
    return word


# ---------------------------------------------------------------------------------------------
# authors

_LOST_SEPARATOR = re.compile(r"(?<=[A-Z]\.)(?=[A-Z][a-z])")
_DROP_AUTHORS = frozenset(
    {"anonymous", "anon", "et al", "et al.", "others", "unknown", "na", "n/a"}
)


def family_key(family: str) -> str:
    """``"Le Quintrec"`` -> ``"lequintrec"``; ``"Nürnberger"`` -> ``"nurnberger"``; stray
    initials left on the family name (``"Lewis G."``) are dropped."""
    parts = words(fold(family))
    while len(parts) > 1 and len(parts[-1]) == 1:
        parts.pop()
    return "".join(parts)


def repair_author_strings(raws: list[str]) -> list[str]:
    """Split strings whose separators were lost (``"Adeli K.Lewis G. F."``)."""
    if not _LOST_SEPARATOR.search("\n".join(raws)):
        return raws
    out: list[str] = []
    for raw in raws:
        parts = _LOST_SEPARATOR.split(raw) if "." in raw else [raw]
        out.extend(p.strip() for p in parts if p.strip())
    return out


def is_placeholder_author(raw: str) -> bool:
    """True for author strings that name nobody (``"Anonymous"``, ``"[et al.]"``, ``"N/A"``)."""
    return raw.strip().strip(".[]").lower() in _DROP_AUTHORS


# ---------------------------------------------------------------------------------------------
# numbers: volumes, issues, pages

_DIGITS = re.compile(r"\d+")


def clean_volume(value: str) -> str:
    """Digits of the volume (``"35 Suppl 1"`` -> ``"35"``); "" if none, a year (``"2016"``)
    or not a plausible volume (``"1)"``): see :func:`cen_search.dedupe.numbering.volume_key`."""
    return volume_key(value).number


def clean_issue(value: str) -> str:
    """The issue number (``"10 SUPPL. 1"`` -> ``"10"``); Ovid accession numbers and other
    junk become "" (see :func:`cen_search.dedupe.numbering.issue_key`, which also reads the
    supplement). Issue numbers of 100 and more are kept but not trusted to contradict (see
    the rules): Ovid puts small accession numbers there too."""
    return issue_key(value).number


_ROMAN_PAGE = re.compile(r"^\s*([ivxlc]{1,6})\s*$", re.IGNORECASE)


def page_number(value: str) -> str:
    """A page or article number without prefixes or leading zeros (``"S123"`` -> ``"123"``);
    roman page numbers of front matter are kept as written (``"ii"``)."""
    match = _DIGITS.search(value or "")
    if not match:
        roman = _ROMAN_PAGE.match(value or "")
        return roman.group(1).lower() if roman else ""
    return str(int(match.group(0)))
