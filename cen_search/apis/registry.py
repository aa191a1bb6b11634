"""One registration per service: everything the rest of the tool needs to know about it.

Each service module (:mod:`cen_search.apis.openalex`, :mod:`~cen_search.apis.pubmed` ...)
ends with ``register(Service(...))``: its public endpoint, the setting that holds its API key,
the politeness interval, what to tell a user when it keeps refusing, the database and platform
recorded for records it returns, its roles (``search``: strategy runs; ``trace``: citation
tracing), the client class and the function that maps its JSON to a
:class:`~cen_search.models.Record`. Settings (``[apis] openalex_url``, ``CEN_SEARCH_*_URL``,
API keys), retry hints and client construction are all derived from these registrations, so a
new service is one new module and one name in :data:`MODULES` (the model is pip's
``VcsSupport.register`` and httpie's plugin registry).

Loading the registry imports the service modules, which import neither ``requests`` nor the
configuration, so :mod:`cen_search.config` can derive its keys from here cheaply.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from cen_search.errors import UsageError

if TYPE_CHECKING:
    from cen_search.models import Record

MODULES = ("pubmed", "openalex", "semanticscholar", "opencitations", "europepmc", "crossref")
"""Service modules in :mod:`cen_search.apis`, in the order ``config show`` lists them."""

ENV_PREFIX = "CEN_SEARCH_"
"""Prefix of the environment variables (the same as :data:`cen_search.config.ENV_PREFIX`)."""

SEARCH = "search"
"""Role: a strategy can be run on the service (``strategy run --on``)."""
TRACE = "trace"
"""Role: a citation index for ``trace`` (references and citing works)."""


@dataclass(frozen=True, slots=True)
class Service:
    """One remote service and how the tool talks to it."""

    name: str
    """Short name used in options, settings, the cache and messages (``openalex``)."""
    label: str
    """Name shown to people (``OpenAlex``)."""
    base_url: str
    """The public endpoint (overridable per review or user: ``[apis] <name>_url``)."""
    factory: Callable[..., Any]
    """The client class: called with ``session``, ``base_url``, ``timeout``, ``email`` and,
    when the service has a key, ``api_key``, plus service-specific options."""
    roles: frozenset[str] = frozenset()
    key_setting: str = ""
    """The setting holding its API key or token (``openalex_api_key``); empty: no key."""
    key_help: str = ""
    """One line for ``config show`` and the docs about the key."""
    min_interval: float = 0.0
    """Seconds kept between two requests without a key (politeness)."""
    min_interval_with_key: float | None = None
    """The interval when a key is configured (None: the same)."""
    rate_hint: str = ""
    """What to say when it keeps rate-limiting and no key is set (``set ...``)."""
    retry_hint: str = ""
    """What to say when it keeps failing (5xx, timeouts, resets)."""
    database: str = ""
    """Database recorded for records it returns (``OpenAlex``)."""
    platform: str = ""
    """Platform recorded for them (``OpenAlex (API)``)."""
    record: Callable[[Mapping[str, Any]], Record] | None = None
    """Maps one JSON object of the service to a Record (kept apart from transport)."""

    @property
    def url_setting(self) -> str:
        """The setting that overrides its base URL (``openalex_url``)."""
        return f"{self.name}_url"

    @property
    def url_env(self) -> str:
        """The environment variable that overrides its base URL."""
        return ENV_PREFIX + self.url_setting.upper()

    @property
    def key_env(self) -> str:
        """The environment variable of its key ("" when it has none)."""
        return ENV_PREFIX + self.key_setting.upper() if self.key_setting else ""

    def interval(self, *, key_set: bool) -> float:
        """Politeness interval, which a key may shorten."""
        if key_set and self.min_interval_with_key is not None:
            return self.min_interval_with_key
        return self.min_interval

    def hint(self, status: int | None, *, key_set: bool) -> str:
        """What to tell the user after ``status`` (None: no answer at all). Never suggests
        setting a key that is already set."""
        failing = self.retry_hint or (
            f"{self.label} is busy or down; wait a few minutes and run the command again"
        )
        if status == 429:
            if self.key_setting and not key_set and self.rate_hint:
                return f"{self.rate_hint}: set {self.key_env}"
            return (
                f"{self.label} keeps refusing requests as too many; wait a few minutes and run "
                "the command again"
            )
        if status in (401, 403):
            if self.key_setting:
                return f"check the API key ({self.key_env}) and that this request is allowed for it"
            return "check the credentials and the base URL for this service"
        if status == 400:
            return "the service rejected the request as malformed; check the query or identifiers"
        if status == 404:
            return f"the endpoint or record does not exist; check the base URL ({self.url_env})"
        if status == 414:
            return "the request is too long for a URL; send fewer terms or identifiers at once"
        return failing

    def client(
        self,
        *,
        session: Any,
        base_url: str = "",
        timeout: float | None = None,
        api_key: str = "",
        email: str = "",
        **options: Any,
    ) -> Any:
        """A client of this service (``base_url`` "" = the public endpoint)."""
        kwargs: dict[str, Any] = {"session": session, "base_url": base_url or self.base_url}
        if timeout is not None:
            kwargs["timeout"] = timeout
        if self.key_setting:
            kwargs["api_key"] = api_key
        return self.factory(email=email, **kwargs, **options)


_REGISTRY: dict[str, Service] = {}
_loaded = False


def register(service: Service) -> Service:
    """Add ``service`` (called once at the end of each service module)."""
    if service.name in _REGISTRY and _REGISTRY[service.name] != service:
        raise ValueError(f"service {service.name!r} is registered twice")
    _REGISTRY[service.name] = service
    return service


def _load() -> None:
    global _loaded
    if _loaded:
        return
    _loaded = True
    try:
        for module in MODULES:
            importlib.import_module(f"cen_search.apis.{module}")
    except BaseException:
        _loaded = False
        raise


def services(role: str | None = None) -> tuple[Service, ...]:
    """Every registered service (with ``role``: those that have it), in :data:`MODULES` order."""
    _load()
    ordered = sorted(_REGISTRY.values(), key=lambda s: _order(s.name))
    return tuple(s for s in ordered if role is None or role in s.roles)


def _order(name: str) -> int:
    return MODULES.index(name) if name in MODULES else len(MODULES)


def get(name: str, role: str | None = None) -> Service:
    """The service called ``name`` (case-insensitive); a :class:`UsageError` naming the choices
    when there is none (with that role)."""
    _load()
    service = _REGISTRY.get(name.strip().lower())
    if service is None or (role is not None and role not in service.roles):
        known = ", ".join(s.name for s in services(role))
        what = {SEARCH: "run a search on", TRACE: "trace citations with"}.get(role or "", "use")
        raise UsageError(f"cannot {what} {name!r}", hint=f"use one of: {known}")
    return service


def quota_hint(name: str, *, key_set: bool, reset: str = "") -> str:
    """What to do when ``name``'s usage budget ran out (``reset``: when it resets). Whether
    the command then resumes is for the caller to say: a trace does (its checkpoint adds so to
    the hint), a strategy run starts again."""
    _load()
    service = _REGISTRY.get(name)
    text = "run the same command again after the budget resets" + (f" ({reset})" if reset else "")
    if service is not None and service.key_setting and not key_set:
        text += f"; a free API key ({service.key_env}) has a larger budget"
    return text


def hint_for(name: str, status: int | None, *, key_set: bool = False) -> str:
    """:meth:`Service.hint` of a registered service, or a generic hint for any other name."""
    _load()
    service = _REGISTRY.get(name)
    if service is not None:
        return service.hint(status, key_set=key_set)
    if status is not None and 400 <= status < 500 and status != 429:
        return "the service refused the request; check the base URL and the request"
    return "the service may be busy or down; try again later"


__all__ = [
    "MODULES",
    "SEARCH",
    "TRACE",
    "Service",
    "get",
    "hint_for",
    "quota_hint",
    "register",
    "services",
]
