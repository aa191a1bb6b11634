"""Run bib-dedupe on labelled CSV sets (executed inside bib-dedupe's own virtual environment).

Usage (by ``benchmarks/dedupe/run.py``, not by hand):
    <venv>/bin/python bibdedupe_run.py OUT.json NAME=PATH.csv [NAME=PATH.csv ...] [--stack]

Writes ``{name: {"groups": [[id, ...], ...], "seconds": float, "peak_rss_mb": float}}``.
With ``--stack`` it also runs all sets together (ids prefixed ``name/``) as ``"stack"``.
The pipeline is bib-dedupe's documented API: prep -> block -> match -> cluster (maybe pairs
are not merged). Timings exclude interpreter start-up and CSV reading.
"""

import json
import resource
import sys
import time

import pandas as pd
from bib_dedupe.bib_dedupe import block, cluster, match, prep


def run(df):
    start = time.perf_counter()
    prepared = prep(df, verbosity_level=0)
    matched = match(block(prepared, verbosity_level=0), verbosity_level=0)
    groups = cluster(matched, verbosity_level=0)
    return [list(map(str, g)) for g in groups], time.perf_counter() - start


def main():
    out_path = sys.argv[1]
    stack = "--stack" in sys.argv
    specs = [a for a in sys.argv[2:] if "=" in a]
    frames = {}
    results = {}
    for spec in specs:
        name, path = spec.split("=", 1)
        df = pd.read_csv(path, dtype=str, keep_default_na=False)
        frames[name] = df
    for name, df in frames.items():
        groups, seconds = run(df.copy())
        results[name] = {"groups": groups, "seconds": seconds}
    if stack:
        parts = []
        for name, df in frames.items():
            df = df.copy()
            df["ID"] = name + "/" + df["ID"]
            parts.append(df)
        df = pd.concat(parts, ignore_index=True).fillna("")
        groups, seconds = run(df)
        results["stack"] = {"groups": groups, "seconds": seconds}
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    for value in results.values():
        value["peak_rss_mb"] = peak
    with open(out_path, "w", encoding="utf-8") as fh:
        json.dump(results, fh)


if __name__ == "__main__":
    main()
