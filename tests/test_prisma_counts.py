"""PRISMA 2020 counts from hand-built screening folds: each box from its own decision, units
kept apart, identities that name the reports breaking them, updates (previous / new / total)."""

from __future__ import annotations

from dataclasses import replace

import pytest

from cen_search.errors import UsageError
from cen_search.prisma.counts import NO_REASON, compute_flow
from cen_search.screening.model import FtOutcome, Retrieval, TaOutcome
from tests._flows import EXCLUDED, NOT_RETRIEVED, Flow, ft_excluded, included


def colrev_toy() -> Flow:
    """The toy review of the notes' §4.4.5 (CoLRev counted sought 10 and studies 3)."""
    flow = Flow(reasons=("Wrong setting", "Wrong population"))
    flow.many(6, "MEDLINE", **EXCLUDED)
    flow.report("MEDLINE", **NOT_RETRIEVED)
    flow.report("MEDLINE", **ft_excluded("Wrong setting"))
    flow.report("MEDLINE", **ft_excluded("Wrong population"))
    flow.report("MEDLINE", **included("S1"))
    return flow


def test_toy_review_counts_sought_and_studies_from_their_own_decisions() -> None:
    flow = compute_flow(colrev_toy().state())
    dbr = flow.dbr
    assert (dbr.screened, dbr.excluded, dbr.sought) == (10, 6, 4)
    assert (dbr.not_retrieved, dbr.assessed, dbr.excluded_reports) == (1, 3, 2)
    assert (flow.included.studies, flow.included.reports) == (1, 1)
    assert flow.ok and flow.final


def test_two_reports_of_one_study_count_one_study_and_two_reports() -> None:
    flow = Flow()
    flow.report("MEDLINE", **included("S1"))
    flow.report("Embase", **included("S1"))
    counts = compute_flow(flow.state())
    assert (counts.included.studies, counts.included.reports) == (1, 2)


def test_twenty_nine_reports_of_twenty_seven_studies() -> None:
    flow = Flow()
    for number in range(27):
        flow.report("MEDLINE", "Embase", **included(f"S{number}"))
    flow.report("CINAHL", **included("S0"))
    flow.report(("Citation tracing", "citation"), **included("S0"))
    counts = compute_flow(flow.state())
    assert (counts.included.studies, counts.included.reports) == (27, 29)
    assert (counts.dbr.included, counts.other.included) == (28, 1)
    assert counts.ok


def test_duplicates_removed_are_records_beyond_the_first_of_each_report() -> None:
    flow = Flow()
    flow.report("MEDLINE", "Embase", "CINAHL", **EXCLUDED)
    flow.report("MEDLINE", **EXCLUDED)
    counts = compute_flow(flow.state())
    assert (counts.dbr.identified, counts.dbr.duplicates, counts.dbr.screened) == (4, 2, 2)
    assert {s.name: s.records for s in counts.dbr.sources} == {
        "MEDLINE": 2,
        "Embase": 1,
        "CINAHL": 1,
    }


def test_other_methods_count_distinct_records_not_found_by_databases() -> None:
    flow = Flow()
    flow.report("MEDLINE", ("Citation tracing", "citation"), **EXCLUDED)
    flow.report(("Citation tracing", "citation"), ("Call for evidence", "call-for-evidence"),
                **included("S1"))  # fmt: skip
    flow.report(("Web searches", "website"), **included("S2"))
    counts = compute_flow(flow.state())
    other = counts.other
    assert other.identified == 2
    assert other.duplicates_cross_lane == 1
    assert other.duplicates == 1
    assert dict(other.by_method()) == {"citation": 1, "website": 1}
    assert counts.dbr.identified == 1  # the citation record of report 1 is not a database one
    assert other.sought == other.assessed == other.included == 2
    assert any("counted once" in note for note in counts.notes)
    assert any("also found in the databases" in note for note in counts.notes)
    assert counts.ok


def test_reasons_follow_the_review_order_and_missing_reason_is_pending() -> None:
    flow = Flow(reasons=("B reason", "A reason"))
    flow.report("MEDLINE", **ft_excluded("A reason"))
    flow.report("MEDLINE", **ft_excluded("B reason"))
    flow.report("MEDLINE", **ft_excluded(""))
    counts = compute_flow(flow.state())
    assert [r.reason for r in counts.dbr.reasons] == ["B reason", "A reason", NO_REASON]
    assert [p.what for p in counts.pending] == ["reasons"]


def test_excluded_at_title_abstract_but_retrieved_breaks_screened_and_is_named() -> None:
    flow = colrev_toy()
    flow.reports[0] = replace(flow.reports[0], retrieval=Retrieval.RETRIEVED)
    counts = compute_flow(flow.state())
    broken = {check.name: check for check in counts.broken}
    assert "screened" in broken
    assert any("report r1" in item for item in broken["screened"].responsible)
    assert broken["screened"].left == 10 and broken["screened"].right == 11
    assert not counts.ok


def test_sought_without_a_title_abstract_decision_is_not_screened_twice() -> None:
    flow = Flow()
    flow.report(("Citation tracing", "citation"), retrieval=Retrieval.RETRIEVED,
                ft=FtOutcome.INCLUDE, study="S1")  # fmt: skip
    counts = compute_flow(flow.state())
    assert (counts.other.screened, counts.other.sought, counts.other.screening_pending) == (1, 1, 0)
    assert counts.ok and counts.final


def test_included_at_title_abstract_but_never_sought_is_named() -> None:
    flow = Flow()
    flow.report("MEDLINE", ta=TaOutcome.INCLUDE)
    counts = compute_flow(flow.state())
    check = next(c for c in counts.broken if c.name == "screened")
    assert check.responsible == ("report r1 was included at title/abstract but not sought",)


def test_full_text_outcome_without_retrieval_breaks_assessed() -> None:
    flow = Flow()
    flow.report("MEDLINE", ta=TaOutcome.INCLUDE, retrieval=Retrieval.NOT_RETRIEVED,
                ft=FtOutcome.INCLUDE, study="S1")  # fmt: skip
    counts = compute_flow(flow.state())
    assert "assessed" in {c.name for c in counts.broken}


def test_record_whose_report_is_missing_breaks_identified_and_is_named() -> None:
    flow = Flow()
    flow.report("MEDLINE", **EXCLUDED)
    flow.records[0] = replace(flow.records[0], report_id="ghost")
    counts = compute_flow(flow.state())
    check = next(c for c in counts.broken if c.name == "identified")
    assert any("medline/fp:r1-0" in item and "ghost" in item for item in check.responsible)


def test_removed_before_screening_is_not_screened() -> None:
    flow = Flow()
    flow.report("MEDLINE", removed="automation", removed_reason="RCT classifier")
    flow.report("MEDLINE", removed="other", removed_reason="retracted")
    flow.report("MEDLINE", **EXCLUDED)
    counts = compute_flow(flow.state())
    assert (counts.dbr.removed_automation, counts.dbr.removed_other, counts.dbr.screened) == (
        1,
        1,
        1,
    )
    assert counts.ok


def test_automation_exclusions_are_split_in_the_footnote() -> None:
    flow = Flow()
    flow.report("MEDLINE", ta=TaOutcome.EXCLUDE, ta_by_automation=True)
    flow.report("MEDLINE", **EXCLUDED)
    counts = compute_flow(flow.state())
    assert (counts.dbr.excluded, counts.dbr.excluded_automation) == (1, 1)
    assert any("by automation tools (n = 1)" in note for note in counts.notes)


def test_methods_sentence_counts_one_automated_exclusion_in_the_singular() -> None:
    from cen_search.prisma.methods import selection_sentences
    from cen_search.screening.model import StageDesign

    flow = Flow()
    flow.report("MEDLINE", ta=TaOutcome.EXCLUDE, ta_by_automation=True)
    counts = compute_flow(flow.state())
    design = StageDesign("ta", ("AB",), screened=1, screened_by_two=0)
    text = selection_sentences(counts, (design,), ())[-1]
    assert text.startswith("Automation tools excluded 1 record at title/abstract"), text


def test_pending_screening_and_unlinked_reports_are_pending_not_broken() -> None:
    flow = Flow()
    flow.report("MEDLINE")
    flow.report("MEDLINE", ta=TaOutcome.CONFLICT)
    flow.report("MEDLINE", ta=TaOutcome.INCLUDE, retrieval=Retrieval.PENDING)
    flow.report("MEDLINE", ta=TaOutcome.INCLUDE, retrieval=Retrieval.RETRIEVED)
    flow.report("MEDLINE", **included(""))
    counts = compute_flow(flow.state())
    assert counts.ok and not counts.final
    assert {p.what: p.count for p in counts.pending} == {
        "screening": 1,
        "screening-conflicts": 1,
        "retrieval": 1,
        "assessment": 1,
        "study-links": 1,
    }
    assert counts.included.studies == 1 and counts.included.unlinked == 1
    assert any(note.startswith("DRAFT") for note in counts.notes)


def updated_review() -> Flow:
    flow = Flow(rounds=("base", "2021"))
    flow.report("MEDLINE", "Embase", **included("S1"))
    flow.report("MEDLINE", **included("S2"))
    flow.report("MEDLINE", **EXCLUDED)
    # round 2021: two records of base reports found again, five new reports
    flow.reports[0] = replace(flow.reports[0], members=(*flow.reports[0].members, "x/1"))
    flow.records.append(replace(flow.records[0], uid="x/1", round="2021"))
    flow.records.append(replace(flow.records[2], uid="x/2", round="2021"))
    flow.report("MEDLINE", round="2021", **included("S1"))  # a new report of an old study
    flow.report("MEDLINE", "Embase", round="2021", **included("S3"))
    flow.many(3, "MEDLINE", round="2021", **EXCLUDED)
    return flow


def test_update_counts_previous_new_and_total() -> None:
    counts = compute_flow(updated_review().state(), template="update")
    inc = counts.included
    assert (inc.previous_studies, inc.previous_reports) == (2, 2)
    assert (inc.new_studies, inc.new_reports) == (1, 2)
    assert (inc.studies, inc.reports) == (3, 4)
    dbr = counts.dbr
    assert dbr.identified == 2 + 1 + 2 + 3  # this round's records only
    assert (dbr.duplicates_earlier, dbr.duplicates, dbr.screened) == (2, 1, 5)
    assert counts.duplicates_shown == 3
    assert counts.ok


def test_update_can_count_earlier_records_as_removed_for_other_reasons() -> None:
    counts = compute_flow(updated_review().state(), template="update", earlier_screened="other")
    assert counts.duplicates_shown == 1
    assert any("Records screened in a previous version" in note for note in counts.notes)


def test_update_is_the_default_once_a_review_has_two_rounds() -> None:
    assert compute_flow(updated_review().state()).template == "update"
    assert compute_flow(updated_review().state(), template="new").template == "new"


def test_report_of_an_earlier_round_included_now_counts_as_new() -> None:
    flow = updated_review()
    flow.report("CINAHL", report_round="base", decided_round="2021", **included("S9"))
    counts = compute_flow(flow.state(), template="update")
    assert counts.included.reopened == 1
    assert counts.included.new_reports == 3
    assert counts.ok


def test_update_template_needs_an_earlier_round() -> None:
    with pytest.raises(UsageError, match="first round"):
        compute_flow(colrev_toy().state(), template="update")
    with pytest.raises(UsageError, match="no round named"):
        compute_flow(updated_review().state(), template="update", round_name="2030")
    with pytest.raises(UsageError, match="--round"):
        compute_flow(updated_review().state(), template="new", round_name="2021")


def test_methods_sentence_names_how_disagreements_were_resolved_in_words() -> None:
    # found running prisma on the example review: "1 disagreement was resolved by
    # third-reviewer (1)", and unresolved disagreements were said to be resolved
    from cen_search.prisma.methods import selection_sentences
    from cen_search.screening.model import StageDesign

    counts = compute_flow(colrev_toy().state())

    def said(conflicts: int, resolved_by: dict[str, int]) -> str:
        design = StageDesign("ft", ("AB", "CD"), screened=9, screened_by_two=9,
                             conflicts=conflicts, resolved_by=resolved_by)  # fmt: skip
        return selection_sentences(counts, (design,), ())[0]

    assert said(1, {"third-reviewer": 1}).endswith(
        "1 disagreement was resolved by a third reviewer."
    )
    assert said(3, {"discussion": 2, "third-reviewer": 1}).endswith(
        "3 disagreements were resolved by discussion (2) and a third reviewer (1)."
    )
    assert said(3, {"discussion": 2}).endswith(
        "3 disagreements: 2 resolved by discussion, 1 not yet resolved."
    )
    assert said(2, {}).endswith("2 disagreements are not yet resolved.")


def test_methods_sentences_say_who_screened_and_how() -> None:
    from cen_search.prisma.methods import selection_sentences, sources_sentence
    from cen_search.screening.model import Agreement, StageDesign

    counts = compute_flow(colrev_toy().state())
    designs = (
        StageDesign("ta", ("AB", "CD"), screened=10, screened_by_two=4,
                    sample="all includes and a random 20% of excludes", conflicts=2,
                    resolved_by={"discussion": 2}),
        StageDesign("ft", ("AB",), screened=3, screened_by_two=0),
    )  # fmt: skip
    agreements = (Agreement("ta", ("AB", "CD"), n=4, agreed=3, kappa=0.5),)
    text = " ".join(selection_sentences(counts, designs, agreements))
    # records are screened on title and abstract, reports in full (PRISMA's units)
    assert "2 reviewers screened the titles and abstracts of 10 records" in text
    assert "4 were screened independently by two reviewers (all includes" in text
    assert "2 disagreements were resolved by discussion." in text
    assert "1 reviewer screened the full texts of 3 reports, each by one reviewer" in text
    assert "75.0% of 4, Cohen's kappa 0.50" in text
    assert "No automation tools" in text
    assert selection_sentences(counts, (), ()) == ["No screening decisions have been recorded yet."]
    sources = " ".join(sources_sentence(counts, windows={"medline": ("2003-01-01", "2019-12-31")}))
    assert sources == (
        "We searched 1 database: MEDLINE (January 2003 to December 2019; search date not recorded)."
    )


def test_markdown_footnotes_keep_their_asterisks_when_rendered() -> None:
    # found reading prisma.md rendered: "- * Records identified ..." became a list inside the
    # list and its footnote marker vanished
    import html as html_text

    from markdown_it import MarkdownIt

    from cen_search.prisma.summary import to_markdown

    flow = compute_flow(colrev_toy().state())
    assert any(note.startswith("* ") for note in flow.notes)
    html = MarkdownIt("commonmark").render(to_markdown(flow))
    notes = html.split("<h2>Notes</h2>", 1)[1].split("</ul>", 1)[0]
    items = [html_text.unescape(i.split("</li>")[0]) for i in notes.split("<li>")[1:]]
    assert items == list(flow.notes)
