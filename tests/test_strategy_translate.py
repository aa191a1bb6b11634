"""Translation of real strategy lines to PubMed, Europe PMC and OpenAlex, construct by construct.

Strategy files come from ``../shared/data/strategies`` (real published strategies); a few
constructs with no real example there are written here in the same syntax.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from cen_search.strategies import load_strategy, parse_strategy_text
from cen_search.strategies.translate import Lossiness, translate

MEDLINE_HEADER = "---\ncen_search: 1\ndatabase: MEDLINE\nplatform: Ovid\n---\n"


@pytest.fixture(scope="module")
def strategies(shared: Path) -> Path:
    return shared / "data" / "strategies"


def _file(strategies: Path, name: str):
    return load_strategy(strategies / name)


def _findings(line, construct: str):
    return [f for f in line.findings if f.construct == construct]


PSYCHOTHERAPY = "ovid-medline_transmute-data-288_parent-infant-psychotherapy.txt"
PREDIABETES = "ovid-medline_clef-tar_CD012661_prognosis-prediabetes.txt"
BIRTH = "ovid-medline_clef-tar_CD011558_qes-birth-attendants.txt"
VACCINATION = "ovid-medline_clef-tar_CD011787_qes-vaccination-communication.txt"
CINAHL = "ebsco-cinahl_docslib-13760600_reverse-order-with-counts_partial.txt"
LABELLED = "pubmed_clef-tar_CD007431_labelled-blocks.txt"
AGED = "ovid-medline_cochrane-CD012419_appendix1_lines1-43.txt"


# --------------------------------------------------------------------------- PubMed


def test_exploded_and_unexploded_mesh_headings_keep_their_explosion(strategies):
    t = translate(_file(strategies, PSYCHOTHERAPY), "pubmed")
    assert t.line("13").query == '"infant"[mh]'
    assert t.line("14").query == '"infant behavior"[mh:noexp]'
    # no database named in a bare paste: MeSH is assumed, and the report says so
    assert t.line("13").lossiness is Lossiness.APPROXIMATE
    assert "assumed MeSH" in _findings(t.line("13"), "heading")[0].reason


def test_mesh_headings_are_exact_when_the_header_names_medline():
    s = parse_strategy_text(MEDLINE_HEADER + "1 exp Personality Disorders/\n2 *Mothers/\n")
    t = translate(s, "pubmed")
    assert t.line("1").query == '"Personality Disorders"[mh]'
    assert t.line("2").query == '"Mothers"[majr:noexp]'
    assert t.lossiness is Lossiness.EXACT


def test_ovid_subheading_abbreviation_becomes_a_pubmed_qualifier(strategies):
    t = translate(_file(strategies, PSYCHOTHERAPY), "pubmed")
    assert t.line("7").query == (
        '"Mothers/psychology"[mh:noexp] OR "Fathers/psychology"[mh:noexp] '
        'OR "Parents/psychology"[mh:noexp]'
    )


def test_floating_subheading_becomes_sh(strategies):
    t = translate(_file(strategies, PSYCHOTHERAPY), "pubmed")
    assert t.line("34").query == '"drug therapy"[sh]'


def test_emtree_heading_is_never_mapped_to_mesh():
    s = parse_strategy_text("---\ndatabase: Embase\nplatform: Ovid\n---\n1 exp depression/\n")
    t = translate(s, "pubmed")
    assert t.line("1").query == "depression[tiab]"
    finding = _findings(t.line("1"), "heading")[0]
    assert finding.lossiness is Lossiness.APPROXIMATE and "never mapped to MeSH" in finding.reason


def test_cinahl_heading_is_searched_as_text(strategies):
    t = translate(_file(strategies, CINAHL), "pubmed")
    line = t.line("32")
    assert line.query.startswith("Dementia[tiab]")
    assert "cinahl heading" in _findings(line, "heading")[0].reason


def test_abstract_only_field_becomes_broader_tiab(strategies):
    t = translate(_file(strategies, PSYCHOTHERAPY), "pubmed")
    assert t.line("32").query == "randomized[tiab]"
    field = _findings(t.line("32"), "field")[0]
    assert field.written == ".ab." and field.lossiness is Lossiness.APPROXIMATE
    assert "no abstract-only field" in field.reason


def test_text_word_field_becomes_tiab_exactly(strategies):
    t = translate(_file(strategies, PSYCHOTHERAPY), "pubmed")
    assert (
        t.line("15").query
        == "baby[tiab] OR babies[tiab] OR infant*[tiab] OR child*[tiab] OR toddler*[tiab]"
    )
    assert t.line("15").lossiness is Lossiness.EXACT


def test_multipurpose_field_becomes_text_word_approximately(strategies):
    t = translate(_file(strategies, PREDIABETES), "pubmed")
    assert "cohort*[tw]" in t.line("6").query
    assert any(
        f.written == ".mp." and "[tw]" in f.rendered for f in _findings(t.line("6"), "field")
    )


def test_title_abstract_keyword_field_is_approximate(strategies):
    t = translate(_file(strategies, AGED), "pubmed")
    assert "seniors[tiab]" in t.line("3").query
    assert _findings(t.line("3"), "field")[0].lossiness is Lossiness.APPROXIMATE


def test_adjn_between_single_words_becomes_pubmed_proximity(strategies):
    t = translate(_file(strategies, PSYCHOTHERAPY), "pubmed")
    assert '"attachment disorder*"[tiab:~2]' in t.line("10").query
    prox = _findings(t.line("10"), "proximity")[0]
    assert prox.lossiness is Lossiness.APPROXIMATE and "[verify]" in prox.reason


def test_adj_of_or_groups_becomes_phrases(strategies):
    t = translate(_file(strategies, PREDIABETES), "pubmed")
    assert (
        t.line("16").query == '"risk predict*"[tiab] OR "risk factor*"[tiab] OR "risk score"[tiab]'
    )


def test_proximity_with_too_many_pairs_becomes_and(strategies):
    t = translate(_file(strategies, PSYCHOTHERAPY), "pubmed")
    line = t.line("11")
    assert " AND " in line.query and "~" not in line.query
    assert "42 word pairs" in _findings(line, "proximity")[0].reason


def test_ebsco_n2_counts_words_between_as_written(strategies):
    t = translate(_file(strategies, CINAHL), "pubmed")
    assert '"trial clinical"[ti:~2]' in t.line("26").query


def test_truncation_and_wildcards(strategies):
    t = translate(_file(strategies, PREDIABETES), "pubmed")
    assert t.line("2").query == 'prediabet*[tiab] OR "pre diabet*"[tiab]'
    assert t.line("2").lossiness is Lossiness.EXACT
    # hyperglyc?emi*: the optional character is written out as the two spellings, not cut.
    spelled = _findings(t.line("3"), "wildcard")[0]
    assert t.line("3").query == (
        '"intermediate hyperglycemi*"[tiab] OR "intermediate hyperglycaemi*"[tiab]'
    )
    assert spelled.lossiness is Lossiness.APPROXIMATE and spelled.direction == "narrower"
    optional = _findings(t.line("15"), "truncation")[0]
    assert optional.rendered == "predictive value*" and "optional character" in optional.reason


def test_line_references_become_history_keys_and_inline_queries(strategies):
    t = translate(_file(strategies, PSYCHOTHERAPY), "pubmed")
    line = t.line("5")
    assert line.display_history() == "#1 OR #2 OR #3 OR #4"
    assert line.history == "#{1} OR #{2} OR #{3} OR #{4}"
    assert line.refs == ("1", "2", "3", "4")
    assert line.query.startswith('("psychotherapy"[mh:noexp] OR')
    assert '"Psychoanalytic Interpretation"[mh:noexp]' in line.query


def test_unicode_hyphen_range_is_understood(strategies):
    t = translate(_file(strategies, AGED), "pubmed")
    assert t.line("5").display_history() == "#1 OR #2 OR #3 OR #4"


def test_publication_year_limit(strategies):
    t = translate(_file(strategies, BIRTH), "pubmed")
    assert t.line("46").display_history() == "#45 AND 2013:2016[dp]"


PUBMED_HEADER = "---\ncen_search: 1\ndatabase: MEDLINE\nplatform: PubMed\n---\n"
# The year limit of CD011558 (limit 45 to yr="2013 -2016") written as search terms instead.
DATES_AS_TERMS_PUBMED = (
    PUBMED_HEADER + "#1 asthma[tiab]\n#2 2013:2016[dp]\n#3 #1 AND #2\n"
    '#4 asthma[tiab] AND ("2013/01/01"[Date - Publication] : "2016/12/31"[Date - Publication])\n'
)
DATES_AS_TERMS_OVID = (
    MEDLINE_HEADER + "1 asthma.ti.\n2 2013-2016.yr.\n3 1 and 2\n4 1 and 2015.yr.\n"
    "5 1 and (2013 or 2014 or 2015 or 2016).yr.\n6 1 and (2013 or 2016).yr.\n"
)


@pytest.mark.parametrize(
    ("target", "expected"),
    [
        ("pubmed", "asthma[tiab] AND 2013:2016[dp]"),
        ("europepmc", "TITLE_ABS:asthma AND FIRST_PDATE:[2013-01-01 TO 2016-12-31]"),
        ("openalex", "title_and_abstract.search:asthma,from_publication_date:2013-01-01,"
         "to_publication_date:2016-12-31"),
    ],
)  # fmt: skip
def test_a_date_written_as_a_search_term_is_a_date_limit_on_every_target(target, expected):
    t = translate(parse_strategy_text(DATES_AS_TERMS_PUBMED), target)
    for key in ("#3", "#4"):
        line = t.line(key.lstrip("#"))
        query = dict(line.params)["filter"] if target == "openalex" else line.query
        assert query.replace("2013/01/01:2016/12/31", "2013:2016") == expected
        assert not [f for f in line.findings if f.lossiness is Lossiness.DROPPED]


def test_ovid_years_as_search_terms_are_years_not_line_numbers():
    s = parse_strategy_text(DATES_AS_TERMS_OVID)
    t = translate(s, "pubmed")
    assert t.line("3").query == "asthma[ti] AND 2013:2016[dp]"  # not the date 2013-20-16
    assert t.line("4").query == "asthma[ti] AND 2015:2015[dp]"  # not a reference to set 2015
    assert t.line("5").query == "asthma[ti] AND 2013:2016[dp]"  # consecutive years: one range
    assert t.line("6").query == "asthma[ti] AND (2013[dp] OR 2016[dp])"
    europepmc = translate(s, "europepmc")
    assert europepmc.line("5").query == "TITLE:asthma AND PUB_YEAR:[2013 TO 2016]"


def test_openalex_says_a_date_ored_with_a_search_is_left_out():
    s = parse_strategy_text(PUBMED_HEADER + "#1 asthma[tiab] OR 2013:2016[dp]\n")
    line = translate(s, "openalex").line("1")
    assert dict(line.params)["filter"] == "title_and_abstract.search:asthma"
    (dropped,) = [f for f in line.findings if f.lossiness is Lossiness.DROPPED]
    assert "date range ORed" in dropped.reason


@pytest.mark.parametrize("target", ["pubmed", "europepmc", "openalex"])
def test_lower_case_pubmed_operators_make_the_translation_approximate(target):
    # PubMed took none of these as operators when the strategy was run.
    s = parse_strategy_text(
        PUBMED_HEADER + "#1 asthma[tiab] or wheeze[tiab]\n#2 #1 and child[ti]\n"
    )
    t = translate(s, target)
    for key, written in (("1", "or"), ("2", "and")):
        (found,) = _findings(t.line(key), "operator")
        assert found.written == written and found.lossiness is Lossiness.APPROXIMATE
        assert "only in upper case" in found.reason
    assert t.lossiness is Lossiness.APPROXIMATE
    upper = translate(
        parse_strategy_text(PUBMED_HEADER + "#1 asthma[tiab] OR wheeze[tiab]\n"), target
    )
    assert not _findings(upper.line("1"), "operator")


def test_language_and_entry_date_limits(strategies):
    t = translate(_file(strategies, VACCINATION), "pubmed")
    assert t.line("103").display_history() == (
        "#102 AND (danish[la] OR english[la] OR french[la] OR norwegian[la] OR swedish[la])"
    )
    assert t.line("104").display_history() == "#103 AND 1946/01/01:2016/08/30[edat]"


def test_vendor_filter_is_dropped_and_the_run_is_not_equivalent(strategies):
    t = translate(_file(strategies, VACCINATION), "pubmed")
    line = t.line("86")
    assert line.display_history() == "#85"
    dropped = _findings(line, "filter")[0]
    assert dropped.lossiness is Lossiness.DROPPED
    assert "qualitative (maximizes sensitivity)" in dropped.reason
    assert not t.equivalent and t.lossiness is Lossiness.DROPPED


def test_remove_duplicates_is_a_logged_no_op(strategies):
    t = translate(_file(strategies, PREDIABETES), "pubmed")
    line = t.line("56")
    assert line.display_history() == "#55"
    assert "dedupe" in _findings(line, "command")[0].reason


def test_reference_to_a_missing_line_is_dropped(strategies):
    t = translate(_file(strategies, CINAHL), "pubmed")
    line = t.line("29")
    assert [
        f.written for f in _findings(line, "line reference") if f.lossiness is Lossiness.DROPPED
    ] == ["S21", "S22", "S23", "S24"]
    assert line.display_history() == "#25 OR #26 OR #27 OR #28"


def test_unknown_field_code_drops_the_line_and_what_depends_on_it(strategies):
    t = translate(_file(strategies, VACCINATION), "pubmed")
    assert not t.line("99").runnable
    assert t.line("101").lossiness is Lossiness.DROPPED


def test_pubmed_strategy_translates_to_itself_with_labelled_blocks(strategies):
    t = translate(_file(strategies, LABELLED), "pubmed")
    assert t.line("4a").query == '"diagnosis"[sh] OR "pathophysiology"[sh] OR "etiology"[sh]'
    assert t.line("1b").query.startswith('"Physical examination"[mh] OR "physical examination"')
    assert t.final.display_history() == "#a OR #b OR #c OR #d"
    assert t.line("a").display_history() == "(#1a AND (#2a OR #3) AND #2b) NOT #5"


def test_section_of_a_multi_database_file_is_chosen(strategies):
    s = _file(strategies, "ovid-multi-db_cup-tableDS1_personality-disorder-prevalence_raw.txt")
    t = translate(s, "pubmed", section=0)
    assert t.line("2").display_history() == '#1 AND 1980:3000[dp] AND "journal article"[pt]'
    assert t.notes and "section 0 of 4" in t.notes[0]


# --------------------------------------------------------------------------- Europe PMC


def test_europepmc_fields_headings_and_limits(strategies):
    t = translate(_file(strategies, BIRTH), "europepmc")
    assert t.line("11").query == 'KW:"Prenatal care"'
    assert _findings(t.line("11"), "heading")[0].lossiness is Lossiness.APPROXIMATE
    assert t.line("28").query.startswith("TITLE_ABS:Africa OR TITLE_ABS:Asia")
    assert t.line("28").lossiness is Lossiness.EXACT
    assert t.line("46").query.endswith("AND PUB_YEAR:[2013 TO 2016]")


def test_europepmc_proximity_becomes_and_and_adjacency_phrases(strategies):
    t = translate(_file(strategies, BIRTH), "europepmc")
    assert t.line("33").query == "TITLE_ABS:low AND TITLE_ABS:middle AND TITLE_ABS:countr*"
    assert "not confirmed [verify]" in _findings(t.line("33"), "proximity")[0].reason
    assert t.line("31").query.startswith('TITLE_ABS:"developing economy" OR')


def test_europepmc_wildcard_inside_a_phrase_is_removed_narrower(strategies):
    t = translate(_file(strategies, BIRTH), "europepmc")
    assert 'TITLE_ABS:"child birth"' in t.line("13").query
    assert any("narrower" in f.reason for f in _findings(t.line("13"), "truncation"))


def test_europepmc_language_limit_uses_three_letter_codes(strategies):
    t = translate(_file(strategies, VACCINATION), "europepmc")
    assert t.line("103").query.endswith(
        "AND (LANG:dan OR LANG:eng OR LANG:fre OR LANG:nor OR LANG:swe)"
    )


# --------------------------------------------------------------------------- OpenAlex


def test_openalex_title_abstract_search_without_wildcards(strategies):
    t = translate(_file(strategies, PSYCHOTHERAPY), "openalex")
    assert dict(t.line("15").params) == {
        "filter": "title_and_abstract.search:baby OR babies OR infant OR child OR toddler"
    }
    assert _findings(t.line("15"), "truncation")[0].lossiness is Lossiness.APPROXIMATE


def test_openalex_and_across_fields_stays_exact_as_separate_filters():
    s = parse_strategy_text(MEDLINE_HEADER + "1 cancer.ti.\n2 therapy.ab.\n3 1 and 2\n4 1 or 2\n")
    t = translate(s, "openalex")
    assert dict(t.line("3").params)["filter"] == "title.search:cancer,abstract.search:therapy"
    assert t.line("3").lossiness is Lossiness.EXACT
    assert dict(t.line("4").params)["filter"] == "title_and_abstract.search:cancer OR therapy"
    assert t.line("4").lossiness is Lossiness.APPROXIMATE


def test_openalex_headings_searched_as_label_and_limits_as_filters(strategies):
    t = translate(_file(strategies, BIRTH), "openalex")
    assert dict(t.line("2").params)["filter"] == 'title_and_abstract.search:"delivery obstetric"'
    final = dict(t.line("46").params)["filter"]
    assert final.endswith(",from_publication_date:2013-01-01,to_publication_date:2016-12-31")
    assert final.count(",") == 2


def test_openalex_not_within_one_field_is_kept_exactly():
    s = parse_strategy_text(
        MEDLINE_HEADER + "1 cancer.ti.\n2 therapy.ti,ab.\n3 1 and 2\n4 mice.ti,ab.\n5 3 not 4\n"
    )
    t = translate(s, "openalex")
    assert dict(t.line("5").params)["filter"] == (
        "title.search:cancer,title_and_abstract.search:therapy NOT mice"
    )
    assert t.line("5").lossiness is Lossiness.EXACT


def test_openalex_mixed_default_field_widens_to_default_search(strategies):
    t = translate(_file(strategies, PREDIABETES), "openalex")
    flt = dict(t.line("53").params)["filter"]
    assert flt.startswith("default.search:") and " NOT (gestational OR PCOS)" in flt
    assert t.line("53").lossiness is Lossiness.APPROXIMATE


def test_translation_json_has_stable_keys(strategies):
    data = translate(_file(strategies, PSYCHOTHERAPY), "pubmed").to_dict()
    assert {"name", "from", "to", "final_line", "lossiness", "equivalent", "lines"} <= set(data)
    line = data["lines"][9]
    assert line["key"] == "10" and line["findings"][0]["column"] >= 1
    assert {"construct", "written", "rendered", "lossiness", "reason"} <= set(line["findings"][0])
