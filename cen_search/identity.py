"""Record identity that survives re-saving, re-exporting and re-ordering an export.

A :class:`~cen_search.models.RecordId` (file checksum + position) names a record within one
run; it changes as soon as the export is saved again with other line endings, exported again,
or sorted differently. What people decide about records (duplicate pairs, screening votes) must
outlive that, so it is kept against a :class:`RecordRef`: every handle the record offers —

* its database (declared at import, else named in the record, else the file's name),
* its PubMed id, accession numbers (Embase, PsycINFO, Web of Science ...) and DOI,
* its own key in the file (RIS ``ID``, BibTeX key) when that is not just its position,
* a **fingerprint** of its normalised content (title, year, first author's family name),

and a short :attr:`RecordRef.uid` built from the strongest of them (``medline/pmid:31234567``,
``embase/an:L2001234567``, ``cinahl/fp:1f3a...``). A reference is found again in a later run
by its uid, else by the handles that still agree (:class:`IdentityIndex`), and a reference
that matches nothing, or several different records, is reported, never silently dropped. A
key is made by the tool that wrote the file, not by the database, and tools give it again to
other records; so a uid built from a key names a record only while its content agrees, and a
key alone (like a DOI, which collection DOIs share) never identifies a record.

The fingerprint's normalisation is frozen (prefix ``f1``): changing it would orphan decisions
already made. It deliberately ignores what tools write differently (case, accents, markup,
punctuation, spacing, entities), and nothing a database changes between exports of one record.
"""

from __future__ import annotations

import hashlib
import html
import re
from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from unidecode import unidecode

from cen_search.models import Record

FINGERPRINT_VERSION = "f1"
_TITLE_WORDS = 5
"""A title of this many words names a work with its first author; a shorter one ("Editorial",
"Reply") needs volume, first page and journal too."""

_TAG = re.compile(r"<[^>]{0,200}>")
_NOT_ALNUM = re.compile(r"[^0-9a-z]+")
_YEAR = re.compile(r"(1[5-9]|20)\d\d")


def _plain(text: str) -> str:
    """Letters and digits only, transliterated and lower case, words one space apart."""
    text = unidecode(html.unescape(_TAG.sub(" ", text))).casefold()
    return " ".join(_NOT_ALNUM.sub(" ", text).split())


def _slug(database: str) -> str:
    return "-".join(_plain(database).split()) or "unknown"


def first_author_family(authors_text: str) -> str:
    """The first author's family name from a ``Family, Given; Family, Given`` display string
    (what :meth:`~cen_search.models.Author.display` gives), normalised."""
    first = authors_text.split(";", 1)[0]
    return _plain(first.split(",", 1)[0])


def year_of(text: str) -> str:
    """The four-digit year in a year or date string, or ``""``."""
    found = _YEAR.search(text or "")
    return found.group(0) if found else ""


def fingerprint(
    *,
    title: str,
    year: str,
    first_author: str,
    volume: str = "",
    first_page: str = "",
    container: str = "",
    abstract: str = "",
) -> str:
    """The content fingerprint: ``f1-`` and 16 hex digits of a hash of the normalised title,
    year and first author's family name. A short title ("Editorial", "Reply") or a missing
    author does not tell records apart, so volume, first page and journal are added then;
    with no title at all, the opening of the abstract too."""
    plain_title = _plain(title)
    author = _plain(first_author)
    parts = [plain_title, year_of(year), author]
    if len(plain_title.split()) < _TITLE_WORDS or not author:
        parts += [_plain(volume), _plain(first_page), _plain(container)]
    if not plain_title:
        parts.append(_plain(abstract)[:200])
    digest = hashlib.sha256("|".join(parts).encode("utf-8")).hexdigest()[:16]
    return f"{FINGERPRINT_VERSION}-{digest}"


def _positional(record: Record) -> bool:
    """True when the record's key is only its position in the file (no ID tag of its own)."""
    key = record.provenance.key
    return not key or (key.isdigit() and int(key) == record.provenance.index)


@dataclass(frozen=True, slots=True)
class RecordRef:
    """Everything that names one record across runs; kept with people's decisions."""

    database: str = ""
    """Database the record counts under (as given; compared as a slug)."""
    pmid: str = ""
    accession: tuple[str, ...] = ()
    """Accession numbers of the record in its database."""
    doi: str = ""
    key: str = ""
    """The record's own key (RIS ``ID``, BibTeX key), empty when it was only its position."""
    fingerprint: str = ""
    title: str = ""
    """What the record was about (shown when the reference matches nothing any more)."""
    year: str = ""
    first_author: str = ""

    @property
    def known(self) -> bool:
        """False for the empty reference (a record named only by its run's record id)."""
        return bool(self.fingerprint or self.pmid or self.accession or self.key)

    @property
    def uid(self) -> str:
        """``<database slug>/<strongest handle>``: PubMed id, accession number, the record's
        own key, else its fingerprint."""
        if self.pmid:
            handle = f"pmid:{self.pmid}"
        elif self.accession:
            handle = f"an:{self.accession[0]}"
        elif self.key:
            handle = f"key:{self.key}"
        else:
            handle = f"fp:{self.fingerprint}"
        return f"{_slug(self.database)}/{handle}"

    def describe(self) -> str:
        """``Smith 2019 'Title ...' (MEDLINE, pmid:31234567)`` for messages: the strongest
        handle tells records with one title apart (a fingerprint is left out: it says
        nothing to a person)."""
        title = self.title if len(self.title) <= 70 else self.title[:67] + "..."
        who = " ".join(part for part in (self.first_author.title(), self.year) if part)
        handle = self.uid.partition("/")[2] if self.known else ""
        if handle.startswith("fp:"):
            handle = ""
        where = ", ".join(part for part in (self.database, handle) if part)
        return f"{who} {title!r}".strip() + (f" ({where})" if where else "")

    def to_json(self) -> dict[str, Any]:
        """The non-empty handles as a JSON object (stable keys)."""
        data: dict[str, Any] = {"uid": self.uid}
        for name in ("database", "pmid", "doi", "key", "fingerprint", "title", "year"):
            value = getattr(self, name)
            if value:
                data[name] = value
        if self.accession:
            data["accession"] = list(self.accession)
        if self.first_author:
            data["first_author"] = self.first_author
        return data

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> RecordRef:
        """Inverse of :meth:`to_json` (unknown keys ignored; wrong types read as empty)."""

        def text(name: str) -> str:
            value = data.get(name, "")
            return value if isinstance(value, str) else ""

        accession = data.get("accession", ())
        if isinstance(accession, str):
            accession = (accession,)
        return cls(
            database=text("database"),
            pmid=text("pmid"),
            accession=tuple(a for a in accession if isinstance(a, str) and a),
            doi=text("doi"),
            key=text("key"),
            fingerprint=text("fingerprint"),
            title=text("title"),
            year=text("year"),
            first_author=text("first_author"),
        )


def ref_of(record: Record) -> RecordRef:
    """The :class:`RecordRef` of a record."""
    authors = "; ".join(author.display() for author in record.authors[:1])
    first = first_author_family(authors)
    year = str(record.year) if record.year else year_of(record.date)
    return RecordRef(
        database=record.source_database,
        pmid=record.pmid,
        accession=tuple(record.accession_numbers),
        doi=record.doi,
        key="" if _positional(record) else record.provenance.key,
        fingerprint=fingerprint(
            title=record.title,
            year=year,
            first_author=first,
            volume=record.volume,
            first_page=record.pages.start or record.pages.article_number,
            container=record.container or record.container_abbrev,
            abstract=record.abstract,
        ),
        title=" ".join(record.title.split()),
        year=year,
        first_author=first,
    )


@dataclass(frozen=True, slots=True)
class Resolution:
    """Which records of a run a :class:`RecordRef` names."""

    indices: tuple[int, ...]
    """Positions in the run (several: identical twins, e.g. one record exported twice)."""
    via: str
    """How it was found: ``uid``, ``pmid``, ``accession``, ``key``, ``fingerprint``, ``doi``;
    ``""`` when not found; ``ambiguous`` when it named several different records."""

    @property
    def found(self) -> bool:
        return bool(self.indices)


_STRONG = frozenset({"pmid", "accession", "fingerprint"})
_WEIGHTS = {"pmid": 4, "accession": 4, "key": 2, "fingerprint": 3, "doi": 1, "database": 1}


@dataclass
class IdentityIndex:
    """The records of one run, indexed by every handle, to find references again."""

    refs: list[RecordRef]
    _by: dict[tuple[str, str], list[int]] = field(default_factory=dict)

    @classmethod
    def of(cls, records: Iterable[Record]) -> IdentityIndex:
        index = cls([ref_of(record) for record in records])
        by: dict[tuple[str, str], list[int]] = defaultdict(list)
        for i, ref in enumerate(index.refs):
            for handle in _handles(ref):
                by[handle].append(i)
        index._by = dict(by)
        return index

    def uid(self, i: int) -> str:
        return self.refs[i].uid

    def resolve(self, ref: RecordRef) -> Resolution:
        """The records ``ref`` names: those with its uid (see :func:`_vouches`), else the
        best-agreeing records on its other handles. Several records are returned only when
        they are content twins (one fingerprint); several different ones make the reference
        ambiguous (not found)."""
        exact = [i for i in self._by.get(("uid", ref.uid), []) if _vouches(ref, self.refs[i])]
        if exact:
            return Resolution(tuple(exact), "uid")
        scores: dict[int, int] = defaultdict(int)
        strong: dict[int, str] = {}
        for kind, value in _handles(ref):
            if kind in ("uid", "database"):
                continue
            for i in self._by.get((kind, value), []):
                if _conflicts(ref, self.refs[i]):
                    continue
                scores[i] += _WEIGHTS[kind]
                if kind in _STRONG:
                    strong.setdefault(i, kind)
        # A DOI (collection DOIs) or a key (re-exports renumber) alone never identifies.
        scores = {i: score for i, score in scores.items() if i in strong}
        if not scores:
            return Resolution((), "")
        for i in scores:
            if ref.database and _slug(ref.database) == _slug(self.refs[i].database):
                scores[i] += _WEIGHTS["database"]
        best = max(scores.values())
        chosen = tuple(sorted(i for i, score in scores.items() if score == best))
        if len({self.refs[i].fingerprint for i in chosen}) > 1:
            return Resolution((), "ambiguous")
        return Resolution(chosen, strong[chosen[0]])

    def twins(self, ref: RecordRef) -> tuple[int, ...]:
        """The records of ``ref``'s database with its fingerprint: one record exported
        several times (``()`` when the reference has no fingerprint)."""
        if not ref.fingerprint:
            return ()
        database = _slug(ref.database)
        return tuple(
            i
            for i in self._by.get(("fingerprint", ref.fingerprint), [])
            if _slug(self.refs[i].database) == database
        )


def _handles(ref: RecordRef) -> list[tuple[str, str]]:
    db = _slug(ref.database)
    handles = [("uid", ref.uid), ("database", db)]
    if ref.pmid:
        handles.append(("pmid", ref.pmid))
    handles += [("accession", f"{db}|{a}") for a in ref.accession]
    if ref.key:
        handles.append(("key", f"{db}|{ref.key}"))
    if ref.fingerprint:
        handles.append(("fingerprint", ref.fingerprint))
    if ref.doi:
        handles.append(("doi", ref.doi.casefold()))
    return handles


def _vouches(ref: RecordRef, candidate: RecordRef) -> bool:
    """Whether a record whose uid equals ``ref``'s is the record ``ref`` names.

    A PubMed id or an accession number is given by the database and names one record
    whatever else changed (a title corrected, the year of print after the e-pub year). A
    record's own key is not: the tool that wrote the file made it (BibTeX keys, EndNote
    record numbers) and gives it again to another record when the library is re-exported or
    sorted differently (``Smith2019a`` becomes ``Smith2019b``), and some tools give one key to
    several records (Mendeley). A key-based uid therefore names the record only while the
    content agrees too: the same fingerprint, or (the work dated again between exports, the
    year of print after the e-pub year) a title long enough to name the work alone and the
    same first author. Otherwise the other handles decide."""
    if _conflicts(ref, candidate):
        return False
    keyed = not ref.pmid and not ref.accession and bool(ref.key)
    if not (keyed and ref.fingerprint) or candidate.fingerprint == ref.fingerprint:
        return True
    title = _plain(ref.title)
    return (
        len(title.split()) >= _TITLE_WORDS
        and title == _plain(candidate.title)
        and ref.first_author == candidate.first_author
    )


def _conflicts(a: RecordRef, b: RecordRef) -> bool:
    """Whether two references cannot be one record: they state different PubMed ids, or
    different DOIs while no id of the database (PubMed id, accession number) joins them.

    The DOI matters when a reference is found by its content only: a conference abstract
    (with its supplement's DOI) and the full paper (with its own) can share title, year and
    first author, and a decision about the abstract must not pass to a copy of the paper when
    the abstract's export is no longer in the run. A DOI corrected between two exports of
    one record is still followed through the record's PubMed id or accession number."""
    if a.pmid and b.pmid:
        return a.pmid != b.pmid
    if a.doi and b.doi and a.doi.casefold() != b.doi.casefold():
        return not set(a.accession) & set(b.accession)
    return False
