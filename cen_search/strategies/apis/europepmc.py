"""Europe PMC REST search: counts, cursor paging and ``core`` records.

Counts use ``resultType=idlist&pageSize=1`` and read ``hitCount``. Records are paged with
``cursorMark`` (start at ``*``, send back ``nextCursorMark`` until it is missing or unchanged),
so no offset limit truncates a large result. Europe PMC reports some errors inside an HTTP 200
JSON body (``errCode``/``errMsg``); those raise :class:`RemoteServiceError`. Synonym expansion
is sent explicitly (off by default, as in the REST API) so a run records what it used.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any, ClassVar

from cen_search.errors import RemoteServiceError
from cen_search.http import HttpResult
from cen_search.strategies.apis.client import ServiceClient, cursor_pages, json_object

SERVICE = "europepmc"
DEFAULT_BASE_URL = "https://www.ebi.ac.uk/europepmc/webservices/rest/"
MAX_PAGE_SIZE = 1000
POST_ABOVE_CHARS = 6000
"""Queries longer than this go to ``searchPOST`` instead of a GET URL [verify endpoint]."""


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


def _check(result: HttpResult) -> dict[str, Any]:
    data = json_object(result, "Europe PMC")
    if "errCode" in data or "errMsg" in data:
        raise RemoteServiceError(
            f"Europe PMC reported an error (errCode {data.get('errCode')}): "
            f"{data.get('errMsg', '')} ({result.url})",
            hint="check the translated query with `cen-search strategy translate --to europepmc`",
        )
    if not isinstance(data.get("hitCount"), int):
        raise RemoteServiceError(
            f"Europe PMC returned a search answer without hitCount ({result.url})",
            hint="the response is not a search result; check --base-url",
        )
    return data


@dataclass(kw_only=True, eq=False, repr=False)
class EuropePmcClient(ServiceClient):
    """A thin client of the Europe PMC ``search`` endpoint."""

    service: ClassVar[str] = SERVICE
    min_interval: ClassVar[float] = 0.2

    base_url: str = DEFAULT_BASE_URL
    email: str = ""
    synonym: bool = False
    cache_max_age: float | None = 3600
    post_above_chars: int = POST_ABOVE_CHARS

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
            result = self.send("POST", self.base_url + "searchPOST", data=params)
        else:
            result = self.send("GET", self.endpoint, params=params)
        data = _check(result)
        results = (data.get("resultList") or {}).get("result") or []
        if not isinstance(results, list):
            raise RemoteServiceError(
                f"Europe PMC returned resultList.result that is not a list ({result.url})",
                hint="report it with the run record",
            )
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
