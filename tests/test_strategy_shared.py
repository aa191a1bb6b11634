"""The pieces the platform lexers, API clients and runners share: the scanning loop, foreign
proximity operators, cursor paging, line counting and page fetching."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

import pytest

import cen_search.strategies.ast as ast_module
import cen_search.strategies.nodes as nodes_module
from cen_search.apis.client import cursor_pages
from cen_search.errors import StrategyError
from cen_search.strategies import parse_strategy_text
from cen_search.strategies.ast import ParseIssue
from cen_search.strategies.lexer import Dialect, Token, normalise_view, scan
from cen_search.strategies.run_targets import LineOutcome, count_lines, fetch_pages
from cen_search.strategies.translate import translate


def _words(view: str) -> list[tuple[str, str, int, int]]:
    def word(i: int, j: int, tokens: list[Token], issues: list[ParseIssue]) -> int:
        tokens.append(Token("WORD", view[i:j], i, j))
        return j

    tokens, _ = scan(view, 0, len(view), word=word)
    return [(t.kind, t.text, t.start, t.end) for t in tokens]


def test_scan_splits_parentheses_quotes_and_chunks_with_offsets_into_the_line() -> None:
    assert _words(' (a  "b c")x') == [
        ("(", "(", 1, 2),
        ("WORD", "a", 2, 3),
        ("QUOTED", '"b c"', 5, 10),
        (")", ")", 10, 11),
        ("WORD", "x", 11, 12),
    ]


def test_scan_lets_the_platform_read_its_own_constructs_before_quotes_and_words() -> None:
    view = 'a[ti] "b"'

    def tag(i: int, tokens: list[Token], issues: list[ParseIssue]) -> int | None:
        if view[i] != "[":
            return None
        close = view.index("]", i)
        tokens.append(Token("TAG", view[i : close + 1], i, close + 1))
        return close + 1

    def word(i: int, j: int, tokens: list[Token], issues: list[ParseIssue]) -> int:
        tokens.append(Token("WORD", view[i:j], i, j))
        return j

    tokens, issues = scan(view, 0, len(view), word=word, special=tag, stops='()"[')
    assert [(t.kind, t.text) for t in tokens] == [("WORD", "a"), ("TAG", "[ti]"), ("QUOTED", '"b"')]
    assert issues == []


def test_an_unclosed_quote_runs_to_the_end_of_the_scanned_span() -> None:
    tokens, _ = scan('x "open', 0, 7, word=lambda i, j, t, s: j)
    assert [(t.kind, t.value) for t in tokens] == [("QUOTED", ("open", False))]


def test_a_foreign_proximity_operator_is_reported_and_keeps_its_written_distance() -> None:
    dialect = Dialect(
        name="an Example",
        advice="use X",
        ref=re.compile(r"^S(\d+)$"),
        foreign=re.compile(r"^NEAR/\d+$"),
    )
    issues: list[ParseIssue] = []
    token = dialect.reference_or_foreign("NEAR/4", 3, 9, frozenset(), issues)
    assert token is not None and token.kind == "NEAR"
    assert (token.value.distance, token.value.max_between, token.value.verified) == (4, 4, False)
    assert token.value.rule == "NEAR/4 is not an Example operator"
    assert issues == [
        ParseIssue("foreign_operator", (3, 9), "'NEAR/4' is not an Example operator (use X)")
    ]
    prefixed = dialect.reference_or_foreign("S12", 0, 3, frozenset(), issues)
    label = dialect.reference_or_foreign("A", 0, 1, frozenset({"a"}), issues)
    assert prefixed is not None and prefixed.value == ("12", True)
    assert label is not None and label.value == ("a", False)
    assert dialect.reference_or_foreign("word", 0, 4, frozenset(), issues) is None


@pytest.mark.parametrize(
    ("platform", "line", "message"),
    [
        ("ebsco", "S1 a adj3 b", "'adj3' is not an EBSCOhost operator (use Nn or Wn)"),
        ("proquest", "S1 a N3 b", "'N3' is not a ProQuest operator (use NEAR/n or PRE/n)"),
        ("pubmed", "#1 a NEAR/3 b", "'NEAR/3' is not a PubMed operator (use \"a b\"[tiab:~N])"),
        ("ovid", "1 a NEAR/3 b", "'NEAR/3' is not an Ovid operator (Ovid uses adjN)"),
    ],
)
def test_each_platform_names_itself_when_it_meets_another_platforms_proximity(
    platform: str, line: str, message: str
) -> None:
    parsed = parse_strategy_text(line, platform=platform)  # type: ignore[arg-type]
    assert [i.message for i in parsed.lines[0].issues if i.kind == "foreign_operator"] == [message]


def test_look_alike_characters_become_plain_ones_and_each_is_reported() -> None:
    view, issues = normalise_view("\u201ca\u201d\u2013b\u00a0c\u2019")
    assert view == '"a"-b c\''
    assert [i.kind for i in issues] == [
        "smart_quote",
        "smart_quote",
        "unicode_dash",
        "unicode_space",
        "smart_quote",
    ]
    assert issues[2].message == "U+2013 EN DASH instead of an ASCII hyphen-minus '-'"


def test_the_ast_module_still_exports_every_node_type() -> None:
    for name in nodes_module.__all__:
        assert getattr(ast_module, name) is getattr(nodes_module, name)


@dataclass(frozen=True)
class _Page:
    results: tuple[dict[str, Any], ...]
    next_cursor: str | None


def test_cursor_paging_sends_each_cursor_back_until_it_stops_moving() -> None:
    answers = {"*": _Page(({"id": 1},), "c1"), "c1": _Page(({"id": 2},), "c1")}
    asked: list[str] = []

    def fetch(cursor: str) -> _Page:
        asked.append(cursor)
        return answers[cursor]

    pages = list(cursor_pages(fetch))
    assert asked == ["*", "c1"]
    assert [p.results for p in pages] == [({"id": 1},), ({"id": 2},)]


@pytest.mark.parametrize("last", [_Page((), "c2"), _Page(({"id": 2},), None)])
def test_cursor_paging_stops_at_an_empty_page_or_a_missing_cursor(last: _Page) -> None:
    answers = {"*": _Page(({"id": 1},), "c1"), "c1": last}
    assert len(list(cursor_pages(lambda cursor: answers[cursor]))) == 2


@dataclass
class _Recorder:
    calls: list[tuple[str, Any]] = field(default_factory=list)

    def start(self, task: str, total: int | None = None) -> None:
        self.calls.append(("start", (task, total)))

    def advance(self, amount: int = 1) -> None:
        self.calls.append(("advance", amount))

    def finish(self) -> None:
        self.calls.append(("finish", None))

    def note(self, message: str) -> None:
        self.calls.append(("note", message))


STRATEGY = "1 a.ti.\n2 b.ti.\n3 1 or 2\n"


def test_count_lines_searches_every_runnable_line_in_order_and_returns_the_final_total() -> None:
    translation = translate(parse_strategy_text(STRATEGY, platform="ovid"), "europepmc")
    reporter = _Recorder()
    seen: list[str] = []

    def count(line: Any) -> LineOutcome:
        seen.append(line.key)
        return LineOutcome(line.n, line.key, sent=line.query, count=10 * line.n)

    outcomes, total = count_lines(
        translation, count, service="Example", only_final=False, reporter=reporter
    )
    assert seen == ["1", "2", "3"]
    assert [o.count for o in outcomes] == [10, 20, 30]
    assert total == 30
    assert reporter.calls[0] == ("start", ("searching Example line by line", 3))
    assert reporter.calls[-1] == ("finish", None)


def test_count_lines_fails_when_the_final_line_cannot_run() -> None:
    translation = translate(parse_strategy_text(STRATEGY, platform="ovid"), "europepmc")
    with pytest.raises(StrategyError, match="final line"):
        count_lines(
            translation,
            lambda line: LineOutcome(line.n, line.key, skipped="no"),
            service="Example",
            only_final=True,
            reporter=_Recorder(),
        )


def test_fetch_pages_requests_nothing_for_an_empty_result() -> None:
    def pages() -> Any:
        raise AssertionError("no page may be requested")
        yield  # pragma: no cover

    reporter = _Recorder()
    assert fetch_pages(pages(), total=0, reporter=reporter, task="fetching") == []
    assert reporter.calls == [("start", ("fetching", 0)), ("finish", None)]


def test_fetch_pages_advances_by_the_records_of_each_page() -> None:
    reporter = _Recorder()
    got = fetch_pages(
        iter([_Page(({"id": 1}, {"id": 2}), "c"), _Page(({"id": 3},), None)]),
        total=3,
        reporter=reporter,
        task="fetching",
    )
    assert len(got) == 2
    assert [c for c in reporter.calls if c[0] == "advance"] == [("advance", 2), ("advance", 1)]


def test_api_clients_keep_keys_and_contact_out_of_their_repr() -> None:
    from cen_search.apis.europepmc import EuropePmcClient
    from cen_search.apis.http import make_session
    from cen_search.apis.openalex import OpenAlexClient
    from cen_search.apis.pubmed import PubMedClient

    session = make_session(use_cache=False)
    clients = [
        PubMedClient(session=session, api_key="KEY-123", email="me@example.org"),
        EuropePmcClient(session=session, email="me@example.org"),
        OpenAlexClient(session=session, api_key="KEY-123", email="me@example.org"),
    ]
    for client in clients:
        assert "KEY-123" not in repr(client) and "me@example.org" not in repr(client)
    intervals = {name: session.min_interval[name] for name in ("pubmed", "europepmc", "openalex")}
    assert intervals == {"pubmed": 0.1, "europepmc": 0.2, "openalex": 0.05}
