"""``readers`` section of the reliability report: fuzzed and damaged input for every reader.

Classes (one row each):

* arbitrary bytes: random byte strings read with every format forced and with detection;
* mutated real exports: the small real exports of ``tests/data/formats`` damaged by one to
  four mutations (truncated, bytes flipped, lines deleted, duplicated or swapped, quotes,
  braces, tags or NUL inserted, re-saved as CRLF, cp1252 or UTF-16), read as their own
  format and with detection;
* issue 9 cases: the damaged files that were found to fail (#6 one stray byte, #7 deep or
  mistyped JSON Lines, #11 an unclosed quote, #14 a device, #16 a BOM-only file, a truncated
  EndNote XML, a binary read as CSV), each checked for the outcome it must have;
* fuzz regressions: every input the coverage-guided fuzzer (``nox -s fuzz``) kept in
  ``tests/data/fuzz``.

``tracebacks`` counts uncaught exceptions, ``failures`` tracebacks plus hangs plus silently
short results, ``lost`` the records such results dropped without a word.
"""

from __future__ import annotations

import random
import sys
from collections import Counter
from pathlib import Path
from typing import Any

from benchmarks.reliability._reader_inputs import (
    ROOT,
    Outcome,
    check,
    formats,
    mutate,
    seed_bytes,
)

FUZZ_DIR = ROOT / "tests" / "data" / "fuzz"


def _row(name: str, outcomes: list[Outcome], extra: str = "") -> dict[str, Any]:
    kinds = Counter(o.kind for o in outcomes)
    failures = len(outcomes) - kinds["records"] - kinds["refused"]
    notes = (
        f"read {kinds['records']}, refused {kinds['refused']}, hangs {kinds['hang']}, "
        f"silently short {kinds['short']}"
    )
    return {
        "class": f"{name} (hangs {kinds['hang']}, silently short {kinds['short']})",
        "tried": len(outcomes),
        "failures": failures,
        "tracebacks": kinds["traceback"],
        "lost": sum(o.lost for o in outcomes),
        "secrets": 0,  # (readers never see a secret)
        "notes": notes + (f"; {extra}" if extra else ""),
        "examples": [o.detail for o in outcomes if not o.ok][:3],
    }


def arbitrary_bytes(count: int, rng: random.Random) -> list[Outcome]:
    names: list[str | None] = [*formats(), None]
    outcomes = []
    for _ in range(count):
        size = rng.choice((0, 1, 3, 16, 200, 2000))
        data = rng.randbytes(size)
        if rng.random() < 0.5:  # mostly text: printable ASCII and line breaks
            data = bytes(b if b > 8 else 10 for b in (x % 128 for x in data))
        outcomes.append(check(data, rng.choice(names)))
    return outcomes


def mutated_exports(count: int, rng: random.Random) -> list[Outcome]:
    seeds = [(fmt, data) for fmt, files in seed_bytes().items() for data in files]
    outcomes = []
    for _ in range(count):
        fmt, data = rng.choice(seeds)
        steps = [
            (rng.randrange(64), rng.randrange(1 << 30), rng.randrange(1 << 16))
            for _ in range(rng.randint(1, 4))
        ]
        outcomes.append(check(mutate(data, steps), fmt if rng.random() < 0.5 else None))
    return outcomes


def issue_cases() -> list[Outcome]:
    """The inputs issue 9 found failing, each held to the outcome it must now have."""
    from benchmarks.reliability._issue_cases import cases, device_is_refused

    outcomes = []
    for name, data, fmt, expect in cases():
        outcome = check(data, fmt)
        if outcome.ok and not expect(data, fmt):
            outcome = Outcome("short", f"{name}: not handled as issue 9 requires", 0, 1)
        outcomes.append(outcome)
    device = device_is_refused()  # #14 /dev/zero
    outcomes.append(Outcome("refused") if device else Outcome("hang", "#14 /dev/zero was read"))
    return outcomes


def fuzz_regressions() -> list[Outcome]:
    files = sorted(p for p in FUZZ_DIR.glob("*") if p.is_file() and p.name != "README.md")
    return [check(path.read_bytes(), _format_of(path)) for path in files]


def _format_of(path: Path) -> str | None:
    """``crash-<format>-<hash>``: the format the fuzzer forced (``any``: detection)."""
    parts = path.name.split("-")
    name = "-".join(parts[1:-1]) if len(parts) > 2 else "any"
    return None if name == "any" else name


def run(quick: bool) -> list[dict[str, Any]]:
    rng = random.Random(20240609)
    per_class = 300 if quick else 10_000
    rows = [
        _row("arbitrary bytes", arbitrary_bytes(per_class, rng)),
        _row("damaged real exports", mutated_exports(per_class, rng)),
        _row("issue 9 #6 #7 #11 #14 #16", issue_cases()),
        _row("fuzzer's inputs (tests/data/fuzz)", fuzz_regressions()),
    ]
    for row in rows:
        for example in row.pop("examples"):
            print(f"{row['class']}: {example}", file=sys.stderr)
    return rows
