"""Exports the engine was not developed on: garbled volumes and issues, supplements, collection
DOIs, conference names in the journal field, records taken from PDFs.

Values are the forms real exports write (Embase, publishers, Ovid, reference managers' PDF
retrieval); pairs are real records of the labelled development sets
(``tests/data/dedupe/pairs.ris``) damaged the way such exports damage them. Identifiers are
never invented: a DOI given to a record is another real record's.
"""

from __future__ import annotations

from dataclasses import replace
from functools import cache
from pathlib import Path

import pytest

from cen_search.dedupe import DedupeOptions, Verdict, deduplicate, explain
from cen_search.dedupe.dois import last_digit_siblings
from cen_search.dedupe.numbering import issue_agreement, issue_key, volume_key
from cen_search.fields import clean_doi, parse_pages
from cen_search.formats import read_file
from cen_search.models import Record, RecordType
from cen_search.names import parse_author
from tests.conftest import TEST_DATA

SETS = {
    "cyt": "sra_cytology_screening",
    "haem": "sra_haematology",
    "resp": "sra_respiratory",
    "stroke": "sra_stroke",
    "dw": "digital_work",
    "sc": "special_cases",
}
NO_PAGES = parse_pages("")


@cache
def records() -> dict[str, Record]:
    result = read_file(TEST_DATA / "dedupe" / "pairs.ris", format="ris")
    return {r.key: r for r in result.records}


def record(ref: str) -> Record:
    short, _, number = ref.partition(":")
    return records()[f"{SETS[short]}/id_{number}"]


def judge(a: Record, b: Record):  # type: ignore[no-untyped-def]
    return explain(a, b, options=DedupeOptions())


# -- volume and issue values ---------------------------------------------------------------


@pytest.mark.parametrize(
    ("raw", "number", "supplement", "noted"),
    [
        ("61", "61", "", False),
        ("1)", "", "", True),  # Embase: "61(10 SUPPL. 1)" split at the wrong bracket
        ("35 Suppl 1", "35", "1", False),
        ("2016", "", "", False),  # a year is not a volume
        ("NA", "", "", False),
        ("Ph.D.", "", "", False),
        ("30(15 SUPPL. 1)", "30", "1", False),
        ("CD006828", "", "", True),  # a Cochrane review number is no volume
        ("12A", "12", "", False),
    ],
)
def test_volume_key_reads_the_number_and_sets_implausible_values_aside(
    raw: str, number: str, supplement: str, noted: bool
) -> None:
    key = volume_key(raw)
    assert (key.number, key.supplement, bool(key.note)) == (number, supplement, noted)


@pytest.mark.parametrize(
    ("raw", "number", "supplement"),
    [
        ("10 SUPPL. 1", "10", "1"),
        ("Supplement_1", "", "1"),
        ("SUPPL. 1", "", "1"),
        ("S3", "", "3"),
        ("30 SUPPL. 3", "30", "3"),
        ("Suppl", "", "s"),
        ("NA", "", ""),
        ("3-B", "3", ""),
        ("656 (accession 12345678)", "", ""),
        ("14, Sp. Iss. SI", "14", ""),
    ],
)
def test_issue_key_reads_the_issue_number_apart_from_the_supplement(
    raw: str, number: str, supplement: str
) -> None:
    key = issue_key(raw)
    assert (key.number, key.supplement) == (number, supplement)


@pytest.mark.parametrize(
    ("a", "b", "agrees"),
    [
        ("10 SUPPL. 1", "Supplement_1", True),
        ("10 SUPPL. 1", "10", True),
        ("5", "6", False),
        ("S2", "2 SUPPL. 1", None),  # S2 is supplement 2 or issue 2 of a supplement series
        ("Supplement_1", "10", None),
        ("152", "153", None),  # larger "issues" are often accession numbers
    ],
)
def test_issue_agreement_never_lets_a_supplement_contradict(
    a: str, b: str, agrees: bool | None
) -> None:
    ka, kb = issue_key(a), issue_key(b)
    assert issue_agreement(ka.number, ka.supplement, kb.number, kb.supplement) is agrees


# -- garbled fields on real pairs ----------------------------------------------------------


def test_implausible_volume_does_not_contradict_and_explain_says_so() -> None:
    # stroke 231/232: one abstract, Zhongguo Zhenjiu vs the same journal with its translation
    a, b = record("stroke:0000231"), record("stroke:0000232")
    garbled = replace(a, volume="1)", issue="NA")
    verdict = judge(garbled, b)
    assert verdict.verdict == Verdict.DUPLICATE
    assert any("'1)' is not a plausible volume" in reason for reason in verdict.reasons)


def test_volume_given_in_the_issue_field_counts_as_the_volume() -> None:
    # cytology 1436/1684: the ALTS trial report, one copy under the study group's name
    a, b = record("cyt:0001436"), record("cyt:0001684")
    moved = replace(a, volume="", issue=a.volume)
    assert judge(moved, b).verdict == Verdict.DUPLICATE


def test_supplement_forms_of_one_issue_do_not_contradict() -> None:
    # stroke 201/204 (CMAJ 184(6)): one export writes the issue with its supplement, the other
    # only the supplement; a third puts "volume SUPPL. supplement" in the issue field
    a, b = record("stroke:0000201"), record("stroke:0000204")
    left = replace(a, issue=f"{a.issue} SUPPL. 1")
    assert judge(left, replace(b, issue="Supplement_1")).verdict == Verdict.DUPLICATE
    assert judge(left, replace(b, volume="", issue=f"{b.volume} SUPPL. 1")).verdict == (
        Verdict.DUPLICATE
    )


def test_different_titles_need_the_stated_issues_to_agree() -> None:
    # digital_work 3003464/0003465: one author's two papers given one volume and page range;
    # only the issue tells them apart, so a supplement form of it must not merge them
    a, b = record("dw:3003464"), record("dw:0003465")
    assert judge(a, b).verdict != Verdict.DUPLICATE
    assert judge(replace(a, issue="Supplement_1"), b).verdict != Verdict.DUPLICATE


def test_article_number_case_does_not_matter() -> None:
    a, b = record("stroke:0000201"), record("stroke:0000204")
    upper = replace(a, pages=parse_pages("E329", "E336"))
    assert judge(upper, b).verdict == Verdict.DUPLICATE


# -- DOIs ----------------------------------------------------------------------------------


def test_doi_trailing_slash_is_dropped() -> None:
    assert clean_doi("https://doi.org/10.1057/jit.2011.24/") == "10.1057/jit.2011.24"


def test_doi_shared_by_an_issue_of_abstracts_is_no_evidence_no_veto_and_no_work() -> None:
    # four real abstracts printed in one issue of Pediatric Nephrology, plus the copies of two
    # of them, all given one real DOI as a database gives a supplement's DOI to its abstracts
    refs = ["haem:0000103", "haem:0000104", "haem:0000112", "haem:0000114", "haem:0000630"]
    base = [record(r) for r in refs]
    shared = record("dw:1003373").doi
    damaged = [replace(r, doi=shared) for r in base]
    plain, result = deduplicate(base), deduplicate(damaged)
    assert {c.members for c in result.clusters} == {c.members for c in plain.clusters}
    assert not any(v.rule == "review:doi-collision" for v in result.uncertain)
    verdict = explain(damaged[0], damaged[2], context=damaged)
    assert any("clearly different titles" in reason for reason in verdict.reasons)


def test_dois_differing_in_the_last_digit_go_to_review_and_are_never_merged() -> None:
    # digital_work: jit.2011.24 (Lee, "IS research methods") and jit.2011.22 (the commentary
    # on it) are two real DOIs of one issue, differing only in their last digit
    a = record("dw:1003373")
    sibling = record("dw:1004190").doi
    assert last_digit_siblings(a.doi, sibling)
    # a copy taken from the PDF (no year) with the sibling DOI: everything else agrees
    copy = replace(a, doi=sibling, year=None, date="")
    verdict = judge(a, copy)
    assert (verdict.verdict, verdict.rule) == (Verdict.UNCERTAIN, "review:doi-conflict")
    assert "last digit" in verdict.reasons[0]
    other = replace(copy, doi=record("dw:1005082").doi)
    assert judge(a, other).rule == "veto:doi"


# -- conference names in the journal field -------------------------------------------------


def test_conference_appended_to_the_journal_is_the_same_printed_abstract() -> None:
    # stroke 201/204: one CMAJ record typed and named as Embase gives meeting abstracts
    a, b = record("stroke:0000201"), record("stroke:0000204")
    meeting = replace(
        a,
        container=f"{a.container}. Conference: {a.year} Annual Meeting of the Society",
        type=RecordType.CONFERENCE_ABSTRACT,
    )
    assert judge(meeting, b).verdict == Verdict.DUPLICATE


# -- records taken from PDFs ---------------------------------------------------------------


def _pdf(r: Record, *, authors: tuple[object, ...] | None = None, marker: str = " 1") -> Record:
    return replace(
        r,
        title=r.title.upper() + marker,
        year=None,
        date="",
        pages=NO_PAGES,
        authors=r.authors if authors is None else authors,  # type: ignore[arg-type]
    )


def test_pdf_record_with_first_author_lost_and_footnote_marker_is_merged() -> None:
    a, b = record("stroke:0000201"), record("stroke:0000204")
    sparse = _pdf(a, authors=a.authors[1:])
    verdict = judge(sparse, b)
    assert verdict.verdict == Verdict.DUPLICATE


def test_pdf_record_with_a_title_word_read_as_author_is_merged() -> None:
    a, b = record("haem:0000074"), record("haem:0000075")
    word = a.title.split()[0]
    sparse = _pdf(a, authors=(parse_author(word), *a.authors[1:]))
    assert judge(sparse, b).verdict == Verdict.DUPLICATE


def test_footnote_marker_is_no_different_number() -> None:
    # haematology 18/19: "... (ADAMTS 13) activity ..." with a marker after its last word
    a, b = record("haem:0000018"), record("haem:0000019")
    assert a.title.rstrip(".").split()[-1].isalpha() and "13" in a.title
    for marked in (replace(a, title=a.title + " 1"), replace(a, title=a.title.upper() + " 1")):
        assert judge(marked, b).verdict == Verdict.DUPLICATE


def test_sparse_record_of_a_recurring_column_is_not_merged() -> None:
    # "Gateways to clinical trials": one column, issue after issue, by the same authors
    a, b = record("haem:0001338"), record("haem:0001340")
    sparse = _pdf(a, marker="")
    result = deduplicate([sparse, b, *(r for k, r in records().items() if "haematology" in k)])
    assert result.cluster_of[0] != result.cluster_of[1]


def _title_journal_year(r: Record) -> Record:
    """``r`` as a sparse export leaves it: title, journal and year, nothing else."""
    return replace(r, authors=(), volume="", issue="", pages=NO_PAGES, doi="", abstract="")


def test_a_short_or_column_title_alone_is_no_question_for_a_person() -> None:
    # Two "Editor's Comments" of MIS Quarterly 2003 (issues 2 and 3) with only title, journal
    # and year left: nothing a person could decide on, so not a review pair.
    a, b = (_title_journal_year(record(ref)) for ref in ("dw:1006033", "dw:1006034"))
    verdict = judge(a, b)
    assert (verdict.verdict, verdict.rule) == (Verdict.DISTINCT, "no-match")
    assert any("too short or too common" in reason for reason in verdict.reasons)


def test_a_telling_title_alone_still_goes_to_review() -> None:
    # A real duplicate pair with a long title, left with title, journal and year only.
    a, b = (_title_journal_year(record(ref)) for ref in ("haem:0000074", "haem:0000075"))
    assert judge(a, b).verdict != Verdict.DISTINCT


@pytest.mark.parametrize(
    ("value", "number", "part"),
    [
        ("6017 LNCS", "6017", ""),  # a book series' acronym beside its volume
        ("LNCS 13456", "13456", ""),  # LNCS volumes passed 13000
        ("CCIS 112", "112", ""),
        ("6017 LNCS PART 2", "6017", "2"),
        ("12 Pt B", "12", "b"),
        ("123456", "", ""),  # an accession number, still not a volume
    ],
)
def test_volume_key_reads_series_volumes_and_parts(value: str, number: str, part: str) -> None:
    key = volume_key(value)
    assert (key.number, key.part) == (number, part)


def test_a_part_in_the_issue_field_is_a_part_not_an_issue_number() -> None:
    assert issue_key("PART 2") == ("", "", "", "2")
    assert issue_key("Pt. 1").part == "1"
    assert issue_key("2").part == ""


def test_parts_of_one_proceedings_volume_are_different_books(imports_dir: Path) -> None:
    """Scopus lists each part of LNCS 6016-6019 (ICCSA 2010, parts 1-4) with the same title:
    the parts differ, so they are kept apart without asking a person."""
    result = read_file(imports_dir / "csv" / "scopus_litstudy.csv")
    records = [r for r in result.records if "LNCS" in r.volume]
    assert len(records) >= 4
    outcome = deduplicate(records)
    assert outcome.uncertain == ()
    assert all(cluster.size == 1 for cluster in outcome.clusters)
