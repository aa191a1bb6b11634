"""What an update searches again and how: targets per database, export instructions with
the entry-date limit per platform, publication-date limits opened, sources and skips."""

from __future__ import annotations

import datetime as dt
import shutil
from pathlib import Path

import pytest

from cen_search.errors import ConfigError, UsageError
from cen_search.strategies import parse_strategy_text
from cen_search.strategies.translate import translate
from cen_search.update.exports import configured_exports, export_for
from cen_search.update.limits import closed_limits, last_day, open_limits
from cen_search.update.model import Source, Window
from cen_search.update.sources import find_source, review_sources, skip_source, source_states
from cen_search.update.targets import choose_target, configured_targets
from cen_search.update.window import start_update
from cen_search.workspace import Workspace

REPO = Path(__file__).resolve().parents[1]
WINDOW = Window("2019-11-12", "2021-06-30", 30, "2019-12-12")
UNTIL = dt.date(2021, 6, 30)


@pytest.mark.parametrize(
    ("database", "platform", "target"),
    [
        ("MEDLINE", "Ovid", "pubmed"),
        ("Ovid MEDLINE(R) ALL", "Ovid", "pubmed"),
        ("MEDLINE Complete", "EBSCOhost", "pubmed"),
        ("PubMed", "", "pubmed"),
        ("", "PubMed", "pubmed"),
        ("Europe PMC", "", "europepmc"),
        ("OpenAlex", "", "openalex"),
        ("Embase", "Ovid", ""),
        ("CINAHL", "EBSCOhost", ""),
        ("MedlinePlus", "", ""),
        ("ASSIA", "ProQuest", ""),
    ],
)
def test_a_strategy_runs_only_where_an_open_api_holds_its_database(database, platform, target):
    chosen, why = choose_target(
        strategy_id="s", database=database, platform=platform, configured={}
    )
    assert chosen == target and why


def test_the_review_chooses_per_strategy_or_database():
    configured = configured_targets(
        {"run": {"medline-ovid": "export", "PsycINFO": "europepmc", "x": "None"}}
    )
    assert configured == {"medline-ovid": "export", "psycinfo": "europepmc", "x": "export"}
    kept, why = choose_target(
        strategy_id="medline-ovid", database="MEDLINE", platform="Ovid", configured=configured
    )
    assert kept == "" and "medline-ovid" in why
    assert choose_target(
        strategy_id="p", database="psycinfo", platform="Ovid", configured=configured
    )[0] == ("europepmc")
    with pytest.raises(ConfigError, match="is not a service"):
        configured_targets({"run": {"medline-ovid": "scopus"}})
    with pytest.raises(ConfigError, match="must be a table"):
        configured_targets({"run": "pubmed"})


def _source(database: str, platform: str, **values: object) -> Source:
    return Source(key=f"db:{database}", database=database, platform=platform, **values)  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("database", "platform", "final", "limit"),
    [
        ("Embase", "Ovid", "26", "limit 26 to dc=20191112-20210630"),
        ("MEDLINE", "Ovid", "28", "limit 28 to ed=20191112-20210630"),
        ("HMIC", "Ovid", "20", "limit 20 to ed=20191112-20210630"),
        ("CINAHL", "EBSCOhost", "S19", "S19 AND EM 20191112-20210630"),
        ("ASSIA", "ProQuest", "S16", "S16 AND UD(20191112-20210630)"),
        ("Scopus", "Scopus", "", "added to the database from 2019-11-12 to 2021-06-30"),
    ],
)
def test_exports_say_which_entry_date_limit_to_apply_on_each_platform(
    database, platform, final, limit
):
    export = export_for(_source(database, platform, final_line=final), WINDOW)
    assert any(limit in step for step in export.steps), export.steps
    assert export.verify
    assert export.steps[-1].startswith(f'import it: cen-search import FILE --database "{database}"')
    assert (export.since, export.until) == ("2019-11-12", "2021-06-30")


def test_an_export_opens_the_strategys_own_date_limits_and_names_its_strategy():
    source = _source(
        "Embase",
        "Ovid",
        final_line="26",
        strategy="strategies/embase-ovid.txt",
        closed_limits=('line 26: yr="2003 - 2019"',),
    )
    steps = export_for(source, WINDOW).steps
    assert steps[0] == "run the strategy saved in strategies/embase-ovid.txt on Embase (Ovid)"
    assert 'open the date limit of line 26: yr="2003 - 2019" to the present' in steps[1]
    assert steps[-1].endswith("--strategy strategies/embase-ovid.txt")
    header_only = _source("ASSIA", "ProQuest", saved_until="2019-01-31", final_line="S16")
    assert any(
        "its header says it searched up to 2019-01-31" in s
        for s in export_for(header_only, WINDOW).steps
    )


def test_the_review_can_give_its_own_limit_and_a_broken_one_is_named():
    configured = configured_exports({"export": {"Embase": "limit {final} to dd={start:%Y}"}})
    export = export_for(_source("Embase", "Ovid", final_line="26"), WINDOW, configured=configured)
    assert "limit 26 to dd=2019" in export.steps[1]
    broken = configured_exports({"export": {"Embase": "limit {last} to x"}})
    with pytest.raises(ConfigError, match="cannot be filled in"):
        export_for(_source("Embase", "Ovid"), WINDOW, configured=broken)
    with pytest.raises(ConfigError, match="must map names"):
        configured_exports({"export": {"Embase": 3}})


OVID = """1 exp Personality Disorders/
2 (borderline adj3 personalit*).ti,ab.
3 or/1-2
4 limit 3 to yr="2003 - 2019"
"""


def test_a_publication_year_limit_ending_before_the_window_is_opened_for_the_run():
    strategy = parse_strategy_text(OVID, platform="ovid")
    assert closed_limits(strategy, UNTIL) == ['line 4: yr="2003 - 2019"']
    opened, which = open_limits(strategy, UNTIL)
    assert which == ['line 4: yr="2003 - 2019"']
    assert translate(strategy, "pubmed").lines[-1].query.endswith("2003:2019[dp]")
    assert translate(opened, "pubmed").lines[-1].query.endswith("2003:3000[dp]")
    # a limit that runs to the present, or past the window, is left alone
    current = parse_strategy_text(OVID.replace("2003 - 2019", "2003 -Current"), platform="ovid")
    assert closed_limits(current, UNTIL) == [] and open_limits(current, UNTIL)[0] is current
    later = parse_strategy_text(OVID.replace("2003 - 2019", "2003 - 2022"), platform="ovid")
    assert closed_limits(later, UNTIL) == []


def test_an_ebsco_published_date_limiter_is_found_too():
    strategy = parse_strategy_text(
        "S1\tTI dementia\tLimiters - Published Date: 20030101-20191231\t10\n", platform="ebsco"
    )
    assert closed_limits(strategy, UNTIL) == [
        "line S1: Limiters - Published Date: 20030101-20191231"
    ]


@pytest.mark.parametrize(
    ("bound", "day"),
    [("2019", "2019-12-31"), ("2020-02", "2020-02-29"), ("2019-06-15", "2019-06-15"), ("x", None)],
)
def test_a_bound_covers_up_to_its_last_day(bound, day):
    found = last_day(bound)
    assert (found.isoformat() if found else None) == day


@pytest.fixture()
def example(tmp_path: Path) -> Workspace:
    shutil.copytree(REPO / "examples" / "cen-review", tmp_path / "review")
    return Workspace(tmp_path / "review")


def test_the_example_has_six_sources_one_with_an_api(example):
    sources = review_sources(example, earlier=["base"], until=UNTIL)
    assert [(s.database, s.target) for s in sources] == [
        ("ASSIA", ""),
        ("CINAHL", ""),
        ("Embase", ""),
        ("HMIC", ""),
        ("MEDLINE", "pubmed"),
        ("Social Policy and Practice", ""),
    ]
    medline = find_source(sources, "medline-ovid")
    assert medline.last_searched == "2019-12-09" and medline.final_line == "28"
    assert medline.closed_limits == ('line 28: yr="2003 - 2019"',)
    assert find_source(sources, "social policy and practice").strategy == "strategies/spp-ovid.txt"
    with pytest.raises(UsageError, match="no source of the review is called 'Scopus'"):
        find_source(sources, "Scopus")


def test_a_database_without_a_saved_strategy_is_a_source_of_its_own(example, tmp_path):
    data = REPO / "tests" / "data" / "screening" / "medline.ris"
    example.import_file(data, database="PsycINFO", platform="Ovid", searched="2019-12-13")
    sources = review_sources(example, earlier=["base"], until=UNTIL)
    psycinfo = find_source(sources, "PsycINFO")
    assert psycinfo.key == "db:psycinfo" and not psycinfo.strategy and not psycinfo.target
    assert "no saved strategy" in psycinfo.target_reason
    assert psycinfo.last_searched == "2019-12-13"


def test_skipping_a_source_and_taking_it_back(example):
    start_update(example, name="2021", today=UNTIL)
    skip_source(example, "ASSIA", reason="subscription ended", today=UNTIL)
    sources = review_sources(example, earlier=["base"], until=UNTIL)
    states, _ = source_states(example, sources, round_name="2021", window=WINDOW)
    assia = next(s for s in states if s.source.database == "ASSIA")
    assert (assia.status, assia.note, assia.export) == ("skipped", "subscription ended", None)
    skip_source(example, "assia-proquest", undo=True, today=UNTIL)
    states, _ = source_states(example, sources, round_name="2021", window=WINDOW)
    assert next(s for s in states if s.source.database == "ASSIA").status == "awaited"
    with pytest.raises(UsageError, match="no update round"):
        skip_source(Workspace.init(example.root.parent / "new", title="t"), "ASSIA")


def test_skipping_a_skipped_source_again_without_a_reason_keeps_its_reason(example):
    start_update(example, name="2021", today=UNTIL)
    skip_source(example, "ASSIA", reason="subscription ended", today=UNTIL)
    skip_source(example, "assia", today=UNTIL)
    sources = review_sources(example, earlier=["base"], until=UNTIL)
    states, _ = source_states(example, sources, round_name="2021", window=WINDOW)
    assia = next(s for s in states if s.source.database == "ASSIA")
    assert (assia.status, assia.note) == ("skipped", "subscription ended")


def test_the_round_report_s_export_limits_end_on_the_day_it_is_given(example):
    # an open window ends the day the searches run: the day the report is made for, also in
    # the export instructions (not the computer's date)
    from cen_search.update.status import round_report

    start_update(example, name="2021", today=UNTIL)
    report = round_report(example, today=UNTIL)
    embase = next(s for s in report.sources if s.source.database == "Embase")
    assert embase.export is not None and embase.export.until == "2021-06-30"
    assert any("dc=20191112-20210630" in step for step in embase.export.steps)


def _library_with_links():
    from cen_search.formats import read_file
    from cen_search.screening.reports import Origin, RecordLink, build_library

    records = list(read_file(REPO / "tests" / "data" / "screening" / "medline.ris").records)
    origins = [Origin("MEDLINE", round="base")] * 3 + [Origin("PubMed", round="2021")] * 3
    links = [
        RecordLink(0, 3, "abstract-of", "a conference abstract of the full report"),
        RecordLink(4, 1, "erratum-of", "an erratum"),
        RecordLink(0, 2, "comment-on", "both earlier"),
        RecordLink(4, 5, "republished", "both new"),
    ]
    return build_library(records, origins, [], round_names=("base", "2021"), record_links=links)


def test_news_reads_each_relation_from_the_new_records_side():
    from cen_search.screening.config import ScreeningConfig
    from cen_search.screening.flow import Screening
    from cen_search.update.changes import relation_phrase, round_changes

    screening = Screening.of(_library_with_links(), [], ScreeningConfig())
    changes = round_changes(screening, "2021")
    assert [(c.source, c.records, c.already_known, c.new) for c in changes.counts] == [
        ("PubMed", 3, 0, 3)
    ]
    phrases = {n.relation: relation_phrase(n) for n in changes.news}
    assert phrases == {
        "abstract-of": "the full report of the earlier abstract",
        "erratum-of": "an erratum of",
    }
    assert {n.known_outcome for n in changes.news} == {"still being screened"}
