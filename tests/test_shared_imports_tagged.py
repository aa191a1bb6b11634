"""Every tagged export in ../shared/data/imports (ris/, nbib/, other/) through the registry.

Format detection is from content: each file must be detected as its true format, read with the
record count decided in the per-format tests, and every tagged-format sniffer must stay silent
on the BibTeX and CSV samples.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from test_formats_medline import MEDLINE_COUNTS
from test_formats_ris import RIS_COUNTS

from cen_search.formats import detect_format, enw, medline, ovid, read_file, ris, wos
from cen_search.formats.textio import decode

OTHER_COUNTS = {
    "endnote-tagged-ais_colrev.enw": ("enw", 6),
    "ovid-display-format_jabref.txt": ("ovid", 1),
    "wos-plaintext_rispy.txt": ("wos", 2),
}
EXPECTED = {
    **{f"ris/{name}": ("ris", count) for name, count in RIS_COUNTS.items()},
    **{f"nbib/{name}": ("medline", count) for name, count in MEDLINE_COUNTS.items()},
    **{f"other/{name}": value for name, value in OTHER_COUNTS.items()},
}
SNIFFERS = {
    "ris": ris.sniff,
    "medline": medline.sniff,
    "wos": wos.sniff,
    "enw": enw.sniff,
    "ovid": ovid.sniff,
}


def test_every_tagged_shared_file_is_listed(imports_dir: Path) -> None:
    kinds = ("ris", "nbib", "other")
    found = {f"{kind}/{p.name}" for kind in kinds for p in (imports_dir / kind).iterdir()}
    assert found == set(EXPECTED)


@pytest.mark.parametrize("relative", sorted(EXPECTED))
def test_format_is_detected_from_content(imports_dir: Path, relative: str) -> None:
    path = imports_dir / relative
    text = decode(path.read_bytes()).text
    assert detect_format(text, str(path)).name == EXPECTED[relative][0]
    # the extension is no help: the same text under a .txt name is detected the same way
    assert detect_format(text, "export.txt").name == EXPECTED[relative][0]


@pytest.mark.parametrize("relative", sorted(EXPECTED))
def test_read_file_detects_format_and_counts_records(imports_dir: Path, relative: str) -> None:
    result = read_file(imports_dir / relative)
    name, count = EXPECTED[relative]
    assert (result.format, len(result.records)) == (name, count)
    assert all(r.provenance.format == name for r in result.records)


@pytest.mark.parametrize("relative", sorted(EXPECTED))
def test_only_the_right_sniffer_claims_each_file(imports_dir: Path, relative: str) -> None:
    text = decode((imports_dir / relative).read_bytes()).text
    claims = {name for name, sniff in SNIFFERS.items() if sniff(text) > 0}
    assert claims == {EXPECTED[relative][0]}


@pytest.mark.parametrize("kind", ["bibtex", "csv"])
def test_tagged_sniffers_are_silent_on_bibtex_and_csv(imports_dir: Path, kind: str) -> None:
    for path in sorted((imports_dir / kind).iterdir()):
        text = decode(path.read_bytes()).text
        scores = {name: sniff(text) for name, sniff in SNIFFERS.items()}
        assert not any(scores.values()), (path.name, scores)
