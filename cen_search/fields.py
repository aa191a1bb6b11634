"""Cleaning of single field values as readers map them into :class:`~cen_search.models.Record`.

These functions turn what exports contain into canonical values (a DOI without its URL, a year
from ``2019//``, pages split into start, end and article number). They never guess beyond the
value given; matching keys for deduplication are built on top of them in ``cen_search.dedupe``.
"""

from __future__ import annotations

import re
from urllib.parse import unquote

from cen_search.models import Pages

_DOI_CORE = re.compile(r"10\.\d{4,9}/\S+", re.IGNORECASE)
_DOI_TRAILING = ".,;:)]}>\"'"


def clean_doi(value: str) -> str:
    """Canonical DOI from any form (URL, ``doi:`` prefix, %-escapes, case); "" if none.

    >>> clean_doi("http://dx.doi.org/10.1037/a0012345.")
    '10.1037/a0012345'
    """
    if not value:
        return ""
    text = unquote(value.strip())
    match = _DOI_CORE.search(text)
    if not match:
        return ""
    doi = match.group(0).rstrip(_DOI_TRAILING)
    # A closing bracket is part of some DOIs ("10.1016/S0140-6736(20)30183-5"): keep it
    # when it is balanced.
    for opener, closer in (("(", ")"), ("[", "]")):
        while doi.count(closer) < doi.count(opener) and match.group(0).startswith(doi):
            rest = match.group(0)[len(doi):]
            if not rest.startswith(closer):
                break
            doi += closer
    return doi.lower()


_YEAR = re.compile(r"(?<!\d)(1[5-9]\d\d|20\d\d|21\d\d)(?!\d)")


def parse_year(value: str) -> int | None:
    """The first plausible four-digit year in a date string (``2019//``, ``2016 Dec``)."""
    if not value:
        return None
    match = _YEAR.search(value)
    return int(match.group(1)) if match else None


_RANGE = re.compile(r"^\s*([A-Za-z]*)(\d+)([A-Za-z]*)\s*[-\u2010-\u2015\u2212]+\s*([A-Za-z]*)(\d+)([A-Za-z]*)\s*$")
_ARTICLE_NUMBER = re.compile(r"^\s*(e\d+|[A-Za-z]{0,3}\d{4,}|\d+[A-Za-z]\d*)\s*$", re.IGNORECASE)


def expand_end_page(start: str, end: str) -> str:
    """``expand_end_page("1234", "9") == "1239"``: restore digits dropped from the end page."""
    if start.isdigit() and end.isdigit() and len(end) < len(start):
        expanded = start[: len(start) - len(end)] + end
        if int(expanded) >= int(start):
            return expanded
    return end


def parse_pages(start: str = "", end: str = "", *, article_number: str = "") -> Pages:
    """Split page information into start, end and article number.

    ``start`` may hold a whole range ("1234-9", "pp 37-64", "S12-S19") or an electronic
    article number ("e12724"); ``end`` is the separate end page when the source has one.
    """
    raw_parts = [p for p in (start.strip(), end.strip()) if p]
    raw = "-".join(raw_parts) if len(raw_parts) == 2 and "-" not in raw_parts[0] else " ".join(raw_parts)
    text = re.sub(r"^\s*(?:pp?\.?|pages?)\s*", "", start.strip(), flags=re.IGNORECASE)
    end = end.strip()
    if not end:
        match = _RANGE.match(text)
        if match:
            sp = match.group(1) + match.group(2) + match.group(3)
            ep_digits = expand_end_page(match.group(2), match.group(5))
            ep = (match.group(4) or match.group(1)) + ep_digits + match.group(6)
            return Pages(raw=raw or start, start=sp, end=ep, article_number=article_number)
        if _ARTICLE_NUMBER.match(text) and not text.isdigit():
            return Pages(raw=raw or start, article_number=article_number or text)
        return Pages(raw=raw or start, start=text, article_number=article_number)
    end = re.sub(r"^\s*(?:pp?\.?)\s*", "", end, flags=re.IGNORECASE)
    if text.isdigit() and end.isdigit():
        end = expand_end_page(text, end)
    return Pages(raw=raw, start=text, end=end, article_number=article_number)


_ISSN = re.compile(r"\b(\d{4})-?(\d{3}[\dXx])\b")


def split_issn(value: str) -> tuple[str, ...]:
    """All ISSNs in a value, as ``NNNN-NNNX`` (``"1234-5678 (ISSN)"`` -> ``("1234-5678",)``)."""
    return tuple(dict.fromkeys(f"{a}-{b.upper()}" for a, b in _ISSN.findall(value or "")))


_ISBN = re.compile(r"\b(?:97[89][-\s]?)?(?:\d[-\s]?){9}[\dXx]\b")


def split_isbn(value: str) -> tuple[str, ...]:
    """All ISBNs in a value, hyphens and spaces removed."""
    found = (re.sub(r"[-\s]", "", m.group(0)).upper() for m in _ISBN.finditer(value or ""))
    return tuple(dict.fromkeys(found))


def clean_pmid(value: str) -> str:
    """Digits of a PubMed id (``"PMID: 123"``, ``"123 [pmid]"``); "" if none."""
    match = re.search(r"\d{1,9}", value or "")
    return match.group(0) if match else ""


def clean_pmcid(value: str) -> str:
    """``PMC`` + digits; "" if none."""
    match = re.search(r"PMC\s*(\d+)", value or "", re.IGNORECASE)
    return f"PMC{match.group(1)}" if match else ""


def squash(value: str) -> str:
    """Collapse runs of whitespace (including newlines from continuation lines) to one space."""
    return " ".join(value.split())
