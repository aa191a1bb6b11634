"""Coverage-guided fuzzing of every reader with atheris: ``nox -s fuzz [-- -max_total_time=N]``.

Each input's first byte picks the format (one of the registered formats, or detection); the
rest is read as the CLI reads a file (:func:`benchmarks.reliability._reader_inputs.check`).
Anything but records or a clear ``CenSearchError`` (a traceback, a hang, a silently short
result) is a crash: the input is kept as ``tests/data/fuzz/crash-<format>-<sha1>``, which
``tests/test_fuzz_regressions.py`` then reads on every test run, and the fuzzer stops.
The corpus starts from the real exports of ``tests/data/formats``.
"""

from __future__ import annotations

import hashlib
import sys
from pathlib import Path

import atheris

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))  # (run as a script: the repository's benchmarks package)

with atheris.instrument_imports(include=["cen_search"]):
    from cen_search import formats as _formats
    from cen_search import reading as _reading  # noqa: F401

    _formats.all_formats()  # every reader module imported (and instrumented) here

from benchmarks.reliability._reader_inputs import check, formats, seed_bytes  # noqa: E402

FORMATS: list[str | None] = [*formats(), None]
KEPT = Path(__file__).resolve().parents[1] / "data" / "fuzz"


def _keep(fmt: str | None, data: bytes) -> Path:
    name = f"crash-{fmt or 'any'}-{hashlib.sha1(data).hexdigest()[:12]}"
    path = KEPT / name
    path.write_bytes(data)
    return path


def test_one_input(data: bytes) -> None:
    if not data:
        return
    fmt = FORMATS[data[0] % len(FORMATS)]
    outcome = check(data[1:], fmt, seconds=20)
    if not outcome.ok:
        kept = _keep(fmt, data[1:])
        raise AssertionError(f"{fmt}: {outcome.kind}: {outcome.detail}\nkept as {kept}")


def write_seed_corpus(folder: Path) -> None:
    """The real exports, one file per (format, export), with the format's selector byte."""
    folder.mkdir(parents=True, exist_ok=True)
    for fmt, files in seed_bytes().items():
        for number, data in enumerate(files):
            (folder / f"{fmt}-{number}").write_bytes(bytes([FORMATS.index(fmt)]) + data)


def main(argv: list[str]) -> None:
    corpus = Path(".fuzz-corpus")
    write_seed_corpus(corpus)
    args = [argv[0], *argv[1:], str(corpus)]
    if not any(a.startswith("-max_total_time") or a.startswith("-runs") for a in args):
        args.insert(1, "-max_total_time=300")
    atheris.Setup(args, test_one_input)
    atheris.Fuzz()


if __name__ == "__main__":
    main(sys.argv)
