"""The deduplication benchmark: cen-search vs bib-dedupe on the labelled sets, plus scale.

Run from the repository root (not part of the test suite)::

    python -m benchmarks dedupe                  # everything (about 8 minutes on 2 cores)
    python benchmarks/dedupe/run.py              # the same
    python -m benchmarks dedupe --no-peer        # without bib-dedupe
    python -m benchmarks dedupe --sizes 10000    # a shorter scale table
    python -m benchmarks dedupe --no-robustness  # without the damaged-field table

What it does:

* reads every set in ``../shared/data/dedup/<set>/records.ris`` with the project's RIS reader
  (the record's benchmark id is its RIS ``ID``) and runs :func:`cen_search.dedupe.deduplicate`
  in a fresh process per set (so peak memory is per run), then the six sets stacked (13,722
  records, ids prefixed with the set name);
* scores the clusters with ``../shared/tools/score_dedupe.py`` (pairwise P/R/F1, false merges)
  and simulates a perfect reviewer on the review queue (every queued pair that the truth calls a
  duplicate is linked) to give the recall after review;
* runs bib-dedupe 0.11.0 (installed from PyPI into ``benchmarks/.work/venv-bd``, a throwaway
  virtual environment, git-ignored) on the same records (its CSV form) in the same run;
* times cen-search on synthetic inputs of 10k, 50k, 100k and 200k records
  (:mod:`benchmarks.dedupe.synth`);
* counts the labelled pairs left in different clusters, and how many of them are linked
  (``result.links``) or in the review queue;
* scores the stack again with fields taken away or damaged (:mod:`benchmarks.dedupe.robust`,
  :mod:`benchmarks.dedupe.corrupt`), and deduplicates the same records exported by two tools
  (:mod:`benchmarks.dedupe.parity`).

Times are wall-clock seconds of the deduplication itself (reading files excluded, for both
tools); memory is the peak resident set size of the process that ran it.
"""

from __future__ import annotations

import argparse
import importlib.util
import json
import os
import resource
import subprocess
import sys
import time
from pathlib import Path
from types import ModuleType
from typing import Any

REPO = Path(__file__).resolve().parents[2]
if str(REPO) not in sys.path:  # run as a script: python benchmarks/dedupe/run.py
    sys.path.insert(0, str(REPO))
WORK = REPO / "benchmarks" / ".work"
PEER_VENV = WORK / "venv-bd"
PEER_VERSION = "bib-dedupe==0.11.0"
DEFAULT_SIZES = (10_000, 50_000, 100_000, 200_000)


def _shared() -> Path:
    from benchmarks.dedupe.data import shared_dir

    return shared_dir()


def _scorer() -> ModuleType:
    path = _shared() / "tools" / "score_dedupe.py"
    spec = importlib.util.spec_from_file_location("score_dedupe", path)
    if spec is None or spec.loader is None:
        raise SystemExit(f"cannot load the scorer {path}")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


# ---------------------------------------------------------------------------------------------
# workers (each run in its own process)


def _peak_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def _dedupe_payload(records: list[Any], ids: list[str]) -> dict[str, Any]:
    from cen_search.dedupe import deduplicate

    start = time.perf_counter()
    result = deduplicate(records)
    seconds = time.perf_counter() - start
    return {
        "n": len(records),
        "seconds": seconds,
        "groups": [[ids[m] for m in c.members] for c in result.clusters if c.size > 1],
        "uncertain": [[ids[v.a], ids[v.b]] for v in result.uncertain],
        "links": [[ids[k.a], ids[k.b], str(k.relation)] for k in result.links],
        "candidate_pairs": result.candidate_pairs,
    }


def blocking_recall(records: list[Any], ids: list[str], truth: list[list[str]]) -> float:
    """Share of the labelled duplicate pairs that blocking proposes for comparison."""
    from itertools import combinations

    from cen_search.dedupe.block import candidate_pairs
    from cen_search.dedupe.keys import record_keys

    index = {rid: i for i, rid in enumerate(ids)}
    pairs = candidate_pairs([record_keys(r) for r in records], ids=[str(r.id) for r in records])
    wanted = [tuple(sorted((index[x], index[y]))) for g in truth for x, y in combinations(g, 2)]
    return sum(1 for p in wanted if p in pairs) / len(wanted) if wanted else 1.0


def worker_set(name: str) -> dict[str, Any]:
    from benchmarks.dedupe.data import SETS, load_set, stack

    labelled = stack([load_set(s) for s in SETS]) if name == "stack" else load_set(name)
    payload = _dedupe_payload(labelled.records, labelled.ids)
    payload["source"] = labelled.source
    payload["peak_mb"] = _peak_mb()
    payload["blocking_recall"] = blocking_recall(labelled.records, labelled.ids, labelled.truth)
    return payload


def worker_synth(size: int) -> dict[str, Any]:
    from benchmarks.dedupe.data import SETS, load_set, stack
    from benchmarks.dedupe.synth import base_papers, generate
    from cen_search.formats import read_text
    from cen_search.formats.base import Source

    labelled = stack([load_set(s) for s in SETS])
    synthetic = generate(base_papers(labelled.records, labelled.ids, labelled.truth), size)
    del labelled
    start = time.perf_counter()
    read = read_text(
        synthetic.text,
        Source(file="synthetic.ris", sha256="0" * 64, encoding="utf-8"),
        format="ris",
    )
    read_seconds = time.perf_counter() - start
    records = list(read.records)
    del read
    ids = [r.provenance.key for r in records]
    payload = _dedupe_payload(records, ids)
    payload.update(read_seconds=read_seconds, peak_mb=_peak_mb(), truth=synthetic.truth)
    return payload


def _run_worker(*args: str) -> dict[str, Any]:
    out = WORK / f"worker-{'-'.join(args)}.json"
    cmd = [sys.executable, "-m", "benchmarks.dedupe.run", "--worker", *args, "--out", str(out)]
    subprocess.run(cmd, check=True, cwd=REPO)
    return json.loads(out.read_text(encoding="utf-8"))


# ---------------------------------------------------------------------------------------------
# bib-dedupe


def ensure_peer(log: Any) -> Path | None:
    python = PEER_VENV / "bin" / "python"
    if python.exists():
        check = subprocess.run([str(python), "-c", "import bib_dedupe"], capture_output=True)
        if check.returncode == 0:
            return python
    log(f"installing {PEER_VERSION} into {PEER_VENV} (throwaway, git-ignored) ...")
    WORK.mkdir(parents=True, exist_ok=True)
    try:
        subprocess.run(["python3", "-m", "venv", str(PEER_VENV)], check=True)
        subprocess.run([str(python), "-m", "pip", "install", "-q", PEER_VERSION], check=True)
    except (subprocess.CalledProcessError, FileNotFoundError) as exc:
        log(f"bib-dedupe could not be installed ({exc}); its columns stay empty")
        return None
    return python


def run_peer(python: Path, names: list[str]) -> dict[str, Any]:
    from benchmarks.dedupe.data import shared_dir

    out = WORK / "bib-dedupe-results.json"
    specs = [f"{n}={shared_dir() / 'data' / 'dedup' / n / 'records_pre_merged.csv'}" for n in names]
    script = Path(__file__).with_name("bibdedupe_run.py")
    env = {**os.environ, "PYTHONWARNINGS": "ignore"}
    subprocess.run(
        [str(python), str(script), str(out), *specs, "--stack"],
        check=True,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    return json.loads(out.read_text(encoding="utf-8"))


# ---------------------------------------------------------------------------------------------
# scoring and the table


def _union(ids: list[str], groups: list[list[str]]) -> list[list[str]]:
    parent: dict[str, str] = {}

    def find(x: str) -> str:
        while parent.get(x, x) != x:
            parent[x] = parent.get(parent[x], parent[x])
            x = parent[x]
        return x

    for group in groups:
        for other in group[1:]:
            ra, rb = find(group[0]), find(other)
            if ra != rb:
                parent[rb] = ra
    comps: dict[str, list[str]] = {}
    for i in ids:
        comps.setdefault(find(i), []).append(i)
    return [c for c in comps.values() if len(c) > 1]


def apart_pairs(ids: list[str], truth: list[list[str]], payload: dict[str, Any]) -> dict[str, Any]:
    """The labelled pairs the engine left in different clusters: how many, how many of them
    are linked (a link between their clusters), in the review queue, or neither, and the
    relations of the links."""
    from collections import Counter
    from itertools import combinations

    cluster = {i: n for n, group in enumerate(payload["groups"]) for i in group}
    linked: dict[frozenset[Any], str] = {}
    for a, b, relation in payload.get("links", []):
        linked.setdefault(frozenset((cluster.get(a, a), cluster.get(b, b))), relation)
    queued = {frozenset((cluster.get(a, a), cluster.get(b, b))) for a, b in payload["uncertain"]}
    counts: Counter[str] = Counter()
    relations: Counter[str] = Counter()
    for group in truth:
        for x, y in combinations(group, 2):
            pair = frozenset((cluster.get(x, x), cluster.get(y, y)))
            if len(pair) == 1:
                continue
            counts["apart"] += 1
            if pair in linked:
                counts["linked"] += 1
                relations[linked[pair]] += 1
            elif pair in queued:
                counts["queued"] += 1
            else:
                counts["neither"] += 1
    return {**counts, "relations": dict(relations)}


def score_run(
    scorer: ModuleType, ids: list[str], truth: list[list[str]], payload: dict[str, Any]
) -> dict[str, Any]:
    base = scorer.score(ids, truth, payload["groups"])
    label = {i: g for g, members in enumerate(truth) for i in members}
    accepted = [
        p
        for p in payload.get("uncertain", [])
        if p[0] in label and label.get(p[0]) == label.get(p[1])
    ]
    reviewed = scorer.score(ids, truth, _union(ids, payload["groups"] + accepted))
    return {
        "precision": base["pairwise"]["precision"],
        "recall": base["pairwise"]["recall"],
        "f1": base["pairwise"]["f1"],
        "false_merges": base["false_merges"],
        "review_recall": reviewed["pairwise"]["recall"],
        "review_false_merges": reviewed["false_merges"],
        "links": len(payload.get("links", [])),
        "apart": apart_pairs(ids, truth, payload),
    }


def _fmt(value: Any, spec: str = ".3f") -> str:
    if value is None:
        return "–"
    return format(value, spec)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m benchmarks dedupe", description=__doc__.split("\n")[0]
    )
    parser.add_argument("--no-peer", action="store_true", help="skip bib-dedupe")
    parser.add_argument(
        "--sizes",
        default=",".join(map(str, DEFAULT_SIZES)),
        help="synthetic sizes for the scale table ('' for none)",
    )
    parser.add_argument(
        "--no-robustness", action="store_true", help="skip the table of damaged-field runs"
    )
    parser.add_argument("--worker", nargs="+", help=argparse.SUPPRESS)
    parser.add_argument("--out", help=argparse.SUPPRESS)
    parser.add_argument("--json", help="also write all results to this JSON file")
    args = parser.parse_args(argv)

    if args.worker:
        kind, value = args.worker
        payload = worker_set(value) if kind == "set" else worker_synth(int(value))
        Path(args.out).write_text(json.dumps(payload), encoding="utf-8")
        return 0

    def log(message: str) -> None:
        print(message, file=sys.stderr, flush=True)

    from benchmarks.dedupe.data import SETS, SHORT, load_set, stack

    WORK.mkdir(parents=True, exist_ok=True)
    scorer = _scorer()
    labelled = {name: load_set(name) for name in SETS}
    labelled["stack"] = stack(list(labelled.values()))
    results: dict[str, Any] = {"sets": {}, "scale": {}}
    for name in [*SETS, "stack"]:
        log(f"cen-search on {name} ...")
        payload = _run_worker("set", name)
        s = labelled[name]
        results["sets"][name] = {
            "records": len(s.ids),
            "source": payload["source"],
            "seconds": payload["seconds"],
            "peak_mb": payload["peak_mb"],
            "queue": len(payload["uncertain"]),
            "candidate_pairs": payload["candidate_pairs"],
            "blocking_recall": payload["blocking_recall"],
            **score_run(scorer, s.ids, s.truth, payload),
        }
    peer: dict[str, Any] = {}
    if not args.no_peer:
        python = ensure_peer(log)
        if python is not None:
            log("bib-dedupe on every set and on the stack (a few minutes) ...")
            peer = run_peer(python, list(SETS))
    for name, run in peer.items():
        s = labelled[name]
        score = scorer.score(s.ids, s.truth, run["groups"])
        results["sets"][name]["peer"] = {
            "precision": score["pairwise"]["precision"],
            "recall": score["pairwise"]["recall"],
            "f1": score["pairwise"]["f1"],
            "false_merges": score["false_merges"],
            "seconds": run["seconds"],
        }
    sizes = [int(x) for x in args.sizes.split(",") if x.strip()]
    for size in sizes:
        log(f"cen-search on {size:,} synthetic records ...")
        payload = _run_worker("synth", str(size))
        ids = [i for g in payload["groups"] for i in g]
        score = scorer.score(
            sorted(set(ids) | {i for g in payload["truth"] for i in g}),
            payload["truth"],
            payload["groups"],
        )
        results["scale"][size] = {
            "records": payload["n"],
            "seconds": payload["seconds"],
            "read_seconds": payload["read_seconds"],
            "peak_mb": payload["peak_mb"],
            "candidate_pairs": payload["candidate_pairs"],
            "queue": len(payload["uncertain"]),
            "precision": score["pairwise"]["precision"],
            "recall": score["pairwise"]["recall"],
            "false_merges": score["false_merges"],
        }
    if not args.no_robustness:
        from benchmarks.dedupe import parity, robust

        s = labelled["stack"]
        results["robustness"] = robust.run(s.records, s.ids, s.truth, scorer, log)
        results["parity"] = parity.run(_shared() / "data" / "imports", log)
    print(render(results, SHORT))
    if args.json:
        Path(args.json).write_text(json.dumps(results, indent=2), encoding="utf-8")
    return 0


def render(results: dict[str, Any], short: dict[str, str]) -> str:
    lines = [
        "## Deduplication: cen-search vs bib-dedupe 0.11.0 (pairwise P/R/F1 against the labels)",
        "",
        "| set | records | cen P | cen R | cen F1 | cen false merges | review queue | R after "
        "review | blocking recall | candidate pairs | cen s | cen peak MB | bd P | bd R | bd F1 | "
        "bd false merges | bd s |",
        "|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for name, r in results["sets"].items():
        p = r.get("peer", {})
        lines.append(
            f"| {short.get(name, name)} | {r['records']:,} | {_fmt(r['precision'])} | "
            f"{_fmt(r['recall'])} | {_fmt(r['f1'])} | {r['false_merges']} | {r['queue']} | "
            f"{_fmt(r['review_recall'])} | {_fmt(r['blocking_recall'])} | "
            f"{r['candidate_pairs']:,} | {r['seconds']:.1f} | {r['peak_mb']:.0f} | "
            f"{_fmt(p.get('precision'))} | {_fmt(p.get('recall'))} | {_fmt(p.get('f1'))} | "
            f"{p.get('false_merges', '–')} | {_fmt(p.get('seconds'), '.1f')} |"
        )
    lines += [
        "",
        "## Labelled pairs left apart, and linked (links never replace merges)",
        "",
        "| set | links | labelled pairs left apart | linked | in the review queue | neither | "
        "share linked | share linked (outside the queue) | relations of the linked pairs |",
        "|---|---:|---:|---:|---:|---:|---:|---:|---|",
    ]
    for name, r in results["sets"].items():
        a = r["apart"]
        apart, linked, queued = a.get("apart", 0), a.get("linked", 0), a.get("queued", 0)
        share = f"{linked / apart:.2f}" if apart else "–"
        outside = f"{linked / (apart - queued):.2f}" if apart - queued else "–"
        relations = ", ".join(f"{k} {v}" for k, v in sorted(a.get("relations", {}).items()))
        lines.append(
            f"| {short.get(name, name)} | {r['links']} | {apart} | {linked} | {queued} | "
            f"{a.get('neither', 0)} | {share} | {outside} | {relations} |"
        )
    stack = results["sets"].get("stack", {})
    if stack.get("peer"):
        ratio = stack["peer"]["seconds"] / stack["seconds"]
        lines += [
            "",
            f"Speed on the stack: cen-search {stack['seconds']:.1f} s vs bib-dedupe "
            f"{stack['peer']['seconds']:.1f} s ({ratio:.1f}x faster).",
        ]
    if results["scale"]:
        lines += [
            "",
            "## Scale (synthetic: real records repeated with variations, see synth.py)",
            "",
            "| records | dedupe s | read s | peak MB | candidate pairs | review queue | P | R | "
            "false merges |",
            "|---:|---:|---:|---:|---:|---:|---:|---:|---:|",
        ]
        for r in results["scale"].values():
            lines.append(
                f"| {r['records']:,} | {r['seconds']:.1f} | {r['read_seconds']:.1f} | "
                f"{r['peak_mb']:.0f} | {r['candidate_pairs']:,} | {r['queue']} | "
                f"{_fmt(r['precision'])} | {_fmt(r['recall'])} | {r['false_merges']} |"
            )
    if results.get("robustness"):
        from benchmarks.dedupe import parity, robust

        lines += robust.render(results["robustness"])
        lines += parity.render(results.get("parity", []))
    sources = {r["source"] for r in results["sets"].values()}
    lines += [
        "",
        f"Records read from: {', '.join(sorted(sources))}. Times: wall-clock seconds of "
        "the deduplication alone; peak MB: resident set of the process that ran it.",
    ]
    return "\n".join(lines)


if __name__ == "__main__":
    raise SystemExit(main())
