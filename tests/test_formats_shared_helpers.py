"""The pieces the readers share: continuation lines, line lists, type look-ups, warnings once,
the pending record and the pause of the garbage collector around a read."""

from __future__ import annotations

import gc

import pytest

from cen_search.formats import enw, medline, ovid, ris, wos
from cen_search.formats._build import IssueLog, no_gc, type_table
from cen_search.formats._ris_split import Pending
from cen_search.formats._tagged import (
    TaggedRecord,
    join_lines,
    line_list,
    reference_type,
    split_tagged,
)
from cen_search.formats.base import Source
from cen_search.models import RecordType

SOURCE = Source(file="x", sha256="0" * 64, encoding="utf-8")


@pytest.mark.parametrize(
    ("value", "cont", "joined"),
    [
        ("Title", "", "Title"),
        ("Title", "\n   \n\t", "Title"),
        ("Title", "\n      wrapped \n\n  more", "Title\nwrapped\nmore"),
        ("", "\n  only continuation", "only continuation"),
        ("", "\n \n", ""),
        ("keyword one", "keyword two", "keyword one\nkeyword two"),
    ],
)
def test_continuation_lines_are_stripped_and_blank_ones_dropped(
    value: str, cont: str, joined: str
) -> None:
    assert join_lines(value, cont) == joined


def test_every_tagged_reader_joins_continuation_lines_the_same_way() -> None:
    texts = {
        ris: ("AB", "TY  - JOUR\nAB  - First\n   second  \n\n   third\nER  - \n"),
        medline: ("AB", "PMID- 1\nAB  - First\n      second  \n      third\n"),
        wos: ("AB", "FN Clarivate\nVR 1.0\nPT J\nAB First\n   second  \n   third\nER\nEF\n"),
        enw: ("%X", "%0 Journal Article\n%X First\nsecond  \nthird\n"),
        ovid: ("AB", "<1>\nAB  - First\n      second  \n      third\n"),
    }
    for module, (tag, text) in texts.items():
        record = module.read(text, SOURCE).records[0]
        assert record.raw_values(tag) == ["First\nsecond\nthird"], module.NAME


def test_line_lists_name_five_lines_and_count_the_rest() -> None:
    assert line_list([4]) == "line 4"
    assert line_list([4, 9]) == "lines 4, 9"
    assert line_list(list(range(1, 9))) == "lines 1, 2, 3, 4, 5 and 3 more"


def test_medline_layout_reports_text_outside_records_with_its_lines() -> None:
    issues = IssueLog("x")
    text = "junk\nPMID- 1\nTI  - a\n\njunk\n\nPMID- 2\nTI  - b\n"
    records = split_tagged(text, issues)
    assert [(r.line, r.fields) for r in records] == [
        (2, [("PMID", "1"), ("TI", "a")]),
        (7, [("PMID", "2"), ("TI", "b")]),
    ]
    assert [(w.message, w.line) for w in issues.warnings] == [
        ("text outside any record ignored: 'junk' (lines 1, 5)", 1)
    ]


def test_a_ris_pending_record_is_a_tagged_record() -> None:
    pending = Pending(3, True, [("TY", "JOUR")])
    assert isinstance(pending, TaggedRecord)
    assert (pending.line, pending.fields, pending.closed, pending.trailing) == (
        3,
        [("TY", "JOUR")],
        True,
        False,
    )


def test_reference_type_reads_the_table_then_document_type_labels() -> None:
    issues = IssueLog("x")
    types = type_table("ris_types")
    assert reference_type("JOUR", types, issues, line=1, record=1) is RecordType.ARTICLE
    assert reference_type("Review", types, issues, line=2, record=2) is RecordType.REVIEW
    assert reference_type("", types, issues, line=3, record=3) is None
    assert issues.warnings == []


def test_reference_type_reports_an_unknown_code_each_time() -> None:
    issues = IssueLog("x")
    types = type_table("enw_types")
    for record in (1, 2):
        assert reference_type("Zine", types, issues, line=record * 10, record=record) is None
    assert [(w.message, w.line, w.record_index) for w in issues.warnings] == [
        ("unknown reference type 'Zine' read as other", 10, 1),
        ("unknown reference type 'Zine' read as other", 20, 2),
    ]


def test_warn_once_warns_about_each_name_the_first_time_only() -> None:
    issues = IssueLog("x")
    issues.warn_once("misc", "type misc", line=1, record=1)
    issues.warn_once("misc", "type misc", line=5, record=2)
    issues.warn_once("zine", "type zine", line=9, record=3)
    assert [(w.message, w.line, w.record_index) for w in issues.warnings] == [
        ("type misc", 1, 1),
        ("type zine", 9, 3),
    ]


def test_no_gc_pauses_the_collector_for_each_call_and_restores_it() -> None:
    seen: list[bool] = []

    @no_gc()
    def work(fail: bool) -> None:
        seen.append(gc.isenabled())
        if fail:
            raise ValueError("bad")

    assert gc.isenabled()
    work(False)
    with pytest.raises(ValueError):
        work(True)
    work(False)
    assert seen == [False, False, False]
    assert gc.isenabled()
