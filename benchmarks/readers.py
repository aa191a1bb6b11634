"""Reader throughput and peak memory: ``python -m benchmarks readers``.

Builds large inputs by repeating the real records in ``../shared/data/imports`` (RIS: every
file of ``ris/`` except the broken ``corrupted-no-ty`` fixture and the 7,456-author stress
test, which is timed on its own; MEDLINE: the PubMed files of ``nbib/``; BibTeX: the UTF-8
files of ``bibtex/``), writes each to a temporary file and reads it with
``cen_search.formats.read_file`` (decoding, format detection and parsing, as a user's import
does). Prints records per second (best of ``--repeat`` runs) and the peak traced memory of a
separate run, at each size. Memory per record should stay flat from 10k to 100k records.

Options: ``--sizes 10000 100000``, ``--formats ris bibtex medline``, ``--repeat 3``,
``--shared PATH`` (default ``../shared`` beside the repository or ``$CEN_SEARCH_SHARED``).
"""

from __future__ import annotations

import argparse
import gc
import importlib.util
import os
import tempfile
import time
import tracemalloc
from dataclasses import dataclass
from pathlib import Path

from cen_search.formats import read_file
from cen_search.formats.textio import decode

REPO = Path(__file__).resolve().parents[1]
RIS_EXCLUDED = {"corrupted-no-ty_jabref.ris", "many-authors-one-record_asreview.ris"}
BIBTEX_EXCLUDED = {  # not UTF-8, or deliberately broken
    "gbk-encoded_bibtexparser.bib",
    "utf16be-cr_jabref.bib",
    "windows-1252-declared-utf8_jabref.bib",
    "windows-1252-with-header_jabref.bib",
    "missing-comma_bibtexparser-v1.bib",
}


@dataclass(frozen=True)
class Corpus:
    """One copy of the real records of a format, as text, and how many records it holds."""

    name: str
    text: str
    records: int
    suffix: str


@dataclass(frozen=True)
class Row:
    format: str
    records: int
    seconds: float
    peak_mb: float

    @property
    def per_second(self) -> float:
        return self.records / self.seconds

    @property
    def bytes_per_record(self) -> float:
        return self.peak_mb * 1024 * 1024 / self.records


def shared_dir(given: str | None) -> Path:
    candidates = [given, os.environ.get("CEN_SEARCH_SHARED"), str(REPO.parent / "shared")]
    for candidate in candidates:
        if candidate and (Path(candidate) / "data" / "imports").is_dir():
            return Path(candidate)
    raise SystemExit("../shared not found: give --shared PATH")


def _text_of(path: Path) -> str:
    return decode(path.read_bytes(), path=str(path)).text


def _count(text: str, fmt: str, suffix: str) -> int:
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / f"one{suffix}"
        path.write_text(text, encoding="utf-8")
        return len(read_file(path, format=fmt).records)


def ris_corpus(imports: Path) -> Corpus:
    texts = [
        _text_of(p).strip("\n")
        for p in sorted((imports / "ris").iterdir())
        if p.name not in RIS_EXCLUDED
    ]
    text = "\n\n".join(texts) + "\n\n"
    return Corpus("RIS", text, _count(text, "ris", ".ris"), ".ris")


def medline_corpus(imports: Path) -> Corpus:
    texts = [_text_of(p).strip("\n") for p in sorted((imports / "nbib").glob("pubmed-*"))]
    text = "\n\n".join(texts) + "\n\n"
    return Corpus("MEDLINE", text, _count(text, "medline", ".nbib"), ".nbib")


def bibtex_corpus(imports: Path) -> Corpus:
    texts = [
        _text_of(p) for p in sorted((imports / "bibtex").iterdir()) if p.name not in BIBTEX_EXCLUDED
    ]
    text = "\n\n".join(texts) + "\n"
    return Corpus("BibTeX", text, _count(text, "bibtex", ".bib"), ".bib")


def build_input(corpus: Corpus, size: int, folder: Path) -> tuple[Path, int]:
    """A file of whole copies of the corpus holding at least ``size`` records."""
    copies = -(-size // corpus.records)
    path = folder / f"{corpus.name.lower()}-{size}{corpus.suffix}"
    with path.open("w", encoding="utf-8") as out:
        for _ in range(copies):
            out.write(corpus.text)
    return path, copies * corpus.records


def measure(path: Path, fmt: str, expected: int, repeat: int) -> tuple[int, float, float]:
    best = float("inf")
    count = 0
    for _ in range(repeat):
        gc.collect()
        start = time.perf_counter()
        result = read_file(path)
        best = min(best, time.perf_counter() - start)
        count = len(result.records)
        if result.format != fmt:
            raise SystemExit(f"{path.name} was detected as {result.format}, not {fmt}")
        del result
    gc.collect()
    tracemalloc.start()
    result = read_file(path)
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    del result
    if count != expected:
        print(f"  note: {path.name}: {count} records read, {expected} built")
    return count, best, peak / (1024 * 1024)


def main(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(prog="python -m benchmarks readers", description=__doc__)
    parser.add_argument("--sizes", type=int, nargs="+", default=[10_000, 100_000])
    parser.add_argument("--formats", nargs="+", default=["ris", "bibtex", "medline"])
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--shared")
    options = parser.parse_args(argv)
    imports = shared_dir(options.shared) / "data" / "imports"
    builders = {"ris": ris_corpus, "medline": medline_corpus, "bibtex": bibtex_corpus}
    rows: list[Row | tuple[str, int, str]] = []
    with tempfile.TemporaryDirectory() as folder:
        for fmt in options.formats:
            if fmt == "bibtex" and importlib.util.find_spec("cen_search.formats.bibtex") is None:
                rows.extend(("BibTeX", size, "n/a") for size in options.sizes)
                continue
            corpus = builders[fmt](imports)
            for size in options.sizes:
                path, built = build_input(corpus, size, Path(folder))
                count, seconds, peak = measure(path, fmt, built, options.repeat)
                rows.append(Row(corpus.name, count, seconds, peak))
                path.unlink()
        stress = imports / "ris" / "many-authors-one-record_asreview.ris"
        start = time.perf_counter()
        authors = len(read_file(stress, format="ris").records[0].authors)
        stress_ms = (time.perf_counter() - start) * 1000
    print(
        f"{'format':<8} {'records':>9} {'seconds':>8} {'records/s':>10} {'peak MB':>8} "
        f"{'bytes/rec':>9}"
    )
    for row in rows:
        if isinstance(row, Row):
            print(
                f"{row.format:<8} {row.records:>9,} {row.seconds:>8.2f} {row.per_second:>10,.0f} "
                f"{row.peak_mb:>8.1f} {row.bytes_per_record:>9,.0f}"
            )
        else:
            print(f"{row[0]:<8} {row[1]:>9,} {'n/a':>8} {'n/a':>10} {'n/a':>8} {'n/a':>9}")
    print(f"\nRIS record with {authors:,} authors read in {stress_ms:.0f} ms")
    return 0


if __name__ == "__main__":
    import sys

    sys.exit(main(sys.argv[1:]))
