"""The one HTTP layer of cen-search (strategy runs, citation tracing).

:func:`make_session` builds a :class:`ServiceSession`: a ``requests.Session`` with a User-Agent
naming cen-search, its version and the contact e-mail, a retry policy, a disk cache, an
optional checkpoint (a run's accepted responses, replayed on resume), a politeness interval per
service and the set of secret values (API keys, e-mail) that must never appear in a log, an
error message, a run record or a cache key. The caller builds it once and passes it down.

:func:`request` sends one request through it: retries on 429/5xx, timeouts, resets and bodies
that do not parse as what was asked for, with capped exponential backoff and jitter, honouring
``Retry-After`` (seconds or HTTP-date) through the session's waiter (the CLI shows a
countdown). An exhausted budget raises :class:`~cen_search.apis.errors.QuotaExhaustedError` at
once; any other failure after the last attempt a
:class:`~cen_search.errors.RemoteServiceError` (exit code 3) naming the service, the reason and
what to do (:meth:`cen_search.apis.registry.Service.hint`). Only answers that the caller's
``parse`` accepted are cached, so an HTML maintenance page sent with status 200 never is.

The clock, the sleep function and the waiter are injectable so that tests never wait.
"""

from __future__ import annotations

import json
import logging
import random
import time
from collections import Counter
from collections.abc import Callable, Iterable, Mapping
from pathlib import Path
from typing import Any
from urllib.parse import urlencode, urlsplit

import requests

from cen_search import __version__
from cen_search.apis.cache import ResponseCache, cache_key
from cen_search.apis.errors import BadResponseError, QuotaExhaustedError, RemoteServiceError
from cen_search.apis.pacing import (
    RetryPolicy,
    TooLarge,
    backoff,
    moment,
    observe,
    read_body,
    retry_after,
    size,
    wait_turn,
)
from cen_search.apis.parse import Budget, HttpResult, error_text, read_budget
from cen_search.apis.redaction import SECRET_HEADERS, SECRET_PARAMS, remember, scrub
from cen_search.apis.registry import hint_for, quota_hint, services
from cen_search.config import default_cache_dir

__all__ = [
    "DEFAULT_TIMEOUT",
    "HTTP_CACHE_FOLDER",
    "Parser",
    "RetryPolicy",
    "ServiceSession",
    "Waiter",
    "make_session",
    "request",
]

log = logging.getLogger("cen_search.apis")

DEFAULT_TIMEOUT = 30.0
"""Seconds to wait for a connection or a read before the attempt counts as failed."""

HTTP_CACHE_FOLDER = "http"
"""Folder for cached responses inside the ``cache_dir`` setting."""

Waiter = Callable[[float, str], None]
"""Blocks for ``seconds``, telling the user why (the CLI draws a countdown)."""
Parser = Callable[[HttpResult], Any]
"""Turns a response into data, or raises: BadResponseError (retried) or another
RemoteServiceError (the service's own error: raised at once). Only parsed answers are cached."""


class ServiceSession(requests.Session):
    """A ``requests.Session`` carrying the tool's retry policy, cache, checkpoint and secrets."""

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
        waiter: Waiter | None = None,
    ) -> None:
        super().__init__()
        self.policy = policy or RetryPolicy()
        self.cache = cache
        self.checkpoint: ResponseCache | None = None
        """A run's accepted responses, replayed first whatever their age (set by the run)."""
        self.secrets: set[str] = {s for s in secrets if s}
        remember(self.secrets)
        self.sleep = sleep
        self.clock = clock
        self.jitter = jitter
        self.min_interval: dict[str, float] = dict(min_interval or {})
        self.last_sent: dict[str, float] = {}
        self.waiter: Waiter = waiter or (lambda seconds, reason: self.sleep(seconds))
        self.sent: Counter[str] = Counter()
        """Requests that went out on the network, per service (cache hits not counted)."""
        self.budgets: dict[str, Budget] = {}
        """The latest ``X-RateLimit-*`` budget each service reported."""

    def add_secret(self, value: str) -> None:
        """Register a value (key, e-mail) to be redacted everywhere."""
        if value:
            self.secrets.add(value)
            remember([value])

    def set_min_interval(self, service: str, seconds: float) -> None:
        """Keep at least ``seconds`` between requests to ``service`` (politeness)."""
        self.min_interval[service] = seconds


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
    waiter: Waiter | None = None,
) -> ServiceSession:
    """The session every client of the tool uses.

    ``cache_dir`` defaults to ``http/`` in the user cache folder (platformdirs); ``use_cache=False``
    (``--no-cache``) turns the disk cache off. ``secrets`` are values (API keys, the contact
    e-mail) redacted from logs, errors and cache files. Every registered service starts with its
    politeness interval (a client with a key may shorten it).
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
        min_interval={s.name: s.interval(key_set=False) for s in services()},
        waiter=waiter,
    )
    session.headers["User-Agent"] = user_agent(contact_email)
    return session


# --------------------------------------------------------------------------- redaction


def _public_params(params: Mapping[str, Any] | None) -> dict[str, Any]:
    return {k: v for k, v in (params or {}).items() if k.lower() not in SECRET_PARAMS}


def _display_url(url: str, params: Mapping[str, Any] | None) -> str:
    public = _public_params(params)
    hidden = sorted(k for k in (params or {}) if k.lower() in SECRET_PARAMS)
    query = urlencode(public, doseq=True)
    if hidden:
        query = "&".join(filter(None, [query, *(f"{k}=***" for k in hidden)]))
    return f"{url}?{query}" if query else url


def _request_secrets(
    session: requests.Session,
    params: Mapping[str, Any] | None,
    data: Mapping[str, Any] | None,
    headers: Mapping[str, str] | None,
) -> frozenset[str]:
    secrets = set(getattr(session, "secrets", set()))
    for mapping in (params, data):
        for key, value in (mapping or {}).items():
            if key.lower() in SECRET_PARAMS and isinstance(value, str) and value:
                secrets.add(value)
    for key, value in (headers or {}).items():
        if key.lower() in SECRET_HEADERS and value:
            secrets.add(value.split(" ", 1)[-1] if key.lower() == "authorization" else value)
    if isinstance(session, ServiceSession):
        for value in secrets - session.secrets:
            session.add_secret(value)
    else:
        remember(secrets)
    return frozenset(secrets)


# --------------------------------------------------------------------------- sending


def _replay(
    session: requests.Session,
    store: ResponseCache | None,
    service: str,
    key: str,
    *,
    method: str,
    shown: str,
    secrets: frozenset[str],
    parse: Parser | None,
    max_age: float | None,
) -> HttpResult | None:
    """A stored answer that still parses, else None (a stale bad entry is forgotten)."""
    if store is None or not key:
        return None
    hit = store.get(service, key, max_age=max_age)
    if hit is None:
        return None
    result = HttpResult(
        service=service,
        method=method,
        url=shown,
        status=hit.status,
        headers=hit.headers,
        content=hit.content,
        from_cache=True,
        budget=read_budget(hit.headers),
        secrets=secrets,
    )
    if parse is not None:
        try:
            result = _with_data(result, parse(result))
        except BadResponseError:
            store.delete(service, key)
            return None
    log.debug("%s %s -> %s (stored)", method, shown, hit.status)
    return result


def _with_data(result: HttpResult, data: Any) -> HttpResult:
    from dataclasses import replace

    return replace(result, data=data)


def request(
    session: requests.Session,
    method: str,
    url: str,
    *,
    service: str,
    params: Mapping[str, Any] | None = None,
    data: Mapping[str, Any] | None = None,
    json_body: Any = None,
    headers: Mapping[str, str] | None = None,
    timeout: float = DEFAULT_TIMEOUT,
    cache_max_age: float | None = None,
    ok_statuses: Iterable[int] = (200,),
    parse: Parser | None = None,
    key_set: bool = False,
) -> HttpResult:
    """Send one request with retries; return the response (``data`` = ``parse(response)``) or
    raise a RemoteServiceError.

    ``params`` go in the URL, ``data`` in a form body, ``json_body`` in a JSON body (POST).
    Secret parameters (``api_key``, ``email``...) are sent but never logged, cached by value or
    shown in errors. ``cache_max_age`` (seconds) allows a cached answer up to that age; None
    never uses the cache for this request (history-dependent searches). A run's checkpoint
    (``session.checkpoint``) is consulted first for every request and receives every accepted
    answer. ``key_set`` says whether the caller sent an API key (for the hints).
    """
    method = method.upper()
    secrets = _request_secrets(session, params, data, headers)
    shown = scrub(_display_url(url, params), secrets)
    cache: ResponseCache | None = getattr(session, "cache", None)
    checkpoint: ResponseCache | None = getattr(session, "checkpoint", None)
    body_key = {"__json__": json.dumps(json_body, sort_keys=True)} if json_body is not None else {}
    key = ""
    if cache is not None or checkpoint is not None:
        key = cache_key(method, url, _public_params(params), {**_public_params(data), **body_key})
    replay = dict(method=method, shown=shown, secrets=secrets, parse=parse)
    stored = _replay(session, checkpoint, service, key, max_age=None, **replay)  # type: ignore[arg-type]
    if stored is None and cache_max_age is not None:
        stored = _replay(session, cache, service, key, max_age=cache_max_age, **replay)  # type: ignore[arg-type]
        if stored is not None and checkpoint is not None:
            checkpoint.put(service, key, stored.status, stored.headers, stored.content)
    if stored is not None:
        return stored
    policy: RetryPolicy = getattr(session, "policy", None) or RetryPolicy()
    clock = getattr(session, "clock", time.time)
    jitter = getattr(session, "jitter", random.random)
    waiter: Waiter = getattr(session, "waiter", None) or (
        lambda seconds, reason: getattr(session, "sleep", time.sleep)(seconds)
    )
    counter: Counter[str] | None = getattr(session, "sent", None)
    ok = set(ok_statuses)
    problem = ""
    last_status: int | None = None
    for attempt in range(1, policy.max_attempts + 1):
        wait_turn(session, service)
        wait: float | None = None
        if counter is not None:
            counter[service] += 1
        try:
            response = session.request(
                method,
                url,
                params=params,
                data=data,
                json=json_body,
                headers=headers,
                timeout=timeout,
                stream=True,
            )
            try:
                content = read_body(response, policy)
            finally:
                response.close()
        except TooLarge as exc:
            raise RemoteServiceError(
                f"{service} sent an answer larger than {size(policy.max_body_bytes)} "
                f"({exc} bytes) for {method} {shown}; it was not read",
                hint=f"this is not a normal answer; check the base URL ({service}_url)",
            ) from None
        except requests.Timeout:
            problem, last_status = f"no answer within {timeout:g} s", None
        except requests.ConnectionError as exc:
            where = urlsplit(url).netloc.rpartition("@")[2]  # (no proxy credentials)
            problem, last_status = f"could not connect to {where} ({_reason(exc)})", None
        except requests.RequestException as exc:
            problem, last_status = f"the answer was cut off ({_reason(exc)})", None
        else:
            status = response.status_code
            last_status = status
            resp_headers = dict(response.headers)
            budget = read_budget(resp_headers)
            observe(session, service, resp_headers)
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
                    secrets=secrets,
                )
                try:
                    if parse is not None:
                        result = _with_data(result, parse(result))
                except BadResponseError as exc:
                    problem = exc.message
                else:
                    for store in (cache, checkpoint):
                        if store is not None and key:
                            store.put(service, key, status, resp_headers, content, secrets=secrets)
                    return result
            else:
                reason = scrub(error_text(content, resp_headers), secrets)
                if status == 429 and _budget_exhausted(budget, reason):
                    reset = budget.reset_seconds if budget and budget.reset_seconds else None
                    reset = reset or retry_after(resp_headers, clock())
                    at = moment(reset, clock()) if reset else ""
                    resets = f"; it resets in {reset:.0f} s ({at})" if reset else ""
                    raise QuotaExhaustedError(
                        f"{service}: usage budget exhausted (HTTP 429: {reason}){resets}",
                        hint=quota_hint(service, key_set=key_set, reset=at),
                        reset_seconds=reset,
                    )
                problem = f"HTTP {status}: {reason}"
                if status not in policy.retry_statuses:
                    raise RemoteServiceError(
                        f"{service} refused {method} {shown} ({problem})",
                        hint=hint_for(service, status, key_set=key_set),
                    )
                wait = retry_after(resp_headers, clock())
                if wait is not None and wait > policy.max_retry_after:
                    raise RemoteServiceError(
                        f"{service} asks to wait {wait:.0f} s before retrying ({problem}); "
                        f"that is after {moment(wait, clock())}",
                        hint=hint_for(service, status, key_set=key_set),
                    )
        if attempt == policy.max_attempts:
            break
        delay = wait if wait is not None else backoff(policy, attempt, jitter)
        why = "asked to wait (Retry-After)" if wait is not None else problem
        log.info("%s: %s; retrying in %.1f s (attempt %d)", service, problem, delay, attempt + 1)
        waiter(delay, scrub(f"{service}: {why}; retrying (attempt {attempt + 1})", secrets))
    raise RemoteServiceError(
        scrub(
            f"{service} failed after {policy.max_attempts} attempts: {problem} ({method} {shown})",
            secrets,
        ),
        hint=hint_for(service, last_status, key_set=key_set),
    )


def _budget_exhausted(budget: Budget | None, reason: str) -> bool:
    return (budget is not None and budget.exhausted) or "insufficient budget" in reason.lower()


def _reason(exc: requests.RequestException) -> str:
    text = str(exc)
    for marker in (
        "Connection refused",
        "Connection reset",
        "Name or service not known",
        "timed out",
        "Temporary failure in name resolution",
        "IncompleteRead",
        "Connection broken",
        "RemoteDisconnected",
        "Connection aborted",
    ):
        if marker.lower() in text.lower():
            return marker.lower()
    return type(exc).__name__
