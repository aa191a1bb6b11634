"""A local server that misbehaves on purpose, and the check of what every client does then.

:data:`FAULTS` are the classes of misbehaviour (slow answers and timeouts, connection resets,
429 storms with and without ``Retry-After``, 5xx bursts, JSON cut short or malformed, an HTML
page with status 200, the wrong content type, oversized and trickling bodies, errors inside an
HTTP 200 body, and secrets echoed back: every error body repeats the request's ``api_key`` and
``email`` the way a careless server does). :func:`scenarios` gives, for every service client,
a recorded real answer and a call. :func:`run` serves one fault to one client and returns an
:class:`Outcome`: whether the client behaved (recovered with the very answer a clean run
gives, or failed with a RemoteServiceError, exit code 3), and whether it showed a traceback,
lost or cached something it should not have, or showed a secret anywhere (message, hint, log,
cache files). Used by ``tests/test_apis_faults.py`` and ``python -m benchmarks reliability``.
"""

from __future__ import annotations

import io
import json
import logging
import tempfile
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from _apiserver import DATA, ApiServer, Reply, Seen

KEY = "sk-FAULT-SECRET-4242424242"
EMAIL = "secret.searcher@example.org"


def _echo(seen: Seen) -> str:
    """The request's parameters as a careless server repeats them (Python repr of the query)."""
    params = {**seen.query, **seen.form}
    for name, value in seen.headers.items():
        if name.lower() in ("x-api-key", "authorization"):
            params[name] = [value]
    return " ".join(f"{k}={v!r}" for k, v in sorted(params.items()))


@dataclass(frozen=True)
class Fault:
    """One class of misbehaviour."""

    name: str
    reply: Callable[[Seen, Reply], Reply]
    """The bad answer, given the request and the good answer."""
    times: int | None
    """How many requests get it before the good answer (None: every request)."""

    @property
    def recoverable(self) -> bool:
        return self.times is not None


def _html(seen: Seen, ok: Reply) -> Reply:
    page = (
        "<!DOCTYPE html><html><head><title>Down for maintenance</title></head><body>"
        f"<p>Your request: {_echo(seen)}</p></body></html>"
    )
    return Reply(page, 200, content_type="text/html")


def _error_in_200(seen: Seen, ok: Reply) -> Reply:
    text = f"Invalid request ({_echo(seen)})"
    if ok.content_type.endswith("xml"):
        body = f'<?xml version="1.0"?><eSearchResult><ERROR>{text}</ERROR></eSearchResult>'
        return Reply(body, 200, content_type="text/xml")
    return Reply(json.dumps({"errCode": 500, "errMsg": text, "error": text, "message": text}))


def _wrong_type(seen: Seen, ok: Reply) -> Reply:
    if ok.content_type.endswith("xml"):
        return Reply('{"esearchresult": {"count": "1"}}', 200, content_type="application/json")
    return Reply('<?xml version="1.0"?><works><work/></works>', 200, content_type="text/xml")


def _status(code: int, headers: dict[str, str] | None = None) -> Callable[[Seen, Reply], Reply]:
    def reply(seen: Seen, ok: Reply) -> Reply:
        body = json.dumps({"message": f"trouble for {_echo(seen)}", "code": str(code)})
        return Reply(body, code, dict(headers or {}))

    return reply


FAULTS: tuple[Fault, ...] = (
    Fault("timeout", lambda s, ok: Reply(ok.body, delay=1.0, content_type=ok.content_type), 1),
    Fault("timeouts", lambda s, ok: Reply(ok.body, delay=1.0, content_type=ok.content_type), None),
    Fault("reset", lambda s, ok: Reply(close=True), 1),
    Fault("resets", lambda s, ok: Reply(close=True), None),
    Fault("429 with Retry-After", _status(429, {"Retry-After": "2"}), 2),
    Fault("429 without Retry-After", _status(429), 2),
    Fault("429 storm", _status(429, {"Retry-After": "1"}), None),
    Fault("5xx burst", _status(503), 3),
    Fault("5xx forever", _status(500), None),
    Fault(
        "truncated body",
        lambda s, ok: Reply(
            _bytes(ok)[: len(_bytes(ok)) // 2],
            declared_length=len(_bytes(ok)),
            content_type=ok.content_type,
        ),
        1,
    ),
    Fault(
        "malformed body",
        lambda s, ok: Reply(_bytes(ok)[:-7], content_type=ok.content_type),
        None,
    ),
    Fault("HTML with 200", _html, None),
    Fault("HTML with 200 once", _html, 1),
    Fault("wrong content type", _wrong_type, None),
    Fault("oversized body", lambda s, ok: Reply(b"[" + b"0," * 700_000 + b"0]"), None),
    Fault(
        "trickling body",
        lambda s, ok: Reply(_bytes(ok) * 4, drip=0.05, content_type=ok.content_type),
        1,
    ),
    Fault("error inside HTTP 200", _error_in_200, None),
    Fault("secrets echoed in 400", _status(400), None),
)


def _bytes(reply: Reply) -> bytes:
    return reply.body.encode() if isinstance(reply.body, str) else reply.body


# --------------------------------------------------------------------------- clients


@dataclass(frozen=True)
class Scenario:
    """One client, a recorded answer and a call that needs it."""

    service: str
    path: str
    ok: Reply
    call: Callable[[object], object]
    options: dict


def _recorded(name: str, shared: Path | None) -> bytes | None:
    local = DATA / name
    if local.is_file():
        return local.read_bytes()
    if shared is not None and (shared / "data" / "api" / name).is_file():
        return (shared / "data" / "api" / name).read_bytes()
    return None


def scenarios(shared: Path | None) -> list[Scenario]:
    """Every client with the recorded answer it needs (those whose recording is not present
    are left out: Europe PMC and OpenCitations recordings live only in ``../shared``)."""
    out = []
    xml = _recorded("search_pubmed_esearch_xml_history_reldate-edat.xml", shared)
    if xml:
        out.append(
            Scenario(
                "pubmed",
                "/esearch.fcgi",
                Reply(xml, content_type="text/xml"),
                lambda c: c.esearch("cancer", retmax=0).count,
                {"api_key": KEY},
            )
        )
    oa = _recorded("openalex_works_list_meta.json", shared)
    if oa:
        out.append(
            Scenario(
                "openalex",
                "/works",
                Reply(oa),
                lambda c: [w["id"] for w in c.works("doi", ["10.3322/caac.21834"])],
                {"api_key": KEY},
            )
        )
    s2 = _recorded("s2_paper_batch.json", shared)
    if s2:
        body = json.dumps(json.loads(s2)["response"])
        out.append(
            Scenario(
                "semanticscholar",
                "/paper/batch",
                Reply(body),
                lambda c: [p and p["paperId"] for p in c.papers(["A", "B", "C", "D"])],
                {"api_key": KEY},
            )
        )
    cr = _recorded("crossref_work_with_references.json", shared)
    if cr:
        out.append(
            Scenario(
                "crossref",
                "/works/10.1371/journal.pone.0033693",
                Reply(cr),
                lambda c: len(c.work("10.1371/journal.pone.0033693")["reference"]),
                {},
            )
        )
    epmc = _recorded("europepmc_citations.json", shared)
    if epmc:
        data = json.loads(epmc)
        data["hitCount"] = len(data["citationList"]["citation"])
        out.append(
            Scenario(
                "europepmc",
                "/MED/34308300/citations",
                Reply(json.dumps(data)),
                lambda c: [e["id"] for e in c.linked("MED", "34308300", "citations")[1]],
                {},
            )
        )
    oc = _recorded("opencitations_index_v2_citations.json", shared)
    if oc:
        body = json.dumps(json.loads(oc)["response"])
        out.append(
            Scenario(
                "opencitations",
                "/index/v2/citations/doi:10.1108/jd-12-2013-0166",
                Reply(body),
                lambda c: [r["oci"] for r in c.rows("citations", "doi:10.1108/jd-12-2013-0166")],
                {"api_key": KEY},
            )
        )
    return out


# --------------------------------------------------------------------------- running


@dataclass(frozen=True)
class Outcome:
    """What one client did against one fault."""

    service: str
    fault: str
    behaved: bool
    """Recovered with the clean answer, or failed cleanly (RemoteServiceError, exit code 3)."""
    traceback: bool
    """An exception other than the tool's own errors escaped."""
    lost: bool
    """A partial or different answer was returned, or a bad answer was cached."""
    secret: bool
    """A key or the e-mail appeared in a message, hint, log line or cache file."""
    requests: int
    detail: str = ""


def _client(scenario: Scenario, url: str, cache: Path):
    from cen_search.apis import get
    from cen_search.apis.http import RetryPolicy, make_session

    waits: list[float] = []
    session = make_session(
        contact_email=EMAIL,
        cache_dir=str(cache),
        policy=RetryPolicy(max_attempts=4, max_body_bytes=1_000_000, max_response_seconds=0.5),
        sleep=lambda s: None,
        waiter=lambda seconds, reason: waits.append(seconds),
    )
    session.set_min_interval(scenario.service, 0.0)
    service = get(scenario.service)
    client = service.client(
        session=session, base_url=url, timeout=0.3, email=EMAIL, **scenario.options
    )
    session.set_min_interval(scenario.service, 0.0)
    return client


def clean_answer(scenario: Scenario) -> object:
    """What the call returns when nothing goes wrong."""
    with ApiServer() as server, tempfile.TemporaryDirectory() as tmp:
        server.route(scenario.path, scenario.ok)
        return scenario.call(_client(scenario, server.url, Path(tmp)))


def run(scenario: Scenario, fault: Fault, *, expected: object | None = None) -> Outcome:
    """Serve ``fault`` to ``scenario``'s client and judge what it did."""
    from cen_search.errors import CenSearchError

    expected = clean_answer(scenario) if expected is None else expected
    served = {"bad": 0}

    def handler(seen: Seen) -> Reply:
        if fault.times is None or served["bad"] < fault.times:
            served["bad"] += 1
            return fault.reply(seen, scenario.ok)
        return scenario.ok

    log = io.StringIO()
    capture = logging.StreamHandler(log)
    logger = logging.getLogger("cen_search")
    old_level = logger.level
    logger.addHandler(capture)
    logger.setLevel(logging.DEBUG)
    answer: object = None
    error: BaseException | None = None
    try:
        with ApiServer() as server, tempfile.TemporaryDirectory() as tmp:
            server.route(scenario.path, handler)
            try:
                answer = scenario.call(_client(scenario, server.url, Path(tmp) / "cache"))
            except BaseException as exc:  # judged below: a traceback is any foreign exception
                error = exc
            requests = len(server.seen)
            cached = [p.read_bytes() for p in (Path(tmp) / "cache").rglob("*") if p.is_file()]
    finally:
        logger.removeHandler(capture)
        logger.setLevel(old_level)
    shown = log.getvalue()
    if error is not None:
        shown += f"\n{error}\n{getattr(error, 'hint', '')}"
    secret = any(s in shown for s in (KEY, EMAIL)) or any(
        s.encode() in blob for blob in cached for s in (KEY, EMAIL)
    )
    traceback = error is not None and not isinstance(error, CenSearchError)
    if fault.recoverable:
        behaved = error is None and answer == expected
        lost = error is None and answer != expected
    else:
        behaved = isinstance(error, CenSearchError) and error.exit_code == 3
        lost = error is None or bool(cached)
    detail = f"{type(error).__name__}: {error}" if error is not None else repr(answer)[:80]
    return Outcome(
        scenario.service,
        fault.name,
        behaved and not secret,
        traceback,
        lost,
        secret,
        requests,
        detail,
    )
