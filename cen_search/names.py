"""Parsing author names, whatever form an export gives them in.

Forms seen in real exports: ``Smith, John A.``, ``Smith, J. A.``, ``Smith JA`` (MEDLINE),
``J. A. Smith`` (IEEE), ``John Smith`` (Mendeley), ``Shi,Yu`` (no space), ``Nayyar A.``,
``van der Berg, A.``, ``Smith, Jr., John``, group authors (``World Health Organization``),
``Anonymous``. Author lists run to thousands of names in one record, so the common
``Family, Given`` form takes a fast path.
"""

from __future__ import annotations

import re

from cen_search._slots import constructor
from cen_search.models import Author

_author = constructor(Author)  # Author(raw, family, given, initials, organisation), faster

_PARTICLES = frozenset(
    {
        "van",
        "von",
        "der",
        "den",
        "de",
        "del",
        "della",
        "di",
        "da",
        "du",
        "le",
        "la",
        "dos",
        "das",
        "ter",
        "ten",
        "op",
        "het",
        "bin",
        "al",
        "el",
        "st",
        "st.",
    }
)
_ORG_WORDS = re.compile(
    r"\b(group|organi[sz]ation|association|society|committee|council|consortium|"
    r"collaborat\w*|institute|department|ministry|university|agency|network|team|"
    r"investigators|trialists|study|working|centre|center|federation|foundation|"
    r"national|international|office|board|panel|taskforce|task force|world|health)\b",
    re.IGNORECASE,
)
_INITIALS_ONLY = re.compile(r"^(?:[A-Z]\.?[\s-]*){1,4}$")
_SUFFIXES = frozenset({"jr", "jr.", "sr", "sr.", "ii", "iii", "iv", "2nd", "3rd"})
_ANONYMOUS = frozenset({"anonymous", "anon", "[anonymous]", "et al", "et al."})


def initials_of(given: str) -> str:
    """``"John Andrew"`` -> ``"JA"``; ``"J.-P."`` -> ``"JP"``; ``"JA"`` -> ``"JA"``."""
    given = given.strip()
    if not given:
        return ""
    if given.isupper():  # (a lower-case letter rules out the compact form)
        compact = given.replace(".", "").replace(" ", "").replace("-", "")
        if len(compact) <= 4 and compact.isalpha():
            return compact
    out = ""
    for part in given.replace(".", " ").replace("-", " ").split():
        if part[0].isalpha():
            out += part[0]
    return out.upper()


def _is_initials(token: str) -> bool:
    # Initials are upper case: a token with a lower-case letter (or no letter at all) is
    # never initials, which settles most tokens ("Smith", "John") without the pattern.
    if not token.isupper():
        return False
    token = token.strip()
    if _INITIALS_ONLY.match(token):
        return True
    bare = token.replace(".", "")
    return bare.isupper() and bare.isalpha() and len(bare) <= 3


def _without_suffixes(given: str) -> str:
    """Drop generational suffixes ("Jr.", "III") from given names, wherever they stand."""
    if "," in given:
        given = " ".join(p.strip() for p in given.split(",") if p.strip())
    elif given.rpartition(" ")[2].lower() not in _SUFFIXES:
        return given
    words = given.split()
    return " ".join(w for w in words if w.lower() not in _SUFFIXES)


_EMAIL = re.compile(
    r"\s*[(\[<{]?\s*(?:e-?mail(?:\s+address)?\s*[:=]?\s*)?"
    r"[\w.!#$%&'*+/=?^`|~-]+@[\w-]+(?:\.[\w-]+)+\s*[)\]>}]?",
    re.IGNORECASE,
)


def without_email(name: str) -> str:
    """``name`` without an e-mail address some exports put inside author names
    (``"Smith, John (john.smith@uni.edu)"``, ``"Smith J, Email: js@x.org"``): an address is
    never part of a name. The record's raw fields keep the name as the source wrote it."""
    if "@" not in name:
        return name
    cleaned = _EMAIL.sub(" ", name)
    return " ".join(cleaned.split()).strip(" ,;:")


def parse_author(raw: str) -> Author:
    """Parse one author string into family name, given names and initials (raw kept, less
    any e-mail address: see :func:`without_email`)."""
    if "@" in raw:
        raw = without_email(raw)
    # Fast path for the form most exports use, "Family, Given" with plain spacing and one
    # comma ("Smith, John A.", "van der Berg, J. A.", "Shi,Yu"): the general parser below
    # would only confirm that there is nothing to clean (no runs of blanks, tabs, newlines or
    # no-break spaces, no ";" at either end, no second comma, no suffix such as "Jr.") before
    # splitting at the comma, so those checks are made directly. Tests pin that both give
    # the same result on every author string in the shared exports.
    text = raw.strip()
    comma = text.find(",")
    if (
        comma > 0
        and text.find(",", comma + 1) < 0
        and text.isprintable()  # no tab, newline or no-break space
        and "  " not in text
        and text[0] != ";"
        and text[-1] != ";"
    ):
        # after the comma at most one space, and nothing to strip at the end
        given = text[comma + 2 :] if text[comma + 1 : comma + 2] == " " else text[comma + 1 :]
        if " " in given:  # several given names or initials: "John A.", "J. A."
            if given.rpartition(" ")[2].lower() not in _SUFFIXES:
                return _author(raw, text[:comma].rstrip(), given, initials_of(given), False)
        elif given and given.lower() not in _SUFFIXES:  # one word: "John", "JA", "J.-P."
            if "." in given or "-" in given or (len(given) <= 4 and given.isupper()):
                initials = initials_of(given)  # initials or a hyphenated name
            else:
                initials = given[0].upper() if given[0].isalpha() else ""
            return _author(raw, text[:comma].rstrip(), given, initials, False)
    return _parse_general(raw)


def _parse_general(raw: str) -> Author:
    """Any author string: squashes blanks, drops suffixes, tells groups and name orders."""
    text = raw.strip()
    if "  " in text or "\u00a0" in text or "\n" in text or "\t" in text:
        text = " ".join(text.replace("\u00a0", " ").split())
    if ";" in text:
        text = text.strip(";").strip()
    if text.endswith(","):  # "Joseph C,", "Anonymous,": a comma with nothing after it
        text = text.rstrip(", ")
    if not text:
        return Author(raw)
    comma = text.find(",")
    if comma > 0:
        family = text[:comma].rstrip()
        given = text[comma + 1 :].strip()
        if " " in given or "," in given:
            given = _without_suffixes(given)
        elif (
            given
            and "." not in given
            and "-" not in given  # one word: "John", "JA", "Jr"
            and (len(given) > 4 or not given.isupper())  # and not MEDLINE initials
        ):
            if given.lower() in _SUFFIXES:
                return Author(raw, family)
            initials = given[0].upper() if given[:1].isalpha() else ""
            return _author(raw, family, given, initials, False)
        if not given:
            if text.lower() in _ANONYMOUS:
                return Author(raw, organisation=True)
            if _ORG_WORDS.search(family):
                return Author(raw, family, organisation=True)
        elif given.lower() in _SUFFIXES:  # "Smith, Jr." with nothing else
            given = ""
        return _author(raw, family, given, initials_of(given), False)
    if text.lower() in _ANONYMOUS:
        return Author(raw, organisation=True)
    words = text.split()
    if len(words) >= 3 and _ORG_WORDS.search(text) and not any(_is_initials(w) for w in words):
        return Author(raw, text, organisation=True)
    if any(w.lower() in _SUFFIXES for w in words):
        words = [w for w in words if w.lower() not in _SUFFIXES] or [text]  # "II" alone
    if len(words) == 1:
        return _author(raw, words[0], "", "", False)
    # "Smith JA" / "Nayyar A." (MEDLINE and Scopus: family first, initials last)
    if _is_initials(words[-1]) and not _is_initials(words[0]):
        cut = len(words) - 1  # (initials may be spaced: "Lewis G. F.")
        while cut > 1 and _is_initials(words[cut - 1]):
            cut -= 1
        given = " ".join(words[cut:])
        return _author(raw, " ".join(words[:cut]), given, initials_of(given), False)
    # "J. A. Smith", "John A. Smith", "Ludwig van Beethoven"
    cut = len(words) - 1
    while cut > 1 and words[cut - 1].lower() in _PARTICLES:
        cut -= 1
    given = " ".join(words[:cut])
    return _author(raw, " ".join(words[cut:]), given, initials_of(given), False)


_SPLIT_AND = re.compile(r"\s+and\s+", re.IGNORECASE)
_LOST_SEPARATOR = re.compile(r"(?:(?<= [A-Z]\.)|(?<= [A-Z]\.[A-Z]\.))(?=[A-Z][a-z])")
"""Where two names were glued together: "Adeli K.Lewis G. F." -> "Adeli K." | "Lewis G. F."."""


def _family_initials(part: str) -> bool:
    """``"Phillips J.C."``, ``"Lewis GF"``: a family name then initials (MEDLINE, Embase)."""
    words = part.split()
    return len(words) > 1 and _is_initials(words[-1])


def split_glued_authors(value: str) -> list[str]:
    """The names in a value that should hold one author but holds several.

    Each author tag of RIS, MEDLINE or EndNote holds one name; exports and conversions
    sometimes put a whole list in one: ``"Cui, G.; Lui, H.-K."``, ``"Adeli K., Lewis G. F."``
    (names written family-then-initials, separated by commas), or ``"Adeli K.Lewis G. F."``
    (the separator lost). Anything else, ``"Smith, John"`` included, is one name.
    """
    if ";" in value:
        return [part for part in value.split(";") if part.strip()] or [value]
    comma = value.find(",")
    if comma < 0:
        return _LOST_SEPARATOR.split(value) if "." in value else [value]
    if " " not in value[:comma].strip():  # "Smith, John": family, comma, given names
        return [value]
    parts = [part for part in value.split(",") if part.strip()]
    if len(parts) > 1 and all(_family_initials(part) for part in parts):
        return [name for part in parts for name in _LOST_SEPARATOR.split(part)]
    return [value]


def split_authors(value: str) -> list[str]:
    """Split a field that holds several authors into one string per author.

    Handles ``" and "`` (BibTeX), ``"; "`` (most CSVs), and Scopus/Embase CSV's
    ``"Phillips J.C., Braun R."`` where commas separate authors written ``Family Initials``.
    """
    value = value.strip()
    if not value:
        return []
    if "." in value:  # "Adeli K.Lewis G. F.": two names, the separator lost
        parts = _LOST_SEPARATOR.split(value)
        if len(parts) > 1:
            return [name for part in parts for name in split_authors(part)]
    if _SPLIT_AND.search(value) and ("," in value or " and " in value):
        return [a.strip() for a in _SPLIT_AND.split(value) if a.strip()]
    if ";" in value:
        return [a.strip() for a in value.split(";") if a.strip()]
    if "," in value:
        parts = [p.strip() for p in value.split(",") if p.strip()]
        # "Family I.J., Family2 K." : every part ends with initials -> commas separate authors
        if len(parts) > 1 and all(_family_initials(p) for p in parts):
            return parts
        # "Family, Given" single author
        if len(parts) == 2:
            return [value]
        return parts
    return [value]
