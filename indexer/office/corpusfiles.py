"""The corpus files under the office's edit lock: safe paths, finding a document's file, and the
save path (pending record → file → version → index) that every workspace write goes through.

A crash at any point leaves the corpus readable; ``KnowledgeBase.index()`` reconciles the index on
start-up and :mod:`indexer.office.crashrepair` finishes the interrupted save.
"""
from __future__ import annotations

import logging
import os
import threading
import time
from contextlib import contextmanager
from pathlib import Path

from .. import fileio
from ..corpus import SourceFile, atomic_write, content_hash, decode_bytes, derived_id, split_front_matter
from ..errors import DocumentNotFound, PolicyKBError
from ..index import signature
from ..models import PolicyDoc
from . import crashrepair
from .form import FIELD_ORDER, check_id
from .history import History, Pending, Trash
from .records import EditableDocument, EditBusy, OfficeLinks, SaveResult, UnsafePath

log = logging.getLogger(__name__)

EDIT_LOCK_TIMEOUT = 60.0  # seconds a save waits for another process's save to finish


class CorpusFiles:
    """The corpus files of one knowledge base, with history, trash and the edit lock in *instance_dir*.

    :param links: the corpus and the index functions (see :class:`~indexer.office.records.OfficeLinks`).
    :param instance_dir: where history, trash and the edit lock live (not inside corpus/).
    """

    def __init__(self, links: OfficeLinks, instance_dir: str | os.PathLike):
        self.links = links
        self.corpus = links.corpus
        self.instance_dir = Path(instance_dir)
        self.history_store = History(self.instance_dir / "history")
        self.trash_store = Trash(self.instance_dir / "trash")
        self.pending = Pending(self.instance_dir / "pending")
        self._thread_lock = threading.RLock()

    # -- locking and paths -----------------------------------------------------------------
    @contextmanager
    def _locked(self):
        """Serialise writers across threads and processes (file lock where the OS has one)."""
        try:
            with self._thread_lock, fileio.exclusive(self.instance_dir / ".edit.lock",
                                                       timeout=EDIT_LOCK_TIMEOUT):
                yield
        except fileio.LockTimeout as exc:
            raise EditBusy(fileio.describe(exc.holder), exc.waited) from None

    def _safe_path(self, relpath: str) -> Path:
        """Resolve *relpath* inside the corpus, refusing traversal and symlinks out of it."""
        rel = Path(relpath)
        if rel.is_absolute() or ".." in rel.parts or not relpath.endswith(".md") or rel.name.startswith("."):
            raise UnsafePath(f"路径“{relpath}”不在语料目录内，已拒绝。")
        root = self.corpus.root.resolve()
        target = (self.corpus.root / rel)
        probe = self.corpus.root
        for part in rel.parts:
            probe = probe / part
            if probe.is_symlink():
                raise UnsafePath(f"路径“{relpath}”包含符号链接，已拒绝。")
        resolved = target.resolve()
        if root not in resolved.parents:
            raise UnsafePath(f"路径“{relpath}”不在语料目录内，已拒绝。")
        return target

    def _locate(self, doc_id: str) -> tuple[Path, bytes, PolicyDoc]:
        """Find the file of *doc_id* (index first, then a scan) and parse it."""
        doc_id = check_id(doc_id)
        candidates: list[str] = []
        try:
            fields = self.links.stored_fields(doc_id)
            if fields:
                candidates.append(fields["meta"]["path"])
        except Exception:  # a missing or damaged index: the corpus scan below still finds the file
            log.warning("index lookup of %s failed; scanning the corpus", doc_id, exc_info=True)
        for relpath in candidates:
            found = self._try_file(relpath, doc_id)
            if found:
                return found
        needle = doc_id.encode()
        now_ns = time.time_ns()
        indexed = self._indexed_files()
        for relpath, path, st in self.corpus.scan():
            if relpath in candidates or isinstance(st, OSError):
                continue
            known = indexed.get(relpath)
            if known and known["id"] != doc_id and known["sig"] is not None and known["sig"] == signature(st, now_ns):
                continue  # unchanged since it was indexed under another id
            try:
                data = Path(path).read_bytes()
            except OSError:
                continue
            if needle in data or derived_id(relpath) == doc_id:
                found = self._try_file(relpath, doc_id)
                if found:
                    return found
        raise DocumentNotFound(doc_id)

    def _indexed_files(self) -> dict[str, dict]:
        """Return path → {id, hash, sig} of indexed files if known without reading the index."""
        try:
            return self.links.store().stored_state(read_records=False) or {}
        except Exception:  # a damaged index: scan every file
            return {}

    def _try_file(self, relpath: str, doc_id: str):
        try:
            path = self._safe_path(relpath)
            data = path.read_bytes()
            doc, _ = self.corpus.parse(SourceFile(relpath, path, content_hash(data), data))
        except (OSError, PolicyKBError):
            return None
        return (path, data, doc) if doc.id == doc_id else None

    def _editable(self, path: Path, data: bytes, doc: PolicyDoc) -> EditableDocument:
        text = decode_bytes(data, doc.path)
        front, body = split_front_matter(text, doc.path)
        meta = {k: v for k, v in doc.metadata().items() if k in FIELD_ORDER}
        meta = {k: v for k, v in meta.items() if v not in ("", [], False)}
        last = self.history_store.versions(doc.id)
        saved = last[-1] if last and last[-1].hash == content_hash(data) else None
        return EditableDocument(id=doc.id, meta=meta, body=body if front is not None else doc.body,
                                version=content_hash(data), path=doc.path, text=text,
                                saved_by=saved.author if saved else "", saved_at=saved.time if saved else "")

    # -- the save path -----------------------------------------------------------------------
    def _record_baseline(self, doc_id: str, relpath: str, data: bytes) -> None:
        """Keep the file as it is now when history lacks it (hand edits, pre-existing files)."""
        if crashrepair.record_interrupted_save(self.history_store, self.pending, doc_id, data):
            return  # the file is what a save interrupted by a crash wrote: recorded as that save
        versions = self.history_store.versions(doc_id)
        if not versions or versions[-1].hash != content_hash(data):
            self.history_store.append(doc_id, data, author="（系统外）", action="baseline",
                                      summary="保存前的原有内容（在本系统之外创建或修改）", path=relpath)

    def _save_existing(self, doc_id, path, relpath, old: bytes, new: bytes, author, action, summary,
                       warnings) -> SaveResult:
        self._record_baseline(doc_id, relpath, old)
        self.pending.begin(doc_id, new, author=author, action=action, summary=summary, path=relpath)
        atomic_write(path, new)
        info = self.history_store.append(doc_id, new, author=author, action=action, summary=summary, path=relpath)
        self.pending.end(doc_id)
        indexed, notice = self._reindex(relpath)
        return SaveResult(doc_id, info.hash, info.number, relpath, indexed, warnings, notice)

    def _reindex(self, relpath: str) -> tuple[bool, str]:
        """Index one saved file now; on failure the file is safe and start-up reconciles."""
        try:
            store = self.links.store()
            if not store.is_usable():
                self.links.build_index()
                return True, ""
            path = self.corpus.root / relpath
            source = self.corpus.read_source(path)
            doc, _ = self.corpus.parse(source)
            store.update([(doc, source.hash)], [])
            return True, ""
        except Exception as exc:  # the file is saved: an index failure of any kind must not hide that
            if not isinstance(exc, PolicyKBError):
                log.exception("indexing %s after a save failed", relpath)
                exc = "索引文件可能已损坏"
            return False, f"文档已保存，但索引暂未更新（{exc}）；下次启动或运行 policykb index 时自动补上。"

    def _unindex(self, doc_id: str) -> None:
        try:
            store = self.links.store()
            if store.is_usable():
                store.update([], [doc_id])
        except Exception:  # the file is gone; the next reconcile drops the stale entry
            log.warning("removing %s from the index failed", doc_id, exc_info=True)
