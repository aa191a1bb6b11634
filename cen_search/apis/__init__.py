"""The one home of everything that talks to a remote service.

- :mod:`.registry`: one registration per service (base URL, key setting, politeness interval,
  hints, database/platform labels, client class, JSON-to-Record mapping); settings and hints
  are derived from it.
- :mod:`.http` (the session, retries, ``Retry-After``, the cache and a run's checkpoint),
  :mod:`.cache`, :mod:`.parse` (bodies, budgets), :mod:`.redaction` (secrets),
  :mod:`.errors` (``RemoteServiceError`` subclasses): the HTTP layer.
- :mod:`.client`: the client base, :class:`~.client.Access` and :func:`~.client.session_for`.
- one module per service: :mod:`.pubmed`, :mod:`.europepmc`, :mod:`.openalex`,
  :mod:`.semanticscholar`, :mod:`.opencitations`, :mod:`.crossref`;
  :mod:`.citations` is the interface the citation indexes share, and :mod:`.mapping` turns
  each service's JSON into Records, apart from transport.

Callers build one session (:func:`~.client.session_for`) and pass it down; stages (strategy
runs, tracing) reach a service through :func:`~.registry.get` and never name a client class.
"""

from __future__ import annotations

from cen_search.apis.registry import SEARCH, TRACE, Service, get, register, services

__all__ = ["SEARCH", "TRACE", "Service", "get", "register", "services"]
