"""PubMed syntax: the APA BPD guideline history table and the Cochrane CD007431 labelled
blocks (CLEF TAR), plus tags from the NLM documentation."""

from __future__ import annotations

from pathlib import Path

from cen_search.strategies import load_strategy, parse_strategy_text
from cen_search.strategies.ast import Bool, FieldScope, Heading, Line, Near, Term, line_refs

DATA = Path(__file__).parent / "data" / "strategies"

APA = (
    "Search Date: June 7, 2018\n"
    "PubMed search strategy for borderline personality disorder\n"
    "Search ID#\tQuery\tResults\n"
    "#1\t(\u201cBorderline Personality Disorder\u201d[Mesh]) OR (borderline [tiab] AND "
    "personality [tiab])\t8,962\n"
)


def line(query: str) -> Line:
    return parse_strategy_text(f"#1\t{query}\t10\n", platform="pubmed").lines[0]


def test_history_table_with_curly_quotes_and_spaced_tags() -> None:
    strategy = parse_strategy_text(APA)
    assert strategy.platform == "pubmed" and strategy.sections[0].layout == "pubmed_history"
    assert strategy.sections[0].searched_on == "June 7, 2018"
    (first,) = strategy.lines
    assert first.recorded_hits == 8962 and first.label == "#1"
    node = first.node
    assert isinstance(node, Bool) and node.op == "OR"
    heading = node.children[0]
    assert isinstance(heading, Heading) and heading.label == "Borderline Personality Disorder"
    assert heading.explode and heading.vocabulary == "mesh"
    tagged = node.children[1].children[0]  # type: ignore[union-attr]
    assert isinstance(tagged, FieldScope) and tagged.codes == ("tiab",)
    assert [i.kind for i in first.issues].count("smart_quote") == 2


def test_mesh_tag_variants() -> None:
    noexp = line("diagnosis[mesh:noexp]").node
    assert isinstance(noexp, Heading) and not noexp.explode
    major = line('"Personality Disorders"[majr]').node
    assert isinstance(major, Heading) and major.major and major.explode
    sub = line('"Personality Disorders/therapy"[mh]').node
    assert isinstance(sub, Heading) and sub.subheadings == ("therapy",)
    floating = line("diagnosis[sh]").node
    assert isinstance(floating, Heading) and floating.floating


def test_proximity_tag() -> None:
    node = line('"borderline personality"[tiab:~2]').node
    assert isinstance(node, FieldScope) and node.fields == {"title", "abstract"}
    near = node.child
    assert isinstance(near, Near) and near.max_between == 2 and not near.ordered
    assert [c.text for c in near.children] == ["borderline", "personality"]  # type: ignore[union-attr]


def test_date_ranges() -> None:
    node = line("#1 AND 2003:2019[dp]").node
    date = node.children[1]  # type: ignore[union-attr]
    assert isinstance(date, FieldScope) and date.fields == {"publication_date"}
    assert date.child.text == "2003:2019"  # type: ignore[union-attr]
    pair = line('"2003/01/01"[Date - Publication] : "2019/12/31"[Date - Publication]').node
    assert isinstance(pair, FieldScope) and pair.child.text == "2003/01/01:2019/12/31"  # type: ignore[union-attr]


def test_untagged_multiword_terms_are_not_phrases() -> None:
    node = line("likelihood ratio* OR index test").node
    assert all(isinstance(c, Term) and not c.phrase for c in node.children)  # type: ignore[union-attr]


def test_unknown_tags_and_dollar_truncation_are_reported() -> None:
    assert "unknown_field_code" in [i.kind for i in line("borderline[ab]").issues]
    assert "PubMed has no abstract-only tag" in line("borderline[ab]").issues[0].message
    assert "bad_truncation" in [i.kind for i in line("psychotherap$[tiab]").issues]


def test_labelled_blocks_and_lettered_combinations() -> None:
    strategy = load_strategy(DATA / "pubmed_clef-tar_CD007431_labelled-blocks.txt")
    assert strategy.platform == "pubmed"
    assert strategy.sections[0].layout == "labelled_blocks"
    assert [line.key for line in strategy.lines] == [
        "1a",
        "1b",
        "2a",
        "2b",
        "3",
        "4a",
        "4b",
        "4c",
        "5",
        "a",
        "b",
        "c",
        "d",
        "final",
    ]
    combo = strategy.line("a")
    assert combo is not None and combo.label == "A."
    assert [r.target for r in line_refs(combo.node)] == ["1a", "2a", "3", "2b", "5"]
    final = strategy.line("final")
    assert final is not None and [r.target for r in line_refs(final.node)] == ["a", "b", "c", "d"]
    assert strategy.final_line() is final
