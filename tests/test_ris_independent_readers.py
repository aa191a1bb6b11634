"""Every RIS file cen-search writes reads the same in rispy and in citation-js.

The RIS that goes on to EndNote, Zotero, Rayyan or Covidence must be plain RIS: two-character
tags only, one line per value, a unique ``ID``, the database in ``DB``. Each test below writes
RIS from real records and reads it back with cen-search's own reader, rispy and citation-js
(see ``tests/_ris_readers.py``), which must agree field by field.
"""

from __future__ import annotations

import io
import re
from pathlib import Path

from cen_search.dedupe import deduplicate, members_of
from cen_search.dedupe.merge import merged_records
from cen_search.errors import UnknownFormatError
from cen_search.formats import read_file, read_text, ris
from cen_search.formats.base import Source
from cen_search.models import Record
from tests._dedupe_cli import CLI_DATA, run_cli
from tests._ris_readers import check_ris
from tests.conftest import TEST_DATA

_LINE = re.compile(r"^(?:[A-Z][A-Z0-9]  - \S.*|ER  - )$")


def _ris(records: list[Record] | tuple[Record, ...]) -> str:
    out = io.StringIO()
    ris.write(records, out)
    return out.getvalue()


def _assert_plain_ris(text: str) -> None:
    """Only ``TAG  - value`` lines with two-character tags, ``ER`` lines and blank lines."""
    for number, line in enumerate(text.split("\n"), 1):
        assert not line or _LINE.match(line), (number, line[:80])
    ids = [line[6:] for line in text.split("\n") if line.startswith("ID  - ")]
    assert len(ids) == len(set(ids)) == text.count("\nER  - ") + text.startswith("ER  - ")


def test_every_real_export_written_as_ris_reads_the_same_in_rispy_and_citation_js(
    imports_dir: Path, tmp_path: Path
) -> None:
    texts: dict[str, str] = {}
    for kind in ("ris", "nbib", "bibtex", "csv", "other"):
        for path in sorted((imports_dir / kind).iterdir()):
            try:
                records = read_file(path).records
            except UnknownFormatError:
                continue
            if records:
                texts[f"{kind}/{path.name}"] = _ris(records)
    for path in sorted((TEST_DATA / "formats").iterdir()):
        texts[f"tests/data/formats/{path.name}"] = _ris(read_file(path).records)
    texts["odd-values.ris"] = _ris(read_file(TEST_DATA / "roundtrip" / "odd-values.ris").records)
    for text in texts.values():
        _assert_plain_ris(text)
    assert check_ris(texts, tmp_path) > 1000


def test_deduplicated_library_is_plain_ris_with_every_member_and_database(
    tmp_path: Path,
) -> None:
    records = read_file(TEST_DATA / "dedupe" / "pairs.ris", database="Labelled").records
    result = deduplicate(records)
    merged = merged_records(records, result)
    text = _ris(merged)
    _assert_plain_ris(text)
    assert "CEN-" not in text and "cen-search:member" not in text
    check_ris({"merged": text}, tmp_path)
    back = read_text(text, Source("written.ris", "0" * 64, "utf-8")).records
    assert len(back) == len(result.clusters)
    for cluster, before, after in zip(result.clusters, merged, back, strict=True):
        assert after.database == "Labelled"  # singletons too: the database given
        members = members_of(after)
        if len(cluster.members) > 1:
            # the member list travels in a note and reads back from the written file
            assert [m.record_id for m in members] == [m.record_id for m in members_of(before)]
            assert {m.record_id for m in members} == {str(records[i].id) for i in cluster.members}
            longest = max(len(records[i].authors) for i in cluster.members)
            assert len(after.authors) == longest
        else:
            assert members == []


def test_dedupe_output_names_each_members_database(capsys, tmp_path: Path) -> None:
    out = tmp_path / "unique.ris"
    run = run_cli(
        capsys,
        "dedupe",
        CLI_DATA / "alpha.ris",
        CLI_DATA / "beta.bib",
        "--database",
        "MEDLINE",
        "--database",
        "Embase",
        "-o",
        out,
    )
    assert run.code == 0, run.err
    text = out.read_text(encoding="utf-8")
    _assert_plain_ris(text)
    check_ris({"dedupe -o": text}, tmp_path)
    records = read_file(out).records
    assert all(r.database for r in records)
    merged = [r for r in records if members_of(r)]
    assert merged, "the example files hold duplicates"
    for record in merged:
        assert set(record.database.split("; ")) == {m.database for m in members_of(record)}


def test_workspace_deduplicated_library_is_plain_ris_naming_each_database(
    capsys, tmp_path: Path
) -> None:
    review = tmp_path / "review"
    example = TEST_DATA.parent.parent / "examples" / "cen-review" / "imports"
    assert run_cli(capsys, "init", review, "--title", "t", "--email", "a@b.org").code == 0
    for name, database in (("MEDLINE.txt", "MEDLINE"), ("Embase.ris", "Embase")):
        run = run_cli(capsys, "-C", review, "import", example / name, "--database", database)
        assert run.code == 0, run.err
    run = run_cli(capsys, "-C", review, "dedupe")
    assert run.code in (0, 4), run.err
    library = review / "dedupe" / "unique.ris"
    text = library.read_text(encoding="utf-8")
    _assert_plain_ris(text)
    check_ris({"dedupe/unique.ris": text}, tmp_path)
    records = read_file(library).records
    # every record names the database it was imported as (MEDLINE records also name "NLM")
    assert all({"MEDLINE", "Embase"} & set(r.database.split("; ")) for r in records)
    assert {"MEDLINE", "Embase"} <= {d for r in records for d in r.database.split("; ")}


def test_names_read_from_other_formats_are_written_family_comma_given_for_ris_readers(
    imports_dir: Path, tmp_path: Path
) -> None:
    # found by a stranger's trial reading converted exports with citation-js: names read
    # from BibTeX ("Jessica E Black", Mendeley), Scopus CSV ("Phillips J.C.") and IEEE Xplore
    # CSV ("P. Kogge") were written to AU as given, without the comma RIS puts after the
    # family name, and citation-js read every one as a literal name with no family name
    # (the EndNote XML writer already wrote "Family, Given")
    from tests._ris_readers import _citation_js

    sources = {
        "bibtex/mendeley_bbt-fixture.bib": "Black",
        "csv/scopus_litstudy.csv": "Phillips",
        "csv/ieee-xplore_litstudy.csv": "Kogge",
    }
    texts = {}
    for name, family in sources.items():
        records = [r for r in read_file(imports_dir / name).records if r.authors]
        (record,) = [r for r in records if r.authors[0].family == family][:1]
        texts[name] = _ris([record])
    assert check_ris(texts, tmp_path) == len(texts)
    paths = []
    for number, text in enumerate(texts.values()):
        paths.append(tmp_path / f"names-{number}.ris")
        paths[-1].write_text(text, encoding="utf-8")
    seen = _citation_js(paths)
    for path, (name, family) in zip(paths, sources.items(), strict=True):
        (csl,) = seen[str(path)]["csl"]
        assert csl["author"][0]["family"] == family, (name, csl["author"][0])
        assert csl["author"][0]["given"], name
        assert all("literal" not in author for author in csl["author"]), name
