"""Keeping API keys and contact e-mail addresses out of every message, whatever its origin.

Two layers, because a service can echo a secret in forms the tool cannot foresee (an HTML page
that prints the request, a JSON error listing ``api_key=['...']``):

- :func:`redact` replaces every *known* secret value (and its URL-encoded forms) by ``***``;
- :func:`redact_parameters` replaces the value of anything that *looks like* a secret
  parameter (``api_key=...``, ``"email": "..."``, ``mailto:...``, ``Authorization: Bearer ...``,
  the password of a ``https://user:password@proxy/`` URL), known or not.

:func:`scrub` applies both, with every secret the process has seen (:func:`remember`, called
when a session is built and whenever a secret parameter is sent). The CLI scrubs every error
and warning it prints with it, so a message built anywhere (a client, a parser, a stage that
quotes a service) cannot show a secret.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from urllib.parse import quote, quote_plus

SECRET_PARAMS = frozenset(
    {"api_key", "api-key", "apikey", "email", "mailto", "key", "token", "access_token"}
)
"""Query/form parameter names whose values are secrets (also left out of cache keys)."""
SECRET_HEADERS = frozenset({"authorization", "api-key", "x-api-key", "from", "user-agent"})
"""Header names whose values are secrets (the User-Agent carries the contact e-mail)."""

MASK = "***"

_NAMES = r"api[_-]?key|apikey|access[_-]?token|x-api-key|e-?mail|mailto"
_ASSIGNED = re.compile(
    rf"""(?ix)
    (?P<name>(?<![a-z0-9_-])(?:{_NAMES})|(?<=[?&])(?:key|token))   # a secret parameter's name
    (?P<close>['"]?)                            # closing quote of a quoted name
    (?P<sep>\s*(?:=|:)\s*)                      # = or :
    (?P<open>\[?\s*(?:u?['"])?)                 # [ and/or an opening quote (Python repr)
    (?P<value>(?!\*\*\*)[^\s&'"\[\],;)<>}}]+)   # the value
    """
)
_BEARER = re.compile(r"(?i)\b(bearer)\s+([A-Za-z0-9._~+/=-]{8,})")
_USERINFO = re.compile(r"(?i)\b([a-z][a-z0-9+.-]*://[^\s/?#@:]*):(?!\*\*\*@)[^\s/?#@]+@")
"""``scheme://user:password@``: the password of an institutional proxy or mirror URL."""
_MAILTO = re.compile(r"(?i)\bmailto:([^\s)&;,'\"<>]+)")

_remembered: set[str] = set()


def remember(values: Iterable[str]) -> None:
    """Add secret values (keys, e-mail addresses) to those :func:`scrub` removes."""
    _remembered.update(v for v in values if v and len(v) >= 3)


def redact(text: str, secrets: Iterable[str]) -> str:
    """``text`` with every secret value (and its URL-encoded forms) replaced by ``***``."""
    for secret in sorted({s for s in secrets if s}, key=len, reverse=True):
        for form in {secret, quote(secret, safe=""), quote_plus(secret), quote(secret)}:
            text = text.replace(form, MASK)
    return text


def redact_parameters(text: str) -> str:
    """``text`` with the value of anything that looks like a secret parameter replaced by
    ``***``: ``api_key=X``, ``'email': ['X']``, ``mailto:X``, ``Bearer X``. E-mail addresses
    met after such a name are masked too; other text is left alone."""
    if not text:
        return text

    def assigned(match: re.Match[str]) -> str:
        return (
            match.group("name")
            + match.group("close")
            + match.group("sep")
            + match.group("open")
            + MASK
        )

    text = _ASSIGNED.sub(assigned, text)
    text = _BEARER.sub(lambda m: f"{m.group(1)} {MASK}", text)
    text = hide_password(text)
    return _MAILTO.sub(f"mailto:{MASK}", text)


def hide_password(text: str) -> str:
    """``text`` with the password of every ``scheme://user:password@host`` URL in it replaced
    by ``***``: a base URL may name an institutional proxy or mirror with its credentials,
    which must no more be shown or recorded than an API key.

    >>> hide_password("https://lib:s3cret@proxy.example.org/openalex/")
    'https://lib:***@proxy.example.org/openalex/'
    """
    if "@" not in text:
        return text
    return _USERINFO.sub(lambda m: f"{m.group(1)}:{MASK}@", text)


def url_password(url: str) -> str:
    """The password in a URL's ``user:password@`` part ("" when it has none)."""
    from urllib.parse import unquote, urlsplit

    try:
        password = urlsplit(url.strip()).password
    except ValueError:
        return ""
    return unquote(password) if password else ""


def scrub(text: str, secrets: Iterable[str] = ()) -> str:
    """Both layers: every remembered and given secret, then every secret-looking parameter."""
    return redact_parameters(redact(text, [*_remembered, *secrets]))


def contains_secret(text: str, secrets: Iterable[str]) -> bool:
    """Whether ``text`` shows any of ``secrets`` (in any encoded form): for tests and reports."""
    return redact(text, secrets) != text


__all__ = [
    "MASK",
    "SECRET_HEADERS",
    "SECRET_PARAMS",
    "contains_secret",
    "hide_password",
    "redact",
    "redact_parameters",
    "remember",
    "scrub",
    "url_password",
]
