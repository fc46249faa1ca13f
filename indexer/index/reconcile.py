"""Bring the index in line with the corpus: which files changed, parse them, write the difference.

One pass, in named steps:

1. :meth:`Reconciler.scan` — stat every corpus file; a file whose size, times, inode and folder
   defaults equal those recorded when its content was hashed is not read again.
2. :meth:`Reconciler.parse` — parse the changed files; a file that fails to parse, or repeats
   another file's id, is reported and its stale content is removed from the index.
3. :meth:`Reconciler.ids_to_remove` — documents of files that are gone (an id that moved to
   another file is kept).
4. :meth:`Reconciler.write` — a full rebuild (in parallel for a large corpus) or an update.

The store refuses a write when another process committed after *expect* was read
(:class:`~indexer.index.store.IndexChanged`); the caller then runs the pass again.
"""
from __future__ import annotations

import time
from dataclasses import dataclass, field
from pathlib import Path

from ..errors import CorpusError
from ..models import CorpusProblem, IndexReport, PolicyDoc
from ..corpus import Corpus, SourceFile
from .filestate import signature
from .parallel import MIN_PARALLEL_DOCS


@dataclass
class Scan:
    """What step 1 found: the files present, those to read again, and their stat records."""
    state: dict                                     # relpath -> what the index recorded
    present: set = field(default_factory=set)
    changed: list = field(default_factory=list)     # SourceFile, content changed or unknown
    file_info: dict = field(default_factory=dict)   # relpath -> stat signature, folder-defaults key
    problems: list = field(default_factory=list)

    @property
    def removed_paths(self) -> list[str]:
        return [rel for rel in self.state if rel not in self.present]


class Reconciler:
    """One reconciliation pass of *corpus* into *store* (see the module docstring)."""

    def __init__(self, corpus: Corpus, store, workers: int = 1):
        self.corpus = corpus
        self.store = store
        self.workers = workers

    def run(self, rebuild: bool, progress=None, on_start=None, verify: bool = False, expect=None) -> IndexReport:
        started = time.perf_counter()
        full = rebuild or not self.store.is_usable()
        scan = self.scan({} if full else self.store.stored_state(), verify)
        if on_start:
            on_start(len(scan.changed))
        if full and self.workers > 1 and len(scan.changed) >= MIN_PARALLEL_DOCS:
            return self.rebuild_parallel(scan, progress, expect, started)
        parsed, removed_paths = self.parse(scan, progress)
        remove_ids = self.ids_to_remove(scan, removed_paths, parsed)
        passages = self.write(full, scan, parsed, remove_ids, progress, expect)
        added = sum(1 for doc, _ in parsed if full or doc.path not in scan.state)
        return IndexReport(
            files=len(scan.present), added=added, updated=len(parsed) - added, removed=len(remove_ids),
            unchanged=len(scan.present) - len(scan.changed), passages=passages,
            seconds=time.perf_counter() - started, rebuilt=full, problems=tuple(scan.problems))

    # -- 1. which files to read -------------------------------------------------------------
    def scan(self, state: dict, verify: bool) -> Scan:
        now_ns = time.time_ns()  # before any stat: see filestate.RACY_NS
        scan = Scan(state)
        folder_keys: dict[str, str] = {}
        for rel, path, st in self.corpus.scan():
            if isinstance(st, OSError):
                scan.problems.append(CorpusProblem(rel, None, f"无法读取：{st.strerror}"))
                continue
            known = state.get(rel)
            sig = signature(st, now_ns)
            folder = rel.rpartition("/")[0]
            if folder not in folder_keys:
                folder_keys[folder] = self.corpus.defaults_key(folder)
            same_defaults = known is not None and known.get("folder") in (None, folder_keys[folder])
            if same_defaults and not verify and sig is not None and known.get("sig") == sig:
                scan.present.add(rel)
                continue  # same size, times and inode as when its content was hashed
            try:
                source = self.corpus.read_source(Path(path))
            except OSError as exc:
                scan.problems.append(CorpusProblem(rel, None, f"无法读取：{exc.strerror}"))
                continue
            scan.present.add(rel)
            scan.file_info[rel] = {"sig": sig, "folder": folder_keys[folder]}
            if not same_defaults or known.get("hash") != source.hash:
                scan.changed.append(source)
        return scan

    # -- 2. parse what changed --------------------------------------------------------------
    def parse(self, scan: Scan, progress=None) -> tuple[list[tuple[PolicyDoc, str]], list[str]]:
        """Return the parsed documents with their content hashes, and the paths to take out."""
        parsed: list[tuple[PolicyDoc, str]] = []
        removed_paths = scan.removed_paths
        changed_paths = {c.relpath for c in scan.changed}
        seen_ids = {v["id"]: rel for rel, v in scan.state.items()
                    if rel in scan.present and rel not in changed_paths}
        for source in scan.changed:
            doc = self._parse_one(source, scan, removed_paths, progress)
            if doc is None:
                continue
            if doc.id in seen_ids and seen_ids[doc.id] != source.relpath:
                scan.problems.append(CorpusProblem(doc.path, "id", f"与 {seen_ids[doc.id]} 重复：“{doc.id}”，本文件未编入索引。"))
                if progress:
                    progress(None)
                continue
            seen_ids[doc.id] = source.relpath
            parsed.append((doc, source.hash))
        return parsed, removed_paths

    def _parse_one(self, source: SourceFile, scan: Scan, removed_paths: list, progress) -> PolicyDoc | None:
        try:
            doc, warnings = self.corpus.parse(source)
        except CorpusError as exc:
            scan.problems.append(CorpusProblem(exc.path, exc.field, exc.reason))
            if source.relpath in scan.state:
                removed_paths.append(source.relpath)  # never keep stale content
            if progress:
                progress(None)
            return None
        scan.problems.extend(warnings)
        return doc

    # -- 3. what to take out ----------------------------------------------------------------
    @staticmethod
    def ids_to_remove(scan: Scan, removed_paths: list[str], parsed) -> list[str]:
        remove_ids = [scan.state[rel]["id"] for rel in removed_paths if rel in scan.state]
        # An id that moved to another file must not be deleted after the new file is added.
        new_ids = {doc.id for doc, _ in parsed}
        return [i for i in remove_ids if i not in new_ids]

    # -- 4. write ---------------------------------------------------------------------------
    def write(self, full: bool, scan: Scan, parsed, remove_ids, progress, expect) -> int:
        store = self.store
        if full:
            passages = store.rebuild(iter(parsed), progress=progress, file_info=scan.file_info, expect=expect)
        elif parsed or remove_ids:
            passages = store.update(parsed, remove_ids, progress=progress, file_info=scan.file_info, expect=expect)
        else:
            passages = 0
        if not full:  # files read again but unchanged: remember their new signatures
            changed_paths = {c.relpath for c in scan.changed}
            store.remember_files({rel: info for rel, info in scan.file_info.items() if rel not in changed_paths
                                  and rel in scan.state and any(scan.state[rel].get(k) != v for k, v in info.items())})
        return passages

    def rebuild_parallel(self, scan: Scan, progress, expect, started: float) -> IndexReport:
        built = self.store.rebuild_parallel(self.corpus.root, scan.changed, self.workers, progress=progress,
                                            file_info=scan.file_info, expect=expect)
        return IndexReport(
            files=len(scan.present), added=len(built.indexed), updated=0, removed=0, unchanged=0,
            passages=built.passages, seconds=time.perf_counter() - started, rebuilt=True,
            problems=tuple(scan.problems) + tuple(built.problems))
