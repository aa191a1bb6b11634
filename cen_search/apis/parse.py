"""Responses as the rest of the tool sees them: bodies, budgets and the errors in them.

:class:`HttpResult` is one response without secrets; :func:`parse_json` and :func:`parse_xml`
turn its body into data or explain clearly why they cannot (an HTML error page, a document cut
short) with a :class:`~cen_search.apis.errors.BadResponseError`, which the HTTP layer retries
and never caches; :func:`read_budget` reads the ``X-RateLimit-*`` budget headers (OpenAlex).
Every message built from a response goes through :meth:`HttpResult.error`, which removes the
secrets of the request and anything that looks like one, whatever the service echoed.
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any
from xml.etree.ElementTree import Element

from cen_search.apis.errors import BadResponseError, RemoteServiceError
from cen_search.apis.redaction import scrub


@dataclass(frozen=True, slots=True)
class Budget:
    """Usage budget reported in ``X-RateLimit-*`` headers (OpenAlex), when present."""

    limit: float | None = None
    """Credits per day (``X-RateLimit-Limit``)."""
    remaining: float | None = None
    """Credits left today (``X-RateLimit-Remaining``)."""
    credits_required: float | None = None
    """Credits the refused request needed (``X-RateLimit-Credits-Required``, 429 only)."""
    limit_usd: float | None = None
    remaining_usd: float | None = None
    cost_usd: float | None = None
    """What this request cost (``X-RateLimit-Cost-USD``)."""
    cost_required_usd: float | None = None
    reset_seconds: float | None = None
    """Seconds until the budget resets (``X-RateLimit-Reset``)."""

    @property
    def exhausted(self) -> bool:
        """True when the refused request needs more than is left."""
        usd = self.remaining_usd, self.cost_required_usd
        if usd[0] is not None and usd[1] is not None and usd[0] < usd[1]:
            return True
        if self.remaining is not None and self.credits_required is not None:
            return self.remaining < self.credits_required
        return False


@dataclass(frozen=True, slots=True)
class HttpResult:
    """One response as the rest of the tool sees it (no secrets inside)."""

    service: str
    """Service name ("pubmed", "europepmc", "openalex", ...)."""
    method: str
    url: str
    """Request URL with secret parameters redacted (safe for run records)."""
    status: int
    headers: Mapping[str, str]
    content: bytes
    from_cache: bool = False
    attempts: int = 1
    budget: Budget | None = None
    data: Any = None
    """What the caller's parser made of the body (see :func:`cen_search.apis.http.request`)."""
    secrets: frozenset[str] = field(default=frozenset(), repr=False, compare=False)
    """Secret values of the request, for :meth:`error` (never shown)."""

    def text(self) -> str:
        """Body decoded as UTF-8 (invalid bytes replaced)."""
        return self.content.decode("utf-8", errors="replace")

    def error(
        self, message: str, *, hint: str = "", kind: type[RemoteServiceError] = RemoteServiceError
    ) -> RemoteServiceError:
        """An error about this response, with every secret removed from message and hint."""
        return kind(scrub(message, self.secrets), hint=scrub(hint, self.secrets))


# --------------------------------------------------------------------------- budget


def _number(headers: Mapping[str, str], name: str) -> float | None:
    """The number in header ``name``; None when it is absent or not a number."""
    value = headers.get(name)
    try:
        return float(value) if value not in (None, "") else None
    except ValueError:
        return None


def read_budget(headers: Mapping[str, str]) -> Budget | None:
    """The ``X-RateLimit-*`` budget headers of a response, or None when there are none."""
    lower = {k.lower(): v for k, v in headers.items()}
    if not any(k.startswith("x-ratelimit-") for k in lower):
        return None
    return Budget(
        limit=_number(lower, "x-ratelimit-limit"),
        remaining=_number(lower, "x-ratelimit-remaining"),
        credits_required=_number(lower, "x-ratelimit-credits-required"),
        limit_usd=_number(lower, "x-ratelimit-limit-usd"),
        remaining_usd=_number(lower, "x-ratelimit-remaining-usd"),
        cost_usd=_number(lower, "x-ratelimit-cost-usd"),
        cost_required_usd=_number(lower, "x-ratelimit-cost-required-usd"),
        reset_seconds=_number(lower, "x-ratelimit-reset"),
    )


# --------------------------------------------------------------------------- bodies


def content_type(headers: Mapping[str, str]) -> str:
    """The ``Content-Type`` header (lower case), "" when absent."""
    return next((v for k, v in headers.items() if k.lower() == "content-type"), "").lower()


def looks_like_html(content: bytes, headers: Mapping[str, str]) -> bool:
    """An HTML page (maintenance, login, proxy error) rather than data."""
    head = content[:512].lstrip().lower()
    return "html" in content_type(headers) or head.startswith((b"<!doctype html", b"<html"))


def _html_title(content: bytes) -> str:
    match = re.search(rb"<title[^>]*>(.*?)</title>", content, re.IGNORECASE | re.DOTALL)
    text = match.group(1) if match else re.sub(rb"<[^>]+>", b" ", content[:2000])
    return " ".join(text.decode("utf-8", errors="replace").split())[:160]


def error_text(content: bytes, headers: Mapping[str, str]) -> str:
    """A short human reason extracted from an error body (JSON message, XML ERROR, HTML), with
    anything that looks like a secret parameter removed."""
    return scrub(_error_text(content, headers))


def _error_text(content: bytes, headers: Mapping[str, str]) -> str:
    if looks_like_html(content, headers):
        return f"HTML page: {_html_title(content)!r}"
    text = content.decode("utf-8", errors="replace").strip()
    try:
        data = json.loads(text)
    except ValueError:
        data = None
    if isinstance(data, dict):
        for key in ("message", "errMsg", "error", "ERROR", "detail"):
            if isinstance(data.get(key), str) and data[key]:
                return str(data[key])[:300]
    match = re.search(r"<ERROR>(.*?)</ERROR>", text, re.DOTALL | re.IGNORECASE)
    if match:
        return match.group(1).strip()[:300]
    return " ".join(text.split())[:200]


def refuse_html(result: HttpResult, expected: str) -> None:
    """Raise when the service sent an HTML page (maintenance, login, proxy error) instead of
    the ``expected`` format."""
    if looks_like_html(result.content, result.headers):
        raise result.error(
            f"{result.service} returned an HTML page instead of {expected} "
            f"({_html_title(result.content)!r}) for {result.url}",
            hint="the service may be down or behind a maintenance page; try again later",
            kind=BadResponseError,
        )


def parse_json(result: HttpResult) -> Any:
    """The JSON body of ``result``; a clear :class:`BadResponseError` when it is not JSON."""
    refuse_html(result, "JSON")
    try:
        return json.loads(result.content.decode("utf-8", errors="strict"))
    except UnicodeDecodeError as exc:
        raise result.error(
            f"{result.service} returned a body that is not UTF-8 JSON ({exc.reason}) "
            f"for {result.url}",
            hint="try again; if it persists, report it with the run record",
            kind=BadResponseError,
        ) from None
    except RecursionError:
        raise result.error(
            f"{result.service} returned JSON nested too deeply to read for {result.url}",
            hint="the answer is not a normal response; check the base URL",
            kind=BadResponseError,
        ) from None
    except json.JSONDecodeError as exc:
        raise result.error(
            f"{result.service} returned malformed JSON ({exc.msg} at line {exc.lineno} "
            f"column {exc.colno}) for {result.url}",
            hint="the response was cut short or is not JSON; run the command again",
            kind=BadResponseError,
        ) from None


def json_object(result: HttpResult) -> dict[str, Any]:
    """The JSON body of ``result`` as an object; anything else is a bad response."""
    data = parse_json(result)
    if not isinstance(data, dict):
        raise result.error(
            f"{result.service} returned JSON that is not an object ({result.url})",
            hint="check the base URL; report it if it persists",
            kind=BadResponseError,
        )
    return data


def json_array(result: HttpResult) -> list[Any]:
    """The JSON body of ``result`` as an array; anything else is a bad response."""
    data = parse_json(result)
    if not isinstance(data, list):
        raise result.error(
            f"{result.service} returned JSON that is not a list ({result.url})",
            hint="check the base URL; report it if it persists",
            kind=BadResponseError,
        )
    return data


def parse_xml(result: HttpResult) -> Element:
    """The XML root of ``result``; a clear :class:`BadResponseError` when it is not XML."""
    from defusedxml import ElementTree
    from defusedxml.common import DefusedXmlException

    refuse_html(result, "XML")
    try:
        return ElementTree.fromstring(result.content)
    except ElementTree.ParseError as exc:
        line, column = getattr(exc, "position", (0, 0))
        raise result.error(
            f"{result.service} returned malformed XML (line {line}, column {column}) "
            f"for {result.url}",
            hint="the response was cut short or is not XML; run the command again",
            kind=BadResponseError,
        ) from None
    except DefusedXmlException as exc:
        raise result.error(
            f"{result.service} returned XML with forbidden constructs ({exc}) for {result.url}",
            hint="refused for safety; report it",
        ) from None


__all__ = [
    "Budget",
    "HttpResult",
    "content_type",
    "error_text",
    "json_array",
    "json_object",
    "looks_like_html",
    "parse_json",
    "parse_xml",
    "read_budget",
    "refuse_html",
]
