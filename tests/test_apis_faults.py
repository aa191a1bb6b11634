"""Every service client against a server that misbehaves on purpose (``_faultserver``).

For each client and each class of fault: a fault that passes is retried within bounds and the
client returns exactly what a clean run returns; a fault that persists ends in a
RemoteServiceError (exit code 3) with a clear message; nothing partial is returned, no bad
answer is cached, and no API key or e-mail appears in a message, hint, log line or cache file
(every error body of the server echoes them back).
"""

from __future__ import annotations

import functools
import json
from pathlib import Path

import pytest
from _apiserver import ApiServer, Reply
from _faultserver import EMAIL, FAULTS, KEY, Scenario, clean_answer, run, scenarios
from conftest import shared_dir

from cen_search.apis.http import RetryPolicy, make_session, request
from cen_search.apis.parse import json_object
from cen_search.errors import RemoteServiceError

SCENARIOS = {s.service: s for s in scenarios(shared_dir())}


@functools.cache
def _clean(service: str) -> object:
    return clean_answer(SCENARIOS[service])


def test_every_service_client_is_covered_by_the_fault_matrix():
    from cen_search.apis import services

    names = {s.name for s in services()}
    local = {"pubmed", "openalex", "semanticscholar", "crossref"}
    assert local <= set(SCENARIOS)
    if shared_dir() is not None:
        assert set(SCENARIOS) == names


@pytest.mark.parametrize("fault", FAULTS, ids=lambda f: f.name)
@pytest.mark.parametrize("service", sorted(SCENARIOS))
def test_client_survives_fault_without_partial_result_cache_or_secret(service, fault):
    scenario: Scenario = SCENARIOS[service]
    outcome = run(scenario, fault, expected=_clean(service))
    assert not outcome.traceback, outcome.detail
    assert not outcome.secret, outcome.detail
    assert not outcome.lost, outcome.detail
    assert outcome.behaved, outcome.detail
    assert outcome.requests <= 4  # retries stay within the policy's attempts
    if not fault.recoverable:
        assert outcome.detail.startswith(("RemoteServiceError", "ServiceReportedError"))
        assert service in outcome.detail.lower() or "PubMed" in outcome.detail


# --------------------------------------------------------------------------- HTTP layer


def _session(tmp_path: Path, waits: list | None = None):
    return make_session(
        contact_email=EMAIL,
        secrets=[KEY],
        cache_dir=str(tmp_path / "cache"),
        policy=RetryPolicy(max_attempts=3),
        sleep=lambda s: None,
        waiter=(lambda s, reason: waits.append((s, reason))) if waits is not None else None,
    )


def test_html_maintenance_page_with_200_is_never_cached(tmp_path):
    page = "<html><head><title>Maintenance</title></head><body>back soon</body></html>"
    with ApiServer() as server:
        server.route("/x", Reply(page, content_type="text/html"))
        session = _session(tmp_path)
        with pytest.raises(RemoteServiceError):
            request(
                session,
                "GET",
                server.url + "x",
                service="t",
                cache_max_age=60,
                parse=json_object,
            )
        assert not list((tmp_path / "cache").rglob("*.body"))
        server.routes["/x"] = [Reply('{"ok": 1}')]
        good = request(
            session, "GET", server.url + "x", service="t", cache_max_age=60, parse=json_object
        )
        again = request(
            session, "GET", server.url + "x", service="t", cache_max_age=60, parse=json_object
        )
    assert good.data == {"ok": 1} and not good.from_cache and again.from_cache


def test_a_cached_answer_that_no_longer_parses_is_forgotten_and_fetched_again(tmp_path):
    with ApiServer() as server:
        server.route("/x", Reply('{"ok": 1}'))
        session = _session(tmp_path)
        request(session, "GET", server.url + "x", service="t", cache_max_age=60)
        for body in (tmp_path / "cache").rglob("*.body"):
            meta = body.with_suffix(".json")
            data = json.loads(meta.read_text())
            body.write_bytes(b"<html><title>stale page</title></html>")
            import hashlib

            data["sha256"] = hashlib.sha256(body.read_bytes()).hexdigest()
            meta.write_text(json.dumps(data))
        result = request(
            session, "GET", server.url + "x", service="t", cache_max_age=60, parse=json_object
        )
    assert result.data == {"ok": 1} and not result.from_cache and len(server.seen) == 2


def test_error_inside_http_200_echoing_the_request_shows_no_secret(tmp_path):
    from cen_search.apis.europepmc import EuropePmcClient

    body = {"errCode": 500, "errMsg": f"bad request {{'email': ['{EMAIL}'], 'key': ['{KEY}']}}"}
    with ApiServer() as server:
        server.route("/search", Reply(json.dumps(body)))
        client = EuropePmcClient(base_url=server.url, session=_session(tmp_path), email=EMAIL)
        with pytest.raises(RemoteServiceError) as caught:
            client.count("cancer")
    text = f"{caught.value} {caught.value.hint}"
    assert "errCode 500" in text and KEY not in text and EMAIL not in text


def test_an_unknown_secret_echoed_as_a_parameter_is_still_masked(tmp_path):
    """A key the session never saw (typed into a proxy URL, say) is masked by its shape."""
    echoed = "<html><title>Proxy error for ?api_key=zz-UNSEEN-77&email=who@where.org</title></html>"
    with ApiServer() as server:
        server.route("/x", Reply(echoed, 502, content_type="text/html"))
        with pytest.raises(RemoteServiceError) as caught:
            request(_session(tmp_path), "GET", server.url + "x", service="t")
    assert "zz-UNSEEN-77" not in str(caught.value) and "who@where.org" not in str(caught.value)


def test_retry_after_is_waited_out_through_the_waiter_with_a_reason(tmp_path):
    waits: list = []
    with ApiServer() as server:
        server.route("/x", Reply("busy", 429, {"Retry-After": "37"}), Reply("{}"))
        request(_session(tmp_path, waits), "GET", server.url + "x", service="openalex")
    assert waits == [(37.0, "openalex: asked to wait (Retry-After); retrying (attempt 2)")]


def test_rate_limit_headers_widen_the_politeness_interval(tmp_path):
    headers = {"x-rate-limit-limit": "2", "x-rate-limit-interval": "1s"}
    with ApiServer() as server:
        server.route("/x", Reply("{}", headers=headers))
        session = _session(tmp_path)
        session.set_min_interval("crossref", 0.1)
        request(session, "GET", server.url + "x", service="crossref")
    assert session.min_interval["crossref"] == pytest.approx(0.5)


@pytest.mark.parametrize(
    ("key_set", "status", "names_key"),
    [(False, 429, True), (True, 429, False), (True, 500, False), (False, 500, False)],
)
def test_hints_ask_for_an_api_key_only_for_rate_limits_without_one(key_set, status, names_key):
    from cen_search.apis.registry import hint_for

    hint = hint_for("pubmed", status, key_set=key_set)
    assert ("CEN_SEARCH_NCBI_API_KEY" in hint) is names_key
