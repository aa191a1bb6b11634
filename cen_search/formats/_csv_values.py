"""Cell values of CSV/TSV exports that need more than a column mapping.

* author cells: ``; ``-separated (IEEE, Covidence, ours), Scopus/Embase ``Phillips J.C., Braun
  R.`` (commas between *and* inside names), Scopus ``Author full names`` with ids, ASReview
  Python list literals (``['Marx, Karl', 'Lindgren, Astrid']``), SpringerLink names glued
  together without any separator (``Araz R. AlievNigar T. Ismayilova``);
* PubMed's ``Citation`` column and Embase's ``Source`` column, which pack journal, date,
  volume, issue, pages (and a DOI) into one string.
"""

from __future__ import annotations

import ast
import re
from dataclasses import dataclass

from cen_search.fields import squash
from cen_search.models import Author
from cen_search.names import parse_author, split_authors

_NO_AUTHOR = re.compile(r"^\[?\s*no author(?: name)? available\s*\]?$", re.IGNORECASE)
_SCOPUS_ID = re.compile(r"\s*\(\d+\)\s*$")
_HONORIFICS = re.compile(r"^(?:(?:Prof|Dr|Mr|Mrs|Ms|Sir|Assoc|Asst|Professor)\.?\s+)+")
# Surname prefixes that are followed by a capital inside one name ("McDonald", "DeLuca").
_GLUED_PREFIXES = frozenset(
    {"Mc", "Mac", "De", "Di", "Da", "Du", "Le", "La", "Van", "Von", "St", "O"}
)


def list_literal(value: str) -> list[str] | None:
    """The items of a Python/JSON list literal cell (ASReview writes these), else None."""
    text = value.strip()
    if not (text.startswith("[") and text.endswith("]")) or len(text) < 2:
        return None
    try:
        items = ast.literal_eval(text)
    except (ValueError, SyntaxError, MemoryError, RecursionError):
        return None
    if isinstance(items, list | tuple) and all(isinstance(i, str) for i in items):
        return [i for i in items if i.strip()]
    return None


def split_terms(value: str) -> list[str]:
    """Comma/semicolon-separated index terms, commas inside brackets kept (Emtree
    ``"cyst (diagnosis, surgery), adult"`` -> ``["cyst (diagnosis, surgery)", "adult"]``)."""
    items = list_literal(value)
    if items is not None:
        return [squash(i) for i in items]
    terms: list[str] = []
    depth = 0
    start = 0
    for i, char in enumerate(value):
        if char in "([":
            depth += 1
        elif char in ")]":
            depth = max(depth - 1, 0)
        elif char in ",;\n" and depth == 0:
            terms.append(value[start:i])
            start = i + 1
    terms.append(value[start:])
    return [t for t in (squash(t) for t in terms) if t]


def author(text: str) -> Author | None:
    """One author string; ``{Name}`` (how cen-search writes group authors) is an organisation."""
    text = squash(text)
    if not text or _NO_AUTHOR.match(text):
        return None
    if text.startswith("{") and text.endswith("}") and text.count("{") == 1:
        inner = text[1:-1].strip()
        return organisation(inner) if inner else None
    return parse_author(text)


def organisation(name: str) -> Author:
    """A name marked as a group author (``{Cochrane Collaboration}`` in BibTeX and in the CSV
    cen-search writes); ``et al.`` and the like stay what ``parse_author`` makes of them."""
    parsed = parse_author(name)
    if parsed.organisation:
        return parsed
    return Author(raw=name, family=name, organisation=True)


def _split_semicolons(value: str, *, and_too: bool = False) -> list[str]:
    """Split on ``;`` (and, with ``and_too``, on `` and ``) outside braces: a group author
    written ``{Department of Health and Social Care}`` stays one name."""
    if value.count("{") != value.count("}"):
        return [p.strip() for p in value.split(";") if p.strip()]
    parts: list[str] = []
    depth = 0
    start = 0
    i = 0
    while i < len(value):
        char = value[i]
        if char == "{":
            depth += 1
        elif char == "}":
            depth = max(depth - 1, 0)
        elif depth == 0 and char == ";":
            parts.append(value[start:i])
            start = i + 1
        elif depth == 0 and and_too and value.startswith(" and ", i):
            parts.append(value[start:i])
            start = i + 5
            i += 4
        i += 1
    parts.append(value[start:])
    return [p.strip() for p in parts if p.strip()]


def authors_list(value: str) -> list[Author]:
    """Authors of a cell holding several: list literal, ``;``, `` and `` or Scopus commas."""
    items = list_literal(value)
    if items is None:
        text = value.strip()
        if _NO_AUTHOR.match(text):
            return []
        if "{" in text and " and " in text and text.count("{") == text.count("}"):
            items = _split_semicolons(squash(text), and_too=True)
        elif ";" in text:
            items = _split_semicolons(text)
        else:
            items = split_authors(squash(text))
    found = (author(item) for item in items)
    return [a for a in found if a is not None]


def authors_full(value: str) -> list[Author]:
    """Scopus ``Author full names``: ``Family, Given (id); ...``."""
    found = (author(_SCOPUS_ID.sub("", part)) for part in value.split(";"))
    return [a for a in found if a is not None]


def split_glued(value: str) -> list[str]:
    """Split SpringerLink's separator-less author list at lower-case -> capital boundaries.

    ``"Araz R. AlievNigar T. Ismayilova"`` -> ``["Araz R. Aliev", "Nigar T. Ismayilova"]``;
    a capital after a surname prefix (``McDonald``, ``DeLuca``) does not split. Titles
    (``Prof.``, ``Dr.``) are dropped.
    """
    names: list[str] = []
    start = 0
    word_start = 0
    for i in range(1, len(value)):
        before, char = value[i - 1], value[i]
        if before.isspace():
            word_start = i
        if before.islower() and char.isupper() and value[word_start:i] not in _GLUED_PREFIXES:
            names.append(value[start:i])
            start = i
            word_start = i
    names.append(value[start:])
    cleaned = (_HONORIFICS.sub("", squash(name)) for name in names)
    return [name for name in cleaned if name]


def authors_glued(value: str) -> list[Author]:
    found = (author(name) for name in split_glued(value))
    return [a for a in found if a is not None]


@dataclass(frozen=True, slots=True)
class Citation:
    """The parts of a packed citation string."""

    container: str = ""
    date: str = ""
    volume: str = ""
    issue: str = ""
    pages: str = ""
    doi: str = ""


_PUBMED = re.compile(
    r"^(?P<container>.+?)\.\s+(?P<date>(?:1[5-9]|20|21)\d\d[^;:.]*?)"
    r"(?:;(?P<volume>[^(:;.]*)(?:\((?P<issue>[^)]*)\))?)?"
    r"(?::(?P<pages>[^;\s]+?))?\.(?:\s|$)"
)
_DOI = re.compile(r"\bdoi:\s*(10\.\d{4,9}/\S+?)\.?(?:\s|$)", re.IGNORECASE)


def pubmed_citation(value: str) -> Citation:
    """``"Nature. 2021 Dec 21;1(2):10-11. doi: 10.1111/nature1111."`` split into parts."""
    text = squash(value)
    doi = _DOI.search(text)
    match = _PUBMED.match(text)
    if not match:
        return Citation(doi=doi.group(1) if doi else "")
    return Citation(
        container=match.group("container").strip(),
        date=match.group("date").strip(),
        volume=(match.group("volume") or "").strip(),
        issue=(match.group("issue") or "").strip(),
        pages=(match.group("pages") or "").strip(),
        doi=doi.group(1) if doi else "",
    )


_EMBASE = re.compile(
    r"^(?P<container>.+?)\s+\((?P<year>\d{4})\)"
    r"(?:\s+(?P<volume>[^:\s(]+)(?::(?P<issue>[^\s(]+))?)?"
    r"(?:\s+\((?P<pages>[^)]*)\))?\.?"
    r"(?:\s*Date of Publication:\s*(?P<date>.+?))?\s*$"
)


def embase_source(value: str) -> Citation:
    """``"Cancer (2004) 102:4 (253-258). Date of Publication: 25 Aug 2004"`` split."""
    match = _EMBASE.match(squash(value))
    if not match:
        return Citation()
    return Citation(
        container=match.group("container"),
        date=(match.group("date") or "").strip() or match.group("year"),
        volume=match.group("volume") or "",
        issue=match.group("issue") or "",
        pages=match.group("pages") or "",
    )
