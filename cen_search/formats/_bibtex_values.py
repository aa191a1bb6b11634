"""Values in BibTeX entries: what the reader does to a field before mapping it.

Kept apart from :mod:`cen_search.formats.bibtex` (the reader and writer) so that each stays
small: entries without keys, enclosing braces and quotes, ``@string`` macros and ``#``
concatenation, author lists that use commas between people, and identifiers that exports
hide in keys, ``eprint`` fields, URLs and notes.
"""

from __future__ import annotations

import re

from cen_search.fields import clean_pmcid, clean_pmid, doi_from_url, exact_doi, squash

PLACEHOLDER = "\x00"
"""Start of the key given to entries without one (never a real key character)."""
# "@article{" followed directly by a field ("author =") or by an empty key ("@article{,").
_MISSING_KEY = re.compile(
    r"^([ \t]*@[ \t]*(?!(?i:string|comment|preamble)\b)[A-Za-z_]\w*[ \t]*[{(][ \t]*)"
    r"(?=(,)|\n?[ \t]*[A-Za-z_][\w-]*[ \t]*=)",
    re.MULTILINE,
)
_MONTHS = {
    "jan": "January",
    "feb": "February",
    "mar": "March",
    "apr": "April",
    "may": "May",
    "jun": "June",
    "jul": "July",
    "aug": "August",
    "sep": "September",
    "oct": "October",
    "nov": "November",
    "dec": "December",
}
_MONTH_NAMES = frozenset(name.lower() for name in _MONTHS.values())
_DELIMITER = re.compile(r'(?<!\\)[{}"#]')
_DOI_IN_TEXT = re.compile(r"(?:\bdoi:?\s*|doi\.org/)(10\.\d{4,9}/[^\s,;]+)", re.IGNORECASE)
_PMID_KEY = re.compile(r"^PMID:?\s*(\d{1,9})$", re.IGNORECASE)
_PUBMED_URL = re.compile(
    r"pubmed\.ncbi\.nlm\.nih\.gov/(\d{1,9})|ncbi\.nlm\.nih\.gov/pubmed/(\d{1,9})"
)
_PMC_URL = re.compile(r"/(?:pmc/articles|articles)/(PMC\d+)", re.IGNORECASE)
SUFFIXES = frozenset({"jr", "sr", "ii", "iii", "iv"})
"""Generational suffixes ("Jr", "III") that BibTeX puts after a comma."""


def fill_missing_keys(text: str) -> str:
    """Give keyless entries a placeholder key on the same line (line numbers are kept)."""
    counter = 0

    def fill(match: re.Match[str]) -> str:
        nonlocal counter
        counter += 1
        key = f"{PLACEHOLDER}{counter}"
        return match.group(1) + (key if match.group(2) else key + ",")

    return _MISSING_KEY.sub(fill, text)


def strip_enclosing(value: str) -> str:
    """The value without the one pair of braces or quotes that encloses all of it."""
    value = value.strip()
    if len(value) < 2 or value[0] not in '{"' or value[-1] != ("}" if value[0] == "{" else '"'):
        return value
    inner = value[1:-1]
    if "{" not in inner and "}" not in inner and '"' not in inner:
        return inner
    depth = 0
    for match in _DELIMITER.finditer(inner):
        char = match.group(0)
        if char == "{":
            depth += 1
        elif char == "}":
            depth -= 1
            if depth < 0:
                return value
        elif value[0] == '"' and depth == 0:
            return value
    return inner if depth == 0 else value


def _split_concatenation(expr: str) -> list[str]:
    parts: list[str] = []
    depth = 0
    quoted = False
    start = 0
    for match in _DELIMITER.finditer(expr):
        char = match.group(0)
        if char == "{":
            depth += 1
        elif char == "}":
            depth -= 1
        elif char == '"' and depth == 0:
            quoted = not quoted
        elif char == "#" and depth == 0 and not quoted:
            parts.append(expr[start : match.start()])
            start = match.end()
    parts.append(expr[start:])
    return [p.strip() for p in parts]


def evaluate(
    expr: str, macros: dict[str, str], stripped: str | None = None
) -> tuple[str, list[str]]:
    """Value of a BibTeX field expression: braces/quotes, numbers, macros and ``#``
    (``stripped`` is ``strip_enclosing(expr)`` when the caller has it already)."""
    expr = expr.strip()
    if stripped is None:
        stripped = strip_enclosing(expr)
    if stripped != expr:
        return stripped, []
    if expr.isdigit():
        return expr, []
    undefined: list[str] = []
    pieces: list[str] = []
    for part in _split_concatenation(expr):
        inner = strip_enclosing(part)
        if inner != part or part.isdigit():
            pieces.append(inner)
        elif part.lower() in macros:
            pieces.append(macros[part.lower()])
        elif part.lower() in _MONTHS:
            pieces.append(_MONTHS[part.lower()])
        elif part.lower() in _MONTH_NAMES:
            pieces.append(part)
        else:
            undefined.append(part)
            pieces.append(part)
    return "".join(pieces), undefined


def comma_separated_people(name: str) -> list[str]:
    """``"Miller, D., Firby, J."``: "Family, Given" pairs joined by commas instead of "and"
    (BibTeX allows two commas only around a "Jr" part). Empty when the name is one person."""
    parts = [p.strip() for p in name.split(",")]
    if len(parts) < 4 or len(parts) % 2 or grouped(name) or not all(parts):
        return []
    if parts[1].lower().rstrip(".") in SUFFIXES:
        return []
    return [f"{parts[i]}, {parts[i + 1]}" for i in range(0, len(parts), 2)]


def grouped(name: str) -> bool:
    """True when braces group several words ("Martien I. {den Hertog}")."""
    depth = 0
    for char in name:
        if char == "{":
            depth += 1
        elif char == "}":
            depth -= 1
        elif depth > 0 and char.isspace():
            return True
    return False


def identifiers(
    key: str, by_tag: dict[str, list[str]]
) -> tuple[list[str], list[str], list[str], list[str]]:
    """DOIs, PMIDs, PMCIDs and URLs that BibTeX exports put in keys, eprints, URLs, notes."""
    dois: list[str] = []
    pmids: list[str] = []
    pmcids: list[str] = []
    urls: list[str] = []
    eprint_types = [
        t.lower() for t in by_tag.get("eprinttype", []) + by_tag.get("archiveprefix", [])
    ]
    for eprint in by_tag.get("eprint", []):
        if eprint.startswith(("http://", "https://")):
            urls.append(eprint)
            found = doi_from_url(eprint)
            if found:
                dois.append(found)
        elif "doi" in eprint_types:
            dois.append(eprint)
        elif "pubmed" in eprint_types:
            pmids.append(eprint)
        elif "pmc" in eprint_types or "pmcid" in eprint_types:
            pmcids.append(eprint)
    if key:
        doi = exact_doi(key)
        if not doi and key.lower().startswith("doi:"):
            doi = doi_from_url(key.split(":", 1)[1])
        if not doi and key.startswith(("http://", "https://")):
            doi = doi_from_url(key)
        if doi:
            dois.append(doi)
        pmid = _PMID_KEY.match(key)
        if pmid:
            pmids.append(pmid.group(1))
    for note in by_tag.get("note", []):
        match = _DOI_IN_TEXT.search(note)
        if match:
            dois.append(match.group(1))
        pmid = _PMID_KEY.match(note.strip())
        if pmid:
            pmids.append(pmid.group(1))
    for url in by_tag.get("url", []) + by_tag.get("ee", []):
        pubmed = _PUBMED_URL.search(url)
        if pubmed:
            pmids.append(clean_pmid(pubmed.group(0)))
        pmc = _PMC_URL.search(url)
        if pmc:
            pmcids.append(clean_pmcid(pmc.group(1)))
    return dois, pmids, pmcids, urls


def keywords(values: list[str]) -> list[str]:
    found: list[str] = []
    for value in values:
        separator = ";" if ";" in value else ","
        found.extend(squash(part) for part in value.split(separator))
    return [k for k in found if k]
