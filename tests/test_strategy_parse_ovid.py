"""Ovid syntax, with lines from published strategies (Cochrane appendices, CLEF TAR topics,
the EPPI-Centre COVID-19 map, the CUP personality-disorder table)."""

from __future__ import annotations

from pathlib import Path

from cen_search.strategies import parse_strategy_text
from cen_search.strategies.ast import (
    Bool,
    Command,
    DateRange,
    FieldScope,
    Heading,
    Languages,
    Limit,
    Line,
    LineRef,
    NamedFilter,
    Near,
    PublicationTypes,
    Term,
    Unparsed,
    line_refs,
)


def line(query: str, *, database: str = "MEDLINE") -> Line:
    """Parse ``query`` as line 1 of an Ovid strategy on ``database``."""
    text = f"---\ndatabase: {database}\nplatform: Ovid\n---\n1 {query}\n"
    return parse_strategy_text(text).lines[0]


def kinds(parsed: Line) -> list[str]:
    return [i.kind for i in parsed.issues]


def test_exploded_heading() -> None:
    node = line("exp Obstetric Labor Complications/").node
    assert isinstance(node, Heading)
    assert (node.label, node.explode, node.major, node.vocabulary) == (
        "Obstetric Labor Complications",
        True,
        False,
        "mesh",
    )


def test_heading_with_comma_and_quoted_heading() -> None:
    assert line("delivery, obstetric/").node.label == "delivery, obstetric"  # type: ignore[union-attr]
    quoted = line('"Power (Psychology)"/').node
    assert isinstance(quoted, Heading) and quoted.label == "Power (Psychology)" and quoted.quoted


def test_focus_heading_and_subheading_qualifiers() -> None:
    major = line("exp *Personality Disorders/").node
    assert isinstance(major, Heading) and major.major and major.explode
    node = line("Mothers/px or Fathers/px or Parents/px").node
    assert isinstance(node, Bool) and node.op == "OR"
    assert [c.subheadings for c in node.children] == [("px",)] * 3  # type: ignore[union-attr]


def test_floating_subheading() -> None:
    node = line("drug therapy.fs.").node
    assert isinstance(node, Heading) and node.floating and node.label == "drug therapy"


def test_vocabulary_follows_the_database() -> None:
    assert line("exp personality disorder/", database="Embase").node.vocabulary == "emtree"  # type: ignore[union-attr]


def test_truncation_and_wildcards() -> None:
    node = line("intermediate hyperglyc?emi*.tw.").node
    assert isinstance(node, FieldScope) and node.codes == ("tw",)
    term = node.child
    assert isinstance(term, Term) and term.phrase and not term.quoted
    assert [(w.symbol, w.kind) for w in term.wildcards] == [("?", "optional"), ("*", "truncation")]
    limited = line("child$2.ti.").node.child  # type: ignore[union-attr]
    assert limited.wildcards[0].kind == "limited_truncation" and limited.wildcards[0].max == 2


def test_field_codes_apply_to_the_whole_group() -> None:
    parsed = line("((old or older or aged or senior) adj2 (person? or people)).ti,ab,kw.")
    node = parsed.node
    assert isinstance(node, FieldScope)
    assert node.codes == ("ti", "ab", "kw")
    assert node.fields == {"title", "abstract", "author_keywords"}
    assert node.raw == ".ti,ab,kw."
    near = node.child
    assert isinstance(near, Near) and near.max_between == 1 and not near.ordered
    assert parsed.raw[node.code_span[0] : node.code_span[1]] == ".ti,ab,kw."  # type: ignore[index]


def test_plain_adj_is_adjacent_in_order() -> None:
    node = line("(low* adj (gdp or gnp or gross domestic or gross national)).tw.").node
    near = node.child  # type: ignore[union-attr]
    assert isinstance(near, Near) and near.max_between == 0 and near.ordered


def test_three_way_adjacency_chain_is_one_node() -> None:
    node = line("(parent$ adj3 (baby or babies) adj3 (psychother$ or psycho-therap$)).tw.").node
    assert isinstance(node.child, Near) and len(node.child.children) == 3  # type: ignore[union-attr]


def test_numbers_inside_terms_are_not_line_references() -> None:
    parsed = line("((diabet* or type 2 or type II or T2D*) adj4 (progress* or inciden*)).tw.")
    assert line_refs(parsed.node) == ()
    terms = [c.text for c in parsed.node.child.children[0].children]  # type: ignore[union-attr]
    assert terms == ["diabet*", "type 2", "type II", "T2D*"]


def test_line_combinations_and_the_double_negative() -> None:
    node = line("90 not (90 and 91)").node
    assert isinstance(node, Bool) and node.op == "NOT"
    assert [r.target for r in line_refs(node)] == ["90", "90", "91"]
    padded = line("6 and ( 7 or 5 or 2 or 3 )").node
    assert [r.target for r in line_refs(padded)] == ["6", "7", "5", "2", "3"]


def test_ranges_with_unicode_hyphen() -> None:
    parsed = line("or/1\u20104")
    node = parsed.node
    assert isinstance(node, Bool) and node.form == "range" and node.op == "OR"
    assert [r.target for r in node.children] == ["1", "2", "3", "4"]  # type: ignore[union-attr]
    assert "unicode_dash" in kinds(parsed)
    listed = line("and/1,3").node
    assert isinstance(listed, Bool) and listed.form == "list" and listed.op == "AND"


def test_year_limits() -> None:
    node = line('limit 3 to yr="2003 -Current"').node
    assert isinstance(node, Limit) and node.target == LineRef("3", node.target.span, "3")
    (year,) = node.restrictions
    assert isinstance(year, DateRange) and year.kind == "publication_year"
    assert (year.start, year.end, year.open_end) == ("2003", None, True)
    closed = line('limit 45 to yr="2013 -2016"').node.restrictions[0]  # type: ignore[union-attr]
    assert (closed.start, closed.end, closed.open_end) == ("2013", "2016", False)


def test_entry_date_language_and_filter_limits() -> None:
    entry = line("limit 103 to ED=19460101-20160830").node.restrictions[0]  # type: ignore[union-attr]
    assert entry == DateRange("entry_date", "1946-01-01", "2016-08-30", entry.raw, entry.span)
    langs = line("limit 102 to (danish or english or french or norwegian or swedish)").node
    assert langs.restrictions[0] == Languages(  # type: ignore[union-attr]
        ("danish", "english", "french", "norwegian", "swedish"),
        langs.restrictions[0].raw,
        langs.restrictions[0].span,
    )  # type: ignore[union-attr]
    english = line("limit 5 to english language").node.restrictions[0]  # type: ignore[union-attr]
    assert isinstance(english, Languages) and english.values == ("english",)
    named = line('limit 85 to "qualitative (maximizes sensitivity)"').node.restrictions[0]  # type: ignore[union-attr]
    assert isinstance(named, NamedFilter) and named.vendor == "Ovid Clinical Queries"


def test_limit_clause_from_a_word_processor() -> None:
    parsed = line("limit 3 to (abstracts and yr=\u201d1980\u2013 current\u201d journal article)")
    restrictions = parsed.node.restrictions  # type: ignore[union-attr]
    assert [type(r) for r in restrictions] == [NamedFilter, DateRange, PublicationTypes]
    assert "limit_clause" in kinds(parsed) and "smart_quote" in kinds(parsed)


def test_remove_duplicates_is_a_command() -> None:
    node = line("remove duplicates from 55").node
    assert isinstance(node, Command) and node.kind == "remove_duplicates"
    assert node.target is not None and node.target.target == "55"


def test_update_search_by_create_date() -> None:
    node = line('("20200925" or "20200926" or "20200927" or "20200928").dt.').node
    assert isinstance(node, FieldScope) and node.fields == {"create_date"}
    assert all(c.quoted for c in node.child.children)  # type: ignore[union-attr]


def test_escaped_quotes_are_tolerated_and_reported() -> None:
    parsed = line('\\"mini mental stat*\\".ti,ab.')
    term = parsed.node.child  # type: ignore[union-attr]
    assert isinstance(term, Term) and term.quoted and term.text == "mini mental stat*"
    assert kinds(parsed).count("escaped_quote") == 2


def test_spaces_inside_a_field_code() -> None:
    parsed = line("(Personality disorder* or Axis-II). ti, ab.")
    assert parsed.node.codes == ("ti", "ab")  # type: ignore[union-attr]
    assert "field_code_spaces" in kinds(parsed)


def test_cochrane_cd012419_line_41_error_is_located() -> None:
    text = (
        "41. ((patient* or client* or consumer* or user* or subject? or carer* or caregiver* "
        "or care giver*) and (manag* adj5 (medication* or medicines)).ti,ab,kw"
    )
    parsed = parse_strategy_text(text, platform="ovid").lines[0]
    paren = next(i for i in parsed.issues if i.kind == "unbalanced_paren")
    assert parsed.raw[paren.span[0]] == "(" and paren.span[0] == 4
    period = next(i for i in parsed.issues if i.kind == "field_code_no_closing_period")
    assert parsed.raw[period.span[0] : period.span[1]] == ".ti,ab,kw"
    assert not isinstance(parsed.node, Unparsed)


def test_ovid_mp_annotation_is_skipped() -> None:
    node = line("cohort*.mp. [mp=title, abstract, original title, name of substance word]").node
    assert isinstance(node, FieldScope) and node.codes == ("mp",)


def test_field_code_unknown_for_the_database() -> None:
    parsed = line("candidate.dq.")
    assert [i.kind for i in parsed.issues] == ["field_code_other_database"]
    assert "embase" in parsed.issues[0].message
    assert line("candidate.dq.", database="Embase").issues == ()


def test_operator_from_another_platform_is_reported() -> None:
    parsed = line("(trial N2 clinical).ti.")
    assert "foreign_operator" in kinds(parsed)


def test_unparseable_text_is_kept() -> None:
    parsed = line("exp aged/ or or aged.ti.")
    assert isinstance(parsed.node, Unparsed)
    assert parsed.node.raw == "exp aged/ or or aged.ti."
    assert "unparsed" in kinds(parsed)


def test_proximity_rule_table_can_be_replaced(tmp_path: Path) -> None:
    table = tmp_path / "proximity.csv"
    table.write_text(
        "platform,operator,ordered,between_offset,default_distance,max_distance,verified,rule,"
        "source\novid,adjN,false,0,,99,true,adjN: N words between,local test\n",
        encoding="utf-8",
    )
    text = "1 (borderline adj3 personalit*).ti,ab.\n"
    default = parse_strategy_text(text, platform="ovid").lines[0].node.child  # type: ignore[union-attr]
    custom = parse_strategy_text(text, platform="ovid", proximity_table=str(table))
    near = custom.lines[0].node.child  # type: ignore[union-attr]
    assert (default.max_between, near.max_between) == (2, 3)
    assert near.rule == "adjN: N words between" and near.distance == 3


def test_operator_precedence_can_be_configured() -> None:
    text = "1 exp aged/\n2 aged.ti.\n3 elderly.ti.\n4 1 or 2 and 3\n"
    left_to_right = parse_strategy_text(text, platform="ovid").lines[3].node
    assert isinstance(left_to_right, Bool) and left_to_right.op == "AND"
    and_first = parse_strategy_text(
        text, platform="ovid", precedence={"NEAR": 3, "AND": 2, "NOT": 2, "OR": 1}
    )
    node = and_first.lines[3].node
    assert isinstance(node, Bool) and node.op == "OR"
    assert isinstance(node.children[1], Bool) and node.children[1].op == "AND"
