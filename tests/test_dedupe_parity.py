"""The same records exported by two tools, deduplicated together: each record's two copies form
exactly one cluster, with nothing else in it (``../shared/data/imports``, pairs named in its
``SOURCES.md``; the DOIs every record carries pair the copies)."""

from __future__ import annotations

from pathlib import Path

import pytest

from cen_search.dedupe import deduplicate
from cen_search.formats import read_file

PAIRS = [
    ("ris/lens_asreview-baseline.ris", "ris/zotero_asreview-baseline.ris"),
    ("ris/ovid-psycinfo_asreview.ris", "ris/ovid-psycinfo-via-zotero_asreview.ris"),
    ("ris/embase-com_asreview.ris", "csv/embase-com_asreview.csv"),
]


@pytest.mark.parametrize(("first", "second"), PAIRS)
def test_copies_exported_by_two_tools_form_exactly_one_cluster_each(
    imports_dir: Path, first: str, second: str
) -> None:
    a = list(read_file(imports_dir / first).records)
    b = list(read_file(imports_dir / second).records)
    by_doi = {r.doi: i for i, r in enumerate(b)}
    assert len(a) == len(b) == len(by_doi) and all(r.doi in by_doi for r in a)
    result = deduplicate([*a, *b])
    for i, r in enumerate(a):
        copy = len(a) + by_doi[r.doi]
        cluster = result.clusters[result.cluster_of[i]]
        assert cluster.members == (i, copy), r.title
    assert result.uncertain == ()


def test_copies_of_all_pairs_in_one_run_stay_apart_from_each_other(imports_dir: Path) -> None:
    everything = [
        r for pair in PAIRS for name in pair for r in read_file(imports_dir / name).records
    ]
    result = deduplicate(everything)
    assert len(result.clusters) == len(everything) // 2
    assert all(c.size == 2 for c in result.clusters)
