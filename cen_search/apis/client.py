"""What the service clients share: the endpoint base, session, timeout, cache age and politeness
interval (:class:`ServiceClient`), cursor paging (:func:`cursor_pages`), and how a caller
reaches a service with its settings (:class:`Access`, :func:`access`).

Importing this module does not import ``requests`` (the HTTP layer is imported when the first
request is sent), so the registry and the configuration stay cheap to load.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, ClassVar, Protocol, TypeVar

from cen_search.apis.parse import HttpResult
from cen_search.apis.registry import Service, get

if TYPE_CHECKING:
    import requests

    from cen_search.apis.http import Parser
    from cen_search.config import Settings

DEFAULT_TIMEOUT = 30.0
"""Seconds per connection or read before an attempt counts as failed (as in the HTTP layer)."""


@dataclass(kw_only=True, eq=False, repr=False)
class ServiceClient:
    """A thin client of one service; every request goes through
    :func:`cen_search.apis.http.request` with the service's name, so retries, the cache, the
    checkpoint, the politeness interval and redaction apply. Subclasses add their own settings
    as fields and give ``base_url`` and ``cache_max_age`` their service's defaults. No
    generated ``repr``: the settings hold API keys and the contact e-mail."""

    service: ClassVar[str] = ""
    """The service name used for throttling, the cache and error messages."""

    session: requests.Session
    base_url: str = ""
    """The API root; a missing trailing slash is added."""
    timeout: float = DEFAULT_TIMEOUT
    cache_max_age: float | None = 3600
    """Oldest cached answer accepted, in seconds (None: never from the cache)."""
    email: str = ""

    def __post_init__(self) -> None:
        if not self.timeout > 0:  # (NaN too: the HTTP library would fail with a traceback)
            from cen_search.errors import UsageError

            raise UsageError(
                f"--timeout {self.timeout:g}: a request needs more than 0 seconds",
                hint="give --timeout a number of seconds, e.g. 30",
            )
        if not self.base_url.endswith("/"):
            self.base_url += "/"
        set_interval = getattr(self.session, "set_min_interval", None)
        if set_interval is not None:
            set_interval(self.service, self.registration.interval(key_set=self.key_set))

    @property
    def registration(self) -> Service:
        """The service's registration (:mod:`cen_search.apis.registry`)."""
        return get(self.service)

    @property
    def key_set(self) -> bool:
        """Whether an API key is configured for this client."""
        return bool(getattr(self, "api_key", ""))

    def send(
        self,
        method: str,
        url: str,
        *,
        params: Mapping[str, Any] | None = None,
        data: Mapping[str, Any] | None = None,
        json_body: Any = None,
        headers: Mapping[str, str] | None = None,
        cache: bool = True,
        parse: Parser | None = None,
        ok_statuses: tuple[int, ...] = (200,),
    ) -> HttpResult:
        """One request; ``cache=False`` never answers from the cache (history searches);
        ``parse`` checks the answer (only accepted answers are cached)."""
        from cen_search.apis.http import request

        return request(
            self.session,
            method,
            url,
            service=self.service,
            params=params,
            data=data,
            json_body=json_body,
            headers=headers,
            timeout=self.timeout,
            cache_max_age=self.cache_max_age if cache else None,
            parse=parse,
            ok_statuses=ok_statuses,
            key_set=self.key_set,
        )


class CursorPage(Protocol):
    """A page of a cursor-paged search."""

    @property
    def results(self) -> tuple[dict[str, Any], ...]: ...

    @property
    def next_cursor(self) -> str | None: ...


PageT = TypeVar("PageT", bound=CursorPage)


def cursor_pages(
    fetch: Callable[[str], PageT], *, done: Callable[[PageT, int], bool] | None = None
) -> Iterator[PageT]:
    """Every page, starting from cursor ``*`` and sending back each page's next cursor, until
    a page is empty, the cursor is missing or stops moving, or ``done(page, seen)`` (``seen``:
    results so far) says the last page has come."""
    cursor = "*"
    seen = 0
    while True:
        page = fetch(cursor)
        seen += len(page.results)
        yield page
        if not page.results or not page.next_cursor or page.next_cursor == cursor:
            return
        if done is not None and done(page, seen):
            return
        cursor = page.next_cursor


@dataclass(frozen=True, slots=True)
class Access:
    """How to reach one service: the session (built once by the caller), endpoint, timeout
    and credentials."""

    service: Service
    session: requests.Session
    base_url: str = ""
    """"" = the service's public endpoint."""
    timeout: float = DEFAULT_TIMEOUT
    api_key: str = ""
    email: str = ""

    def client(self, **options: Any) -> Any:
        """The service's client, set up from this access and ``options``."""
        return self.service.client(
            session=self.session,
            base_url=self.base_url,
            timeout=self.timeout,
            api_key=self.api_key,
            email=self.email,
            **options,
        )


def access(
    settings: Settings,
    name: str,
    *,
    session: requests.Session,
    base_url: str | None = None,
    timeout: float = DEFAULT_TIMEOUT,
    role: str | None = None,
) -> Access:
    """How to reach service ``name`` (that has ``role``, when given) with the resolved
    ``settings``: its base URL (``base_url``, else the ``<name>_url`` setting, which defaults to
    the public endpoint), its API key and the contact e-mail."""
    service = get(name, role)
    return Access(
        service=service,
        session=session,
        base_url=base_url or settings[service.url_setting],
        timeout=timeout,
        api_key=settings[service.key_setting] if service.key_setting else "",
        email=settings.contact_email,
    )


def session_for(
    settings: Settings,
    *,
    use_cache: bool = True,
    cache_dir: str | None = None,
    **options: Any,
) -> requests.Session:
    """The one session for a command: the contact e-mail in its User-Agent, every secret
    setting (and the password of a base URL that carries one) registered for redaction, the
    cache under ``<cache_dir>/http``."""
    from pathlib import Path

    from cen_search.apis.http import HTTP_CACHE_FOLDER, make_session
    from cen_search.apis.redaction import url_password

    secrets = [item.value for item in settings.values if item.key.secret and item.value]
    secrets += [url_password(item.value) for item in settings.values if "@" in item.value]
    return make_session(
        contact_email=settings.contact_email,
        secrets=secrets,
        cache_dir=cache_dir or str(Path(settings.cache_dir) / HTTP_CACHE_FOLDER),
        use_cache=use_cache,
        **options,
    )


__all__ = [
    "DEFAULT_TIMEOUT",
    "Access",
    "CursorPage",
    "ServiceClient",
    "access",
    "cursor_pages",
    "session_for",
]
