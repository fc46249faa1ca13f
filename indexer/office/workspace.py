"""Safe writes to the corpus: create, edit, retire, delete and restore documents.

Every save renders the front matter, validates it with the corpus reader's own parser, writes
the Markdown file atomically, records the version in the history (under the instance
directory), and only then updates the index for that one document.  A crash at any point
leaves the corpus readable; ``KnowledgeBase.index()`` reconciles the index on start-up.
"""
from __future__ import annotations

import logging
import os
import threading
import time
import uuid
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

from ..corpus import (SourceFile, atomic_write, content_hash, decode_bytes, derived_id,
                     parse_document, split_front_matter)
from .form import (FIELD_LABELS, FIELD_ORDER, FieldError, change_summary, clean_meta, lenient_meta,
                      LEVEL_PREFIX, MAX_BODY_CHARS, check_id, render_document, unified_diff)
from .. import fileio
from ..errors import CorpusError, DocumentNotFound, PolicyKBError
from ..index import signature
from . import crashrepair
from .history import History, Pending, Trash, TrashEntry, VersionInfo
from .textdiff import VersionDiff, version_diff
from .wordtables import WordTables
from ..models import LEVELS, STATUSES, PolicyDoc, level_key
from ..analysis import normalize_doc_no

log = logging.getLogger(__name__)

EDIT_LOCK_TIMEOUT = 60.0  # seconds a save waits for another process's save to finish


class EditBusy(PolicyKBError):
    """Another process kept the edit lock too long; nothing was saved."""

    status = 503

    def __init__(self, holder: str, waited: float):
        super().__init__(f"另一个保存操作（{holder}）等待 {waited:.0f} 秒后仍未结束，您的修改没有保存。"
                         "请稍后重新提交；如果一直如此，请管理员检查服务器上的该进程。")


class EditConflict(PolicyKBError):
    """The document changed since the editor loaded it; nothing was saved."""

    status = 409

    def __init__(self, current: "EditableDocument", meta: dict, body: str):
        super().__init__(f"文档“{current.id}”在您编辑期间已被他人修改（{current.saved_by or '未知'}，"
                         f"{current.saved_at or '时间不详'}）。您的修改没有保存，请对照两个版本后重新提交。")
        self.current = current
        self.yours_meta = meta
        self.yours_body = body
        self.diff = unified_diff(current.text, render_document(lenient_meta(meta, current.id), body),
                                 "他人保存的版本", "您的版本")


class DuplicateDocument(PolicyKBError):
    """Documents with the same 文号, or the same title and date, already exist."""

    status = 409

    def __init__(self, duplicates: list["Duplicate"]):
        listing = "；".join(f"《{d.title}》（{d.id}，{d.reason}）" for d in duplicates[:5])
        super().__init__(f"可能与已有文档重复：{listing}。确认不是重复后可仍然保存。")
        self.duplicates = duplicates


class UnsafePath(PolicyKBError):
    """An id or path would leave the corpus directory."""

    status = 400


@dataclass(frozen=True)
class Duplicate:
    id: str
    title: str
    date: str
    doc_no: str
    reason: str


@dataclass(frozen=True)
class EditableDocument:
    """A document as the edit form needs it; ``version`` goes back as ``base_version``."""

    id: str
    meta: dict
    body: str
    version: str
    path: str
    text: str = ""
    saved_by: str = ""
    saved_at: str = ""


@dataclass(frozen=True)
class SaveResult:
    """What a save did: the new version token, warnings, and whether the index has it yet."""

    id: str
    version: str
    number: int
    path: str
    indexed: bool
    warnings: tuple[str, ...] = ()
    notice: str = ""


@dataclass(frozen=True)
class Preview:
    """A validated, unsaved document for the review step, with warnings and duplicates."""

    doc: PolicyDoc
    text: str
    warnings: tuple[str, ...]
    duplicates: tuple[Duplicate, ...]


@dataclass(frozen=True)
class HistoryEntry:
    """One version with the readable diff against the version before it."""

    version: VersionInfo
    diff: str
    current: bool = False
    changes: tuple[str, ...] = field(default=())
    view: VersionDiff | None = None  # the same difference, readable: fields changed, body side by side


class Workspace:
    """Write access to one knowledge base's corpus, with history and trash in *instance_dir*.

    :param kb: the :class:`~indexer.kb.KnowledgeBase` whose corpus and index are updated.
    :param instance_dir: where history, trash and the edit lock live (not inside corpus/).
    """

    def __init__(self, kb, instance_dir: str | os.PathLike):
        self.kb = kb
        self.corpus = kb.corpus
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
            fields = self.kb.searcher().document(doc_id=doc_id)
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
            return self.kb.store.stored_state(read_records=False) or {}
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

    # -- reading ----------------------------------------------------------------------------
    def load(self, doc_id: str) -> EditableDocument:
        """Return the current document for the edit form.

        :raises DocumentNotFound: when no file in the corpus has this id.
        """
        return self._editable(*self._locate(doc_id))

    def validate(self, meta: dict, body: str, relpath: str = "draft.md") -> tuple[PolicyDoc, str, list[str]]:
        """Render and parse as the corpus reader will; return (doc, text, warnings).

        :raises FieldError: naming the offending field in Chinese.
        """
        if len(body or "") > MAX_BODY_CHARS:
            raise FieldError("body", f"正文太长（超过 {MAX_BODY_CHARS // 10000} 万字）。")
        if not (body or "").strip():
            raise FieldError("body", "正文不能为空。")
        cleaned = clean_meta(meta)
        if "id" in cleaned:
            check_id(cleaned["id"])
        if cleaned.get("level") and cleaned["level"] not in LEVELS:
            raise FieldError("level", f"“{cleaned['level']}”无效，可选：" + "、".join(
                v for k, v in LEVELS.items() if k != "unclassified") + "。")
        if cleaned.get("status", "现行有效") not in STATUSES:
            raise FieldError("status", f"“{cleaned['status']}”无效，可选：{'、'.join(STATUSES)}。")
        if cleaned.get("status") == "已被替代":
            if not cleaned.get("replaced_by"):
                raise FieldError("replaced_by", "状态为“已被替代”时必须填写替代文档的编号。")
            if cleaned["replaced_by"] == cleaned.get("id"):
                raise FieldError("replaced_by", "不能由文档自身替代。")
        text = render_document(cleaned, body)
        try:
            doc, problems = parse_document(text, relpath)
        except CorpusError as exc:
            raise FieldError(exc.field, exc.reason)
        warnings = [f"{FIELD_LABELS.get(p.field or '', p.field or '')}：{p.message}" if p.field else p.message
                    for p in problems]
        return doc, text, warnings

    def find_duplicates(self, meta: dict, exclude_id: str = "", known: list[dict] | None = None) -> list[Duplicate]:
        """Return documents with the same normalised 文号, or the same title and date."""
        doc_no = normalize_doc_no(str(meta.get("doc_no") or ""))
        title = str(meta.get("title") or "").strip()
        date = str(meta.get("date") or "").strip()
        found = []
        for other in (known if known is not None else self.catalog()):
            if other.get("id") == exclude_id:
                continue
            reason = ""
            if doc_no and normalize_doc_no(other.get("doc_no") or "") == doc_no:
                reason = "文号相同"
            elif title and date and other.get("title") == title and other.get("date") == date:
                reason = "标题和日期相同"
            if reason:
                found.append(Duplicate(other["id"], other.get("title", ""), other.get("date", ""),
                                       other.get("doc_no", ""), reason))
        return found

    def catalog(self) -> list[dict]:
        """Return the metadata of every document (from the index; built first if missing)."""
        if not self.kb.store.is_usable():
            self.kb.index()
        return self.kb.documents()

    def preview(self, meta: dict, body: str, doc_id: str = "") -> Preview:
        """Validate an unsaved form for the review step; never writes anything."""
        doc, text, warnings = self.validate(dict(meta, id=meta.get("id") or doc_id or "draft"), body)
        duplicates = self.find_duplicates(meta, exclude_id=doc_id)
        return Preview(doc=doc, text=text, warnings=tuple(warnings), duplicates=tuple(duplicates))

    def history(self, doc_id: str) -> list[HistoryEntry]:
        """Return every recorded version, newest first, each with a diff against its predecessor."""
        doc_id = check_id(doc_id)
        versions = self.history_store.versions(doc_id)
        try:
            current_hash = content_hash(self._locate(doc_id)[1])
        except DocumentNotFound:
            current_hash = ""
        entries, previous = [], ""
        for info in versions:
            text = decode_bytes(self.history_store.read(doc_id, info.number))
            diff = unified_diff(previous, text, f"第 {info.number - 1} 版" if previous else "（无）", f"第 {info.number} 版")
            entries.append(HistoryEntry(version=info, diff=diff, current=info.hash == current_hash,
                                        view=version_diff(previous, text)))
            previous = text
        return entries[::-1]

    def version_text(self, doc_id: str, number: int) -> str:
        """Return the file text of one recorded version."""
        try:
            return decode_bytes(self.history_store.read(check_id(doc_id), int(number)))
        except (OSError, ValueError):
            raise DocumentNotFound(f"{doc_id} 第 {number} 版")

    def trash(self) -> list[TrashEntry]:
        """Return the deleted documents, newest first."""
        return self.trash_store.entries()

    # -- writing ----------------------------------------------------------------------------
    def create_document(self, meta: dict, body: str, author: str, *, force: bool = False,
                        summary: str = "", index: bool = True, known: list[dict] | None = None,
                        action: str = "create") -> SaveResult:
        """Save a new document under ``documents/<level>/<id>.md`` (an id is generated if absent).

        :param force: save even when :class:`DuplicateDocument` would be raised.
        :param index: update the index now (bulk imports pass False and index once at the end).
        :raises FieldError: invalid field; :raises DuplicateDocument: likely duplicate.
        """
        meta = dict(meta)
        level = level_key(str(meta.get("level") or "")) or ""
        if level not in LEVELS:
            raise FieldError("level", "请选择级别：" + "、".join(v for k, v in LEVELS.items() if k != "unclassified") + "。")
        if not meta.get("id"):
            meta["id"] = self.new_id(level, str(meta.get("date") or ""))
        doc_id = check_id(meta["id"])
        relpath = f"documents/{level}/{doc_id}.md"
        doc, text, warnings = self.validate(meta, body, relpath)
        duplicates = self.find_duplicates(meta, known=known)
        if duplicates and not force:
            raise DuplicateDocument(duplicates)
        with self._locked():
            if self._exists(doc_id, known):
                raise FieldError("id", f"编号“{doc_id}”已被其他文档使用。")
            path = self._safe_path(relpath)
            if path.exists():
                raise FieldError("id", f"文件 {relpath} 已存在。")
            data = text.encode("utf-8")
            summary = summary or "新建文档"
            self.pending.begin(doc_id, data, author=author, action=action, summary=summary, path=relpath)
            atomic_write(path, data)
            info = self.history_store.append(doc_id, data, author=author, action=action,
                                             summary=summary, path=relpath)
            self.pending.end(doc_id)
            indexed, notice = self._reindex(relpath) if index else (False, "")
        return SaveResult(doc_id, info.hash, info.number, relpath, indexed, tuple(warnings), notice)

    def update_document(self, doc_id: str, meta: dict, body: str, author: str, base_version: str, *,
                        force: bool = False, summary: str = "", action: str = "edit") -> SaveResult:
        """Save an edit made on version *base_version* (the ``version`` that :meth:`load` gave).

        :raises EditConflict: the file changed since then (nothing saved; both versions attached).
        :raises FieldError: invalid field; :raises DuplicateDocument: likely duplicate.
        """
        doc_id = check_id(doc_id)
        meta = dict(meta)
        if meta.get("id") and str(meta["id"]).strip() != doc_id:
            raise FieldError("id", "编号创建后不能修改。")
        meta["id"] = doc_id
        with self._locked():
            path, data, old_doc = self._locate(doc_id)
            current = self._editable(path, data, old_doc)
            if base_version != current.version:
                raise EditConflict(current, meta, body)
            doc, text, warnings = self.validate(meta, body, old_doc.path)
            if not force and action == "edit":
                old_keys = (normalize_doc_no(old_doc.doc_no), old_doc.title, old_doc.date)
                if (normalize_doc_no(doc.doc_no), doc.title, doc.date) != old_keys:
                    duplicates = self.find_duplicates(meta, exclude_id=doc_id)
                    if duplicates:
                        raise DuplicateDocument(duplicates)
            new = text.encode("utf-8")
            if new == data:
                return SaveResult(doc_id, current.version, 0, old_doc.path, True, tuple(warnings), "没有改动。")
            summary = summary or change_summary(current.meta, clean_meta(meta), current.body, body)
            return self._save_existing(doc_id, path, old_doc.path, data, new, author, action, summary,
                                       tuple(warnings))

    def set_status(self, doc_id: str, status: str, author: str, replaced_by: str = "",
                   base_version: str | None = None) -> SaveResult:
        """Mark a document 现行有效 / 已废止 / 已被替代 (with *replaced_by*), keeping history."""
        current = self.load(doc_id)
        if status == "已被替代":
            replaced_by = check_id(replaced_by) if replaced_by else ""
            if replaced_by:
                self._locate(replaced_by)  # DocumentNotFound names the missing id
        meta = dict(current.meta, status=status, replaced_by=replaced_by if status == "已被替代" else "")
        summary = f"状态改为“{status}”" + (f"，由 {replaced_by} 替代" if status == "已被替代" and replaced_by else "")
        return self.update_document(doc_id, meta, current.body, author,
                                    base_version or current.version, summary=summary, action="status")

    def delete_document(self, doc_id: str, author: str) -> TrashEntry:
        """Move a document to the trash (restorable) and drop it from the index."""
        with self._locked():
            path, data, doc = self._locate(doc_id)
            self._record_baseline(doc.id, doc.path, data)
            entry = self.trash_store.put(doc.id, doc.title, doc.path, data, author)
            self.history_store.append(doc.id, data, author=author, action="delete",
                                      summary="移入回收站", path=doc.path)
            path.unlink()
            self._unindex(doc.id)
        return entry

    def restore_from_trash(self, entry_id: str, author: str) -> SaveResult:
        """Put a deleted document back at its original path and index it."""
        found = self.trash_store.get(entry_id)
        if found is None:
            raise DocumentNotFound(f"回收站条目 {entry_id}")
        entry, data = found
        with self._locked():
            try:
                self._locate(entry.doc_id)
                raise FieldError("id", f"编号“{entry.doc_id}”已被现有文档使用，无法恢复。")
            except DocumentNotFound:
                pass
            path = self._safe_path(entry.path)
            if path.exists():
                raise FieldError("id", f"原位置 {entry.path} 已有其他文件，无法恢复。")
            self.pending.begin(entry.doc_id, data, author=author, action="untrash", summary="从回收站恢复",
                               path=entry.path)
            atomic_write(path, data)
            info = self.history_store.append(entry.doc_id, data, author=author, action="untrash",
                                             summary="从回收站恢复", path=entry.path)
            self.pending.end(entry.doc_id)
            self.trash_store.discard(entry_id)
            indexed, notice = self._reindex(entry.path)
        return SaveResult(entry.doc_id, info.hash, info.number, entry.path, indexed, (), notice)

    def restore_version(self, doc_id: str, number: int, author: str) -> SaveResult:
        """Make an earlier version current again (recorded as a new version)."""
        doc_id = check_id(doc_id)
        try:
            data = self.history_store.read(doc_id, int(number))
        except (OSError, ValueError):
            raise DocumentNotFound(f"{doc_id} 第 {number} 版")
        with self._locked():
            path, current, doc = self._locate(doc_id)
            parsed, _ = parse_document(decode_bytes(data), doc.path)
            if parsed.id != doc_id:
                raise FieldError("id", "该版本的编号与文档不一致，无法恢复。")
            if data == current:
                return SaveResult(doc_id, content_hash(data), 0, doc.path, True, (), "该版本就是当前版本。")
            return self._save_existing(doc_id, path, doc.path, current, data, author, "restore",
                                       f"恢复为第 {int(number)} 版", ())

    def recover(self) -> list[str]:
        """Repair what a crash in the middle of a save, delete or restore left; return what was done.

        Runs under the edit lock, so no save of this workspace is in progress, then repairs the word
        tables under their own lock (see
        :mod:`indexer.office.crashrepair`); documents whose interrupted delete is finished here leave the
        index too.
        """
        with self._locked():
            repaired = crashrepair.repair_workspace(self.corpus.root, self.history_store, self.trash_store,
                                                    self.pending)
        for doc_id in repaired.unindex:
            self._unindex(doc_id)
        return repaired.messages + WordTables(self.kb, self.instance_dir).recover()

    # -- internals --------------------------------------------------------------------------
    def new_id(self, level: str, date: str = "") -> str:
        """Return a fresh id such as ``sheng-2005-3f9a1c2b``."""
        year = date[:4] if date[:4].isdigit() else "nd"
        return f"{LEVEL_PREFIX.get(level, 'doc')}-{year}-{uuid.uuid4().hex[:8]}"

    def _exists(self, doc_id: str, known: list[dict] | None) -> bool:
        if known is not None:  # a bulk import passes the complete catalogue: no corpus scan
            return any(d.get("id") == doc_id for d in known)
        try:
            self._locate(doc_id)
            return True
        except DocumentNotFound:
            return False

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
            store = self.kb.store
            if not store.is_usable():
                self.kb.index()
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
            if self.kb.store.is_usable():
                self.kb.store.update([], [doc_id])
        except Exception:  # the file is gone; the next reconcile drops the stale entry
            log.warning("removing %s from the index failed", doc_id, exc_info=True)
