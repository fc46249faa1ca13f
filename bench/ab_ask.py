"""Compare `ask` latency and output of two (or more) source trees on one index, in one run.

Usage: python bench/ab_ask.py --corpus DIR --index DIR SRC [SRC ...]
  e.g. git archive main | tar -x -C /tmp/main-src
       python bench/ab_ask.py --corpus /tmp/laws --index /tmp/law-index /tmp/main-src .

Each source tree runs in fresh processes, alternating, ``--rounds`` (2) each.  Per process the
timing is bench/run.py's ``ask_latency``: one warm-up question, then every question of
bench/queries.py ``reps`` (2) times.  Reports p50 / p95 / max in ms per tree and the ratio to the
first tree, and whether every tree gave the same full answers (text, marked html, source,
passage, score, order, fallback hits) for every question (under one PYTHONHASHSEED).
"""
from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from ab_search import percentiles  # noqa: E402  (one definition for both A/B scripts)

CHILD = r'''
import json, sys, time
src, corpus, index, reps = sys.argv[1], sys.argv[2], sys.argv[3], int(sys.argv[4])
sys.path.insert(0, src)
sys.path.insert(0, __import__("os").path.join(src, "bench"))
from indexer import KnowledgeBase
from queries import QUESTIONS
try:
    kb = KnowledgeBase(corpus, index, result_cache=0)   # time the work, not a cache of answers
except TypeError:   # a tree from before the result cache
    kb = KnowledgeBase(corpus, index)
kb.ask(QUESTIONS[0])
times = []
for _ in range(reps):
    for q in QUESTIONS:
        started = time.perf_counter()
        kb.ask(q)
        times.append((time.perf_counter() - started) * 1000)
outputs = []
for q in QUESTIONS:
    result = kb.ask(q)
    outputs.append({"type": result.type,
                    "answers": [[a.doc_id, a.anchor, a.section, a.text, a.html, a.warning, repr(a.score)]
                                for a in result.answers],
                    "fallback": [[h.id, h.passage, h.snippet, repr(h.score)] for h in result.fallback_hits]})
print(json.dumps({"times": times, "outputs": outputs}))
'''


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--corpus", required=True)
    parser.add_argument("--index", required=True)
    parser.add_argument("--rounds", type=int, default=2)
    parser.add_argument("--reps", type=int, default=2)
    parser.add_argument("sources", nargs="+")
    args = parser.parse_args(argv)
    times = {src: [] for src in args.sources}
    # One hash seed for every process: sentence scores sum over sets of strings, so their last
    # bits depend on the seed, and outputs are only comparable under the same one.
    env = dict(os.environ, PYTHONHASHSEED="0")
    outputs = {}
    for _ in range(args.rounds):
        for src in args.sources:
            run = subprocess.run([sys.executable, "-c", CHILD, str(Path(src).resolve()), args.corpus, args.index,
                                  str(args.reps)], capture_output=True, text=True, check=True, env=env)
            result = json.loads(run.stdout.strip().splitlines()[-1])
            times[src] += result["times"]
            outputs.setdefault(src, result["outputs"])
    first = args.sources[0]
    base = percentiles(times[first])
    for src in args.sources:
        p50, p95, top = percentiles(times[src])
        print(f"{src}: ask p50 {p50} ms, p95 {p95} ms, max {top} ms (n={len(times[src])}); "
              f"ratio to {first}: p50 {p50 / base[0]:.2f}, p95 {p95 / base[1]:.2f}")
    for src in args.sources[1:]:
        differing = [i for i, (a, b) in enumerate(zip(outputs[first], outputs[src])) if a != b]
        print(f"{src}: output identical to {first} for {len(outputs[src]) - len(differing)}/{len(outputs[src])} questions"
              + (f"; differing: {differing}" if differing else ""))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
