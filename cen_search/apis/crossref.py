"""Crossref REST: the references publishers deposited with their works (backward only).

``/works/{doi}`` gives the seed's ``reference[]`` (an unknown DOI is a ``404`` with the
plain-text body ``Resource not found.``). References with a DOI are then described in
batches with ``/works?filter=doi:A,doi:B,...`` (repeating the filter ORs it) and ``select=``;
references without one are kept as deposited. Crossref has no public list of citing works
(its Cited-by service is for members' own DOIs), so it cannot trace forward, which the trace
says once. The contact e-mail goes in ``mailto`` and the User-Agent (the "polite" pool);
``x-rate-limit-*`` headers widen the politeness interval when they ask for it.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any, ClassVar
from urllib.parse import quote

from cen_search.apis.citations import BACKWARD, Found, Harvest, SeedIds, SeedOutcome, chunks
from cen_search.apis.client import ServiceClient
from cen_search.apis.errors import BadResponseError
from cen_search.apis.mapping.crossref import crossref_any
from cen_search.apis.parse import HttpResult, json_object
from cen_search.apis.registry import TRACE, Service, register
from cen_search.fields import clean_doi
from cen_search.progress import Reporter

SERVICE = "crossref"
DEFAULT_BASE_URL = "https://api.crossref.org/"
BATCH = 20
"""DOIs OR-ed in one ``filter=doi:...`` request (URL length)."""
SELECT = (
    "DOI,title,author,container-title,short-container-title,issued,published,volume,issue,"
    "page,article-number,type,ISSN,ISBN,abstract,publisher"
)


def _message(result: HttpResult, kind: str) -> dict[str, Any]:
    data = json_object(result)
    message = data.get("message")
    if data.get("status") != "ok" or not isinstance(message, dict):
        raise result.error(
            f"Crossref returned an answer that is not a {kind} ({result.url})",
            hint="run the command again; check the base URL if it persists",
            kind=BadResponseError,
        )
    return message


def parse_work(result: HttpResult) -> dict[str, Any] | None:
    """``/works/{doi}``: the work, or None when Crossref does not know the DOI (404)."""
    if result.status == 404:
        return None
    return _message(result, "work")


def parse_list(result: HttpResult) -> list[dict[str, Any]]:
    """``/works?filter=...``: the items."""
    found = _message(result, "work list").get("items")
    if not isinstance(found, list):
        raise result.error(
            f"Crossref returned a work list without items ({result.url})",
            hint="run the command again; report it if it persists",
            kind=BadResponseError,
        )
    return [item for item in found if isinstance(item, dict)]


@dataclass(kw_only=True, eq=False, repr=False)
class CrossrefClient(ServiceClient):
    """A thin client of ``/works``."""

    service: ClassVar[str] = SERVICE

    base_url: str = DEFAULT_BASE_URL
    cache_max_age: float | None = 7 * 86400

    def _params(self, **extra: str) -> dict[str, str]:
        return {**extra, **({"mailto": self.email} if self.email else {})}

    def work(self, doi: str) -> dict[str, Any] | None:
        """The work with ``doi``; None when Crossref does not know it."""
        result = self.send(
            "GET",
            self.base_url + "works/" + quote(doi, safe="/"),
            params=self._params(),
            parse=parse_work,
            ok_statuses=(200, 404),
        )
        return result.data

    def works(self, dois: Sequence[str]) -> dict[str, dict[str, Any]]:
        """DOI -> work for every DOI Crossref knows, :data:`BATCH` per request (a DOI with a
        comma cannot be OR-ed and is fetched alone)."""
        out: dict[str, dict[str, Any]] = {}
        unique = list(dict.fromkeys(dois))
        for doi in (d for d in unique if "," in d):
            work = self.work(doi)
            if work is not None:
                out[doi] = work
        for batch in chunks([d for d in unique if "," not in d], BATCH):
            params = self._params(
                filter=",".join(f"doi:{doi}" for doi in batch),
                rows=str(len(batch) * 2),
                select=SELECT,
            )
            result = self.send("GET", self.base_url + "works", params=params, parse=parse_list)
            for item in result.data:
                out.setdefault(clean_doi(str(item.get("DOI") or "")), item)
        return out

    def trace(
        self, seeds: Sequence[SeedIds], *, backward: bool, forward: bool, reporter: Reporter
    ) -> Harvest:
        """The deposited references of every seed with a DOI (forward: not available)."""
        notes = []
        if forward:
            notes.append(
                "Crossref has no public list of citing works; it was used for references only"
            )
        outcomes: list[SeedOutcome] = []
        refs: list[tuple[str, dict[str, Any]]] = []
        reporter.start("Crossref: references", total=len(seeds) if backward else 0)
        for seed in seeds:
            if not backward:
                break
            reporter.advance()
            if not seed.doi:
                outcomes.append(SeedOutcome(seed.key, False, reason="no DOI"))
                continue
            work = self.work(seed.doi)
            if work is None:
                reason = f"Crossref does not know DOI {seed.doi}"
                outcomes.append(SeedOutcome(seed.key, False, reason=reason))
                continue
            deposited = [r for r in work.get("reference") or [] if isinstance(r, dict)]
            reason = "" if deposited else "no references deposited with Crossref"
            outcomes.append(SeedOutcome(seed.key, True, ident=seed.doi, reason=reason, work=work))
            refs.extend((seed.key, ref) for ref in deposited)
        reporter.finish()
        described = self.works([clean_doi(str(r.get("DOI"))) for _, r in refs if r.get("DOI")])
        found = [
            Found(key, BACKWARD, described.get(clean_doi(str(ref.get("DOI") or "")), ref))
            for key, ref in refs
        ]
        directions = frozenset({BACKWARD}) if backward else frozenset()
        return Harvest(SERVICE, tuple(found), tuple(outcomes), tuple(notes), directions)

    def match(self, seed: SeedIds) -> list[Mapping[str, Any]]:
        """Candidates from ``query.bibliographic`` (title, first author, year)."""
        words = " ".join(filter(None, [seed.title, seed.first_author, str(seed.year or "")]))
        if not seed.title:
            return []
        params = self._params(**{"query.bibliographic": words, "rows": "5", "select": SELECT})
        result = self.send("GET", self.base_url + "works", params=params, parse=parse_list)
        return list(result.data)


register(
    Service(
        name=SERVICE,
        label="Crossref",
        base_url=DEFAULT_BASE_URL,
        factory=CrossrefClient,
        roles=frozenset({TRACE}),
        min_interval=1.0,
        retry_hint="Crossref is busy or down; wait a few minutes and run the command again",
        database="Crossref",
        platform="Crossref (REST API)",
        record=crossref_any,
    )
)
