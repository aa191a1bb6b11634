"""Each ``strategy check`` rule, exercised with lines from published strategies (Cochrane
appendices, CLEF TAR topics, the EPPI-Centre map, the CUP table, the docslib CINAHL history).
Where a rule needs a fault the published line does not have, the line is changed as little
as possible and the comment says how."""

from __future__ import annotations

from pathlib import Path

import pytest

from cen_search.strategies import load_strategy, parse_strategy_text
from cen_search.strategies.checks import (
    RULES,
    CheckReport,
    DateWindow,
    Finding,
    check_strategy,
    find_date_window,
)
from cen_search.strategies.translate import translate

DATA = Path(__file__).parent / "data" / "strategies"
REPO = Path(__file__).resolve().parents[1]
CD012419_41 = (
    "41. ((patient* or client* or consumer* or user* or subject? or carer* or "
    "caregiver* or care giver*) and (manag* adj5 (medication* or medicines)).ti,ab,kw"
)


def check(
    text: str, *, platform: str | None = None, window: DateWindow | None = None
) -> CheckReport:
    return check_strategy(parse_strategy_text(text, platform=platform), window=window)  # type: ignore[arg-type]


def found(report: CheckReport, code: str) -> list[Finding]:
    return [f for f in report.findings if f.code == code]


def ovid(*lines: str, header: str = "") -> str:
    head = f"---\nplatform: Ovid\n{header}---\n" if header else ""
    return head + "".join(f"{n} {q}\n" for n, q in enumerate(lines, 1))


# -- PRESS 5: syntax and line numbers -------------------------------------------------------


def test_cp05_an_empty_paste_is_an_error() -> None:
    report = check("---\nplatform: Ovid\ndatabase: MEDLINE\n---\n\n")
    assert [f.severity for f in found(report, "CS-P05")] == ["error"]
    assert report.failed()
    assert not found(check(ovid("exp Personality Disorders/")), "CS-P05")


def test_cp01_and_cp03_find_the_published_cd012419_error() -> None:
    report = check(CD012419_41, platform="ovid")
    (paren,) = found(report, "CS-P01")
    (period,) = found(report, "CS-P03")
    assert (paren.severity, paren.file_line, paren.column) == ("error", 1, 5)
    assert period.severity == "error" and period.column == CD012419_41.index(".ti,ab,kw") + 1
    assert report.failed()


def test_cd012419_appendix_error_is_found_at_file_line_42(shared: Path) -> None:
    path = shared / "data" / "strategies" / "ovid-medline_cochrane-CD012419_appendix1_lines1-43.txt"
    report = check_strategy(load_strategy(path))
    errors = {(f.code, f.file_line, f.column) for f in report.findings if f.severity == "error"}
    assert errors == {("CS-P01", 42, 5), ("CS-P03", 42, 145)}
    assert report.findings[0].location.startswith(str(path))


def test_cp01_extra_closing_parenthesis() -> None:
    # CD011787 line 101, with one ')' too many
    assert found(check(ovid("(systematic review or literature review)).ti.")), "CS-P01")


def test_cp02_unclosed_quote_is_an_error_escaped_quote_a_warning() -> None:
    # CLEF CD011558 line 24 fragment, closing quote removed
    report = check(ovid('(skilled attend* or "skilled birth attend*).tw.'))
    assert [f.severity for f in found(report, "CS-P02")] == ["error"]
    escaped = check(ovid('\\"mini mental stat*\\".ti,ab.'))  # transmute data/46 line 5
    assert {f.severity for f in found(escaped, "CS-P02")} == {"warning"}


def test_cp03_spaces_and_unknown_codes() -> None:
    spaces = found(check(ovid("(Personality disorder* or Axis-II). ti, ab.")), "CS-P03")  # CUP
    assert [f.severity for f in spaces] == ["warning"]
    other_db = found(check(ovid('"202040".em.', header="database: MEDLINE\n")), "CS-P03")
    assert [f.severity for f in other_db] == ["warning"] and "embase" in other_db[0].message
    unknown = found(check(ovid("preprint.px.zz.")), "CS-P03") + found(
        check(ovid("preprint.zz.")), "CS-P03"
    )
    assert "error" in {f.severity for f in unknown}


def test_cp04_unparsed_text() -> None:
    report = check(ovid("exp aged/ or or aged.ti."))
    (f,) = found(report, "CS-P04")
    assert f.severity == "error" and "operator" in f.message


def _nested(levels: int) -> str:
    """A published Ovid term (CD012419) inside ``levels`` parentheses, each adding a term."""
    line = "aged.ti."
    for n in range(levels):
        line = f"(elder{n}* or {line})"
    return line


@pytest.mark.parametrize("target", ["pubmed", "europepmc", "openalex"])
def test_a_line_nested_100_deep_is_checked_and_translated(target: str) -> None:
    strategy = parse_strategy_text(ovid(_nested(100)))
    assert not found(check_strategy(strategy), "CS-P04")
    assert translate(strategy, target).lines


def test_cp04_a_line_nested_deeper_than_100_is_not_parsed_instead_of_crashing() -> None:
    # A paste damaged into thousands of parentheses exhausted Python's recursion limit.
    for levels in (101, 5_000):
        (f,) = found(check(ovid(_nested(levels))), "CS-P04")
        assert f.severity == "error" and "nested more than 100 levels" in f.message


def test_cu01_unicode_hyphen_in_a_range() -> None:
    report = check("5. or/1\u20104\n1. exp aged/\n", platform="ovid")
    (f,) = found(report, "CS-U01")
    assert f.severity == "warning" and "U+2010" in f.message and f.column == 8


def test_cl01_reference_to_a_missing_line() -> None:
    report = check('S34 S30 NOT S33 110\nS33 (MH "Dementia+") 40,326\n')  # docslib, partial
    (f,) = found(report, "CS-L01")
    assert f.severity == "error" and "'S30'" in f.message and f.column == 5


def test_cl02_reference_to_itself_or_a_later_line() -> None:
    report = check(ovid("Immunization/", "or/1-3", "Vaccination/"))
    assert any("later" in f.message for f in found(report, "CS-L02"))
    self_ref = check(ovid("Immunization/", "1 or 2"))
    assert any("itself" in f.message for f in found(self_ref, "CS-L02"))


def test_cl03_lines_never_used_in_cd012661() -> None:
    report = check_strategy(
        load_strategy(DATA / "ovid-medline_clef-tar_CD012661_prognosis-prediabetes.txt")
    )
    unused = {f.line_key for f in found(report, "CS-L03")}
    assert unused == {"12", "17"}  # or/9-11 and or/13-16 are never combined: a real finding
    assert {f.severity for f in found(report, "CS-L03")} == {"info"}


def test_cl04_duplicate_numbers_gaps_and_order() -> None:
    dup = check("1 exp aged/\n2 aged.ti.\n2 or/1-2\n", platform="ovid")
    assert "error" in {f.severity for f in found(dup, "CS-L04")}
    gap = check("1 exp aged/\n2 aged.ti.\n5 or/1-2\n", platform="ovid")
    assert any("3-4" in f.message for f in found(gap, "CS-L04"))
    reverse = check("S2 S1 OR S1 9\nS1 TI dementia 9\n")
    assert any(
        f.severity == "info" and "newest first" in f.message for f in found(reverse, "CS-L04")
    )


def test_cl05_backwards_range_and_double_counting() -> None:
    assert (
        found(check(ovid("Immunization/", "Vaccination/", "or/2-1")), "CS-L05")[0].severity
        == "error"
    )
    double = check(ovid("Immunization/", "Vaccination/", "or/1-2", "Vaccines/", "or/1-4"))
    assert [f.severity for f in found(double, "CS-L05")] == ["info"]


def test_cl06_declared_final_line_must_exist() -> None:
    report = check(ovid("exp aged/", "aged.ti.", header="final_line: 9\n"))
    assert [f.severity for f in found(report, "CS-L06")] == ["error"]


# -- PRESS 2: Boolean and proximity ---------------------------------------------------------


def test_cb01_and_or_without_parentheses() -> None:
    report = check(ovid("exp aged/", "aged.ti.", "elderly.ti.", "1 and 2 or 3"))
    (f,) = found(report, "CS-B01")
    assert f.severity == "warning" and f.line_key == "4"


def test_cb02_not_is_flagged_but_the_exclusion_idioms_are_not() -> None:
    strategy = load_strategy(
        DATA / "ovid-medline_clef-tar_CD011787_qes-vaccination-communication.txt"
    )
    flagged = {f.line_key for f in found(check_strategy(strategy), "CS-B02")}
    assert flagged == {"102"}  # 89 not 101 (reviews, comments...); 90 not (90 and 91) is fine
    prediabetes = check_strategy(
        load_strategy(DATA / "ovid-medline_clef-tar_CD012661_prognosis-prediabetes.txt")
    )
    flagged = {f.line_key for f in found(prediabetes, "CS-B02")}
    assert flagged == {"53", "55"}  # "exp animals/ not humans/" and "49 not 50" are idioms
    cinahl = check(
        'S31 ((MH "Child+") OR (MH "Adolescence+")) NOT ((MH "Adult+") AND '
        '((MH "Child+") OR (MH "Adolescence+"))) 285,894\n'
    )
    assert not found(cinahl, "CS-B02")


def test_cb03_proximity_on_headings_and_over_the_maximum() -> None:
    heading = check(ovid("(exp aged/ adj3 care).ti."))
    assert [f.severity for f in found(heading, "CS-B03")] == ["error"]
    far = check(ovid("(primary adj120 care).ti,ab,kw."))  # CD012419 line 14 with adj120
    assert any("maximum" in f.message for f in found(far, "CS-B03"))
    wildcard = check('#1\t"emotion* dysregulat*"[tiab:~2]\t5\n')
    assert [f.severity for f in found(wildcard, "CS-B03")] == ["warning"]


def test_cb04_operators_that_do_not_work_on_the_platform() -> None:
    ebsco_in_ovid = check(
        ovid("((trial or trials) n2 (clinical or controlled)).ti.", "(trial N2 clinical).ti.")
    )
    assert [f.severity for f in found(ebsco_in_ovid, "CS-B04")] == ["error"]
    lower = check("#1\tback pain[mesh] or sciatica[mesh]\t5\n")
    assert [f.severity for f in found(lower, "CS-B04")] == ["warning"]
    labelled = check_strategy(load_strategy(DATA / "pubmed_clef-tar_CD007431_labelled-blocks.txt"))
    assert not found(labelled, "CS-B04")  # "A. 1a and (2a or 3)" combines labels only


def test_cb05_terms_without_an_operator() -> None:
    report = check('#1\t"physical examination" "function test"\t9\n')
    assert [f.severity for f in found(report, "CS-B05")] == ["warning"]


# -- PRESS 3: subject headings --------------------------------------------------------------


def test_ch03_unknown_subheadings() -> None:
    assert not found(check(ovid("Mothers/px or Fathers/px")), "CS-H03")  # transmute 288 line 7
    assert found(check(ovid("Mothers/pz")), "CS-H03")
    labelled = check_strategy(load_strategy(DATA / "pubmed_clef-tar_CD007431_labelled-blocks.txt"))
    assert [f.message for f in found(labelled, "CS-H03")] == [
        "'pathophysiology' is not a MeSH subheading"
    ]


def test_ch04_headings_and_free_text_on_one_line() -> None:
    report = check(
        ovid(
            "Qualitative Research/ or Interviews as Topic/ or (qualitative or "
            "group discussion? or focus group? or themes).ti,ab."
        )
    )  # CD011787 l.87
    assert [f.severity for f in found(report, "CS-H04")] == ["info"]


def test_ch05_heading_marker_on_a_group() -> None:
    assert [f.severity for f in found(check(ovid("(mothers or fathers)/")), "CS-H05")] == ["error"]


# -- PRESS 4: text words --------------------------------------------------------------------


def test_ct01_truncation_stem_too_short() -> None:
    assert found(check(ovid("(ca* adj3 care).ti.")), "CS-T01")
    assert not found(check(ovid("(low* adj (gdp or gnp)).tw.")), "CS-T01")  # CD011558 l.32
    pubmed = check("#1\tlum*[tw] OR lumbo*[tw]\t9\n")  # CD007431 2b, stem cut to 3
    assert [f.message.split(":")[0] for f in found(pubmed, "CS-T01")] == ["'lum*'"]


def test_ct02_truncation_symbol_not_valid_on_the_platform() -> None:
    report = check("#1\tpsychotherap$[tiab]\t9\n")
    assert [f.severity for f in found(report, "CS-T02")] == ["error"]


def test_ct03_duplicated_and_redundant_terms() -> None:
    strategy = load_strategy(DATA / "ovid-medline_clef-tar_CD012661_prognosis-prediabetes.txt")
    dup = found(check_strategy(strategy), "CS-T03")
    assert [(f.line_key, f.severity) for f in dup] == [("41", "warning")]  # CRF twice
    redundant = check(ovid("(nurse or nurses or nurse*).tw."))
    assert {f.severity for f in found(redundant, "CS-T03")} == {"info"}
    repeated = check(ovid("exp aged/", "exp aged/"))
    assert any("repeats set 1" in f.message for f in found(repeated, "CS-T03"))


def test_ct04_spelling_variants() -> None:
    report = check(ovid("(behavior adj3 change*).ti,ab."))
    assert [f.severity for f in found(report, "CS-T04")] == ["info"]
    assert not found(check(ovid("(behavio?r adj3 change*).ti,ab.")), "CS-T04")
    assert not found(check(ovid("randomized controlled trial.pt.")), "CS-T04")


def test_ct05_free_text_without_a_field() -> None:
    report = check('#1\tPhysical examination[mesh] OR "physical examination"\t9\n')
    (f,) = found(report, "CS-T05")
    assert f.severity == "info" and "automatic term mapping" in f.message


# -- PRESS 6: limits and filters ------------------------------------------------------------


def test_cm01_malformed_limits(shared: Path) -> None:
    report = check(
        ovid(
            "exp aged/",
            "limit 1 to (abstracts and yr=\u201d1980\u2013 current\u201d journal article)",
        )
    )  # CUP MEDLINE line 4
    assert [f.severity for f in found(report, "CS-M01")] == ["warning"]
    backwards = check(ovid("exp aged/", 'limit 1 to yr="2019 - 2003"'))
    assert [f.severity for f in found(backwards, "CS-M01")] == ["error"]
    unknown = check(ovid("exp aged/", "limit 1 to yr>2003"))
    assert found(unknown, "CS-M01")


def test_cm02_header_and_limit_lines_disagree() -> None:
    header = "date_from: 2003-01-01\ndate_to: 2019-12-31\n"
    report = check(ovid("exp aged/", 'limit 1 to yr="2013 -2016"', header=header))  # CD011558
    (f,) = found(report, "CS-M02")
    assert "2013" in f.message and f.line_key == "2"
    missing = check(ovid("exp aged/", header=header))
    assert any("no line applies a date limit" in f.message for f in found(missing, "CS-M02"))
    agree = check(ovid("exp aged/", 'limit 1 to yr="2003 - 2019"', header=header))
    assert not found(agree, "CS-M02")
    langs = check(
        ovid(
            "exp aged/",
            "limit 1 to english language",
            header="languages:\n  - english\n  - french\n",
        )
    )
    assert found(langs, "CS-M02")


def test_cm03_search_filter_must_be_cited() -> None:
    lines = ("exp aged/", 'limit 1 to "qualitative (maximizes sensitivity)"')  # CD011787 l.86
    assert [f.severity for f in found(check(ovid(*lines)), "CS-M03")] == ["warning"]
    cited = check(
        ovid(
            *lines,
            header="filters:\n  - qualitative (maximizes sensitivity) | "
            "Ovid Clinical Queries (Wong 2006)\n",
        )
    )
    assert not found(cited, "CS-M03")


def test_cm04_and_cm06_cup_limits_before_combination_and_disagreeing(shared: Path) -> None:
    path = (
        shared
        / "data"
        / "strategies"
        / "ovid-multi-db_cup-tableDS1_personality-disorder-prevalence_raw.txt"
    )
    report = check_strategy(load_strategy(path))
    early = {(f.section, f.line_key) for f in found(report, "CS-M04")}
    assert {(0, "2"), (0, "4"), (0, "6")} <= early
    disagree = {(f.section, f.line_key) for f in found(report, "CS-M06")}
    assert disagree == {(0, "4"), (0, "6"), (2, "6")}


def test_cm05_workspace_date_window(tmp_path: Path) -> None:
    from cen_search.workspace import Workspace

    review = Workspace.init(tmp_path / "review", date_from="2003", date_to="2019")
    path = review.strategies_dir / "medline.txt"
    path.write_text(ovid("exp aged/", 'limit 1 to yr="2003 -Current"'), encoding="utf-8")
    window = find_date_window(path)
    assert window is not None and (window.date_from, window.date_to) == ("2003", "2019")
    report = check_strategy(load_strategy(path), window=window)
    (f,) = found(report, "CS-M05")
    assert f.severity == "warning" and "ends open" in f.message
    assert find_date_window(tmp_path) is None


def test_cn01_recorded_counts_that_cannot_be_right() -> None:
    # EPPI MEDLINE update search; line 4's count raised above line 3's
    text = (
        "Database: Ovid MEDLINE(R) ALL <1946 to October 01, 2020>\nSearch Strategy:\n"
        '1 ("20200925" or "20200926").dt. (14732)\n2 preprint.pt. (1048)\n'
        "3 1 not 2 (14733)\n4 limit 3 to covid-19 (15000)\n5 1 or 2 (1000)\n"
        "6 1 and 2 (2000)\n"
    )
    messages = [f.message for f in found(check(text), "CS-N01")]
    assert len(messages) == 4
    assert any("NOT set" in m for m in messages) and any("limit set" in m for m in messages)
    assert any("OR set has 1000 hits" in m for m in messages)
    assert any("AND set has 2000 hits" in m for m in messages)


def test_cn01_real_counts_are_consistent(shared: Path) -> None:
    for name in (
        "ebsco-cinahl_docslib-13760600_reverse-order-with-counts_partial.txt",
        "ovid-medline-embase_eppi-covid-map_update-by-entry-date.txt",
    ):
        report = check_strategy(load_strategy(shared / "data" / "strategies" / name))
        assert not found(report, "CS-N01")


def test_cn02_zero_hit_line() -> None:
    report = check("1 preprint.pt. (1048)\n2 preprnt.pt. (0)\n3 1 or 2 (1048)\n")
    assert [f.line_key for f in found(report, "CS-N02")] == ["2"]


def test_cr01_reporting_metadata() -> None:
    assert found(check(ovid("exp aged/")), "CS-R01")[0].severity == "info"
    bad_date = check(ovid("exp aged/", header="database: MEDLINE\nsearched_on: 3.5.2017\n"))
    assert "warning" in {f.severity for f in found(bad_date, "CS-R01")}


# -- the rule table and the review's own strategies -----------------------------------------


def test_every_rule_has_a_severity_and_a_hint() -> None:
    assert all(
        rule.severity in ("error", "warning", "info") and rule.hint for rule in RULES.values()
    )


def test_disabled_codes_are_skipped() -> None:
    strategy = parse_strategy_text(CD012419_41, platform="ovid")
    report = check_strategy(strategy, disabled=["CS-P01"])
    assert not found(report, "CS-P01") and found(report, "CS-P03")


REVIEW = sorted((REPO / "strategies").glob("*.txt"))


def test_the_review_has_six_strategies() -> None:
    names = {p.stem for p in REVIEW}
    assert names == {
        "medline-ovid",
        "embase-ovid",
        "hmic-ovid",
        "spp-ovid",
        "cinahl-ebsco",
        "assia-proquest",
    }


@pytest.mark.parametrize("path", REVIEW, ids=[p.stem for p in REVIEW])
def test_review_strategies_pass_check_and_say_they_are_reconstructions(path: Path) -> None:
    strategy = load_strategy(path)
    report = check_strategy(strategy, window=DateWindow("2003", "2019"))
    assert report.errors == 0, [f"{f.location} {f.code} {f.message}" for f in report.findings]
    assert "RECONSTRUCTION" in strategy.meta.notes
    assert all(line.recorded_hits is None for line in strategy.lines)
    assert strategy.meta.date_from == "2003-01-01"
    assert (
        strategy.platform
        == {"ovid": "ovid", "ebsco": "ebsco", "proquest": "proquest"}[path.stem.split("-")[1]]
    )


def test_medline_strategy_translates_to_pubmed() -> None:
    translate = pytest.importorskip("cen_search.strategies.translate")
    strategy = load_strategy(REPO / "strategies" / "medline-ovid.txt")
    result = translate.translate(strategy, "pubmed")
    assert all(line.runnable for line in result.lines)
    assert {f.lossiness.value for f in result.findings} <= {"exact", "approximate"}


def test_every_check_code_is_documented_with_its_severity() -> None:
    docs = (REPO / "docs" / "strategies.md").read_text(encoding="utf-8")
    for rule in RULES.values():
        row = next((x for x in docs.splitlines() if x.startswith(f"| {rule.code} |")), "")
        assert row and rule.severity in row.split("|")[2], rule.code


def test_ct04_spelling_variant_with_a_different_first_letter() -> None:
    assert found(check(ovid("(edema or swelling).ti,ab.")), "CS-T04")
    assert not found(check(ovid("(edema or oedema).ti,ab.")), "CS-T04")
