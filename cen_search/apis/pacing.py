"""How fast and how much: the retry policy, waits between requests, rate-limit headers, and
reading a body within size and time limits (used by :mod:`cen_search.apis.http`)."""

from __future__ import annotations

import re
import time
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from email.utils import parsedate_to_datetime
from typing import Any

import requests

from cen_search.apis.parse import read_budget


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
    max_body_bytes: int = 64 * 1024 * 1024
    """Largest body accepted (after decompression); a larger one is refused, not retried."""
    max_response_seconds: float = 300.0
    """Longest time one answer may take to arrive in full (a body that trickles in)."""


def retry_after(headers: Mapping[str, str], now: float) -> float | None:
    """Seconds a ``Retry-After`` header asks to wait (seconds or an HTTP date); None without
    one."""
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


def wait_turn(session: requests.Session, service: str) -> None:
    intervals: dict[str, float] = getattr(session, "min_interval", {})
    last: dict[str, float] | None = getattr(session, "last_sent", None)
    if last is None:
        return
    clock = getattr(session, "clock", time.time)
    interval = intervals.get(service, 0.0)
    if interval > 0 and service in last:
        gap = last[service] + interval - clock()
        if gap > 0:
            getattr(session, "sleep", time.sleep)(gap)
    last[service] = clock()


_INTERVAL = re.compile(r"^\s*(\d+(?:\.\d+)?)\s*(ms|s|m|h)?\s*$")


def observe(session: requests.Session, service: str, headers: Mapping[str, str]) -> None:
    """Adapt to the rate limits a response announces: Crossref's ``x-rate-limit-limit`` per
    ``x-rate-limit-interval`` widens the politeness interval; budgets are kept per service."""
    lower = {k.lower(): v for k, v in headers.items()}
    budget = read_budget(headers)
    budgets: dict[str, Any] | None = getattr(session, "budgets", None)
    if budget is not None and budgets is not None:
        budgets[service] = budget
    limit, interval = lower.get("x-rate-limit-limit"), lower.get("x-rate-limit-interval")
    intervals: dict[str, float] | None = getattr(session, "min_interval", None)
    if limit and interval and intervals is not None:
        match = _INTERVAL.match(interval)
        try:
            per = float(limit)
        except ValueError:
            return
        if match and per > 0:
            unit = {"ms": 0.001, "s": 1.0, "m": 60.0, "h": 3600.0}[match.group(2) or "s"]
            spacing = float(match.group(1)) * unit / per
            if spacing > intervals.get(service, 0.0):
                intervals[service] = min(spacing, 60.0)


def backoff(policy: RetryPolicy, attempt: int, jitter: Callable[[], float]) -> float:
    raw = min(policy.backoff_cap, policy.backoff_base * (2 ** (attempt - 1)))
    return raw * (0.5 + 0.5 * jitter())


def moment(seconds: float, now: float) -> str:
    moment = datetime.fromtimestamp(now, UTC) + timedelta(seconds=seconds)
    return moment.strftime("%Y-%m-%d %H:%M UTC")


class TooLarge(Exception):
    pass


def size(count: int) -> str:
    return f"{count / 1_048_576:g} MB" if count >= 1_048_576 else f"{count:,} bytes"


def chunks(response: requests.Response) -> Iterator[bytes]:
    """The decoded body in pieces as they arrive (``read1``: whatever one read gives, so a
    body that trickles in is noticed between pieces); urllib3's own errors become requests'."""
    import urllib3.exceptions as u3

    raw = response.raw
    reader = getattr(raw, "read1", None)
    try:
        if reader is None:  # urllib3 1.x
            yield from response.iter_content(8192)
            return
        while True:
            chunk = reader(65536, decode_content=True)
            if not chunk:
                return
            yield chunk
    except u3.ReadTimeoutError as exc:
        raise requests.Timeout(str(exc)) from None
    except (u3.ProtocolError, u3.DecodeError, u3.HTTPError) as exc:
        raise requests.exceptions.ChunkedEncodingError(str(exc)) from None


def read_body(response: requests.Response, policy: RetryPolicy) -> bytes:
    """The whole body, refusing more than ``max_body_bytes`` or longer than
    ``max_response_seconds`` in total (a body that trickles in forever)."""
    declared = response.headers.get("Content-Length", "")
    if declared.isdigit() and int(declared) > policy.max_body_bytes:
        raise TooLarge(declared)
    deadline = time.monotonic() + policy.max_response_seconds
    pieces: list[bytes] = []
    size = 0
    for chunk in chunks(response):
        size += len(chunk)
        if size > policy.max_body_bytes:
            raise TooLarge(str(size))
        if time.monotonic() > deadline:
            raise requests.Timeout("the answer took too long to arrive")
        pieces.append(chunk)
    return b"".join(pieces)
