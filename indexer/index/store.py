"""The whoosh index: schema, generations, incremental updates and atomic rebuilds.

Layout of ``index_dir``: ``CURRENT`` names the active generation directory (``gen-…``).  A
rebuild writes a new generation and then replaces ``CURRENT`` atomically, so a crash at any point
leaves the previous index in service.  Each generation records the analyzer fingerprint; when the
dictionary changes the next ``index`` run rebuilds instead of mixing tokenisations.
"""
from __future__ import annotations

import json
import os
import shutil
import threading
import time
import uuid
from contextlib import contextmanager
from pathlib import Path

from whoosh import index as whoosh_index
from whoosh.index import LockError

from .. import fileio
from . import filestate
from . import segcache  # noqa: F401  (readers share segment bytes; see segcache.py)
from ..analysis import TextAnalyzer
from ..corpus import atomic_write
from ..errors import IndexBusy, IndexMissing
from ..models import PolicyDoc
from . import parallel
from .postings import FastSegmentWriter
from .schema import SCHEMA_VERSION, build_schema, doc_record

LOCK_TIMEOUT = 30.0  # seconds; the CLI waits longer (see indexer.cli)


def _entry(doc_id: str, source_hash: str, file_info: dict | None, path: str) -> dict:
    info = (file_info or {}).get(path) or {}
    return {"id": doc_id, "hash": source_hash, "sig": info.get("sig"), "folder": info.get("folder")}


class IndexChanged(Exception):
    """Another process committed after the caller read the corpus: its changes may be stale."""


class IndexStore:
    """Open, update and rebuild the index generations under ``index_dir``."""

    def __init__(self, index_dir: str | os.PathLike, analyzer: TextAnalyzer, fingerprint: str):
        self.index_dir = Path(index_dir)
        self.analyzer = analyzer
        self.fingerprint = fingerprint
        self.schema = build_schema(analyzer)
        self._write_lock = threading.Lock()
        # How long a writer waits for another process's write lock before giving up, and whom to
        # tell that it waits (the CLI prints a sentence; the site logs).
        self.lock_timeout = LOCK_TIMEOUT
        self.on_wait = None

    @contextmanager
    def _locked(self, expect: tuple | None = None):
        """Hold the write lock of this index across threads and processes (file lock on POSIX).

        :param expect: the generation token the caller's reading of the corpus was based on.
        :raises IndexChanged: when another writer committed since then.
        """
        with self._write_lock, self._file_lock():
            if expect is not None and self.generation_token() != expect:
                raise IndexChanged()
            yield

    @contextmanager
    def _file_lock(self):
        on_wait = self.on_wait
        try:
            with fileio.exclusive(self.index_dir / ".write.lock", timeout=self.lock_timeout,
                                    on_wait=(lambda pid: on_wait(fileio.describe(pid))) if on_wait else None):
                yield
        except fileio.LockTimeout as exc:
            raise IndexBusy(self.index_dir, fileio.describe(exc.holder), exc.waited) from None

    # -- generations -------------------------------------------------------------------------
    def current_dir(self) -> Path | None:
        try:
            name = (self.index_dir / "CURRENT").read_text(encoding="utf-8").strip()
        except (FileNotFoundError, NotADirectoryError):
            return None
        path = self.index_dir / name
        return path if name and path.is_dir() else None

    def info(self) -> dict:
        current = self.current_dir()
        if current is None:
            return {}
        try:
            return json.loads((current / "policykb.json").read_text(encoding="utf-8"))
        except (OSError, ValueError):
            return {}

    def is_usable(self) -> bool:
        """Tell whether the current generation exists, opens and matches this analyzer."""
        info = self.info()
        if info.get("fingerprint") != self.fingerprint or info.get("schema") != SCHEMA_VERSION:
            return False
        try:
            self.open()
        except Exception:
            return False
        return True

    def open(self):
        """Open the current generation; retry briefly because a concurrent commit renames files."""
        current = self.current_dir()
        if current is None or not whoosh_index.exists_in(str(current)):
            raise IndexMissing(self.index_dir)
        for attempt in range(5):
            try:
                return whoosh_index.open_dir(str(current), schema=self.schema)
            except FileNotFoundError:
                time.sleep(0.05 * (attempt + 1))
        return whoosh_index.open_dir(str(current), schema=self.schema)

    def generation_token(self) -> tuple:
        """Return a cheap value that changes whenever the searchable index changes.

        Called several times per web request, so it uses plain ``os`` calls (~30 µs, where
        pathlib's read_text, is_dir and glob took ~120 µs).
        """
        root = os.fspath(self.index_dir)
        try:
            with open(os.path.join(root, "CURRENT"), encoding="utf-8") as handle:
                name = handle.read().strip()
            names = os.listdir(os.path.join(root, name)) if name else None
        except (FileNotFoundError, NotADirectoryError):
            return (None,)
        if names is None:
            return (None,)
        return (name, tuple(sorted(n for n in names if n.startswith("_MAIN_") and n.endswith(".toc"))))

    # -- writing -----------------------------------------------------------------------------
    def _writer(self, ix, timeout: float = 10.0):
        deadline = time.monotonic() + timeout
        while True:
            try:
                return FastSegmentWriter(ix, limitmb=256)
            except LockError:
                if time.monotonic() > deadline:
                    raise IndexBusy(self.index_dir)
                time.sleep(0.1)

    def _state_tag(self) -> list | None:
        current = self.current_dir()
        return filestate.generation_tag(current) if current is not None else None

    def stored_state(self, read_records: bool = True) -> dict[str, dict] | None:
        """Return path → what the index holds for it: ``{"id", "hash", "sig"}``.

        ``sig`` is the file's stat signature when its content was hashed, or None (see
        :mod:`indexer.index.filestate`).  The state comes from memory or from the generation's state
        file when either matches the current whoosh generation; otherwise every stored record is
        unpickled with its passages (~1.2 s on the law corpus) and the state file is rewritten;
        with ``read_records=False`` None is returned instead.  The returned mapping is the
        caller's; its entries are shared and must not be changed in place.
        """
        tag = self._state_tag()
        cached = getattr(self, "_state_cache", None)
        if cached is not None and cached[0] == tag:
            return dict(cached[1])
        state = filestate.load(self.current_dir(), tag) if tag else None
        if state is None and not read_records:
            return None
        if state is None:
            ix = self.open()
            gen_dir = Path(ix.storage.folder)
            state = {}
            with ix.searcher() as searcher:
                # The tag of the generation actually read, even if another process commits now.
                tag = [gen_dir.name, searcher.reader().generation()]
                for fields in searcher.all_stored_fields():
                    meta = fields.get("meta") or {}
                    state[meta.get("path", fields["doc_id"])] = {
                        "id": fields["doc_id"], "hash": meta.get("hash"), "sig": None, "folder": None}
            filestate.save(gen_dir, tag, state)
        self._state_cache = (tag, state)
        return dict(state)

    def remember_files(self, file_info: dict[str, dict]) -> None:
        """Record new file facts (``sig``, ``folder``) of files whose content is unchanged."""
        with self._locked():
            tag = self._state_tag()
            cached = getattr(self, "_state_cache", None)
            if not file_info or cached is None or cached[0] != tag:
                return
            state = cached[1]
            for path, info in file_info.items():
                if path in state:
                    state[path] = dict(state[path], **info)
            filestate.save(self.current_dir(), tag, state)

    def _carry_state(self, before, add, remove_ids, file_info, tag, gen_dir) -> None:
        """Apply a committed update to the cached state, if it was read from *before*."""
        cached = getattr(self, "_state_cache", None)
        self._state_cache = None
        if cached is None or cached[0] != before:
            loaded = filestate.load(gen_dir, before)  # e.g. a save in the web app's process
            if loaded is None:
                return
            cached = (before, loaded)
        gone = set(remove_ids) | {doc.id for doc, _ in add}
        state = {path: value for path, value in cached[1].items() if value["id"] not in gone}
        for doc, source_hash in add:
            state[doc.path] = _entry(doc.id, source_hash, file_info, doc.path)
        self._state_cache = (tag, state)
        filestate.save(gen_dir, tag, state)

    def rebuild(self, items, progress=None, file_info: dict[str, dict] | None = None,
                expect: tuple | None = None) -> int:
        """Build a new generation from ``(doc, hash)`` items and swap it in; return passages.

        :param file_info: path → ``{"sig", "folder"}`` of the files (see :mod:`indexer.index.filestate`).
        :param expect: see :meth:`_locked`.
        """
        state: dict[str, dict] = {}

        def build(target: Path) -> int:
            ix = whoosh_index.create_in(str(target), self.schema)
            writer = FastSegmentWriter(ix, limitmb=256)
            passages = 0
            try:
                for doc, source_hash in items:
                    writer.add_document(**doc_record(doc, self.analyzer, source_hash))
                    state[doc.path] = _entry(doc.id, source_hash, file_info, doc.path)
                    passages += len(doc.passages)
                    if progress:
                        progress(doc)
                writer.commit()
            except BaseException:
                writer.cancel()
                raise
            return passages
        return self._new_generation(build, lambda _: state, expect=expect)

    def rebuild_parallel(self, corpus_root, sources, workers: int, progress=None,
                         file_info: dict[str, dict] | None = None, expect: tuple | None = None):
        """Build a new generation from source files with *workers* processes and swap it in.

        :returns: an :class:`indexer.index.parallel.BuildResult` (indexed documents, problems, passages).
        """
        segmenter = self.analyzer.segmenter
        hashes = {source.relpath: source.hash for source in sources}

        def state_of(built) -> dict[str, dict]:
            return {path: _entry(doc_id, hashes[path], file_info, path) for path, doc_id in built.indexed}
        return self._new_generation(lambda target: parallel.parallel_build(
            target, self.schema, corpus_root, segmenter.backend, segmenter._words, sources,
            workers, progress=progress), state_of, expect=expect)

    def _new_generation(self, build, state_of=None, expect: tuple | None = None):
        """Run ``build(target_dir)`` in a fresh generation directory, then make it current.

        ``state_of(outcome)`` returns the path → {id, hash, sig} state of the new generation,
        saved beside it (see :mod:`indexer.index.filestate`).
        """
        with self._locked(expect):
            name = f"gen-{time.strftime('%Y%m%d%H%M%S')}-{uuid.uuid4().hex[:6]}"
            target = self.index_dir / name
            target.mkdir()
            try:
                outcome = build(target)
                info = {"fingerprint": self.fingerprint, "schema": SCHEMA_VERSION,
                        "created": time.strftime("%Y-%m-%dT%H:%M:%S")}
                atomic_write(target / "policykb.json", json.dumps(info).encode())
                if state_of is not None:
                    # Nobody else writes to *target* before it becomes current: the tag is exact.
                    state = state_of(outcome)
                    tag = filestate.generation_tag(target)
                    filestate.save(target, tag, state)
                    self._state_cache = (tag, state)
                atomic_write(self.index_dir / "CURRENT", name.encode())
            except BaseException:
                shutil.rmtree(target, ignore_errors=True)
                raise
            self._remove_abandoned(keep=name)
            return outcome

    def _remove_abandoned(self, keep: str | None) -> int:
        """Remove every generation but *keep*, and temporary files (write lock held); return how many.

        Under the write lock nobody builds a generation, so any other one is the previous index
        or a rebuild that a crash abandoned (on the law corpus each is a full copy).
        """
        removed = 0
        for path in self.index_dir.glob("gen-*"):
            if path.name != keep and path.is_dir():
                shutil.rmtree(path, ignore_errors=True)
                removed += 1
        for path in self.index_dir.glob(".tmp-*"):
            try:
                path.unlink()
                removed += 1
            except OSError:
                pass
        return removed

    def clean(self) -> int:
        """Remove abandoned generations and temporary files; return how many (see _remove_abandoned)."""
        if not self.index_dir.is_dir():
            return 0
        with self._locked():
            current = self.current_dir()
            return self._remove_abandoned(current.name if current is not None else None)

    def update(self, add: list[tuple[PolicyDoc, str]], remove_ids: list[str], progress=None,
               file_info: dict[str, dict] | None = None, expect: tuple | None = None) -> int:
        """Replace the given documents and delete others in one commit; return passages added.

        :param file_info: path → ``{"sig", "folder"}`` of the added files (see :mod:`indexer.index.filestate`).
        :param expect: see :meth:`_locked`.
        """
        with self._locked(expect):
            ix = self.open()
            writer = self._writer(ix)
            gen_dir = Path(ix.storage.folder)
            before = [gen_dir.name, writer.generation - 1]  # the generation this commit builds on
            passages = 0
            try:
                for doc_id in remove_ids:
                    writer.delete_by_term("doc_id", doc_id)
                for doc, source_hash in add:
                    writer.delete_by_term("doc_id", doc.id)
                    writer.add_document(**doc_record(doc, self.analyzer, source_hash))
                    passages += len(doc.passages)
                    if progress:
                        progress(doc)
                writer.commit(optimize=False)
            except BaseException:
                writer.cancel()
                self._state_cache = None
                raise
            self._carry_state(before, add, remove_ids, file_info, [gen_dir.name, writer.generation], gen_dir)
            self._remove_abandoned(keep=gen_dir.name)
            return passages
