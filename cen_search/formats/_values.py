"""The values of :class:`~cen_search.models.Record` fields, from a record's gathered values.

:meth:`~cen_search.formats._build.RecordBuilder.build` gathers each canonical field's values
(lists in source order, which must not be changed) and calls one helper here per kind of
field. A value "says something" unless it is empty, blank or pandas' ``nan`` for a missing
cell; each helper documents which values it skips.

Readers call these for every record of files with 100,000 records, so they are written for
speed without changing what they compute: values are tested in place rather than copied into
filtered lists, a value is squashed or split only when it holds what squashing or splitting
would remove, and the commonest forms (a bare DOI, ``1234-5678`` ISSNs, a plain
``Family, Given`` author) reach the general code through as few steps as possible.
"""

from __future__ import annotations

import html
import re
from collections.abc import Iterable, Mapping, Sequence

from cen_search.fields import parse_year, squash
from cen_search.formats._tables import FieldMap
from cen_search.models import Author
from cen_search.names import parse_author, split_authors, split_glued_authors

_AUTHOR_FIELDS = ("authors", "authors_lines", "authors_list")


def text_of(value: str) -> str:
    """One-line text: whitespace runs (continuation newlines too) squashed only when present."""
    if "  " in value or "\n" in value or "\t" in value:
        return squash(value)
    return value.strip()


def first_text(values: list[str] | None) -> str:
    """The first value that says something, as one line of text."""
    if values:
        for value in values:
            if value and value != "nan" and not value.isspace():
                if "  " in value or "\n" in value or "\t" in value:
                    return squash(value)
                return value.strip()
    return ""


def useful(values: Iterable[str] | None) -> list[str]:
    """Values that say something: not empty, not blank, not pandas' ``nan`` for missing."""
    if not values:
        return []
    return [v for v in values if v and v != "nan" and not v.isspace()]


def date_of(values: list[str]) -> tuple[int | None, str]:
    """Year from the first value with a year in it, and the date as the most detailed value
    (most digits, a month name counting as two) that gives that same year: RIS
    ``PY 2016///`` before ``DA 2016/03/15`` keeps the month and day, ``PY 2017`` before
    ``Y1 Mar. 2017`` the month.

    When no value has a year, the year is ``None`` and the date is the first value that says
    something (``""`` when none does): the caller reports that date.
    """
    first = ""
    year: int | None = None
    date = ""
    for value in values:
        if not value or value == "nan" or value.isspace():
            continue
        found = parse_year(value)
        if found is None:
            if not first:
                first = value
        elif year is None:
            year, date = found, value.strip()
        elif found == year and _detail(value) > _detail(date):
            date = value.strip()
    if year is None:
        return None, first.strip()
    return year, date


_MONTH_NAME = re.compile(r"\b(?:jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec)", re.IGNORECASE)


def _detail(value: str) -> int:
    """How much a date says: its digits, and two for a month name (``Mar. 2017`` says more
    than ``2017``, as ``2017/03`` does)."""
    return sum(ch.isdigit() for ch in value) + (2 if _MONTH_NAME.search(value) else 0)


def authors_of(
    gathered: Mapping[str, list[str]],
    fmap: FieldMap,
    by_tag: Mapping[str, list[str]],
    extra: Mapping[str, Sequence[str]],
) -> tuple[Author, ...]:
    """Authors from the first tag (in table order, then ``extra``) that has any."""
    for name in _AUTHOR_FIELDS:
        if name not in gathered:
            continue
        for tag in fmap.by_field.get(name, ()):
            values = by_tag.get(tag)
            if values:
                authors = _parse_authors(name, values)
                if authors:
                    return authors
        if name in extra:
            authors = _parse_authors(name, extra[name])
            if authors:
                return authors
    return ()


def _parse_authors(name: str, values: Sequence[str]) -> tuple[Author, ...]:
    """The authors in one tag's values, read as canonical field ``name`` says."""
    if name == "authors":  # one author per value, unless a value holds a glued list
        # (a whole list glued into one tag comes as one or two values; ";" always separates)
        glued = len(values) <= 2
        return tuple(
            [
                parse_author(text_of(v) if "\n" in v or "  " in v else v.strip())
                for value in values
                if value and value != "nan" and not value.isspace()
                for v in (split_glued_authors(value) if glued or ";" in value else (value,))
            ]
        )
    if name == "authors_lines":  # one author per line
        strings = [line.strip() for value in values for line in value.split("\n") if line.strip()]
    else:  # several authors in a value
        strings = [
            author
            for value in values
            if value and not value.isspace()
            for author in split_authors(text_of(value))
        ]
    return tuple([parse_author(s) for s in strings])


def keywords_of(gathered: Mapping[str, list[str]]) -> tuple[str, ...]:
    """Keywords, each once, in order; a leading ``*`` (MEDLINE major topic) is dropped."""
    found: list[str] = []
    if "keywords" in gathered:
        found.extend([text_of(value) for value in gathered["keywords"]])
    if "keywords_lines" in gathered:
        values = gathered["keywords_lines"]
        if "\n".join(values).count("\n") < len(values):  # no value holds a newline
            found.extend(values)  # (the values themselves: no copies)
        else:
            for value in values:
                found.extend(value.split("\n"))
    if "keywords_list" in gathered:
        for value in gathered["keywords_list"]:
            found.extend(text_of(value).split(";"))
    if not found:
        return ()
    stripped = list(map(str.strip, found))
    if "" not in stripped and "*" not in "".join(stripped):  # nothing to drop: the usual case
        return tuple(dict.fromkeys(stripped))
    out: dict[str, None] = {}
    for keyword in stripped:
        if keyword[:1] == "*":
            keyword = keyword[1:].strip()
        if keyword:
            out[keyword] = None
    return tuple(out)


def _blank_separated(value: str) -> list[str]:
    """The links of a value that holds blanks: split at them, except that words with no ``:``,
    ``/`` or ``.`` go with the link after them (EndNote's ``<Go to ISI>://WOS:000...``)."""
    urls: list[str] = []
    words: list[str] = []
    for part in value.split():
        part = part.rstrip(";")
        if not part:
            continue
        if not any(char in part for char in ":/."):
            words.append(part)
            continue
        urls.append(" ".join([*words, part]))
        words = []
    return urls + words


def split_urls(values: Sequence[str]) -> list[str]:
    """URLs in the values that say something: a value may hold several (blanks or ``;``)."""
    # Most lists are plain URLs: no blank (printable, no space), no ";", no "nan". Checked
    # on all of them at once, that leaves only empty values to drop.
    joined = "".join(values)
    if " " not in joined and ";" not in joined and joined.isprintable() and "nan" not in values:
        return [value for value in values if value] if "" in values else list(values)
    urls: list[str] = []
    for value in values:
        if not value or value == "nan" or value.isspace():
            continue
        if " " in value or "\n" in value or "\t" in value:
            urls.extend(_blank_separated(value))
        elif value[-1:] == ";":
            if value.rstrip(";"):
                urls.append(value.rstrip(";"))
        else:
            urls.append(value)
    return urls


def accessions_of(values: list[str]) -> list[str]:
    """Accession numbers: values that say something, split on ``;``."""
    accession: list[str] = []
    for value in useful(values):
        if ";" in value:
            accession.extend(part.strip() for part in value.split(";") if part.strip())
        else:
            accession.append(value.strip())
    return accession


_MARKUP = re.compile(r"</?(?:p|br|div|span|b|i|em|strong|u|sup|sub|li|ul|ol|h[1-6])\b[^>]*>", re.I)


def note_of(value: str) -> str:
    """A note with its lines stripped and the XHTML Zotero wraps notes in removed."""
    value = value.strip()
    lines = value.split("\n")
    if len(lines) > 1:
        stripped = list(map(str.strip, lines))
        if stripped != lines:  # (else the value itself: long notes are not copied)
            value = "\n".join(stripped)
    if "<" in value and ">" in value:
        value = html.unescape(_MARKUP.sub(" ", value))
        if "\n" in value:
            value = "\n".join(" ".join(part.split()) for part in value.split("\n")).strip()
        else:  # (the same for one line)
            value = " ".join(value.split())
    return value


def unique(values: list[str]) -> tuple[str, ...]:
    """``values`` without repeats, in order."""
    if len(values) < 2:
        return tuple(values)
    return tuple(dict.fromkeys(values))
