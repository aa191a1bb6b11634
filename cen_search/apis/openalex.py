"""OpenAlex works: strategy counts and cursor paging, and batched citation tracing.

Every list call is charged against a daily budget: the response headers (``X-RateLimit-*``)
and ``meta.cost_usd`` are read and returned, and an exhausted budget (a 429 whose remaining
credit is below what the request needs) raises
:class:`~cen_search.apis.errors.QuotaExhaustedError` at once instead of retrying. The API key
goes in ``api_key`` (required since February 2026); ``mailto`` is still sent when a contact is
configured, although OpenAlex now ignores it. Request URLs are limited to about 4,000
characters [verify], so a longer query is refused before it is sent.

Tracing is batched as the API allows: seeds are looked up 50 ids per request with the ``|``
filter (``doi:``, ``pmid:``, ``openalex:``); backward links come free with each work's
``referenced_works`` and the cited works are fetched 50 per request; forward links use
``cites:W1|...|W50`` with cursor paging (100 per page). ``select=`` asks only for the fields a
record needs. A citing work is attributed to the seeds of its batch that it lists in its own
``referenced_works``. A DOI holding ``,`` or ``|`` cannot be OR-ed and is looked up alone.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from typing import Any, ClassVar
from urllib.parse import quote, urlencode

from cen_search.apis.citations import (
    BACKWARD,
    FORWARD,
    Found,
    Harvest,
    SeedIds,
    SeedOutcome,
)
from cen_search.apis.client import ServiceClient, cursor_pages
from cen_search.apis.errors import BadResponseError, RequestTooLongError, ServiceReportedError
from cen_search.apis.mapping import obj as as_obj
from cen_search.apis.mapping.openalex import openalex_record, work_id
from cen_search.apis.parse import Budget, HttpResult, json_object
from cen_search.apis.registry import SEARCH, TRACE, Service, register
from cen_search.fields import clean_doi, clean_pmid
from cen_search.progress import Reporter

SERVICE = "openalex"
DEFAULT_BASE_URL = "https://api.openalex.org/"
PER_PAGE = 100
"""Results per cursor page (the current docs allow 1-100)."""
MAX_URL_CHARS = 4000
"""Longest request URL sent (OpenAlex rejects request lines much above 4 KB) [verify]."""
SEARCH_COST_USD = 0.001
"""Documented price of one search call, used for estimates before a run [verify]."""
BATCH = 50
"""Ids OR-ed in one filter (the docs allow 100; 50 keeps DOI lists within the URL limit)."""
SELECT = (
    "id,doi,ids,title,display_name,publication_year,publication_date,type,authorships,"
    "primary_location,biblio,referenced_works,abstract_inverted_index,language,"
    "is_retracted,cited_by_count"
)
"""Root fields a traced record needs (``select=``)."""


@dataclass(frozen=True, slots=True)
class OaPage:
    """One page of OpenAlex works."""

    count: int
    results: tuple[dict[str, Any], ...]
    next_cursor: str | None
    url: str
    from_cache: bool
    content: bytes
    cost_usd: float | None
    """``meta.cost_usd`` (else the ``X-RateLimit-Cost-USD`` header); 0 for a cache hit."""
    budget: Budget | None


def parse_works(result: HttpResult) -> dict[str, Any]:
    """A works list: an object with ``meta.count`` and a list of results."""
    data = json_object(result)
    if "error" in data and "meta" not in data:
        raise result.error(
            f"OpenAlex reported an error: {data.get('error')}: {data.get('message', '')} "
            f"({result.url})",
            hint="check the query (for a strategy: `cen-search strategy translate --to openalex`)",
            kind=ServiceReportedError,
        )
    meta = data.get("meta")
    count = meta.get("count") if isinstance(meta, dict) else None
    if not isinstance(count, int) or isinstance(count, bool):
        raise result.error(
            f"OpenAlex returned a list answer without meta.count ({result.url})",
            hint="the response is not a works list; check the base URL",
            kind=BadResponseError,
        )
    if not isinstance(data.get("results", []), list):
        raise result.error(
            f"OpenAlex returned results that are not a list ({result.url})",
            hint="run the command again; report it if it persists",
            kind=BadResponseError,
        )
    return data


def _batchable(doi: str) -> bool:
    return "," not in doi and "|" not in doi


@dataclass(kw_only=True, eq=False, repr=False)
class OpenAlexClient(ServiceClient):
    """A thin client of ``/works``: list queries, lookups and citation tracing."""

    service: ClassVar[str] = SERVICE

    base_url: str = DEFAULT_BASE_URL
    api_key: str = ""
    per_page: int = PER_PAGE
    cache_max_age: float | None = 3600
    max_url_chars: int = MAX_URL_CHARS
    batch: int = BATCH

    @property
    def endpoint(self) -> str:
        return self.base_url + "works"

    def public_params(
        self,
        *,
        filters: Sequence[str],
        search: str = "",
        cursor: str = "*",
        per_page: int = 1,
        select: str = "",
    ) -> dict[str, str]:
        """The query parameters of a works request, without the key and contact."""
        params: dict[str, str] = {}
        if filters:
            params["filter"] = ",".join(filters)
        if search:
            params["search"] = search
        if select:
            params["select"] = select
        params["per_page"] = str(per_page)
        params["cursor"] = cursor
        return params

    def url_length(self, *, filters: Sequence[str], search: str = "", select: str = "") -> int:
        """Length of the request URL as it would be sent (with a placeholder key)."""
        params = self.public_params(
            filters=filters, search=search, per_page=self.per_page, select=select
        )
        if self.api_key:
            params["api_key"] = "x" * len(self.api_key)
        return len(self.endpoint) + 1 + len(urlencode(params))

    def works_page(
        self,
        *,
        filters: Sequence[str],
        search: str = "",
        cursor: str = "*",
        per_page: int = 1,
        select: str = "",
    ) -> OaPage:
        """One page of works matching ``filters`` (comma-ANDed) and ``search``."""
        length = self.url_length(filters=filters, search=search, select=select)
        if length > self.max_url_chars:
            raise RequestTooLongError(
                f"the OpenAlex request would be {length} characters long; OpenAlex accepts "
                f"about {self.max_url_chars}",
                hint="send fewer terms or identifiers in one request",
            )
        params = self.public_params(
            filters=filters, search=search, cursor=cursor, per_page=per_page, select=select
        )
        if self.api_key:
            params["api_key"] = self.api_key
        if self.email:
            params["mailto"] = self.email
        result = self.send("GET", self.endpoint, params=params, parse=parse_works)
        data = result.data
        meta = data["meta"]
        cost = meta.get("cost_usd")
        if not isinstance(cost, (int, float)):
            cost = result.budget.cost_usd if result.budget else None
        return OaPage(
            count=int(meta["count"]),
            results=tuple(r for r in data.get("results") or [] if isinstance(r, dict)),
            next_cursor=meta.get("next_cursor") or None,
            url=result.url,
            from_cache=result.from_cache,
            content=result.content,
            cost_usd=0.0 if result.from_cache else cost,
            budget=result.budget,
        )

    def count(self, *, filters: Sequence[str], search: str = "") -> OaPage:
        """``meta.count`` for a query, fetching a single work."""
        return self.works_page(filters=filters, search=search, per_page=1)

    def pages(
        self, *, filters: Sequence[str], search: str = "", select: str = ""
    ) -> Iterator[OaPage]:
        """Every page via ``cursor``, until ``next_cursor`` is null, a page is empty or short,
        or ``meta.count`` works have come."""

        def last(page: OaPage, seen: int) -> bool:
            return len(page.results) < self.per_page or seen >= page.count

        return cursor_pages(
            lambda cursor: self.works_page(
                filters=filters,
                search=search,
                cursor=cursor,
                per_page=self.per_page,
                select=select,
            ),
            done=last,
        )

    # ------------------------------------------------------------------ lookups

    def works(self, field: str, values: Sequence[str]) -> list[dict[str, Any]]:
        """Every work whose ``field`` (``doi``, ``pmid``, ``openalex``) is one of ``values``,
        :attr:`batch` values per request (cursor-paged should one value match several)."""
        out: list[dict[str, Any]] = []
        if field == "doi":
            single = [v for v in values if not _batchable(v)]
            values = [v for v in values if _batchable(v)]
            out.extend(w for w in (self.work(f"doi:{v}") for v in single) if w is not None)
        for batch in self._batches(field, list(values)):
            for page in self.pages(filters=[f"{field}:" + "|".join(batch)], select=SELECT):
                out.extend(page.results)
        return out

    def _batches(self, field: str, values: list[str]) -> list[list[str]]:
        """``values`` in OR-batches of at most :attr:`batch` whose request URL stays within
        :attr:`max_url_chars` (long DOIs, %-encoded, fill a URL fast). Sorted, so the same
        seeds in another order (a re-exported file) send the same requests: the cache and a
        quota-stopped trace's checkpoint answer them."""
        batches: list[list[str]] = []
        current: list[str] = []
        for value in sorted(set(values)):
            trial = [*current, value]
            length = self.url_length(filters=[f"{field}:" + "|".join(trial)], select=SELECT)
            if current and (len(trial) > self.batch or length > self.max_url_chars):
                batches.append(current)
                trial = [value]
            current = trial
        if current:
            batches.append(current)
        return batches

    def work(self, ident: str) -> dict[str, Any] | None:
        """One work by ``doi:...``, ``pmid:...`` or ``W...`` (a free singleton call); None when
        OpenAlex does not know it."""
        params = {"select": SELECT}
        if self.api_key:
            params["api_key"] = self.api_key
        url = self.endpoint + "/" + quote(ident, safe="/:")
        result = self.send("GET", url, params=params, parse=_parse_work, ok_statuses=(200, 404))
        return result.data

    # ------------------------------------------------------------------ tracing

    def resolve(self, seeds: Sequence[SeedIds]) -> dict[str, dict[str, Any]]:
        """Seed key -> its OpenAlex work, looked up by OpenAlex id, then (for the seeds still
        unknown) DOI, then PMID: at most one batch per 50 seeds and kind of id."""
        resolved: dict[str, dict[str, Any]] = {}
        for field in ("openalex", "doi", "pmid"):
            wanted: dict[str, list[str]] = {}
            for seed in seeds:
                mine = {"openalex": seed.openalex.upper(), "doi": seed.doi, "pmid": seed.pmid}
                if seed.key not in resolved and mine[field]:
                    wanted.setdefault(mine[field], []).append(seed.key)
            if not wanted:
                continue
            for work in self.works(field, list(wanted)):
                for value in _values(work, field):
                    for key in wanted.get(value, []):
                        resolved.setdefault(key, work)
        return resolved

    def trace(
        self, seeds: Sequence[SeedIds], *, backward: bool, forward: bool, reporter: Reporter
    ) -> Harvest:
        """Look the seeds up, then fetch their references and the works citing them."""
        reporter.start("OpenAlex: looking up seeds", total=len(seeds))
        resolved = self.resolve(seeds)
        reporter.advance(len(seeds))
        reporter.finish()
        outcomes = [
            SeedOutcome(s.key, True, ident=work_id(resolved[s.key].get("id")), work=resolved[s.key])
            if s.key in resolved
            else SeedOutcome(s.key, False, reason=_unknown(s))
            for s in seeds
        ]
        found: list[Found] = []
        notes: list[str] = []
        if backward:
            found.extend(self._references(resolved, notes, reporter))
        if forward:
            found.extend(self._citing(resolved, notes, reporter))
        directions = {d for d, wanted in ((BACKWARD, backward), (FORWARD, forward)) if wanted}
        return Harvest(SERVICE, tuple(found), tuple(outcomes), tuple(notes), frozenset(directions))

    def _references(
        self, resolved: Mapping[str, dict[str, Any]], notes: list[str], reporter: Reporter
    ) -> list[Found]:
        cited: dict[str, list[str]] = {}
        for key, work in resolved.items():
            for ref in work.get("referenced_works") or []:
                short = work_id(ref)
                if short:
                    cited.setdefault(short, []).append(key)
        known = {work_id(w.get("id")): w for w in resolved.values()}
        wanted = [w for w in cited if w not in known]
        reporter.start("OpenAlex: fetching referenced works", total=len(wanted))
        for batch in self._batches("openalex", wanted):
            for page in self.pages(filters=["openalex:" + "|".join(batch)], select=SELECT):
                for work in page.results:
                    known.setdefault(work_id(work.get("id")), work)
            reporter.advance(len(batch))
        reporter.finish()
        dangling = [w for w in cited if w not in known]
        if dangling:
            notes.append(
                f"{len(dangling)} referenced work(s) no longer resolve in OpenAlex "
                f"(merged or deleted), e.g. {', '.join(dangling[:3])}"
            )
        return [
            Found(seed, BACKWARD, known[short])
            for short, seeds in cited.items()
            if short in known
            for seed in seeds
        ]

    def _citing(
        self, resolved: Mapping[str, dict[str, Any]], notes: list[str], reporter: Reporter
    ) -> list[Found]:
        by_id: dict[str, list[str]] = {}
        for key, work in resolved.items():
            by_id.setdefault(work_id(work.get("id")), []).append(key)
        ids = [w for w in by_id if w]
        found: list[Found] = []
        unattributed = 0
        reporter.start("OpenAlex: fetching citing works", total=None)
        for batch in self._batches("cites", ids):
            members = set(batch)
            for page in self.pages(filters=["cites:" + "|".join(batch)], select=SELECT):
                for work in page.results:
                    cites = {work_id(r) for r in work.get("referenced_works") or []} & members
                    if not cites and len(batch) == 1:
                        cites = members  # one seed asked: the filter itself says which
                    unattributed += not cites
                    found.extend(Found(seed, FORWARD, work) for w in cites for seed in by_id[w])
                reporter.advance(len(page.results))
        reporter.finish()
        if unattributed:
            notes.append(
                f"{unattributed} citing work(s) from OpenAlex do not list which seed they cite "
                "(index update lag) and were left out"
            )
        return found

    def match(self, seed: SeedIds) -> list[Mapping[str, Any]]:
        """Candidates for a seed known by title: ``title.search`` (and the year)."""
        words = " ".join("".join(c if c.isalnum() else " " for c in seed.title).split())
        if not words:
            return []
        filters = [f"title.search:{words}"]
        if seed.year:
            filters.append(f"publication_year:{seed.year - 1}-{seed.year + 1}")
        return list(self.works_page(filters=filters, per_page=5, select=SELECT).results)


def _parse_work(result: HttpResult) -> dict[str, Any] | None:
    if result.status == 404:
        return None
    data = json_object(result)
    if not work_id(data.get("id")):
        raise result.error(
            f"OpenAlex returned a work without an id ({result.url})",
            hint="the response is not a work; check the base URL",
            kind=BadResponseError,
        )
    return data


def _values(work: Mapping[str, Any], field: str) -> list[str]:
    """The values of ``field`` in ``work`` as the seeds spell them."""
    ids = as_obj(work.get("ids"))
    if field == "openalex":
        return [work_id(work.get("id"))]
    if field == "doi":
        return [clean_doi(str(work.get("doi") or ids.get("doi") or ""))]
    return [clean_pmid(str(ids.get("pmid") or "").rsplit("/", 1)[-1])]


def _unknown(seed: SeedIds) -> str:
    for name, value in (("OpenAlex id", seed.openalex), ("DOI", seed.doi), ("PMID", seed.pmid)):
        if value:
            return f"OpenAlex does not know {name} {value}"
    return "no DOI, PMID or OpenAlex id to look it up by"


register(
    Service(
        name=SERVICE,
        label="OpenAlex",
        base_url=DEFAULT_BASE_URL,
        factory=OpenAlexClient,
        roles=frozenset({SEARCH, TRACE}),
        key_setting="openalex_api_key",
        key_help="OpenAlex API key (required since February 2026; free, with a daily budget).",
        min_interval=0.05,
        rate_hint=("OpenAlex needs a free API key and charges list calls against a daily budget"),
        retry_hint="OpenAlex is busy or down; wait a few minutes and run the command again",
        database="OpenAlex",
        platform="OpenAlex (API)",
        record=openalex_record,
    )
)
