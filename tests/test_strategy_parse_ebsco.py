"""EBSCOhost (CINAHL) search histories, with lines from the docslib CINAHL strategy."""

from __future__ import annotations

from cen_search.strategies import parse_strategy_text
from cen_search.strategies.ast import (
    Bool,
    DateRange,
    FieldScope,
    Heading,
    Limit,
    Near,
    Term,
    line_refs,
)

HISTORY = "\n".join(
    [
        "CINAHL (EBSCO) 1981- 15-07-15",
        "S34 S30 NOT S33 110",
        "S33 S31 OR S32 325,900",
        'S32 (MH "Dementia+") OR TI Dementia OR AB dementia 40,326',
        'S31 ((MH "Child+") OR (MH "Adolescence+")) NOT ((MH "Adult+") AND ((MH "Child+") OR '
        '(MH "Adolescence+"))) 285,894',
        "S30 S5 AND S12 AND S20 AND S29 148",
        'S28 (MH "Treatment Refusal") OR MH refusal to participate 3,331',
        'S26 TI (crossover* or "cross over*" or cross-over*) OR TI ((trial or trials) n2 (clinical '
        "or controlled or cluster or factorial)) OR TI case Stud* 190,384",
        "",
    ]
)


def test_newest_first_history_is_read_in_set_order_with_hits() -> None:
    strategy = parse_strategy_text(HISTORY)
    assert strategy.platform == "ebsco"
    assert strategy.sections[0].database == "cinahl"
    assert [line.key for line in strategy.lines] == ["26", "28", "30", "31", "32", "33", "34"]
    assert strategy.line("33").recorded_hits == 325900  # type: ignore[union-attr]
    assert strategy.line("34").label == "S34"  # type: ignore[union-attr]
    assert [i.kind for i in strategy.issues] == ["reverse_order"]


def test_set_references() -> None:
    node = parse_strategy_text(HISTORY).line("34").node  # type: ignore[union-attr]
    assert isinstance(node, Bool) and node.op == "NOT"
    assert [r.target for r in line_refs(node)] == ["30", "33"]
    assert [r.written for r in line_refs(node)] == ["S30", "S33"]


def test_headings_exploded_by_plus_and_unquoted() -> None:
    strategy = parse_strategy_text(HISTORY)
    first = strategy.line("32").node.children[0]  # type: ignore[union-attr]
    assert isinstance(first, Heading)
    assert (first.label, first.explode, first.vocabulary, first.syntax) == (
        "Dementia",
        True,
        "cinahl",
        "MH",
    )
    unquoted = strategy.line("28").node.children[1]  # type: ignore[union-attr]
    assert isinstance(unquoted, Heading) and unquoted.label == "refusal to participate"
    assert not unquoted.explode


def test_field_codes_precede_the_term() -> None:
    node = parse_strategy_text(HISTORY).line("26").node
    assert isinstance(node, Bool)
    case = node.children[2]
    assert isinstance(case, FieldScope) and case.style == "prefix" and case.codes == ("TI",)
    assert isinstance(case.child, Term) and case.child.text == "case Stud*"
    assert not case.child.phrase  # unquoted words are not a phrase on EBSCO


def test_proximity_nn_allows_n_words_in_any_order() -> None:
    node = parse_strategy_text(HISTORY).line("26").node
    near = node.children[1].child  # type: ignore[union-attr]
    assert isinstance(near, Near)
    assert (near.operator, near.distance, near.max_between, near.ordered) == ("n2", 2, 2, False)
    ordered = parse_strategy_text("S1 TI (patient W1 education)", platform="ebsco").lines[0]
    assert ordered.node.child.ordered  # type: ignore[union-attr]


def test_limiters_column_becomes_a_limit() -> None:
    text = (
        "S3\tS1 AND S2\tLimiters - Published Date: 20030101-20191231; Search modes - "
        "Boolean/Phrase\t1,204\n"
    )
    line = parse_strategy_text(text, platform="ebsco").lines[0]
    assert line.recorded_hits == 1204
    assert line.options == (
        ("Limiters", "Published Date: 20030101-20191231"),
        ("Search modes", "Boolean/Phrase"),
    )
    node = line.node
    assert isinstance(node, Limit) and isinstance(node.target, Bool)
    assert node.restrictions == (
        DateRange(
            "publication_date",
            "2003-01-01",
            "2019-12-31",
            node.restrictions[0].raw,
            node.restrictions[0].span,
        ),
    )


def test_ovid_operator_in_ebsco_is_reported() -> None:
    line = parse_strategy_text("S1 TI (trial adj3 clinical)", platform="ebsco").lines[0]
    assert [i.kind for i in line.issues] == ["foreign_operator"]
