"""Matching keys for deduplication: every field reduced to the form two copies of one record share.

Normalisation does most of the work of deduplication. Each function here is pure and works on
one value; :func:`normalise_record` (in :mod:`cen_search.dedupe.keys`) puts them together.
What is removed or rewritten, and why:

* titles: markup (HTML, JATS, MathML, LaTeX) and entities, language tags (``[Chinese]``),
  ``[Review] [12 refs]``, erratum notes (``[Erratum appears in ...]``), ``RETRACTED:``
  prefixes, bracketed translations (kept apart as an alternative title), Greek letters spelled
  out, accents and scripts transliterated (unidecode), number words and roman numerals after
  "part"/"phase"/... turned into digits, British spellings turned American;
* authors: surnames without particles' spacing, accents or case; first initial; lost
  separators (``Adeli K.Lewis G. F.``) repaired; ``Anonymous`` and ``et al.`` dropped;
* journals: see :mod:`cen_search.dedupe.journals`;
* pages: supplement prefixes (``S123``), leading zeros, article numbers; junk in issue fields.
"""

from __future__ import annotations

import html
import re
import unicodedata
from functools import lru_cache

from unidecode import unidecode

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
_GREEK_NAMES = {name for name in GREEK.values()}
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
_DIGITS = re.compile(r"\d+")
_LONG_NUMBER = re.compile(r"\d{5,}")
_ISSUE = re.compile(r"^\D{0,12}?(\d{1,4})(?!\d)")
_LEADING_BRACKET = re.compile(r"^\s*\[([^\[\]]{12,})\]\s*\.?\s*(.*)$")
_TRAILING_BRACKET = re.compile(r"^(.{12,}?)\s*\[([^\[\]]{12,})\]\s*\.?$")
_ORIGINAL = re.compile(r"\s*<original>.*$", re.IGNORECASE | re.DOTALL)


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
_ROMAN_CONTEXT = {
    "part",
    "phase",
    "type",
    "stage",
    "grade",
    "class",
    "section",
    "chapter",
    "volume",
    "vol",
    "series",
    "book",
    "trial",
    "study",
    "report",
    "paper",
    "pt",
    "no",
    "number",
    "level",
    "factor",
    "group",
    "complex",
    "mode",
    "category",
    "criteria",
}


_NUMERIC_WORDS = frozenset(NUMBER_WORDS) | frozenset(ROMAN)


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
        elif (
            token in ROMAN
            and token not in ("i", "v", "x")
            and ((i > 0 and tokens[i - 1] in _ROMAN_CONTEXT) or i == len(tokens) - 1)
        ) or (token in ("i", "v", "x") and i > 0 and tokens[i - 1] in _ROMAN_CONTEXT):
            found.append(ROMAN[token])
        else:
            digits = _DIGITS.findall(token)
            found.extend(str(int(d)) for d in digits)
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
_NOTES = [
    re.compile(r"\s*\[(?:published\s+)?erratum appears in[^\]]*\]?.*$", re.IGNORECASE),
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
    re.compile(r"\s*<original>.*$", re.IGNORECASE | re.DOTALL),
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
        r"|^\s*correction to\b",
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
        r"|\bresponse to (?:the )?(?:comments?|letters?|commentary|editorial|critique|"
        r"criticisms?|discussion|correspondence)\b|[:.\-]\s*(?:reply|response)\s*$",
        re.IGNORECASE,
    ),
    "protocol": re.compile(
        r"\bprotocols?\b|\bstudy design\b|\brationale and design\b", re.IGNORECASE
    ),
    "abstract": re.compile(r"^\s*(?:abstract|poster|oral presentation)\b", re.IGNORECASE),
    "letter": re.compile(r"\bletters? to the editor\b|\bdear editor\b", re.IGNORECASE),
    "bundle": re.compile(r"[(\[]\s*multiple letters?\s*[)\]]", re.IGNORECASE),
}


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


_FLAG_TRIGGERS = (
    "errat",
    "corrig",
    "correct",
    "retract",
    "withdraw",
    "comment",
    "reply",
    "respon",
    "re ",
    "re:",
    "protocol",
    "design",
    "abstract",
    "poster",
    "oral",
    "letter",
    "editor",
    "notice",
    "multiple",
)


@lru_cache(maxsize=131072)
def title_flags(text: str) -> frozenset[str]:
    """Kinds of item a title announces (erratum, reply, comment, protocol ...)."""
    if not text:
        return frozenset()
    cited = text.rstrip(" .").endswith((")", "]"))
    lowered = text.lower()
    if not cited and not any(t in lowered for t in _FLAG_TRIGGERS):
        return frozenset()
    head = _NOTES[0].sub("", text)
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


_DIGIT = re.compile(r"\d")
_THOUSANDS = re.compile(r"(?<=\d)[,\s](?=\d{3}\b)")


@lru_cache(maxsize=65536)
def title_words(text: str) -> tuple[str, ...]:
    """Folded, American-spelt words of a (cleaned) title (``10,000`` -> ``10000``)."""
    if _DIGIT.search(text):
        text = _THOUSANDS.sub("", text)
    return tuple(american(w) for w in words(fold(text)))


# ---------------------------------------------------------------------------------------------
# authors

_LOST_SEPARATOR = re.compile(r"(?<=[A-Z]\.)(?=[A-Z][a-z])")
_DROP_AUTHORS = {"anonymous", "anon", "et al", "et al.", "others", "unknown", "na", "n/a"}


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
    return raw.strip().strip(".[]").lower() in _DROP_AUTHORS


# ---------------------------------------------------------------------------------------------
# numbers: volumes, issues, pages


def clean_volume(value: str) -> str:
    """Digits of the volume (``"35 Suppl 1"`` -> ``"35"``); "" if none or a year (``"2016"``)."""
    match = _DIGITS.search(value or "")
    if not match:
        return ""
    number = int(match.group(0))
    return "" if 1800 <= number <= 2100 else str(number)


def clean_issue(value: str) -> str:
    """The issue number; Ovid accession numbers and other junk (5+ digits) become "".

    Issue numbers of 100 and more are kept but not trusted to contradict (see the rules):
    Ovid puts small accession numbers there too."""
    value = (value or "").strip()
    match = _ISSUE.match(value)
    if not match:
        return ""
    if _LONG_NUMBER.search(value):
        return ""
    return str(int(match.group(1)))


_ROMAN_PAGE = re.compile(r"^\s*([ivxlc]{1,6})\s*$", re.IGNORECASE)


def page_number(value: str) -> str:
    """A page or article number without prefixes or leading zeros (``"S123"`` -> ``"123"``);
    roman page numbers of front matter are kept as written (``"ii"``)."""
    match = _DIGITS.search(value or "")
    if not match:
        roman = _ROMAN_PAGE.match(value or "")
        return roman.group(1).lower() if roman else ""
    return str(int(match.group(0)))
