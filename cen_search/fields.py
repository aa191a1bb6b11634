"""Cleaning of single field values as readers map them into :class:`~cen_search.models.Record`.

These functions turn what exports contain into canonical values (a DOI without its URL, a year
from ``2019//``, pages split into start, end and article number). They never guess beyond the
value given; matching keys for deduplication are built on top of them in ``cen_search.dedupe``.
"""

from __future__ import annotations

import re
from urllib.parse import parse_qs, unquote, urlsplit

from cen_search._slots import constructor
from cen_search.models import Pages

_DOI_CORE = re.compile(r"10\.\d{4,9}/\S+", re.IGNORECASE)
_DOI_TRAILING = ".,;:)]}>\"'/"
_DOI_PREFIX = re.compile(
    r"^(?:doi\s*[:=]?\s*|(?:https?:)?//(?:dx\.|www\.)?doi\.org/|(?:dx\.)?doi\.org/)",
    re.IGNORECASE,
)
_OPENERS = {")": "(", "]": "["}
_DOI_SUFFIX = re.compile(r"\s*\[doi\]\s*$", re.IGNORECASE)


def _trim_doi(candidate: str) -> str:
    doi = candidate.rstrip(_DOI_TRAILING)
    if len(doi) == len(candidate):  # nothing trailing (the common case)
        return doi
    # A closing bracket is part of some DOIs ("10.1016/S0140-6736(20)30183-5"): put back
    # closers stripped above while they balance an opener.
    rest = candidate[len(doi) :]
    for char in rest:
        opener = _OPENERS.get(char)
        if opener is None or doi.count(char) >= doi.count(opener):
            break
        doi += char
    return doi


def clean_doi(value: str) -> str:
    """Canonical DOI from any form (URL, ``doi:`` prefix, %-escapes, case); "" if none.

    >>> clean_doi("http://dx.doi.org/10.1037/a0012345.")
    '10.1037/a0012345'
    """
    if not value:
        return ""
    text = value.strip()
    if "://" in text and "doi.org/" not in text.lower():
        from_url = doi_from_url(text)
        if from_url:
            return from_url
    if "%" in text:  # (``unquote`` returns text without "%" unchanged)
        text = unquote(text)
    match = _DOI_CORE.search(text)
    if not match:
        return ""
    doi = _trim_doi(match.group(0))
    return doi if doi.islower() else doi.lower()  # (no copy when already lower case)


def exact_doi(value: str) -> str:
    """The DOI when ``value`` is nothing but a DOI (bare, ``doi:``, ``[doi]`` or a doi.org URL).

    Used for fields that only sometimes hold a DOI (RIS ``M3``, ``N1``, ``L3``): text that
    merely mentions a DOI gives "".

    >>> exact_doi("doi:10.1011/hea0004444"), exact_doi("see 10.1011/x")
    ('10.1011/hea0004444', '')
    """
    text = _DOI_SUFFIX.sub("", (value or "").strip())
    text = _DOI_PREFIX.sub("", text)
    text = unquote(text)
    if not text.lower().startswith("10.") or any(ch.isspace() for ch in text):
        return ""
    match = _DOI_CORE.fullmatch(text.rstrip(_DOI_TRAILING)) or _DOI_CORE.fullmatch(text)
    return _trim_doi(match.group(0)).lower() if match else ""


def doi_from_url(url: str) -> str:
    """The DOI a URL clearly carries: doi.org links, ``/doi/`` publisher paths, ``doi=`` queries.

    >>> doi_from_url("https://onlinelibrary.wiley.com/doi/full/10.1002/jbm4.10008")
    '10.1002/jbm4.10008'
    """
    text = (url or "").strip()
    if not text:
        return ""
    if text.startswith("//"):
        text = "https:" + text
    try:
        parts = urlsplit(text)
    except ValueError:
        return ""
    host = parts.netloc.lower()
    path = unquote(parts.path)
    if host.endswith("doi.org"):
        return exact_doi(path.lstrip("/"))
    if "/doi/" in path:
        tail = path.split("/doi/", 1)[1]
        match = _DOI_CORE.search(tail)
        if match and match.start() <= 12:  # "/doi/abs/", "/doi/full/", "/doi/pdf/", "/doi/epdf/"
            return _trim_doi(match.group(0)).lower()
    for key, values in parse_qs(parts.query).items():
        if key.lower() in {"doi", "rft_id", "id", "rft.doi"}:
            for item in values:
                found = exact_doi(item.removeprefix("info:doi/"))
                if found:
                    return found
    return ""


_YEAR = re.compile(r"(?<!\d)(1[5-9]\d\d|20\d\d|21\d\d)(?!\d)")
_COMPACT_DATE = re.compile(
    r"(?<!\d)(1[5-9]\d\d|20\d\d)(?:0[1-9]|1[0-2])(?:0[1-9]|[12]\d|3[01])(?!\d)"
)


def parse_year(value: str) -> int | None:
    """The first plausible year in a date string.

    Reads ``2019//``, ``2016 Dec``, ``4-8 Aug. 2020``, ``Start date: 20170812`` (compact
    YYYYMMDD) and ``2012///``; gives ``None`` for values with no year (``10 15``).
    """
    if not value:
        return None
    head = value[:4]
    if (  # the usual "2019", "2019/05/01": a year first, where the pattern would find it
        len(head) == 4
        and head.isascii()
        and head.isdigit()
        and "1500" <= head <= "2199"
        and not value[4:5].isdecimal()
    ):
        return int(head)
    match = _YEAR.search(value)
    if match:
        return int(match.group(1))
    match = _COMPACT_DATE.search(value)
    return int(match.group(1)) if match else None


_RANGE = re.compile(
    r"^\s*([A-Za-z]*)(\d+)([A-Za-z]*)\s*[-\u2010-\u2015\u2212]+\s*([A-Za-z]*)(\d+)([A-Za-z]*)\s*$"
)
_ARTICLE_NUMBER = re.compile(r"^\s*(e\d+|[A-Za-z]{0,3}\d{4,}|\d+[A-Za-z]\d*)\s*$", re.IGNORECASE)
_ROMAN = re.compile(r"^[ivxlcdm]+$", re.IGNORECASE)
_PAGE_PREFIX = re.compile(r"^\s*(?:pp?\.?|pages?)\s*", re.IGNORECASE)


_NO_PAGES = Pages()
_pages = constructor(Pages)  # Pages(raw, start, end, article_number), faster


def expand_end_page(start: str, end: str) -> str:
    """``expand_end_page("1234", "9") == "1239"``: restore digits dropped from the end page."""
    if start.isdecimal() and end.isdecimal() and len(end) < len(start):  # (int() reads these)
        expanded = start[: len(start) - len(end)] + end
        if int(expanded) >= int(start):
            return expanded
    return end


def _is_page(token: str) -> bool:
    return any(ch.isdigit() for ch in token) or bool(_ROMAN.match(token))


def parse_pages(start: str = "", end: str = "", *, article_number: str = "") -> Pages:
    """Split page information into start, end and article number.

    ``start`` may hold a whole range ("1234-9", "pp 37-64", "S12-S19", "i-ii") or an
    electronic article number ("e12724", "636959"); ``end`` is the separate end page when the
    source has one. Text without a page in it ("No Pagination Specified") is kept only in raw.
    """
    start = start.strip()
    end = end.strip()
    if start.isdigit() and end.isdigit() and not article_number:  # the common "SP"/"EP" pair
        if len(end) >= len(start):  # (nothing for expand_end_page to restore)
            return _pages(f"{start}-{end}", start, end, "")
        return _pages(f"{start}-{end}", start, expand_end_page(start, end), "")
    if not (start or end):
        return Pages(article_number=article_number.strip()) if article_number else _NO_PAGES
    raw_parts = [p for p in (start, end) if p]
    raw = ("-" if len(raw_parts) == 2 and "-" not in start else " ").join(raw_parts)
    article_number = article_number.strip()
    text = _PAGE_PREFIX.sub("", start) if start[:1].isalpha() else start
    if end[:1].isalpha():
        end = _PAGE_PREFIX.sub("", end)
    if end and not _is_page(end):  # "Specified" (Ovid's "No Pagination Specified"), "nan"
        end = ""
    if text == article_number:  # an e-locator written as the start page too
        text = ""
    if not end:
        match = _RANGE.match(text)
        if match:
            sp = match.group(1) + match.group(2) + match.group(3)
            ep_digits = expand_end_page(match.group(2), match.group(5))
            ep = (match.group(4) or match.group(1)) + ep_digits + match.group(6)
            return Pages(raw=raw, start=sp, end=ep, article_number=article_number)
        if text.count("-") == 1:
            first, _, last = (part.strip() for part in text.partition("-"))
            if first and last and _is_page(last):
                if _is_page(first):
                    return Pages(raw=raw, start=first, end=last, article_number=article_number)
                if first.isalpha():  # "Suppl-6": read as the pair ("Suppl", "6") is below
                    return Pages(raw=raw, end=last, article_number=article_number)
            if first and last.isalpha() and _is_page(first) and not _is_page(last):
                # "01-Jun" (a range a spreadsheet made a date): as the pair ("01", "Jun")
                return Pages(raw=raw, start=first, article_number=article_number)
        if text.isdigit() and len(text) >= 6 and not article_number:
            return Pages(raw=raw, article_number=text)
        if _ARTICLE_NUMBER.match(text) and not text.isdigit():
            return Pages(raw=raw, article_number=article_number or text)
        if not _is_page(text):
            return Pages(raw=raw, article_number=article_number)
        return Pages(raw=raw, start=text, article_number=article_number)
    if not _is_page(text):
        text = ""
    if text.isdigit() and end.isdigit():
        end = expand_end_page(text, end)
    elif text and end.isdigit():  # ("S52", "59"), ("e182", "5"): as the range "S52-59" reads
        match = _RANGE.match(f"{text}-{end}")
        if match:
            text = match.group(1) + match.group(2) + match.group(3)
            end = match.group(1) + expand_end_page(match.group(2), end)
    return Pages(raw=raw, start=text, end=end, article_number=article_number)


_ISSN = re.compile(
    r"(?<![\dA-Za-z])(?<!\d-)(\d{4})[-\u2010\u2011 ]?(\d{3}[\dXx])(?![\dA-Za-z])(?!-\d)"
)


def split_issn(value: str) -> tuple[str, ...]:
    """All ISSNs in a value, as ``NNNN-NNNX`` (``"1234-5678 (ISSN)"`` -> ``("1234-5678",)``)."""
    value = value or ""
    # Fast paths for a value that is just one ISSN, "1234-567X" or "1234567X" (what the
    # pattern below would find in it, without running it).
    size = len(value)
    if (
        size == 9
        and value[4] == "-"
        and value.isascii()
        and value[:4].isdigit()
        and value[5:8].isdigit()
        and (value[8].isdigit() or value[8] in "Xx")
    ):
        return (value if value[8] != "x" else value.upper(),)
    if (
        size == 8
        and value.isascii()
        and value[:7].isdigit()
        and (value[7].isdigit() or value[7] in "Xx")
    ):
        return (f"{value[:4]}-{value[4:].upper()}",)
    return tuple(dict.fromkeys(f"{a}-{b.upper()}" for a, b in _ISSN.findall(value)))


_ISBN = re.compile(r"(?<![\dXx])(?:97[89][-\s]?)?(?:\d[-\s]?){9}[\dXx](?![\dXx])")


def split_isbn(value: str) -> tuple[str, ...]:
    """All ISBNs in a value, hyphens and spaces removed."""
    found = (re.sub(r"[-\s]", "", m.group(0)).upper() for m in _ISBN.finditer(value or ""))
    return tuple(dict.fromkeys(f for f in found if len(f) in (10, 13)))


_PMID = re.compile(r"(?<!\d)\d{1,9}(?!\d)")


def clean_pmid(value: str) -> str:
    """Digits of a PubMed id (``"PMID: 123"``, ``"123 [pmid]"``); "" if none."""
    match = _PMID.search(value or "")
    return match.group(0).lstrip("0") or "" if match else ""


def clean_pmcid(value: str) -> str:
    """``PMC`` + digits; "" if none."""
    match = re.search(r"PMC\s*(\d+)", value or "", re.IGNORECASE)
    return f"PMC{match.group(1)}" if match else ""


def squash(value: str) -> str:
    """Collapse runs of whitespace (including newlines from continuation lines) to one space."""
    if "\n" in value:
        # Wrapped text (an abstract's continuation lines): when its only blanks are single
        # spaces and newlines, none at either end, each newline just becomes a space.
        flat = value.replace("\n", " ")
        if "  " not in flat and flat.isprintable() and flat[0] != " " and flat[-1] != " ":
            return flat
    return " ".join(value.split())


# Markup that publishers' metadata carries inside titles and abstracts: JATS (Crossref's
# ``<jats:p>``, ``<jats:italic>``), MathML (``<mml:mi>``), any other namespaced XML element,
# and the HTML elements of formatted text. Only these are removed: text such as "p<0.05" or
# "<5 years" is not a tag (a tag's name follows "<" or "</" directly and is one of these).
_HTML_NAMES = (
    "p|br|hr|div|span|b|i|u|s|em|strong|small|big|tt|code|sup|sub|sc|font|a|abbr|cite|q|"
    "li|ul|ol|dl|dt|dd|h[1-6]|title|sec|italic|bold|underline|list|list-item|inline-formula|"
    "disp-formula|math|mi|mo|mn|mrow|msub|msup|mfrac|msqrt|mtext|label|caption|table|tr|td|th|"
    "blockquote|pre|center"
)
_MARKUP = re.compile(
    r"</?(?:[A-Za-z][\w.-]*:)?([A-Za-z][\w.-]*)(?:\s[^<>]*)?/?>",
    re.IGNORECASE,
)
_MARKUP_NAMES = re.compile(rf"(?:{_HTML_NAMES})", re.IGNORECASE)
# Elements that separate text (a paragraph, a heading, a line break): replaced by a space;
# the others (italic, superscript, a link) by nothing, so "x<sup>2</sup>" is "x2".
_BLOCKS = frozenset(
    [
        "p",
        "br",
        "hr",
        "div",
        "li",
        "ul",
        "ol",
        "dl",
        "dt",
        "dd",
        "h1",
        "h2",
        "h3",
        "h4",
        "h5",
        "h6",
        "title",
        "sec",
        "list",
        "list-item",
        "label",
        "caption",
        "table",
        "tr",
        "td",
        "th",
        "blockquote",
        "pre",
        "center",
        "disp-formula",
        "abstract",
    ]
)


def _tag(match: re.Match[str]) -> str:
    whole, name = match.group(0), match.group(1)
    namespaced = ":" in whole.split(None, 1)[0]
    if not namespaced and not _MARKUP_NAMES.fullmatch(name):
        return whole  # not markup: "<5 years", "<b >" of some other meaning is kept
    return " " if name.lower() in _BLOCKS else ""


_ENTITY = re.compile(r"&(?:#[0-9]{1,7}|#[xX][0-9a-fA-F]{1,6}|[A-Za-z][A-Za-z0-9]{1,31});")


def strip_markup(text: str) -> str:
    """``text`` without JATS, MathML or HTML tags and with HTML entities (``&amp;``,
    ``&#8211;``) decoded, whitespace squashed; text without any is returned as it is.

    Publishers' metadata (Crossref, PubMed Central, Europe PMC, Lens) sends titles and
    abstracts as ``<jats:p>Background ...</jats:p>`` or with ``<i>in vivo</i>``; the tags
    are not part of the text, so mapped fields drop them (``raw`` keeps them verbatim).
    """
    if "<" not in text and "&" not in text:
        return text
    cleaned = text
    if "<" in cleaned and ">" in cleaned:
        cleaned = _MARKUP.sub(_tag, cleaned)
    if "&" in cleaned:
        import html

        cleaned = _ENTITY.sub(lambda m: html.unescape(m.group(0)), cleaned)
    if cleaned == text:
        return text
    return " ".join(cleaned.split())
