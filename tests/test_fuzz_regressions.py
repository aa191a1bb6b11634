"""Every input the coverage-guided fuzzer kept (tests/data/fuzz) reads without a traceback."""

from __future__ import annotations

from benchmarks.reliability._reader_inputs import check
from benchmarks.reliability.readers import FUZZ_DIR, _format_of

KEPT = sorted(p for p in FUZZ_DIR.glob("crash-*") if p.is_file())


def test_every_input_the_fuzzer_kept_gives_records_or_a_clear_error() -> None:
    failed = {}
    for path in KEPT:
        outcome = check(path.read_bytes(), _format_of(path))
        if not outcome.ok:
            failed[path.name] = (outcome.kind, outcome.detail)
    assert failed == {}


def test_kept_inputs_name_a_registered_format() -> None:
    from benchmarks.reliability._reader_inputs import formats

    for path in KEPT:
        assert _format_of(path) in (*formats(), None), path.name
