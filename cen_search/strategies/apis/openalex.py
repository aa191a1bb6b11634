"""OpenAlex works: counts (``meta.count`` with ``per_page=1``), cursor paging and cost.

Every search call is charged against a daily budget: the response headers
(``X-RateLimit-*``) and ``meta.cost_usd`` are read and returned, and an exhausted budget (a 429
whose remaining credit is below what the request needs) raises
:class:`cen_search.http.QuotaExhaustedError` at once instead of retrying. The API key goes in
``api_key`` (required since February 2026); ``mailto`` is still sent when a contact is
configured, although OpenAlex now ignores it. Request URLs are limited to about 4,000
characters [verify], so a longer query is refused before it is sent.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from typing import Any, ClassVar

import requests

from cen_search.errors import RemoteServiceError, StrategyError
from cen_search.http import Budget, HttpResult
from cen_search.strategies.apis.client import ServiceClient, cursor_pages, json_object

SERVICE = "openalex"
DEFAULT_BASE_URL = "https://api.openalex.org/"
PER_PAGE = 100
"""Results per cursor page (the current docs allow 1-100)."""
MAX_URL_CHARS = 4000
"""Longest request URL sent (OpenAlex rejects request lines much above 4 KB) [verify]."""
SEARCH_COST_USD = 0.001
"""Documented price of one search call, used for estimates before a run [verify]."""


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


def _check(result: HttpResult) -> dict[str, Any]:
    data = json_object(result, "OpenAlex")
    if "error" in data and "meta" not in data:
        raise RemoteServiceError(
            f"OpenAlex reported an error: {data.get('error')}: {data.get('message', '')} "
            f"({result.url})",
            hint="check the translated query with `cen-search strategy translate --to openalex`",
        )
    meta = data.get("meta")
    if not isinstance(meta, dict) or not isinstance(meta.get("count"), int):
        raise RemoteServiceError(
            f"OpenAlex returned a list answer without meta.count ({result.url})",
            hint="the response is not a works list; check --base-url",
        )
    return data


@dataclass(kw_only=True, eq=False, repr=False)
class OpenAlexClient(ServiceClient):
    """A thin client of ``/works`` list queries."""

    service: ClassVar[str] = SERVICE
    min_interval: ClassVar[float] = 0.05

    base_url: str = DEFAULT_BASE_URL
    api_key: str = ""
    email: str = ""
    per_page: int = PER_PAGE
    cache_max_age: float | None = 3600
    max_url_chars: int = MAX_URL_CHARS

    @property
    def endpoint(self) -> str:
        return self.base_url + "works"

    def public_params(
        self, *, filters: Sequence[str], search: str = "", cursor: str = "*", per_page: int = 1
    ) -> dict[str, str]:
        """The query parameters of a works request, without the key and contact."""
        params: dict[str, str] = {}
        if filters:
            params["filter"] = ",".join(filters)
        if search:
            params["search"] = search
        params["per_page"] = str(per_page)
        params["cursor"] = cursor
        return params

    def url_length(self, *, filters: Sequence[str], search: str = "") -> int:
        """Length of the request URL as it would be sent (with a placeholder key)."""
        params = self.public_params(filters=filters, search=search, per_page=self.per_page)
        if self.api_key:
            params["api_key"] = "x" * len(self.api_key)
        prepared = requests.Request("GET", self.endpoint, params=params).prepare()
        return len(prepared.url or "")

    def works_page(
        self, *, filters: Sequence[str], search: str = "", cursor: str = "*", per_page: int = 1
    ) -> OaPage:
        """One page of works matching ``filters`` (comma-ANDed) and ``search``."""
        length = self.url_length(filters=filters, search=search)
        if length > self.max_url_chars:
            raise StrategyError(
                f"the OpenAlex request would be {length} characters long; OpenAlex accepts "
                f"about {self.max_url_chars}",
                hint="split the strategy into smaller blocks, or run it on pubmed/europepmc",
            )
        params = self.public_params(
            filters=filters, search=search, cursor=cursor, per_page=per_page
        )
        if self.api_key:
            params["api_key"] = self.api_key
        if self.email:
            params["mailto"] = self.email
        result = self.send("GET", self.endpoint, params=params)
        data = _check(result)
        meta = data["meta"]
        results = data.get("results") or []
        cost = meta.get("cost_usd")
        if not isinstance(cost, (int, float)):
            cost = result.budget.cost_usd if result.budget else None
        return OaPage(
            count=int(meta["count"]),
            results=tuple(r for r in results if isinstance(r, dict)),
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

    def pages(self, *, filters: Sequence[str], search: str = "") -> Iterator[OaPage]:
        """Every page via ``cursor``, until ``next_cursor`` is null or a page is empty."""
        return cursor_pages(
            lambda cursor: self.works_page(
                filters=filters, search=search, cursor=cursor, per_page=self.per_page
            )
        )
