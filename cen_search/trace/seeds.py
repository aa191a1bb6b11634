"""Where seeds come from and how a seed known only by its title is found.

Seeds come from files (any format the readers take), from identifiers on the command line, or,
inside a review with no seed option, from the review's included studies
(:func:`included_studies`): the reports included in the screening logs (the screening stage
registers a provider, :func:`register_seed_provider`, from
:mod:`cen_search.screening.included`), else, in a review that has not screened yet, the file
named in ``cen-search.toml`` (``[trace] seeds = "included.ris"``).

A seed is keyed by its DOI, else PMID, else OpenAlex id, else PMCID, else its title (two
copies of the same study are one seed). A seed with none of those identifiers is looked up by
title, first author and year in the sources that can search by title (:func:`match_title`):
each candidate is scored (title similarity, year within one, first author's family name), and
the best one is accepted at ``min_confidence`` or above; otherwise the seed is unresolved and
the reason says what the best candidate was.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Mapping, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

from cen_search.apis.citations import SeedIds
from cen_search.errors import UsageError, WorkspaceError
from cen_search.fields import clean_doi, clean_pmcid, clean_pmid
from cen_search.models import Record
from cen_search.trace.model import Seed

if TYPE_CHECKING:
    from cen_search.workspace import Workspace

_OPENALEX = re.compile(r"(?:openalex\.org/|openalex:)?(W\d+)\b", re.IGNORECASE)

SeedProvider = Callable[["Workspace"], tuple[list[Record], str] | None]
"""Returns a review's included studies and where they came from, or None when it has none."""
_PROVIDERS: list[SeedProvider] = []
PROVIDER_MODULES = ("cen_search.screening.included",)
"""Modules that register a provider when imported (the screening stage's included studies);
imported when a review's included studies are first asked for, so tracing never imports the
later stages up front."""


def openalex_id(record: Record) -> str:
    """The OpenAlex work id a record carries (accession number or URL), "" if none."""
    for value in record.accession_numbers:  # the usual place, cheaply
        if value[:1] in "Ww" and value[1:].isdigit():
            return value.upper()
    for value in (*record.accession_numbers, *record.urls):
        match = _OPENALEX.fullmatch(value.strip()) or _OPENALEX.search(value)
        if match and ("openalex" in value.lower() or match.group(0) == value.strip()):
            return match.group(1).upper()
    return ""


def _label(record: Record) -> str:
    author = record.authors[0].family or record.authors[0].raw if record.authors else ""
    title = " ".join(record.title.split())
    title = title if len(title) <= 60 else title[:57] + "..."
    parts = [p for p in (author, str(record.year or ""), title) if p]
    return " ".join(parts) if parts else "(no title)"


def seed_from_record(record: Record, *, origin: str) -> Seed:
    """A seed for ``record``, keyed by its best identifier."""
    ids = {
        "doi": clean_doi(record.doi),
        "pmid": clean_pmid(record.pmid),
        "openalex": openalex_id(record),
        "pmcid": clean_pmcid(record.pmcid),
    }
    key = next((f"{k}:{v}" for k, v in ids.items() if v), "")
    if not key:
        words = " ".join(re.sub(r"\W+", " ", record.title.lower()).split())
        key = f"title:{words[:80]}" if words else f"record:{record.id}"
    first = record.authors[0] if record.authors else None
    return Seed(
        ids=SeedIds(
            key=key,
            title=" ".join(record.title.split()),
            year=record.year,
            first_author=(first.family or first.raw) if first else "",
            **ids,
        ),
        label=_label(record),
        origin=origin,
        record=record,
    )


def seeds_from_records(records: Iterable[Record], *, origin: str = "") -> list[Seed]:
    """One seed per distinct study (first copy wins), each with where it came from."""
    seeds: dict[str, Seed] = {}
    for record in records:
        where = (
            origin
            or f"{record.provenance.file}:{record.provenance.line or record.provenance.index}"
        )
        seed = seed_from_record(record, origin=where)
        seeds.setdefault(seed.key, seed)
    return list(seeds.values())


def seeds_from_files(paths: Sequence[str | Path]) -> list[Seed]:
    """Seeds from export files, read as ``import`` reads them (a file with no record is an
    error naming it)."""
    from cen_search.reading import read_export

    records: list[Record] = []
    for path in paths:
        records.extend(read_export(path).records)
    return seeds_from_records(records)


def seeds_from_ids(*, dois: Sequence[str] = (), pmids: Sequence[str] = ()) -> list[Seed]:
    """Seeds from identifiers typed on the command line; a value that is not one is a usage
    error naming it."""
    seeds: list[Seed] = []
    for value in dois:
        doi = clean_doi(value)
        if not doi.startswith("10."):
            raise UsageError(f"--doi {value!r} is not a DOI", hint="write it as 10.xxxx/yyyy")
        seeds.append(Seed(SeedIds(key=f"doi:{doi}", doi=doi), label=f"doi:{doi}", origin="--doi"))
    for value in pmids:
        pmid = clean_pmid(value)
        if not pmid or not value.strip().isdigit():
            raise UsageError(f"--pmid {value!r} is not a PubMed id", hint="give the digits only")
        seeds.append(
            Seed(SeedIds(key=f"pmid:{pmid}", pmid=pmid), label=f"pmid:{pmid}", origin="--pmid")
        )
    return seeds


def merge_seeds(*groups: Iterable[Seed]) -> list[Seed]:
    """All seeds, each study once (the first copy, which may carry a record, wins)."""
    merged: dict[str, Seed] = {}
    for group in groups:
        for seed in group:
            merged.setdefault(seed.key, seed)
    return list(merged.values())


# --------------------------------------------------------------------------- review seeds


def register_seed_provider(provider: SeedProvider) -> None:
    """Let a later stage (screening) say what a review's included studies are; the most
    recently registered provider is asked first."""
    if provider not in _PROVIDERS:
        _PROVIDERS.insert(0, provider)


def configured_seeds_file(workspace: Workspace) -> Path | None:
    """The file ``[trace] seeds`` names (relative to the review folder), None if unset."""
    name = workspace.settings.table("trace").get("seeds")
    if name is None:
        return None
    if not isinstance(name, str) or not name.strip():
        raise WorkspaceError(
            f"{workspace.config_path}: [trace] seeds must be a file name in double quotes",
            hint='write e.g. seeds = "included.ris"',
        )
    path = Path(name).expanduser()
    return path if path.is_absolute() else workspace.root / path


def configured_seeds(workspace: Workspace) -> tuple[list[Record], str] | None:
    """The file named by ``[trace] seeds`` in the review's settings, read; None if unset."""
    from cen_search.reading import read_export

    path = configured_seeds_file(workspace)
    if path is None:
        return None
    name = workspace.settings.table("trace")["seeds"]
    return list(read_export(path).records), f"[trace] seeds = {name!r}"


def _load_providers() -> None:
    import importlib

    for name in PROVIDER_MODULES:
        try:
            importlib.import_module(name)
        except ModuleNotFoundError as exc:
            if not (exc.name and name.startswith(exc.name)):
                raise


def included_studies(workspace: Workspace) -> tuple[list[Seed], str]:
    """The review's included studies as seeds, and where they came from: the registered
    providers first (the screening logs' included reports), else ``[trace] seeds``."""
    _load_providers()
    for provider in (*_PROVIDERS, configured_seeds):
        found = provider(workspace)
        if found is not None:
            records, origin = found
            return seeds_from_records(records), origin
    raise WorkspaceError(
        "no seeds: give --seeds FILE, --doi or --pmid, or name the review's included studies "
        "in cen-search.toml",
        hint='add  [trace]  seeds = "included.ris"  to cen-search.toml (any format the '
        "readers take)",
    )


# --------------------------------------------------------------------------- title matching


def _title_key(text: str) -> str:
    from cen_search.dedupe.titles import clean_title, title_words

    return " ".join(title_words(clean_title(text)[0]))


def _family(text: str) -> str:
    from cen_search.dedupe.normalise import fold

    return " ".join(fold(text).split())


def score(seed: SeedIds, candidate: Record) -> float:
    """How surely ``candidate`` is the seed (0-1): title similarity, lowered when the year is
    more than one apart or the first author's family name differs."""
    from rapidfuzz import fuzz

    a, b = _title_key(seed.title), _title_key(candidate.title)
    if not a or not b:
        return 0.0
    value = fuzz.token_sort_ratio(a, b) / 100
    if seed.year and candidate.year:
        gap = abs(seed.year - candidate.year)
        value -= 0.0 if gap == 0 else 0.03 if gap == 1 else 0.3
    if seed.first_author and candidate.authors:
        theirs = candidate.authors[0].family or candidate.authors[0].raw
        mine = _family(seed.first_author)
        if mine and theirs:
            value += 0.03 if mine == _family(theirs) or mine in _family(theirs) else -0.15
    return max(0.0, min(1.0, value))


def match_title(
    seed: SeedIds,
    candidates: Sequence[tuple[str, Mapping[str, Any], Record]],
    *,
    min_confidence: float,
) -> tuple[Record | None, float, str]:
    """The best of ``candidates`` ((source, JSON, record) triples) for ``seed``: the record
    when it scores ``min_confidence`` or more, its score, and a reason to show."""
    best: tuple[float, str, Record] | None = None
    for source, _, record in candidates:
        value = score(seed, record)
        if best is None or value > best[0]:
            best = (value, source, record)
    if best is None:
        return None, 0.0, "no candidate found by title"
    value, source, record = best
    what = f"{_label(record)!r} in {source}, score {value:.2f}"
    if value < min_confidence:
        return None, value, f"best title match {what} is below {min_confidence:.2f}"
    return record, value, f"matched {what}"


__all__ = [
    "SeedProvider",
    "configured_seeds",
    "configured_seeds_file",
    "included_studies",
    "match_title",
    "merge_seeds",
    "openalex_id",
    "register_seed_provider",
    "score",
    "seed_from_record",
    "seeds_from_files",
    "seeds_from_ids",
    "seeds_from_records",
]
