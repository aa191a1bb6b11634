"""The one HTTP client layer of cen-search (strategy runs, citation tracing).

:func:`make_session` builds a :class:`ServiceSession`: a ``requests.Session`` with a
User-Agent naming cen-search, its version and the contact e-mail, a retry policy, a disk cache,
a per-service politeness interval and the set of secret values (API keys, e-mail) that must
never appear in a log, an error message, a run record or a cache key. :func:`request` sends one
request through it: retries on 429/5xx, timeouts and refused connections with capped
exponential backoff and jitter, honouring ``Retry-After`` (seconds or HTTP-date); a quota that
ran out (OpenAlex budget headers) or a failure after the last retry raises
:class:`~cen_search.errors.RemoteServiceError` (exit code 3) naming the service, the status and
what to do. :func:`parse_json` and :func:`parse_xml` turn a body into data or explain clearly
why it cannot be (an HTML error page, a truncated document).

The clock and the sleep function are injectable so that tests never wait.
"""

from __future__ import annotations

import logging
import random
import re
import time
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from email.utils import parsedate_to_datetime
from pathlib import Path
from typing import Any
from urllib.parse import urlencode, urlsplit

import requests

from cen_search import __version__
from cen_search.config import default_cache_dir, get_key
from cen_search.errors import RemoteServiceError
from cen_search.http_cache import ResponseCache, cache_key
from cen_search.http_parse import (
    Budget,
    HttpResult,
    error_text,
    parse_json,
    parse_xml,
    read_budget,
    redact,
)

__all__ = [
    "API_KEY_SETTINGS",
    "DEFAULT_TIMEOUT",
    "HTTP_CACHE_FOLDER",
    "Budget",
    "HttpResult",
    "QuotaExhaustedError",
    "ResponseCache",
    "RetryPolicy",
    "ServiceSession",
    "make_session",
    "parse_json",
    "parse_xml",
    "read_budget",
    "redact",
    "request",
]

log = logging.getLogger("cen_search.http")

DEFAULT_TIMEOUT = 30.0
"""Seconds to wait for a connection or a read before the attempt counts as failed."""

SECRET_PARAMS = frozenset({"api_key", "api-key", "apikey", "email", "mailto", "key", "token"})
"""Query/form parameter names whose values are secrets (also left out of cache keys)."""
SECRET_HEADERS = frozenset({"authorization", "api-key", "x-api-key", "from", "user-agent"})
"""Header names whose values are secrets (the User-Agent carries the contact e-mail)."""

HTTP_CACHE_FOLDER = "http"
"""Folder for cached responses inside the ``cache_dir`` setting."""

API_KEY_SETTINGS: dict[str, str] = {"pubmed": "ncbi_api_key", "openalex": "openalex_api_key"}
"""The setting (:mod:`cen_search.config`) that holds each service's API key."""
_KEY_ENV = {service: get_key(name).env for service, name in API_KEY_SETTINGS.items()}

RETRY_HINTS: dict[str, str] = {
    "pubmed": f"NCBI asks for an API key above 3 requests/s: set {_KEY_ENV['pubmed']}",
    "openalex": (
        "OpenAlex needs a free API key and charges searches against a daily budget: "
        f"set {_KEY_ENV['openalex']}, or wait until the budget resets at midnight UTC"
    ),
    "europepmc": "Europe PMC is busy or down; wait a few minutes and run the command again",
}
"""What to tell the user when a service keeps refusing or failing."""


class QuotaExhaustedError(RemoteServiceError):
    """The service's usage budget or quota ran out; retrying before it resets is pointless."""


@dataclass(frozen=True, slots=True)
class RetryPolicy:
    """When and how long to wait before trying a request again."""

    max_attempts: int = 5
    """Attempts in total (the first one included)."""
    backoff_base: float = 1.0
    """Seconds before the second attempt; doubled for each further one."""
    backoff_cap: float = 60.0
    """Longest wait computed by the backoff (before jitter)."""
    max_retry_after: float = 300.0
    """A ``Retry-After`` longer than this fails at once instead of waiting."""
    retry_statuses: frozenset[int] = frozenset({429, 500, 502, 503, 504})
    """Statuses worth another attempt."""


@dataclass(eq=False)
class _Throttle:
    min_interval: dict[str, float] = field(default_factory=dict)
    last: dict[str, float] = field(default_factory=dict)


class ServiceSession(requests.Session):
    """A ``requests.Session`` carrying the tool's retry policy, cache and secrets."""

    def __init__(
        self,
        *,
        policy: RetryPolicy | None = None,
        cache: ResponseCache | None = None,
        secrets: Iterable[str] = (),
        sleep: Callable[[float], None] = time.sleep,
        clock: Callable[[], float] = time.time,
        jitter: Callable[[], float] = random.random,
        min_interval: Mapping[str, float] | None = None,
    ) -> None:
        super().__init__()
        self.policy = policy or RetryPolicy()
        self.cache = cache
        self.secrets: set[str] = {s for s in secrets if s}
        self.sleep = sleep
        self.clock = clock
        self.jitter = jitter
        self.throttle = _Throttle(dict(min_interval or {}))

    def add_secret(self, value: str) -> None:
        """Register a value (key, e-mail) to be redacted everywhere."""
        if value:
            self.secrets.add(value)

    def set_min_interval(self, service: str, seconds: float) -> None:
        """Keep at least ``seconds`` between requests to ``service`` (politeness)."""
        self.throttle.min_interval[service] = seconds


def user_agent(contact_email: str = "") -> str:
    """``cen-search/<version> (+<project page>; mailto:<contact>)``: services ask for a contact."""
    agent = f"cen-search/{__version__} (+https://pypi.org/project/cen-search/"
    return agent + (f"; mailto:{contact_email})" if contact_email else ")")


def make_session(
    *,
    contact_email: str = "",
    secrets: Iterable[str] = (),
    cache_dir: str | None = None,
    use_cache: bool = True,
    cache_ttl: float = 30 * 86400,
    policy: RetryPolicy | None = None,
    sleep: Callable[[float], None] = time.sleep,
    clock: Callable[[], float] = time.time,
    jitter: Callable[[], float] = random.random,
) -> ServiceSession:
    """The session every client of the tool uses.

    ``cache_dir`` defaults to ``http/`` in the user cache folder (platformdirs); ``use_cache=False``
    (``--no-cache``) turns the disk cache off. ``secrets`` are values (API keys, the contact
    e-mail) redacted from logs, errors and cache files.
    """
    cache: ResponseCache | None = None
    if use_cache:
        if cache_dir is None:
            cache_dir = str(Path(default_cache_dir()) / HTTP_CACHE_FOLDER)
        cache = ResponseCache(cache_dir, ttl=cache_ttl, clock=clock)
    session = ServiceSession(
        policy=policy,
        cache=cache,
        secrets=[*secrets, contact_email],
        sleep=sleep,
        clock=clock,
        jitter=jitter,
    )
    session.headers["User-Agent"] = user_agent(contact_email)
    return session


# --------------------------------------------------------------------------- redaction


def _secrets_of(session: requests.Session) -> set[str]:
    return set(getattr(session, "secrets", set()))


def _public_params(params: Mapping[str, Any] | None) -> dict[str, Any]:
    return {k: v for k, v in (params or {}).items() if k.lower() not in SECRET_PARAMS}


def _display_url(url: str, params: Mapping[str, Any] | None) -> str:
    public = _public_params(params)
    hidden = sorted(k for k in (params or {}) if k.lower() in SECRET_PARAMS)
    query = urlencode(public, doseq=True)
    if hidden:
        query = "&".join(filter(None, [query, *(f"{k}=***" for k in hidden)]))
    return f"{url}?{query}" if query else url


def _retry_after(headers: Mapping[str, str], now: float) -> float | None:
    value = next((v for k, v in headers.items() if k.lower() == "retry-after"), None)
    if value is None or not value.strip():
        return None
    value = value.strip()
    if re.fullmatch(r"\d+(\.\d+)?", value):
        return float(value)
    try:
        when = parsedate_to_datetime(value)
    except (TypeError, ValueError, IndexError):
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=UTC)
    return max(0.0, when.timestamp() - now)


# --------------------------------------------------------------------------- sending


def _wait_turn(session: requests.Session, service: str) -> None:
    throttle: _Throttle | None = getattr(session, "throttle", None)
    if throttle is None:
        return
    interval = throttle.min_interval.get(service, 0.0)
    clock = getattr(session, "clock", time.time)
    if interval > 0 and service in throttle.last:
        gap = throttle.last[service] + interval - clock()
        if gap > 0:
            getattr(session, "sleep", time.sleep)(gap)
    throttle.last[service] = clock()


def _backoff(policy: RetryPolicy, attempt: int, jitter: Callable[[], float]) -> float:
    raw = min(policy.backoff_cap, policy.backoff_base * (2 ** (attempt - 1)))
    return raw * (0.5 + 0.5 * jitter())


def _when(seconds: float, now: float) -> str:
    moment = datetime.fromtimestamp(now, UTC) + timedelta(seconds=seconds)
    return moment.strftime("%Y-%m-%d %H:%M UTC")


def request(
    session: requests.Session,
    method: str,
    url: str,
    *,
    service: str,
    params: Mapping[str, Any] | None = None,
    data: Mapping[str, Any] | None = None,
    headers: Mapping[str, str] | None = None,
    timeout: float = DEFAULT_TIMEOUT,
    cache_max_age: float | None = None,
    ok_statuses: Iterable[int] = (200,),
) -> HttpResult:
    """Send one request with retries; return the response or raise RemoteServiceError.

    ``params`` go in the URL, ``data`` in a form body (POST). Secret parameters (``api_key``,
    ``email``...) are sent but never logged, cached by value or shown in errors.
    ``cache_max_age`` (seconds) allows a cached answer up to that age; None never uses the
    cache for this request (history-dependent searches).
    """
    method = method.upper()
    secrets = _secrets_of(session)
    for mapping in (params, data):
        for key, value in (mapping or {}).items():
            if key.lower() in SECRET_PARAMS and isinstance(value, str) and value:
                secrets.add(value)
                if isinstance(session, ServiceSession):
                    session.add_secret(value)
    for key, value in (headers or {}).items():
        if key.lower() in SECRET_HEADERS and value:
            secrets.add(value.split(" ", 1)[-1] if key.lower() == "authorization" else value)
    shown = redact(_display_url(url, params), secrets)
    cache: ResponseCache | None = getattr(session, "cache", None)
    key = ""
    if cache is not None and cache_max_age is not None:
        key = cache_key(method, url, _public_params(params), _public_params(data))
        hit = cache.get(service, key, max_age=cache_max_age)
        if hit is not None:
            log.debug("%s %s -> %s (cache)", method, shown, hit.status)
            return HttpResult(
                service=service,
                method=method,
                url=shown,
                status=hit.status,
                headers=hit.headers,
                content=hit.content,
                from_cache=True,
                budget=read_budget(hit.headers),
            )
    policy: RetryPolicy = getattr(session, "policy", None) or RetryPolicy()
    sleep = getattr(session, "sleep", time.sleep)
    clock = getattr(session, "clock", time.time)
    jitter = getattr(session, "jitter", random.random)
    hint = RETRY_HINTS.get(service, "the service may be busy or down; try again later")
    ok = set(ok_statuses)
    problem = ""
    for attempt in range(1, policy.max_attempts + 1):
        _wait_turn(session, service)
        wait: float | None = None
        try:
            response = session.request(
                method, url, params=params, data=data, headers=headers, timeout=timeout
            )
        except requests.Timeout:
            problem = f"no answer within {timeout:g} s"
        except requests.ConnectionError as exc:
            problem = f"could not connect to {urlsplit(url).netloc} ({_connection_reason(exc)})"
        except requests.RequestException as exc:
            problem = redact(f"request failed ({type(exc).__name__})", secrets)
        else:
            status = response.status_code
            resp_headers = dict(response.headers)
            content = response.content
            budget = read_budget(resp_headers)
            log.debug("%s %s -> %s (attempt %d)", method, shown, status, attempt)
            if status in ok:
                result = HttpResult(
                    service=service,
                    method=method,
                    url=shown,
                    status=status,
                    headers=resp_headers,
                    content=content,
                    attempts=attempt,
                    budget=budget,
                )
                if cache is not None and key:
                    cache.put(service, key, status, resp_headers, content, secrets=secrets)
                return result
            reason = redact(error_text(content, resp_headers), secrets)
            if status == 429 and _budget_exhausted(budget, reason):
                reset = budget.reset_seconds if budget and budget.reset_seconds else None
                reset = reset or _retry_after(resp_headers, clock())
                when = f"; it resets in {reset:.0f} s ({_when(reset, clock())})" if reset else ""
                raise QuotaExhaustedError(
                    f"{service}: usage budget exhausted (HTTP 429: {reason}){when}",
                    hint=hint,
                )
            problem = f"HTTP {status}: {reason}"
            if status not in policy.retry_statuses:
                raise RemoteServiceError(
                    f"{service} refused {method} {shown} ({problem})",
                    hint=_status_hint(service, status),
                )
            wait = _retry_after(resp_headers, clock())
            if wait is not None and wait > policy.max_retry_after:
                raise RemoteServiceError(
                    f"{service} asks to wait {wait:.0f} s before retrying ({problem}); "
                    f"that is after {_when(wait, clock())}",
                    hint=hint,
                )
        if attempt == policy.max_attempts:
            break
        delay = wait if wait is not None else _backoff(policy, attempt, jitter)
        log.info("%s: %s; retrying in %.1f s (attempt %d)", service, problem, delay, attempt + 1)
        sleep(delay)
    raise RemoteServiceError(
        f"{service} failed after {policy.max_attempts} attempts: {problem} ({method} {shown})",
        hint=hint,
    )


def _budget_exhausted(budget: Budget | None, reason: str) -> bool:
    return (budget is not None and budget.exhausted) or "insufficient budget" in reason.lower()


def _connection_reason(exc: requests.ConnectionError) -> str:
    text = str(exc)
    for marker in (
        "Connection refused",
        "Name or service not known",
        "timed out",
        "Temporary failure in name resolution",
        "Connection reset",
    ):
        if marker.lower() in text.lower():
            return marker.lower()
    return type(exc).__name__


def _status_hint(service: str, status: int) -> str:
    if status == 400:
        return (
            "the service rejected the query; check the translated query with `strategy translate`"
        )
    if status in (401, 403):
        name = _KEY_ENV.get(service)
        return (
            f"check the API key ({name}) and that this request is allowed for it"
            if name
            else "check the credentials for this service"
        )
    if status == 404:
        return "the endpoint or record does not exist; check --base-url"
    if status == 414:
        return "the query is too long for a URL; split the strategy into smaller blocks"
    return RETRY_HINTS.get(service, "try again later")
