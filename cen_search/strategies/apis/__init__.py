"""Thin clients of the open search APIs a strategy can run on: PubMed E-utilities
(:mod:`.pubmed`), Europe PMC (:mod:`.europepmc`) and OpenAlex (:mod:`.openalex`), plus the
conversion of their records into cen-search JSON Lines (:mod:`.records`).

Every client takes ``base_url``, a session (see :func:`cen_search.http.make_session`) and a
timeout, and sends every request through :func:`cen_search.http.request`; what they share
(settings, politeness, cursor paging) is in :mod:`.client`.
"""
