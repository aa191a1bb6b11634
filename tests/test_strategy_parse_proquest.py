"""ProQuest (ASSIA) syntax. No real ASSIA export was available, so these lines follow the
syntax documented in the notes (Polyglot's ProQuest tables) [verify], as used in the review's
reconstructed ASSIA strategy."""

from __future__ import annotations

from cen_search.strategies import parse_strategy_text
from cen_search.strategies.ast import Bool, FieldScope, Heading, Line, Near, Term
from cen_search.strategies.checks_limits import date_ranges


def line(query: str) -> Line:
    return parse_strategy_text(
        f"---\ndatabase: ASSIA\nplatform: ProQuest\n---\nS1 {query}\n"
    ).lines[0]


def test_thesaurus_functions() -> None:
    exploded = line('MAINSUBJECT.EXACT.EXPLODE("Personality disorders")').node
    assert isinstance(exploded, Heading)
    assert (exploded.label, exploded.explode, exploded.vocabulary) == (
        "Personality disorders",
        True,
        "assia",
    )
    exact = line('SU.EXACT("Qualitative research")').node
    assert isinstance(exact, Heading) and not exact.explode


def test_field_functions_scope_a_group() -> None:
    node = line("TI,AB(borderline NEAR/3 personalit*)").node
    assert isinstance(node, FieldScope) and node.style == "function"
    assert node.codes == ("TI", "AB") and node.fields == {"title", "abstract"}
    near = node.child
    assert isinstance(near, Near) and (near.max_between, near.ordered) == (3, False)


def test_pre_is_ordered_and_noft_is_lower_case_tolerant() -> None:
    node = line('noft("community mental health" PRE/2 team*)').node
    assert isinstance(node, FieldScope) and node.codes == ("NOFT",)
    assert isinstance(node.child, Near) and node.child.ordered


def test_and_not_is_one_operator() -> None:
    node = line("S1 AND NOT S2").node
    assert isinstance(node, Bool) and node.op == "NOT" and node.operator == "AND NOT"


def test_publication_date_function_is_a_date_limit() -> None:
    parsed = parse_strategy_text(
        "---\nplatform: ProQuest\n---\nS1 noft(borderline)\nS2 S1 AND PD(20030101-20190131)\n"
    )
    from cen_search.strategies.checks import Emitter

    ((_, found),) = list(date_ranges(Emitter(parsed, None)))
    assert (found.start, found.end) == ("2003-01-01", "2019-01-31")


def test_truncated_words_inside_functions() -> None:
    node = line("noft(CMHT* OR IAPT)").node
    terms = node.child.children  # type: ignore[union-attr]
    assert all(isinstance(t, Term) for t in terms)
    assert terms[0].wildcards[0].kind == "truncation"
