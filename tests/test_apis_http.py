"""The HTTP layer: retries, Retry-After, budgets, malformed bodies, secrets, the disk cache.

Every test talks to a local server on 127.0.0.1 (or to ``responses``); sleeping is recorded by
a fake ``sleep`` so no test ever waits.
"""

from __future__ import annotations

import json
import logging
import socket
from datetime import UTC, datetime
from email.utils import format_datetime
from pathlib import Path

import pytest
import requests
import responses
from _apiserver import ApiServer, Reply, fixture

from cen_search import __version__
from cen_search.apis.errors import QuotaExhaustedError
from cen_search.apis.http import RetryPolicy, make_session, request
from cen_search.apis.parse import parse_json, parse_xml, read_budget
from cen_search.errors import EXIT_REMOTE, RemoteServiceError

KEY = "sk-SECRET-KEY-0123456789"
EMAIL = "searcher@example.org"
NOW = 1_750_000_000.0


class FakeTime:
    """A clock that advances only when the code sleeps."""

    def __init__(self) -> None:
        self.now = NOW
        self.sleeps: list[float] = []

    def clock(self) -> float:
        return self.now

    def sleep(self, seconds: float) -> None:
        self.sleeps.append(seconds)
        self.now += seconds


@pytest.fixture()
def server():
    with ApiServer() as srv:
        yield srv


@pytest.fixture()
def fake_time() -> FakeTime:
    return FakeTime()


def _session(fake_time: FakeTime, tmp_path: Path, **kwargs):
    kwargs.setdefault("policy", RetryPolicy(max_attempts=4, backoff_base=1.0, backoff_cap=8.0))
    return make_session(
        contact_email=EMAIL,
        secrets=[KEY],
        cache_dir=str(tmp_path / "cache"),
        sleep=fake_time.sleep,
        clock=fake_time.clock,
        jitter=lambda: 1.0,
        **kwargs,
    )


def test_user_agent_names_tool_version_and_contact(server, fake_time, tmp_path):
    server.route("/ok", Reply('{"a": 1}'))
    session = _session(fake_time, tmp_path)
    result = request(session, "GET", server.url + "ok", service="test")
    agent = server.seen[0].headers["User-Agent"]
    assert agent.startswith(f"cen-search/{__version__}")
    assert EMAIL in agent
    assert parse_json(result) == {"a": 1}


def test_429_with_retry_after_seconds_waits_that_long_then_succeeds(server, fake_time, tmp_path):
    server.route(
        "/x", Reply("busy", 429, {"Retry-After": "7"}, content_type="text/plain"), Reply("{}")
    )
    result = request(_session(fake_time, tmp_path), "GET", server.url + "x", service="test")
    assert result.status == 200 and result.attempts == 2
    assert fake_time.sleeps == [7.0]


def test_429_with_retry_after_http_date_waits_until_that_moment(server, fake_time, tmp_path):
    moment = datetime.fromtimestamp(NOW + 42, UTC)
    server.route(
        "/x",
        Reply("busy", 429, {"Retry-After": format_datetime(moment, usegmt=True)}),
        Reply("{}"),
    )
    request(_session(fake_time, tmp_path), "GET", server.url + "x", service="test")
    assert fake_time.sleeps == [pytest.approx(42.0)]


def test_5xx_then_success_retries_with_backoff(server, fake_time, tmp_path):
    server.route("/x", Reply("oops", 503), Reply("oops", 502), Reply('{"ok": true}'))
    result = request(_session(fake_time, tmp_path), "GET", server.url + "x", service="test")
    assert result.attempts == 3
    assert fake_time.sleeps == [1.0, 2.0]


def test_5xx_until_giving_up_raises_remote_error_with_exit_code_3(server, fake_time, tmp_path):
    server.route("/x", Reply('{"message": "internal trouble"}', 500))
    with pytest.raises(RemoteServiceError) as caught:
        request(_session(fake_time, tmp_path), "GET", server.url + "x", service="pubmed")
    assert caught.value.exit_code == EXIT_REMOTE
    assert "after 4 attempts" in caught.value.message
    assert "HTTP 500" in caught.value.message and "internal trouble" in caught.value.message
    # a server error is not about the rate limit: no advice to set a key (issue 9, #16)
    assert "CEN_SEARCH_NCBI_API_KEY" not in caught.value.hint
    assert "PubMed is busy or down" in caught.value.hint
    assert fake_time.sleeps == [1.0, 2.0, 4.0]
    assert len(server.seen) == 4


def test_backoff_is_capped(server, fake_time, tmp_path):
    server.route("/x", Reply("", 503))
    policy = RetryPolicy(max_attempts=6, backoff_base=1.0, backoff_cap=3.0)
    with pytest.raises(RemoteServiceError):
        request(
            _session(fake_time, tmp_path, policy=policy), "GET", server.url + "x", service="test"
        )
    assert fake_time.sleeps == [1.0, 2.0, 3.0, 3.0, 3.0]


def test_jitter_spreads_backoff_between_half_and_full(server, tmp_path):
    fake = FakeTime()
    session = make_session(
        cache_dir=str(tmp_path),
        sleep=fake.sleep,
        clock=fake.clock,
        jitter=lambda: 0.0,
        policy=RetryPolicy(max_attempts=3, backoff_base=2.0),
    )
    server.route("/x", Reply("", 503))
    with pytest.raises(RemoteServiceError):
        request(session, "GET", server.url + "x", service="test")
    assert fake.sleeps == [1.0, 2.0]


def test_client_errors_are_not_retried(server, fake_time, tmp_path):
    server.route("/x", Reply('{"error": "Invalid query", "message": "bad filter"}', 400))
    with pytest.raises(RemoteServiceError) as caught:
        request(_session(fake_time, tmp_path), "GET", server.url + "x", service="openalex")
    assert "HTTP 400" in caught.value.message and "bad filter" in caught.value.message
    assert fake_time.sleeps == [] and len(server.seen) == 1


def test_retry_after_longer_than_allowed_fails_at_once(server, fake_time, tmp_path):
    server.route("/x", Reply("", 503, {"Retry-After": "86400"}))
    with pytest.raises(RemoteServiceError) as caught:
        request(_session(fake_time, tmp_path), "GET", server.url + "x", service="test")
    assert "asks to wait 86400 s" in caught.value.message
    assert fake_time.sleeps == []


@responses.activate
def test_timeout_is_retried_then_reported(fake_time, tmp_path):
    responses.add(responses.GET, "https://api.example.org/slow", body=requests.Timeout("slow"))
    with pytest.raises(RemoteServiceError) as caught:
        request(
            _session(fake_time, tmp_path),
            "GET",
            "https://api.example.org/slow",
            service="test",
            timeout=2.5,
        )
    assert "no answer within 2.5 s" in caught.value.message
    assert len(fake_time.sleeps) == 3


def test_connection_refused_is_reported_after_retries(fake_time, tmp_path):
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    with pytest.raises(RemoteServiceError) as caught:
        request(
            _session(fake_time, tmp_path),
            "GET",
            f"http://127.0.0.1:{port}/x",
            service="europepmc",
            params={"api_key": KEY},
        )
    message = str(caught.value)
    assert "could not connect to 127.0.0.1" in message and "connection refused" in message
    assert KEY not in message
    assert caught.value.exit_code == EXIT_REMOTE


def test_malformed_json_is_reported_with_position(server, fake_time, tmp_path):
    server.route("/x", Reply('{"hitCount": 3, "resultList": {"result": ['))
    result = request(_session(fake_time, tmp_path), "GET", server.url + "x", service="europepmc")
    with pytest.raises(RemoteServiceError, match=r"malformed JSON .* line 1 column"):
        parse_json(result)


def test_html_error_page_with_http_200_is_reported_by_its_title(server, fake_time, tmp_path):
    page = "<!DOCTYPE html><html><head><title>Service Unavailable - Maintenance</title></head>"
    server.route("/x", Reply(page, 200, content_type="text/html"))
    result = request(_session(fake_time, tmp_path), "GET", server.url + "x", service="europepmc")
    with pytest.raises(RemoteServiceError, match=r"HTML page instead of JSON.*Maintenance"):
        parse_json(result)
    with pytest.raises(RemoteServiceError, match="HTML page instead of XML"):
        parse_xml(result)


def test_malformed_xml_is_reported(server, fake_time, tmp_path):
    truncated = fixture("search_pubmed_esearch_xml_history_reldate-edat.xml")[:300]
    server.route("/x", Reply(truncated, content_type="text/xml"))
    result = request(_session(fake_time, tmp_path), "GET", server.url + "x", service="pubmed")
    with pytest.raises(RemoteServiceError, match=r"malformed XML \(line \d+, column \d+\)"):
        parse_xml(result)


def test_openalex_budget_headers_are_read():
    recorded = json.loads(fixture("openalex_ratelimit_headers_keyless.json"))
    budget = read_budget(recorded["headers"])
    assert budget is not None
    assert budget.remaining == 989 and budget.limit_usd == 0.1 and budget.cost_usd == 0.0001
    assert not budget.exhausted


def test_openalex_budget_exhausted_is_a_quota_error_without_retry(
    server, fake_time, tmp_path, shared
):
    recorded = json.loads((shared / "data/api/openalex_429_budget_exhausted.json").read_text())
    server.route("/works", Reply(json.dumps(recorded["body"]), 429, recorded["headers"]))
    with pytest.raises(QuotaExhaustedError) as caught:
        request(
            _session(fake_time, tmp_path),
            "GET",
            server.url + "works",
            service="openalex",
            params={"search": "x", "api_key": KEY},
        )
    error = caught.value
    assert error.exit_code == EXIT_REMOTE
    assert "budget exhausted" in error.message and "Insufficient budget" in error.message
    assert "resets in 57539 s" in error.message
    assert "CEN_SEARCH_OPENALEX_API_KEY" in error.hint
    assert fake_time.sleeps == [] and len(server.seen) == 1


def test_per_second_throttle_429_with_budget_left_is_retried(server, fake_time, tmp_path):
    throttled = {
        "Retry-After": "1",
        "X-RateLimit-Limit": "10000",
        "X-RateLimit-Remaining": "9000",
        "X-RateLimit-Credits-Required": "10",
    }
    body = {
        "error": "Rate limit exceeded",
        "message": "Rate limit exceeded: 100 requests per second. Please slow down.",
    }
    server.route("/works", Reply(json.dumps(body), 429, throttled), Reply('{"meta": {}}'))
    result = request(_session(fake_time, tmp_path), "GET", server.url + "works", service="openalex")
    assert result.status == 200 and fake_time.sleeps == [1.0]


def test_secrets_never_reach_logs_errors_or_cache(server, fake_time, tmp_path, caplog):
    caplog.set_level(logging.DEBUG, logger="cen_search")
    echo = json.dumps({"meta": {"count": 1, "x_query": {"url": f"/works?api_key={KEY}"}}})
    server.route("/ok", Reply(echo))
    server.route("/bad", Reply(f'{{"message": "invalid key {KEY}"}}', 401))
    session = _session(fake_time, tmp_path)
    result = request(
        session,
        "GET",
        server.url + "ok",
        service="openalex",
        params={"search": "x", "api_key": KEY, "mailto": EMAIL},
        cache_max_age=3600,
    )
    assert server.seen[0].param("api_key") == KEY  # it was sent
    assert KEY not in result.url and EMAIL not in result.url and "api_key=***" in result.url
    with pytest.raises(RemoteServiceError) as caught:
        request(
            session,
            "GET",
            server.url + "bad",
            service="openalex",
            params={"api_key": KEY},
            headers={"Authorization": f"Bearer {KEY}"},
        )
    assert KEY not in str(caught.value)
    assert KEY not in caplog.text and EMAIL not in caplog.text
    for path in (tmp_path / "cache").rglob("*"):
        if path.is_file():
            data = path.read_bytes()
            assert KEY.encode() not in data and EMAIL.encode() not in data
            assert KEY not in path.name


def test_cache_serves_repeat_requests_and_ignores_the_key_value(server, fake_time, tmp_path):
    server.route("/ok", Reply('{"n": 1}'))
    session = _session(fake_time, tmp_path)
    first = request(
        session,
        "GET",
        server.url + "ok",
        service="t",
        params={"q": "a", "api_key": KEY},
        cache_max_age=60,
    )
    second = request(
        session,
        "GET",
        server.url + "ok",
        service="t",
        params={"q": "a", "api_key": "another-key-9999"},
        cache_max_age=60,
    )
    assert not first.from_cache and second.from_cache
    assert second.content == first.content and len(server.seen) == 1
    fake_time.now += 120
    third = request(
        session, "GET", server.url + "ok", service="t", params={"q": "a"}, cache_max_age=60
    )
    assert not third.from_cache and len(server.seen) == 2


def test_no_cache_always_asks_the_service(server, fake_time, tmp_path):
    server.route("/ok", Reply('{"n": 1}'))
    session = _session(fake_time, tmp_path, use_cache=False)
    for _ in range(2):
        request(session, "GET", server.url + "ok", service="t", cache_max_age=60)
    assert len(server.seen) == 2
    assert not (tmp_path / "cache").exists()


def test_corrupt_cache_entry_is_ignored(server, fake_time, tmp_path):
    server.route("/ok", Reply('{"n": 1}'))
    session = _session(fake_time, tmp_path)
    request(session, "GET", server.url + "ok", service="t", cache_max_age=60)
    for body in (tmp_path / "cache").rglob("*.body"):
        body.write_bytes(b"tampered")
    again = request(session, "GET", server.url + "ok", service="t", cache_max_age=60)
    assert not again.from_cache and json.loads(again.content) == {"n": 1}


def test_error_responses_are_never_cached(server, fake_time, tmp_path):
    server.route("/x", Reply("", 503), Reply('{"ok": 1}'))
    session = _session(fake_time, tmp_path)
    request(session, "GET", server.url + "x", service="t", cache_max_age=60)
    metas = [json.loads(p.read_text()) for p in (tmp_path / "cache").rglob("*.json")]
    assert [m["status"] for m in metas] == [200]


def test_politeness_interval_spaces_requests_to_one_service(server, fake_time, tmp_path):
    server.route("/ok", Reply("{}"))
    session = _session(fake_time, tmp_path)
    session.set_min_interval("pubmed", 0.34)
    request(session, "GET", server.url + "ok", service="pubmed")
    request(session, "GET", server.url + "ok", service="pubmed")
    assert fake_time.sleeps == [pytest.approx(0.34)]
