"""Measure warm `ask` latency on the sample corpus (and `search` on the same words, as a reference).

Usage: .venv/bin/python bench/qa_latency.py [--rounds 5]
Prints p50/p95 in milliseconds; the ratio ask/search makes runs on a busy machine comparable.
"""
from __future__ import annotations

import argparse
import sys
import tempfile
import time
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from indexer import KnowledgeBase  # noqa: E402
from indexer.qa.question import strip_question  # noqa: E402


def percentile(values, q):
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(q * (len(ordered) - 1))))]


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--rounds", type=int, default=5)
    args = parser.parse_args()
    questions = [q["question"] for q in yaml.safe_load((ROOT / "tests/data/qa_questions.yml").read_text("utf-8"))]
    with tempfile.TemporaryDirectory() as tmp:
        kb = KnowledgeBase(ROOT / "corpus", Path(tmp) / "index")
        kb.index()
        for q in questions:   # warm up: dictionary, searcher, caches
            kb.ask(q)
        ask_ms, search_ms = [], []
        for _ in range(args.rounds):
            for q in questions:
                started = time.perf_counter()
                kb.ask(q)
                ask_ms.append((time.perf_counter() - started) * 1000)
                started = time.perf_counter()
                kb.search(strip_question(q), facets=False)
                search_ms.append((time.perf_counter() - started) * 1000)
    a50, a95 = percentile(ask_ms, 0.5), percentile(ask_ms, 0.95)
    s50, s95 = percentile(search_ms, 0.5), percentile(search_ms, 0.95)
    print(f"sample corpus, {len(questions)} questions x {args.rounds} rounds (warm)")
    print(f"ask    p50 {a50:6.1f} ms   p95 {a95:6.1f} ms")
    print(f"search p50 {s50:6.1f} ms   p95 {s95:6.1f} ms   (same words, reference)")
    print(f"ratio ask/search p95 {a95 / s95:.2f}")


if __name__ == "__main__":
    main()
