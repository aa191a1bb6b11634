"""Honest translation: wildcards a target lacks are written out as spellings, truncation a
target cannot do is counted as narrowed, and the summary never hides lost meaning."""

from __future__ import annotations

import pytest

from cen_search.strategies import parse_strategy_text
from cen_search.strategies.translate import Lossiness, translate
from cen_search.strategies.translate_summary import summarise
from cen_search.strategies.translate_variants import letters_for, spelling_variants

MEDLINE = "---\ncen_search: 1\ndatabase: MEDLINE\nplatform: Ovid\n---\n"
CINAHL = "---\ncen_search: 1\ndatabase: CINAHL\nplatform: EBSCOhost\n---\n"


def _ovid(*lines: str):
    return parse_strategy_text(MEDLINE + "\n".join(lines) + "\n")


@pytest.mark.parametrize(
    ("target", "query"),
    [
        ("pubmed", "aging[tiab] OR ageing[tiab]"),
        ("europepmc", "TITLE_ABS:aging OR TITLE_ABS:ageing"),
        ("openalex", "filter=title_and_abstract.search:aging OR ageing"),
    ],
)
def test_optional_character_becomes_an_or_of_its_spellings_on_every_target(target, query):
    t = translate(_ovid("1 ag?ing.ti,ab."), target)
    assert t.line("1").query == query
    (finding,) = [f for f in t.line("1").findings if f.construct == "wildcard"]
    assert finding.rendered == "aging OR ageing" and finding.direction == "narrower"
    assert finding.lossiness is Lossiness.APPROXIMATE


@pytest.mark.parametrize(
    ("written", "spellings"),
    [
        ("behavio?r", ["behavior", "behaviour"]),
        ("colo?r", ["color", "colour"]),
        ("p?ediatric", ["pediatric", "paediatric"]),
        ("?estrogen", ["estrogen", "oestrogen"]),
        ("counsel?ing", ["counseling", "counselling"]),
        ("randomi#ed", ["randomised", "randomized"]),  # Ovid #: exactly one character
        ("wom#n", ["woman", "women"]),
    ],
)
def test_ovid_inside_word_wildcards_are_written_out_by_the_spelling_table(written, spellings):
    term = _ovid(f"1 {written}.ti.").lines[0].node.child
    found = spelling_variants(term, frozenset({"optional", "single"}))
    assert found is not None and [t.text for t in found.terms] == spellings
    assert not found.guessed


def test_ebsco_hash_is_the_optional_character_and_question_mark_stays_on_europepmc():
    s = parse_strategy_text(CINAHL + "S1 TI colo#r\nS2 TI wom?n\n")
    t = translate(s, "europepmc")
    assert t.line("1").query == "TITLE:color OR TITLE:colour"
    assert t.line("2").query == "TITLE:wom?n"  # Europe PMC has a one-character wildcard
    assert translate(s, "pubmed").line("2").query == "woman[ti] OR women[ti]"


def test_a_position_no_rule_fits_tries_the_vowels_and_says_so():
    assert letters_for("x", "q") == ("aeiou", False)
    t = translate(_ovid("1 bx?qz.ti."), "pubmed")
    (finding,) = [f for f in t.line("1").findings if f.construct == "wildcard"]
    assert finding.rendered.split(" OR ") == ["bxqz", "bxaqz", "bxeqz", "bxiqz", "bxoqz", "bxuqz"]
    assert "the vowels are tried" in finding.reason


def test_spellings_keep_the_other_wildcards_and_the_phrase():
    t = translate(_ovid('1 "hyperglyc?emi* state".ti,ab.'), "pubmed")
    assert t.line("1").query == ('"hyperglycemi* state"[tiab] OR "hyperglycaemi* state"[tiab]')


def test_spellings_are_proximity_alternatives_too():
    t = translate(_ovid("1 (old adj3 ag?ing).ti,ab."), "pubmed")
    assert t.line("1").query == '"old aging"[tiab:~2] OR "old ageing"[tiab:~2]'


def test_too_many_spellings_fall_back_to_the_targets_own_handling():
    term = _ovid("1 a?b?c?d?e.ti.").lines[0].node.child
    assert spelling_variants(term, frozenset({"optional"})) is None


def test_openalex_truncation_is_counted_as_narrowed_never_as_nothing_dropped():
    t = translate(_ovid("1 (personalit* or borderline$ or psychopath*).ti,ab."), "openalex")
    assert t.line("1").query == (
        "filter=title_and_abstract.search:personalit OR borderline OR psychopath"
    )
    truncations = [f for f in t.line("1").findings if f.construct == "truncation"]
    assert len(truncations) == 3 and {f.direction for f in truncations} == {"narrower"}
    summary = summarise(t)
    assert (summary.narrower, summary.truncations_narrowed, summary.dropped) == (3, 3, 0)
    sentence = summary.sentence()
    assert "nothing dropped" not in sentence
    assert sentence == (
        "final set 1: approximate: 3 constructs not carried over exactly: "
        "3 narrower (3 truncated words searched without truncation)"
    )


def test_summary_counts_dropped_broader_and_sets_the_final_set_does_not_use():
    strategy = _ovid(
        "1 exp Personality Disorders/",
        "2 (borderline adj3 personality).ti,ab.",
        '3 limit 2 to "qualitative (maximizes sensitivity)"',
        "4 ag?ing.ti.",
        "5 1 or 3",
    )
    t = translate(strategy, "pubmed")
    summary = summarise(t)
    assert not summary.equivalent and summary.dropped == 1
    assert summary.elsewhere == 1  # set 4 is not part of set 5
    assert summary.sentence().startswith(
        "final set 5: NOT equivalent: part of the strategy is dropped: "
    )


def test_an_exact_translation_says_so():
    t = translate(
        _ovid("1 exp Personality Disorders/", "2 borderline.ti,ab.", "3 1 or 2"), "pubmed"
    )
    assert summarise(t).sentence() == (
        "final set 3: exact: every construct it uses is carried over exactly"
    )


def test_translate_json_carries_the_summary_and_each_findings_direction(tmp_path):
    import json

    from typer.testing import CliRunner

    from cen_search.cli.app import app

    path = tmp_path / "m.txt"
    path.write_text(MEDLINE + "1 (personalit* or ag?ing).ti,ab.\n", encoding="utf-8")
    result = CliRunner().invoke(
        app, ["strategy", "translate", str(path), "--to", "openalex", "--json"]
    )
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    summary = data["summary"]
    assert (summary["narrower"], summary["truncations_narrowed"]) == (2, 1)
    assert summary["spellings_written_out"] == 1
    assert summary["sentence"].startswith("final set 1: approximate: 2 constructs")
    findings = data["translation"]["lines"][0]["findings"]
    assert {f["direction"] for f in findings if f["construct"] == "truncation"} == {"narrower"}
    assert all(f["file_line"] == 6 for f in findings if f["column"])
