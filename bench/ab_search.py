"""Compare search-with-snippets latency of two (or more) source trees on one index, in one run.

Usage: python bench/ab_search.py --corpus DIR --index DIR SRC [SRC ...]
  e.g. git archive main | tar -x -C /tmp/main-src
       python bench/ab_search.py --corpus /tmp/laws --index /tmp/law-index /tmp/main-src .

Each source tree runs in fresh processes, alternating, two rounds each.  Per process: one
unrelated warm-up query, then every query of bench/queries.py once ("first run": caches cold for
that query) and twice more ("repeated", as bench/run.py measures).  Reports p50 / p95 / max in ms.
"""
from __future__ import annotations

import argparse
import json
import statistics
import subprocess
import sys
from pathlib import Path

CHILD = r'''
import json, sys, time
src, corpus, index = sys.argv[1:4]
sys.path.insert(0, src)
sys.path.insert(0, __import__("os").path.join(src, "bench"))
from indexer import KnowledgeBase
from queries import QUERIES
kb = KnowledgeBase(corpus, index)
kb.search("人民法院")
out = {"first": [], "repeated": []}
for key, reps in (("first", 1), ("repeated", 2)):
    for _ in range(reps):
        for q in QUERIES:
            started = time.perf_counter()
            kb.search(q)
            out[key].append((time.perf_counter() - started) * 1000)
print(json.dumps(out))
'''


def percentiles(values: list[float]) -> tuple[float, float, float]:
    values = sorted(values)
    p95 = values[min(len(values) - 1, int(round(0.95 * (len(values) - 1))))]
    return round(statistics.median(values), 1), round(p95, 1), round(values[-1], 1)


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--corpus", required=True)
    parser.add_argument("--index", required=True)
    parser.add_argument("--rounds", type=int, default=2)
    parser.add_argument("sources", nargs="+")
    args = parser.parse_args(argv)
    results = {src: {"first": [], "repeated": []} for src in args.sources}
    for _ in range(args.rounds):
        for src in args.sources:
            run = subprocess.run([sys.executable, "-c", CHILD, str(Path(src).resolve()), args.corpus, args.index],
                                 capture_output=True, text=True, check=True)
            for key, values in json.loads(run.stdout.strip().splitlines()[-1]).items():
                results[src][key] += values
    for src, r in results.items():
        print(f"{src}: first run p50/p95/max {percentiles(r['first'])} ms; "
              f"repeated {percentiles(r['repeated'])} ms")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
