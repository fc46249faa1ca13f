"""Measure only the incremental-update step of ``bench/run.py`` on an existing corpus and index.

Usage::

    python bench/incremental.py --corpus DIR --index DIR [--runs 5] [--src OTHER_TREE ...]

With ``--office`` the office workspace path is timed too (create, edit, delete one document).
Each run copies the pristine *index* to a scratch directory, opens a knowledge base on it, warms
it with the benchmark queries (as ``run.py`` does before its incremental step) and then times
``run.incremental`` (add, modify, delete one document until searchable).  With ``--src`` the
runs alternate between this tree and the given source trees (e.g. ``git archive main``), each in
its own process, so old and new code are measured in the same command on the same machine state.
*corpus* gets one file written and removed per step (``os.replace``: hard-linked copies are safe).
"""
from __future__ import annotations

import argparse
import json
import shutil
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

HERE = Path(__file__).resolve()
ROOT = HERE.parent.parent


def office(kb, corpus: Path) -> dict:
    """Seconds for the office workspace to create, edit and delete one document until searchable.

    The site has listed its documents before (as a running site has).  Only the created file is
    written; it leaves the corpus with the delete (folders created for it are removed if empty).
    """
    import time
    kb.documents()
    folder = corpus / "documents" / "group"
    new_dirs = [d for d in (corpus / "documents", folder) if not d.exists()]
    meta = {"title": "基准测试工作台文档", "level": "group", "doc_type": "通知", "issuer": "基准测试",
            "date": "2005-05-01"}
    timings, saved = {}, None
    try:
        started = time.perf_counter()
        saved = kb.workspace.create_document(meta, "本文件用于测量保存后可检索的时间：benchoffice。\n", "基准测试", force=True)
        ok = kb.search("benchoffice").total == 1
        timings["office_create"] = time.perf_counter() - started if ok else float("nan")
        doc = kb.workspace.load(saved.id)
        started = time.perf_counter()
        kb.workspace.update_document(saved.id, doc.meta, "修改后的内容：benchoffice2。\n", "基准测试", doc.version, force=True)
        ok = kb.search("benchoffice2").total == 1
        timings["office_update"] = time.perf_counter() - started if ok else float("nan")
        started = time.perf_counter()
        kb.workspace.delete_document(saved.id, "基准测试")
        ok = kb.search("benchoffice2").total == 0
        timings["office_delete"] = time.perf_counter() - started if ok else float("nan")
    finally:
        if saved is not None and (corpus / saved.path).exists():
            (corpus / saved.path).unlink()
        for folder in reversed(new_dirs):
            try:
                folder.rmdir()
            except OSError:
                pass
    return timings


def one_run(src: Path, corpus: Path, index: Path, profile: str | None, with_office: bool = False) -> dict:
    sys.path.insert(0, str(src))
    import indexer  # noqa: F401  (imported from *src* before run.py puts this tree first)
    sys.path.insert(0, str(HERE.parent))
    from run import QUERIES, incremental  # the very method of the full benchmark

    with tempfile.TemporaryDirectory(prefix="incr-bench-") as tmp:
        work = Path(tmp) / "index"
        shutil.copytree(index, work)
        kb = indexer.KnowledgeBase(corpus, work, instance_dir=Path(tmp) / "var")
        for query in QUERIES:
            kb.search(query)
        if profile:
            import cProfile
            profiler = cProfile.Profile()
            profiler.enable()
            timings = incremental(kb, corpus)
            profiler.disable()
            profiler.dump_stats(profile)
        else:
            timings = incremental(kb, corpus)
        if with_office:
            timings.update(office(kb, corpus))
    return timings


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--corpus", required=True, type=Path)
    parser.add_argument("--index", required=True, type=Path)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--src", action="append", type=Path, default=[],
                        help="another source tree to measure in alternation with this one")
    parser.add_argument("--office", action="store_true",
                        help="also time the office workspace: create, edit, delete one document")
    parser.add_argument("--one", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--profile", help="write a cProfile of one run of this tree to this file")
    args = parser.parse_args()
    if args.one:
        src = args.src[0] if args.src else ROOT
        print(json.dumps(one_run(src, args.corpus, args.index, args.profile, args.office)))
        return
    if args.profile:
        print(one_run(ROOT, args.corpus, args.index, args.profile))
        return
    trees = [ROOT] + args.src
    results: dict[str, list[dict]] = {str(t): [] for t in trees}
    for run in range(args.runs):
        for tree in trees:
            cmd = [sys.executable, str(HERE), "--one", "--corpus", str(args.corpus), "--index", str(args.index),
                   "--src", str(tree)] + (["--office"] if args.office else [])
            out = subprocess.run(cmd, capture_output=True, text=True, check=True)
            timings = json.loads(out.stdout.strip().splitlines()[-1])
            results[str(tree)].append(timings)
            print(f"run {run + 1} {tree}: " + "  ".join(f"{k} {v:.3f}s" for k, v in timings.items()), flush=True)
    steps = list(results[str(ROOT)][0])
    base = {step: statistics.median(r[step] for r in results[str(ROOT)]) for step in steps}
    for tree in trees:
        med = {step: statistics.median(r[step] for r in results[str(tree)]) for step in steps}
        ratio = "  ".join(f"{s} {med[s]:.3f}s (×{med[s] / base[s]:.2f})" for s in med)
        print(f"median {tree}: {ratio}   [ratio to {ROOT.name}]")


if __name__ == "__main__":
    main()
