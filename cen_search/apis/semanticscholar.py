"""Semantic Scholar Academic Graph: seed lookup in batches and per-paper references/citations.

Seeds are looked up with ``POST /paper/batch`` (up to 500 ids per request, ``DOI:...``,
``PMID:...``, ``PMCID:...``); the answer is aligned with the ids and holds ``null`` for a paper
the index does not know. References and citing works come from ``/paper/{id}/references`` and
``/paper/{id}/citations``, 1,000 per page while ``next`` is given. The API lists at most 10,000
items per paper; a seed beyond that is reported, not silently cut. The key goes in the
``x-api-key`` header; with one the introductory limit is 1 request/s, and anonymous requests
share one busy pool, so the politeness interval is 1.1 s either way. 429 answers carry no
``Retry-After``: the HTTP layer backs off exponentially with jitter.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any, ClassVar
from urllib.parse import quote

from cen_search.apis.citations import (
    BACKWARD,
    FORWARD,
    Found,
    Harvest,
    SeedIds,
    SeedOutcome,
    chunks,
)
from cen_search.apis.client import ServiceClient
from cen_search.apis.errors import BadResponseError, ServiceReportedError
from cen_search.apis.mapping.semanticscholar import linked_paper, s2_record
from cen_search.apis.parse import HttpResult, json_array, json_object
from cen_search.apis.registry import TRACE, Service, register
from cen_search.progress import Reporter

SERVICE = "semanticscholar"
DEFAULT_BASE_URL = "https://api.semanticscholar.org/graph/v1/"
BATCH = 500
"""Ids per ``/paper/batch`` request (the documented maximum)."""
PAGE = 1000
"""Items per references/citations page (the documented maximum)."""
MAX_LISTED = 10_000
"""Most items the API lists for one paper (offset + limit)."""
FIELDS = (
    "paperId,externalIds,title,year,publicationDate,venue,journal,authors,publicationTypes,abstract"
)
"""Fields of each linked paper (``fields=``)."""
LOOKUP_FIELDS = "paperId,externalIds,title,year,publicationDate,venue,journal,authors"
"""Fields of a seed looked up in a batch (no abstract: 500 papers stay far below the 10 MB
answer limit)."""


def parse_batch(result: HttpResult) -> list[Any]:
    """The positional answer of ``/paper/batch`` (objects or nulls)."""
    data = json_array(result)
    if any(item is not None and not isinstance(item, dict) for item in data):
        raise result.error(
            f"Semantic Scholar returned a batch answer holding something other than papers "
            f"({result.url})",
            hint="run the command again; report it if it persists",
            kind=BadResponseError,
        )
    return data


def parse_page(result: HttpResult) -> dict[str, Any] | None:
    """A references/citations page (None: the paper is not known, HTTP 404)."""
    if result.status == 404:
        return None
    data = json_object(result)
    if "error" in data and "data" not in data:
        raise result.error(
            f"Semantic Scholar reported an error: {data.get('error')} ({result.url})",
            hint="check the identifiers sent",
            kind=ServiceReportedError,
        )
    if not isinstance(data.get("data"), list):
        raise result.error(
            f"Semantic Scholar returned a page without a data list ({result.url})",
            hint="the response is not a citation page; check the base URL",
            kind=BadResponseError,
        )
    return data


def _ident(seed: SeedIds) -> str:
    """The identifier Semantic Scholar accepts for a seed ("" when it has none)."""
    if seed.doi:
        return f"DOI:{seed.doi}"
    if seed.pmid:
        return f"PMID:{seed.pmid}"
    if seed.pmcid:
        return f"PMCID:{seed.pmcid.upper().removeprefix('PMC')}"
    return ""


@dataclass(kw_only=True, eq=False, repr=False)
class SemanticScholarClient(ServiceClient):
    """A thin client of ``/paper/batch``, ``/paper/{id}/references`` and ``/citations``."""

    service: ClassVar[str] = SERVICE

    base_url: str = DEFAULT_BASE_URL
    api_key: str = ""
    cache_max_age: float | None = 7 * 86400
    page_size: int = PAGE

    def _headers(self) -> dict[str, str]:
        return {"x-api-key": self.api_key} if self.api_key else {}

    def papers(self, ids: Sequence[str]) -> list[dict[str, Any] | None]:
        """The paper for each id (None where it is unknown), :data:`BATCH` ids per request."""
        out: list[dict[str, Any] | None] = []
        for batch in chunks(list(ids), BATCH):
            result = self.send(
                "POST",
                self.base_url + "paper/batch",
                params={"fields": LOOKUP_FIELDS},
                json_body={"ids": list(batch)},
                headers=self._headers(),
                parse=parse_batch,
            )
            answer = result.data
            if len(answer) != len(batch):
                raise result.error(
                    f"Semantic Scholar answered {len(answer)} papers for {len(batch)} ids "
                    f"({result.url})",
                    hint="run the command again; report it if it persists",
                    kind=BadResponseError,
                )
            out.extend(answer)
        return out

    def linked(self, paper: str, kind: str) -> tuple[list[dict[str, Any]], bool]:
        """Every item of ``/paper/{paper}/{kind}``; True when the listing cap cut it short."""
        collected: list[dict[str, Any]] = []
        offset = 0
        while True:
            limit = min(self.page_size, MAX_LISTED - offset)
            result = self.send(
                "GET",
                f"{self.base_url}paper/{quote(paper, safe=':')}/{kind}",
                params={"fields": FIELDS, "offset": str(offset), "limit": str(limit)},
                headers=self._headers(),
                parse=parse_page,
                ok_statuses=(200, 404),
            )
            page = result.data
            if page is None:
                return collected, False
            collected.extend(item for item in page["data"] if isinstance(item, dict))
            following = page.get("next")
            if not isinstance(following, int) or following <= offset or not page["data"]:
                return collected, False
            if following >= MAX_LISTED:
                return collected, True
            offset = following

    def trace(
        self, seeds: Sequence[SeedIds], *, backward: bool, forward: bool, reporter: Reporter
    ) -> Harvest:
        """Look the seeds up in one batch, then list each one's references and citations."""
        askable = [s for s in seeds if _ident(s)]
        papers = dict(
            zip([s.key for s in askable], self.papers([_ident(s) for s in askable]), strict=True)
        )
        outcomes: list[SeedOutcome] = []
        found: list[Found] = []
        notes: list[str] = []
        kinds = [k for k, wanted in (("references", backward), ("citations", forward)) if wanted]
        reporter.start("Semantic Scholar: " + " and ".join(kinds), total=len(seeds))
        for seed in seeds:
            reporter.advance()
            paper = papers.get(seed.key)
            if paper is None or not paper.get("paperId"):
                reason = (
                    f"Semantic Scholar does not know {_ident(seed)}"
                    if _ident(seed)
                    else "no DOI, PMID or PMCID to look it up by"
                )
                outcomes.append(SeedOutcome(seed.key, False, reason=reason))
                continue
            capped = []
            for kind in kinds:
                items, cut = self.linked(str(paper["paperId"]), kind)
                direction = BACKWARD if kind == "references" else FORWARD
                found.extend(Found(seed.key, direction, item) for item in items if _has_paper(item))
                if cut:
                    capped.append(kind)
            reason = ""
            if capped:
                reason = f"Semantic Scholar lists only the first {MAX_LISTED:,} {capped[0]}"
                notes.append(f"{seed.key}: {reason}")
            outcomes.append(
                SeedOutcome(seed.key, True, ident=str(paper["paperId"]), reason=reason, work=paper)
            )
        reporter.finish()
        directions = {d for d, wanted in ((BACKWARD, backward), (FORWARD, forward)) if wanted}
        return Harvest(SERVICE, tuple(found), tuple(outcomes), tuple(notes), frozenset(directions))

    def match(self, seed: SeedIds) -> list[Mapping[str, Any]]:
        """The best title match (``/paper/search/match``), if any."""
        if not seed.title:
            return []
        params = {"query": seed.title, "fields": FIELDS}
        if seed.year:
            params["year"] = f"{seed.year - 1}-{seed.year + 1}"
        result = self.send(
            "GET",
            self.base_url + "paper/search/match",
            params=params,
            headers=self._headers(),
            parse=parse_page,
            ok_statuses=(200, 404),
        )
        return list(result.data["data"]) if result.data else []


def _has_paper(item: Mapping[str, Any]) -> bool:
    paper = linked_paper(item)
    return bool(paper.get("paperId") or paper.get("title"))


register(
    Service(
        name=SERVICE,
        label="Semantic Scholar",
        base_url=DEFAULT_BASE_URL,
        factory=SemanticScholarClient,
        roles=frozenset({TRACE}),
        key_setting="semanticscholar_api_key",
        key_help="Semantic Scholar API key (sent as x-api-key; 1 request/s).",
        min_interval=1.1,
        rate_hint="Semantic Scholar's shared anonymous pool is often full",
        retry_hint=(
            "Semantic Scholar is busy or down; wait a few minutes and run the command again"
        ),
        database="Semantic Scholar",
        platform="Semantic Scholar (Academic Graph API)",
        record=s2_record,
    )
)
