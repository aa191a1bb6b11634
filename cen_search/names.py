"""Parsing author names, whatever form an export gives them in.

Forms seen in real exports: ``Smith, John A.``, ``Smith, J. A.``, ``Smith JA`` (MEDLINE),
``J. A. Smith`` (IEEE), ``John Smith`` (Mendeley), ``Shi,Yu`` (no space), ``Nayyar A.``,
``van der Berg, A.``, group authors (``World Health Organization``), ``Anonymous``.
"""

from __future__ import annotations

import re

from cen_search.models import Author

_PARTICLES = {
    "van", "von", "der", "den", "de", "del", "della", "di", "da", "du", "le", "la", "dos",
    "das", "ter", "ten", "op", "het", "bin", "al", "el", "st", "st.",
}
_ORG_WORDS = re.compile(
    r"\b(group|organi[sz]ation|association|society|committee|council|consortium|"
    r"collaborat\w*|institute|department|ministry|university|agency|network|team|"
    r"investigators|trialists|study|working|centre|center|federation|foundation|"
    r"national|international|office|board|panel|taskforce|task force|world|health)\b",
    re.IGNORECASE,
)
_INITIALS_ONLY = re.compile(r"^(?:[A-Z]\.?[\s-]*){1,4}$")
_SUFFIXES = {"jr", "jr.", "sr", "sr.", "ii", "iii", "iv", "2nd", "3rd"}


def initials_of(given: str) -> str:
    """``"John Andrew"`` -> ``"JA"``; ``"J.-P."`` -> ``"JP"``; ``"JA"`` -> ``"JA"``."""
    given = given.strip()
    if not given:
        return ""
    compact = given.replace(".", "").replace(" ", "").replace("-", "")
    if compact.isupper() and len(compact) <= 4 and compact.isalpha():
        return compact
    parts = re.split(r"[\s.\-]+", given)
    return "".join(p[0].upper() for p in parts if p and p[0].isalpha())


def _is_initials(token: str) -> bool:
    token = token.strip()
    if not token:
        return False
    if _INITIALS_ONLY.match(token):
        return True
    bare = token.replace(".", "")
    return bare.isupper() and bare.isalpha() and len(bare) <= 3


def parse_author(raw: str) -> Author:
    """Parse one author string into family name, given names and initials (raw kept)."""
    text = " ".join(raw.replace("\u00a0", " ").split()).strip().strip(";")
    if not text:
        return Author(raw=raw)
    if text.lower() in {"anonymous", "anon", "[anonymous]", "et al", "et al."}:
        return Author(raw=raw, organisation=True)
    if "," in text:
        family, _, given = text.partition(",")
        family, given = family.strip(), given.strip()
        given_parts = [g for g in given.split() if g.lower() not in _SUFFIXES]
        given = " ".join(given_parts)
        if not given and _ORG_WORDS.search(family):
            return Author(raw=raw, family=family, organisation=True)
        return Author(raw=raw, family=family, given=given, initials=initials_of(given))
    words = text.split()
    if len(words) >= 3 and _ORG_WORDS.search(text) and not any(_is_initials(w) for w in words):
        return Author(raw=raw, family=text, organisation=True)
    words = [w for w in words if w.lower() not in _SUFFIXES]
    if len(words) == 1:
        return Author(raw=raw, family=words[0])
    # "Smith JA" / "Nayyar A." (MEDLINE and Scopus: family first, initials last)
    if _is_initials(words[-1]) and not _is_initials(words[0]):
        family = " ".join(words[:-1])
        return Author(raw=raw, family=family, given=words[-1], initials=initials_of(words[-1]))
    # "J. A. Smith", "John A. Smith", "Ludwig van Beethoven"
    cut = len(words) - 1
    while cut > 1 and words[cut - 1].lower() in _PARTICLES:
        cut -= 1
    given = " ".join(words[:cut])
    family = " ".join(words[cut:])
    return Author(raw=raw, family=family, given=given, initials=initials_of(given))


_SPLIT_AND = re.compile(r"\s+and\s+", re.IGNORECASE)


def split_authors(value: str) -> list[str]:
    """Split a field that holds several authors into one string per author.

    Handles ``" and "`` (BibTeX), ``"; "`` (most CSVs), and Scopus/Embase CSV's
    ``"Phillips J.C., Braun R."`` where commas separate authors written ``Family Initials``.
    """
    value = value.strip()
    if not value:
        return []
    if _SPLIT_AND.search(value) and "," in value or " and " in value:
        return [a.strip() for a in _SPLIT_AND.split(value) if a.strip()]
    if ";" in value:
        return [a.strip() for a in value.split(";") if a.strip()]
    if "," in value:
        parts = [p.strip() for p in value.split(",") if p.strip()]
        # "Family I.J., Family2 K." : every part ends with initials -> commas separate authors
        if len(parts) > 1 and all(_is_initials(p.split()[-1]) and len(p.split()) > 1 for p in parts):
            return parts
        # "Family, Given" single author
        if len(parts) == 2:
            return [value]
        return parts
    return [value]
