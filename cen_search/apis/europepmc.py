"""Europe PMC REST: search (counts, cursor paging, ``core`` records) and citation tracing.

Counts use ``resultType=idlist&pageSize=1`` and read ``hitCount``. Records are paged with
``cursorMark`` (start at ``*``, send back ``nextCursorMark`` until it is missing or unchanged),
so no offset limit truncates a large result. Europe PMC reports some errors inside an HTTP 200
JSON body (``errCode``/``errMsg``); those raise
:class:`~cen_search.apis.errors.ServiceReportedError`. Synonym expansion is sent explicitly
(off by default, as in the REST API) so a run records what it used.

Tracing uses ``/{source}/{id}/references`` and ``/{source}/{id}/citations`` (``MED`` + PMID,
``PMC`` + PMCID; DOIs are not accepted there, so a seed known only by DOI is first looked up
with ``DOI:"..."`` searches, several per request). Pages of up to 1,000 items are read until
``hitCount`` items have come. Items carry no DOI; unmatched references have no ``id``.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from typing import Any, ClassVar

from cen_search.apis.citations import (
    BACKWARD,
    FORWARD,
    Found,
    Harvest,
    SeedIds,
    SeedOutcome,
    chunks,
)
from cen_search.apis.client import ServiceClient, cursor_pages
from cen_search.apis.errors import BadResponseError, ServiceReportedError
from cen_search.apis.mapping.europepmc import europepmc_record
from cen_search.apis.parse import HttpResult, json_object
from cen_search.apis.registry import SEARCH, TRACE, Service, register
from cen_search.fields import clean_doi
from cen_search.progress import Reporter

SERVICE = "europepmc"
DEFAULT_BASE_URL = "https://www.ebi.ac.uk/europepmc/webservices/rest/"
MAX_PAGE_SIZE = 1000
POST_ABOVE_CHARS = 6000
"""Queries longer than this go to ``searchPOST`` instead of a GET URL [verify endpoint]."""
DOI_LOOKUP_BATCH = 10
"""DOIs OR-ed in one lookup search (a 25-DOI query once timed out [3p])."""
_LISTS = {"references": ("referenceList", "reference"), "citations": ("citationList", "citation")}


@dataclass(frozen=True, slots=True)
class EpmcPage:
    """One page of a Europe PMC search."""

    hit_count: int
    results: tuple[dict[str, Any], ...]
    """Result objects exactly as Europe PMC sent them."""
    next_cursor: str | None
    url: str
    from_cache: bool
    content: bytes
    """The raw response body (kept for the import)."""


def _reported(result: HttpResult, data: Mapping[str, Any]) -> None:
    if "errCode" in data or "errMsg" in data:
        raise result.error(
            f"Europe PMC reported an error (errCode {data.get('errCode')}): "
            f"{data.get('errMsg', '')} ({result.url})",
            hint="check the query (for a strategy: `cen-search strategy translate --to europepmc`)",
            kind=ServiceReportedError,
        )
    if not isinstance(data.get("hitCount"), int) or isinstance(data.get("hitCount"), bool):
        raise result.error(
            f"Europe PMC returned an answer without hitCount ({result.url})",
            hint="the response is not a search or citation list; check the base URL",
            kind=BadResponseError,
        )


def parse_search(result: HttpResult) -> dict[str, Any]:
    """A search answer: an object with ``hitCount`` and a list of results."""
    data = json_object(result)
    _reported(result, data)
    results = (data.get("resultList") or {}).get("result") or []
    if not isinstance(results, list):
        raise result.error(
            f"Europe PMC returned resultList.result that is not a list ({result.url})",
            hint="report it with the run record",
            kind=BadResponseError,
        )
    return data


def _list_parser(kind: str) -> Any:
    outer, inner = _LISTS[kind]

    def parse(result: HttpResult) -> tuple[int, list[dict[str, Any]]]:
        data = json_object(result)
        _reported(result, data)
        holder = data.get(outer) or {}
        entries = holder.get(inner) if isinstance(holder, Mapping) else None
        if entries is None:
            entries = []
        if not isinstance(entries, list):
            raise result.error(
                f"Europe PMC returned {outer}.{inner} that is not a list ({result.url})",
                hint="run the command again; report it if it persists",
                kind=BadResponseError,
            )
        return int(data["hitCount"]), [e for e in entries if isinstance(e, dict)]

    return parse


@dataclass(kw_only=True, eq=False, repr=False)
class EuropePmcClient(ServiceClient):
    """A thin client of Europe PMC ``search``, ``references`` and ``citations``."""

    service: ClassVar[str] = SERVICE

    base_url: str = DEFAULT_BASE_URL
    synonym: bool = False
    cache_max_age: float | None = 3600
    post_above_chars: int = POST_ABOVE_CHARS
    page_size: int = MAX_PAGE_SIZE

    @property
    def endpoint(self) -> str:
        return self.base_url + "search"

    def search_page(
        self, query: str, *, result_type: str = "core", cursor: str = "*", page_size: int = 1000
    ) -> EpmcPage:
        """One page of results for ``query``."""
        params: dict[str, str] = {
            "query": query,
            "format": "json",
            "resultType": result_type,
            "pageSize": str(min(page_size, MAX_PAGE_SIZE)),
            "cursorMark": cursor,
            "synonym": "true" if self.synonym else "false",
        }
        if self.email:
            params["email"] = self.email
        if len(query) > self.post_above_chars:
            result = self.send(
                "POST", self.base_url + "searchPOST", data=params, parse=parse_search
            )
        else:
            result = self.send("GET", self.endpoint, params=params, parse=parse_search)
        data = result.data
        results = (data.get("resultList") or {}).get("result") or []
        next_cursor = data.get("nextCursorMark")
        return EpmcPage(
            hit_count=int(data["hitCount"]),
            results=tuple(r for r in results if isinstance(r, dict)),
            next_cursor=str(next_cursor) if next_cursor else None,
            url=result.url,
            from_cache=result.from_cache,
            content=result.content,
        )

    def count(self, query: str) -> EpmcPage:
        """The hit count of ``query`` (one ``idlist`` result fetched)."""
        return self.search_page(query, result_type="idlist", page_size=1)

    def pages(
        self, query: str, *, result_type: str = "core", page_size: int = 1000
    ) -> Iterator[EpmcPage]:
        """Every page of ``query`` via ``cursorMark``, until the cursor stops moving."""
        return cursor_pages(
            lambda cursor: self.search_page(
                query, result_type=result_type, cursor=cursor, page_size=page_size
            )
        )

    # ------------------------------------------------------------------ citation tracing

    def linked(self, source: str, ident: str, kind: str) -> tuple[int, list[dict[str, Any]]]:
        """Every item of ``/{source}/{ident}/{kind}`` (``references`` or ``citations``), paged
        until ``hitCount`` items have come or a page is empty."""
        parse = _list_parser(kind)
        collected: list[dict[str, Any]] = []
        page, total = 1, 0
        while True:
            params = {"format": "json", "page": str(page), "pageSize": str(self.page_size)}
            if self.email:
                params["email"] = self.email
            result = self.send(
                "GET", f"{self.base_url}{source}/{ident}/{kind}", params=params, parse=parse
            )
            total, entries = result.data
            collected.extend(entries)
            if not entries or len(collected) >= total:
                return total, collected
            if page * self.page_size >= total:  # the last page by the count: no endless loop
                raise result.error(
                    f"Europe PMC counted {total} {kind} but listed {len(collected)} ({result.url})",
                    hint="the listing changed while it was read; run the command again",
                    kind=BadResponseError,
                )
            page += 1

    def _ids_for_dois(self, dois: Sequence[str]) -> dict[str, dict[str, Any]]:
        """DOI -> Europe PMC search result (``lite``) for every DOI it knows."""
        found: dict[str, dict[str, Any]] = {}
        for batch in chunks(list(dois), DOI_LOOKUP_BATCH):
            query = " OR ".join(f'DOI:"{doi}"' for doi in batch)
            page = self.search_page(query, result_type="lite", page_size=100)
            for result in page.results:
                doi = clean_doi(str(result.get("doi") or ""))
                if doi in batch and doi not in found:
                    found[doi] = result
        return found

    def trace(
        self, seeds: Sequence[SeedIds], *, backward: bool, forward: bool, reporter: Reporter
    ) -> Harvest:
        """References and citations of every seed Europe PMC can name by PMID or PMCID."""
        by_doi = self._ids_for_dois([s.doi for s in seeds if s.doi and not (s.pmid or s.pmcid)])
        outcomes: list[SeedOutcome] = []
        found: list[Found] = []
        kinds = [k for k, wanted in (("references", backward), ("citations", forward)) if wanted]
        reporter.start("Europe PMC: " + " and ".join(kinds), total=len(seeds))
        for seed in seeds:
            reporter.advance()
            record = by_doi.get(seed.doi)
            if seed.pmid:
                source, ident = "MED", seed.pmid
            elif seed.pmcid:
                source, ident = "PMC", seed.pmcid
            elif record is not None and (record.get("pmid") or record.get("pmcid")):
                source = "MED" if record.get("pmid") else "PMC"
                ident = str(record.get("pmid") or record.get("pmcid"))
            else:
                why = "no PMID or PMCID, and Europe PMC does not know its DOI"
                outcomes.append(
                    SeedOutcome(
                        seed.key,
                        False,
                        reason=why if seed.doi else "no DOI, PMID or PMCID to look it up by",
                    )
                )
                continue
            listed = False
            for kind in kinds:
                _, entries = self.linked(source, ident, kind)
                direction = BACKWARD if kind == "references" else FORWARD
                found.extend(Found(seed.key, direction, entry) for entry in entries)
                listed = listed or bool(entries)
            if listed or record is not None:
                outcomes.append(SeedOutcome(seed.key, True, ident=f"{source}:{ident}", work=record))
            else:  # (an id Europe PMC does not know answers as an empty list, not an error)
                why = f"Europe PMC lists no {' or '.join(kinds)} for {source}:{ident}"
                outcomes.append(SeedOutcome(seed.key, False, ident=f"{source}:{ident}", reason=why))
        reporter.finish()
        return Harvest(
            SERVICE,
            tuple(found),
            tuple(outcomes),
            directions=frozenset(
                d for d, wanted in ((BACKWARD, backward), (FORWARD, forward)) if wanted
            ),
        )

    def match(self, seed: SeedIds) -> list[Mapping[str, Any]]:
        """Candidates for a seed known by title (and year) only."""
        if not seed.title:
            return []
        title = seed.title.replace('"', " ")
        query = f'TITLE:"{title}"' + (f" AND PUB_YEAR:{seed.year}" if seed.year else "")
        return list(self.search_page(query, result_type="core", page_size=5).results)


register(
    Service(
        name=SERVICE,
        label="Europe PMC",
        base_url=DEFAULT_BASE_URL,
        factory=EuropePmcClient,
        roles=frozenset({SEARCH, TRACE}),
        min_interval=0.2,
        retry_hint="Europe PMC is busy or down; wait a few minutes and run the command again",
        database="Europe PMC",
        platform="Europe PMC (REST API)",
        record=europepmc_record,
    )
)
