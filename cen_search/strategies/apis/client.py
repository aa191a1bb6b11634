"""What the API clients share: the endpoint base, session, timeout, cache age and politeness
interval (:class:`ServiceClient`), cursor paging (:func:`cursor_pages`) and the check that a
JSON answer is an object (:func:`json_object`)."""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass
from typing import Any, ClassVar, Protocol, TypeVar

import requests

from cen_search.errors import RemoteServiceError
from cen_search.http import DEFAULT_TIMEOUT, HttpResult, parse_json, request


@dataclass(kw_only=True, eq=False, repr=False)
class ServiceClient:
    """A thin client of one service; every request goes through
    :func:`cen_search.http.request` with the service's name, so retries, the cache, the
    politeness interval and redaction apply. Subclasses add their own settings as fields and
    give ``base_url`` and ``cache_max_age`` their service's defaults. No generated ``repr``:
    the settings hold API keys and the contact e-mail."""

    service: ClassVar[str] = ""
    """The service name used for throttling, the cache and error messages."""
    min_interval: ClassVar[float] = 0.0
    """Seconds kept between two requests to the service (see :meth:`politeness`)."""

    session: requests.Session
    base_url: str = ""
    """The API root; a missing trailing slash is added."""
    timeout: float = DEFAULT_TIMEOUT
    cache_max_age: float | None = 3600
    """Oldest cached answer accepted, in seconds (None: never from the cache)."""

    def __post_init__(self) -> None:
        if not self.base_url.endswith("/"):
            self.base_url += "/"
        set_interval = getattr(self.session, "set_min_interval", None)
        if set_interval is not None:
            set_interval(self.service, self.politeness())

    def politeness(self) -> float:
        """The interval to keep between requests (a service may allow more with a key)."""
        return self.min_interval

    def send(
        self,
        method: str,
        url: str,
        *,
        params: Mapping[str, Any] | None = None,
        data: Mapping[str, Any] | None = None,
        cache: bool = True,
    ) -> HttpResult:
        """One request; ``cache=False`` never answers from the cache (history searches)."""
        return request(
            self.session,
            method,
            url,
            service=self.service,
            params=params,
            data=data,
            timeout=self.timeout,
            cache_max_age=self.cache_max_age if cache else None,
        )


class CursorPage(Protocol):
    """A page of a cursor-paged search."""

    @property
    def results(self) -> tuple[dict[str, Any], ...]: ...

    @property
    def next_cursor(self) -> str | None: ...


PageT = TypeVar("PageT", bound=CursorPage)


def cursor_pages(fetch: Callable[[str], PageT]) -> Iterator[PageT]:
    """Every page, starting from cursor ``*`` and sending back each page's next cursor, until
    a page is empty or the cursor is missing or stops moving."""
    cursor = "*"
    while True:
        page = fetch(cursor)
        yield page
        if not page.results or not page.next_cursor or page.next_cursor == cursor:
            return
        cursor = page.next_cursor


def json_object(result: HttpResult, service: str) -> dict[str, Any]:
    """The JSON body of ``result`` as an object; anything else is the service's error."""
    data = parse_json(result)
    if not isinstance(data, dict):
        raise RemoteServiceError(
            f"{service} returned JSON that is not an object ({result.url})",
            hint="check --base-url; report it if it persists",
        )
    return data


__all__ = ["CursorPage", "ServiceClient", "cursor_pages", "json_object"]
