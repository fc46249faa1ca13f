"""Parallel full rebuilds: worker processes parse, analyse and write one index segment each.

Whoosh is pure Python and a rebuild is CPU-bound, so on a machine with several cores each worker
process takes batches of source files off a queue, parses them, analyses them and writes its own
segment (as whoosh's ``MpWriter(multisegment=True)`` does).  The parent then lists the segments in
one table of contents.  Everything that depends on the serial order of files (which of two files
with the same id wins, the order of reported problems) is decided afterwards in the parent, in
file order, so the result equals a serial rebuild.
"""
from __future__ import annotations

import multiprocessing
import os
import queue
import signal
import sys
import threading
import time
import traceback

from whoosh import index as whoosh_index

from ..errors import CorpusError
from ..models import CorpusProblem
from ..settings import setting
from ..analysis import Segmenter, TextAnalyzer
from ..corpus import Corpus
from .postings import FastSegmentWriter
from .schema import build_schema, doc_record

BATCH_SIZE = 8
# Below this many documents, starting processes costs more than it saves.
MIN_PARALLEL_DOCS = 200
PARENT_POLL = 0.5  # seconds between a worker's checks that the build's process still lives


def default_workers() -> int:
    """Return the worker count: the setting ``INDEX_WORKERS``, else min(cores, 4)."""
    value = setting("INDEX_WORKERS")
    return value if value is not None else max(1, min(os.cpu_count() or 1, 4))


def die_with_parent(parent: int) -> None:
    """End this process when process *parent* dies: a build worker must never outlive the build.

    Linux delivers SIGKILL at the parent's death (``PR_SET_PDEATHSIG``); elsewhere, and as a
    fallback, a thread notices that the parent changed.  An orphaned worker would otherwise wait
    for jobs for ever.
    """
    if sys.platform.startswith("linux"):
        try:
            import ctypes
            ctypes.CDLL(None, use_errno=True).prctl(1, signal.SIGKILL)  # PR_SET_PDEATHSIG
        except (OSError, AttributeError):
            pass

    def watch():
        while os.getppid() == parent:
            time.sleep(PARENT_POLL)
        os._exit(1)
    if os.getppid() != parent:  # the parent died before prctl took effect
        os._exit(1)
    threading.Thread(target=watch, name="parent-watch", daemon=True).start()


def _worker(corpus_root, index_dir, backend, words, limitmb, jobs, results, parent=None):
    """Index batches from *jobs* into one new segment; report per-document outcomes."""
    try:
        if parent is not None:
            die_with_parent(parent)

        corpus = Corpus(corpus_root)
        analyzer = TextAnalyzer(Segmenter(backend, words))
        ix = whoosh_index.open_dir(index_dir, schema=build_schema(analyzer))
        writer = FastSegmentWriter(ix, _lk=False, limitmb=limitmb)
        while True:
            job = jobs.get()
            if job is None:
                break
            batch_no, sources = job
            outcomes = []
            for source in sources:
                try:
                    doc, warnings = corpus.parse(source)
                except CorpusError as exc:
                    outcomes.append((source.relpath, None, -1, 0, [CorpusProblem(exc.path, exc.field, exc.reason)]))
                    continue
                docnum = writer.docnum
                writer.add_document(**doc_record(doc, analyzer, source.hash))
                outcomes.append((source.relpath, doc.id, docnum, len(doc.passages), warnings))
            results.put(("batch", batch_no, outcomes))
        if writer._added:
            segment = writer._finalize_segment()
        else:
            writer._close_segment()
            segment = None
        # No writer._finish(): the workers share the index's temp directory and the first to
        # finish would delete the others' files; the parent's writer removes it at the end.
        results.put(("done", os.getpid(), segment))
    except BaseException:
        results.put(("error", os.getpid(), traceback.format_exc()))


def _context():
    # fork starts fast and needs no importable __main__, but forking a process with other threads
    # running (a web server's) can deadlock the child: then spawn.
    if "fork" in multiprocessing.get_all_start_methods() and threading.active_count() == 1:
        return multiprocessing.get_context("fork")
    return multiprocessing.get_context("spawn")


class BuildResult:
    """What a parallel build indexed: accepted documents and problems, in file order."""

    def __init__(self):
        self.passages = 0
        self.indexed: list[tuple[str, str]] = []   # (relpath, doc id)
        self.problems: list[CorpusProblem] = []


def parallel_build(target, schema, corpus_root, backend, words, sources, workers: int,
                   limitmb: int = 256, progress=None) -> BuildResult:
    """Build a new index in the empty directory *target* from *sources* with *workers* processes.

    :param progress: called with None once per processed source file.
    :raises RuntimeError: when a worker fails (the caller discards *target*).
    """
    ix = whoosh_index.create_in(str(target), schema)
    context = _context()
    jobs = context.Queue()
    results = context.Queue()
    batches = [sources[i:i + BATCH_SIZE] for i in range(0, len(sources), BATCH_SIZE)]
    workers = max(1, min(workers, len(batches)))
    procs = [context.Process(target=_worker, daemon=True,
                             args=(str(corpus_root), str(target), backend, words, limitmb, jobs, results,
                                   os.getpid()))
             for _ in range(workers)]
    for proc in procs:
        proc.start()
    try:
        for batch_no, batch in enumerate(batches):
            jobs.put((batch_no, batch))
        for _ in procs:
            jobs.put(None)
        outcomes: dict[int, list] = {}
        segments: dict[int, object] = {}
        finished: set[int] = set()
        while len(finished) < len(procs):
            try:
                message = results.get(timeout=1.0)
            except queue.Empty:
                dead = [p for p in procs if not p.is_alive() and p.pid not in finished]
                if dead:
                    raise RuntimeError(f"建索引的子进程意外退出（退出码 {dead[0].exitcode}）。")
                continue
            if message[0] == "batch":
                outcomes[message[1]] = message[2]
                if progress:
                    for _ in message[2]:
                        progress(None)
            elif message[0] == "done":
                finished.add(message[1])
                if message[2] is not None:
                    segments[message[1]] = message[2]
            else:
                raise RuntimeError("建索引的子进程出错：\n" + message[2])
        for proc in procs:
            proc.join()
    except BaseException:
        for proc in procs:
            if proc.is_alive():
                proc.terminate()
        for proc in procs:
            proc.join()
        raise
    finally:
        jobs.close()
        results.close()

    writer = FastSegmentWriter(ix, limitmb=limitmb)
    writer._close_segment()
    # Segments in the order the workers were started; docnums matter only for tie-breaking.
    writer._commit_toc([segments[p.pid] for p in procs if p.pid in segments])
    writer._finish()
    return _resolve(ix, outcomes, limitmb)


def _resolve(ix, outcomes, limitmb) -> BuildResult:
    """Apply the serial rules: the first file with an id wins, later ones are reported."""
    result = BuildResult()
    seen: dict[str, str] = {}
    duplicates = []
    for batch_no in sorted(outcomes):
        for relpath, doc_id, docnum, passages, problems in outcomes[batch_no]:
            if doc_id is None:
                result.problems.extend(problems)
                continue
            result.problems.extend(problems)
            if doc_id in seen:
                result.problems.append(CorpusProblem(relpath, "id", f"与 {seen[doc_id]} 重复：“{doc_id}”，本文件未编入索引。"))
                duplicates.append(relpath)
                continue
            seen[doc_id] = relpath
            result.indexed.append((relpath, doc_id))
            result.passages += passages
    if duplicates:
        _delete_paths(ix, set(duplicates), limitmb)
    return result


def _delete_paths(ix, paths: set[str], limitmb) -> None:
    """Delete the documents stored from *paths* (a later file repeating an earlier id)."""
    writer = FastSegmentWriter(ix, limitmb=limitmb)
    try:
        with ix.reader() as reader:
            for docnum, fields in reader.iter_docs():
                if (fields.get("meta") or {}).get("path") in paths:
                    writer.delete_document(docnum)
        # Rewriting the segments drops the deleted documents from the collection statistics
        # (BM25's average length), so scores equal a serial build's.  Rare: an error case.
        writer.commit(optimize=True)
    except BaseException:
        writer.cancel()
        raise
