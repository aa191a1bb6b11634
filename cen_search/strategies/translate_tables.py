"""Mapping tables used by the translators (data only, plus two small lookups).

Field codes of each source platform map to *field classes*: what the code searches, in terms
every target can express (title, abstract, author keywords, subject headings...). A target then
renders a set of classes with its own tags (PubMed ``[tiab]``, Europe PMC ``TITLE_ABS:``,
OpenAlex ``title_and_abstract.search``). Facts marked [verify] are noted in the reports.
"""

from __future__ import annotations

import calendar
from collections.abc import Iterable

# Field classes ------------------------------------------------------------------------------
TITLE = "title"
ABSTRACT = "abstract"
KEYWORDS = "keywords"
"""Author keywords / keyword headings (Ovid ``.kf.``/``.kw.``, PubMed ``[ot]``, ProQuest IF)."""
HEADING = "heading"
"""Exact subject heading (Ovid ``.sh.``, EBSCO ``MH``)."""
HEADING_WORD = "heading_word"
"""Words within subject headings (Ovid ``.hw.``, EBSCO ``SU``/``MW``)."""
FLOATING = "floating_subheading"
TEXT_WORD = "text_word"
"""PubMed ``[tw]``: title, abstract, MeSH, other terms..."""
DEFAULT = "default"
"""The platform's default fields (Ovid ``.mp.``, untagged terms)."""
ALL = "all"
PUB_TYPE = "publication_type"
LANGUAGE = "language"
JOURNAL = "journal"
AUTHOR = "author"
ENTRY_DATE = "entry_date"
CREATE_DATE = "create_date"
PUB_DATE = "publication_date"
SUBSET = "subset"
UNKNOWN = "unknown"

TEXT_CLASSES = frozenset({TITLE, ABSTRACT, KEYWORDS})
"""Classes that combine into one free-text field choice."""

CODES: dict[str, dict[str, frozenset[str]]] = {
    "ovid": {
        "ti": frozenset({TITLE}),
        "ab": frozenset({ABSTRACT}),
        "tw": frozenset({TITLE, ABSTRACT}),
        "kf": frozenset({KEYWORDS}),
        "kw": frozenset({KEYWORDS}),
        "id": frozenset({KEYWORDS}),
        "mp": frozenset({DEFAULT}),
        "sh": frozenset({HEADING}),
        "de": frozenset({HEADING}),
        "hw": frozenset({HEADING_WORD}),
        "fs": frozenset({FLOATING}),
        "pt": frozenset({PUB_TYPE}),
        "lg": frozenset({LANGUAGE}),
        "la": frozenset({LANGUAGE}),
        "jn": frozenset({JOURNAL}),
        "jw": frozenset({JOURNAL}),
        "au": frozenset({AUTHOR}),
        "dt": frozenset({CREATE_DATE}),
        "cd": frozenset({CREATE_DATE}),
        "ed": frozenset({ENTRY_DATE}),
        "em": frozenset({ENTRY_DATE}),
        "yr": frozenset({PUB_DATE}),
        "dp": frozenset({PUB_DATE}),
        "af": frozenset({ALL}),
        "tx": frozenset({ALL}),
    },
    "ebsco": {
        "ti": frozenset({TITLE}),
        "ab": frozenset({ABSTRACT}),
        "tx": frozenset({ALL}),
        "su": frozenset({HEADING_WORD}),
        "mw": frozenset({HEADING_WORD}),
        "mh": frozenset({HEADING}),
        "mm": frozenset({HEADING}),
        "de": frozenset({HEADING}),
        "xb": frozenset({TITLE, ABSTRACT}),
        "kw": frozenset({KEYWORDS}),
        "pt": frozenset({PUB_TYPE}),
        "la": frozenset({LANGUAGE}),
        "so": frozenset({JOURNAL}),
        "au": frozenset({AUTHOR}),
    },
    "proquest": {
        "ti": frozenset({TITLE}),
        "ab": frozenset({ABSTRACT}),
        "if": frozenset({KEYWORDS}),
        "noft": frozenset({DEFAULT}),
        "all": frozenset({ALL}),
        "au": frozenset({AUTHOR}),
        "la": frozenset({LANGUAGE}),
        "su": frozenset({HEADING_WORD}),
        "subject": frozenset({HEADING_WORD}),
        "mainsubject": frozenset({HEADING}),
        "pd": frozenset({PUB_DATE}),
        "yr": frozenset({PUB_DATE}),
        "rtype": frozenset({PUB_TYPE}),
        "stype": frozenset({PUB_TYPE}),
        "pub": frozenset({JOURNAL}),
    },
    "pubmed": {
        "tiab": frozenset({TITLE, ABSTRACT}),
        "title/abstract": frozenset({TITLE, ABSTRACT}),
        "ti": frozenset({TITLE}),
        "title": frozenset({TITLE}),
        "ab": frozenset({ABSTRACT}),
        "abstract": frozenset({ABSTRACT}),
        "tw": frozenset({TEXT_WORD}),
        "text word": frozenset({TEXT_WORD}),
        "ot": frozenset({KEYWORDS}),
        "other term": frozenset({KEYWORDS}),
        "all": frozenset({ALL}),
        "all fields": frozenset({ALL}),
        "mh": frozenset({HEADING}),
        "mesh": frozenset({HEADING}),
        "mesh terms": frozenset({HEADING}),
        "sh": frozenset({FLOATING}),
        "subheading": frozenset({FLOATING}),
        "pt": frozenset({PUB_TYPE}),
        "publication type": frozenset({PUB_TYPE}),
        "la": frozenset({LANGUAGE}),
        "language": frozenset({LANGUAGE}),
        "ta": frozenset({JOURNAL}),
        "journal": frozenset({JOURNAL}),
        "au": frozenset({AUTHOR}),
        "author": frozenset({AUTHOR}),
        "dp": frozenset({PUB_DATE}),
        "pdat": frozenset({PUB_DATE}),
        "edat": frozenset({ENTRY_DATE}),
        "crdt": frozenset({CREATE_DATE}),
        "sb": frozenset({SUBSET}),
    },
}
"""Field codes per source platform (lower case) -> field classes."""

CANONICAL: dict[str, str] = {
    "title": TITLE,
    "original_title": TITLE,
    "abstract": ABSTRACT,
    "author_keywords": KEYWORDS,
    "keyword_heading": KEYWORDS,
    "keywords": KEYWORDS,
    "subject_heading": HEADING,
    "subject_heading_major": HEADING,
    "heading": HEADING,
    "heading_word": HEADING_WORD,
    "floating_subheading": FLOATING,
    "text_word": TEXT_WORD,
    "multipurpose": DEFAULT,
    "default": DEFAULT,
    "all_fields_except_full_text": DEFAULT,
    "all_fields": ALL,
    "all": ALL,
    "full_text": ALL,
    "publication_type": PUB_TYPE,
    "pub_type": PUB_TYPE,
    "language": LANGUAGE,
    "journal": JOURNAL,
    "journal_word": JOURNAL,
    "source": JOURNAL,
    "author": AUTHOR,
    "entry_date": ENTRY_DATE,
    "entry_week": ENTRY_DATE,
    "create_date": CREATE_DATE,
    "publication_date": PUB_DATE,
    "pub_date": PUB_DATE,
    "publication_year": PUB_DATE,
    "electronic_date": PUB_DATE,
    "subset": SUBSET,
}
"""The parser's canonical field names (``FieldScope.fields``, ``tables/fields.csv``) ->
field classes. Names not listed (registry numbers, comments...) have no class."""


def field_classes(platform: str, codes: Iterable[str], canonical: Iterable[str]) -> frozenset[str]:
    """The field classes searched by a scope: from the parser's canonical field names, else
    (names unknown here) from the codes as written."""
    found: set[str] = set()
    missing = False
    for name in canonical:
        cls = CANONICAL.get(name)
        if cls is None:
            missing = True
        else:
            found.add(cls)
    if missing or not found:
        table = CODES.get(platform, {})
        for code in codes:
            key = code.strip().lower().split(":", 1)[0]
            found |= table.get(key, frozenset({UNKNOWN}) if not found else frozenset())
    return frozenset(found or {UNKNOWN})


# Languages ------------------------------------------------------------------------------------
LANGUAGES: dict[str, tuple[str, str]] = {
    "english": ("eng", "en"),
    "french": ("fre", "fr"),
    "german": ("ger", "de"),
    "spanish": ("spa", "es"),
    "italian": ("ita", "it"),
    "portuguese": ("por", "pt"),
    "dutch": ("dut", "nl"),
    "danish": ("dan", "da"),
    "swedish": ("swe", "sv"),
    "norwegian": ("nor", "no"),
    "finnish": ("fin", "fi"),
    "chinese": ("chi", "zh"),
    "japanese": ("jpn", "ja"),
    "russian": ("rus", "ru"),
    "polish": ("pol", "pl"),
    "turkish": ("tur", "tr"),
    "korean": ("kor", "ko"),
    "arabic": ("ara", "ar"),
    "greek": ("gre", "el"),
    "hebrew": ("heb", "he"),
    "czech": ("cze", "cs"),
    "hungarian": ("hun", "hu"),
}
"""Language names -> (MEDLINE/Europe PMC three-letter code [verify], ISO 639-1 for OpenAlex)."""


# Publication types ----------------------------------------------------------------------------
OPENALEX_TYPES: dict[str, str] = {
    "journal article": "article",
    "article": "article",
    "review": "review",
    "editorial": "editorial",
    "letter": "letter",
    "comment": "letter",
    "erratum": "erratum",
    "book": "book",
    "book chapter": "book-chapter",
    "preprint": "preprint",
    "dissertation": "dissertation",
    "thesis": "dissertation",
}
"""Publication-type names -> OpenAlex ``type`` values (approximate by nature)."""


def open_end(year: str | None) -> bool:
    """True for an open upper bound (``Current``, ``3000``, empty)."""
    return not year or year.lower() in {"current", "present", "3000"}


def iso_bound(value: str | None, *, first: bool) -> str:
    """A year or month widened to the first or last day (``2019-02`` -> ``2019-02-28``)."""
    if not value:
        return ""
    if len(value) == 4:
        return value + ("-01-01" if first else "-12-31")
    if len(value) == 7:
        last = calendar.monthrange(int(value[:4]), int(value[5:7]))[1]
        return value + ("-01" if first else f"-{last:02d}")
    return value
