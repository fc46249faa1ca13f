"""Safe writes to the corpus: create, edit, retire, delete and restore documents.

Every save renders the front matter, validates it with the corpus reader's own parser, writes
the Markdown file atomically, records the version in the history (under the instance
directory), and only then updates the index for that one document (the save path is
:mod:`indexer.office.corpusfiles`).  The workspace is handed its collaborators
(:class:`~indexer.office.records.OfficeLinks`); ``KnowledgeBase.workspace`` builds it.
"""
from __future__ import annotations

import os
import uuid

from ..analysis import normalize_doc_no
from ..corpus import atomic_write, content_hash, decode_bytes, parse_document
from ..errors import CorpusError, DocumentNotFound
from ..models import LEVELS, STATUSES, PolicyDoc, level_key
from . import crashrepair
from .corpusfiles import EDIT_LOCK_TIMEOUT, CorpusFiles
from .form import (FIELD_LABELS, LEVEL_PREFIX, MAX_BODY_CHARS, FieldError, change_summary, check_id, clean_meta,
                   render_document, unified_diff)
from .history import TrashEntry
from .records import (Duplicate, DuplicateDocument, EditableDocument, EditBusy, EditConflict, HistoryEntry,
                      OfficeLinks, Preview, SaveResult, UnsafePath)
from .textdiff import version_diff
from .wordtables import WordTables


class Workspace(CorpusFiles):
    """Write access to one knowledge base's corpus, with history and trash in *instance_dir*.

    :param links: the corpus and the index functions, from ``KnowledgeBase.workspace``.
    :param instance_dir: where history, trash and the edit lock live (not inside corpus/).
    """

    def __init__(self, links: OfficeLinks, instance_dir: str | os.PathLike):
        super().__init__(links, instance_dir)
        self.tables = WordTables(links.corpus, self.instance_dir, links.build_index, links.table_probe)

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
        if not self.links.store().is_usable():
            self.links.build_index()
        return self.links.documents()

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
        return repaired.messages + self.tables.recover()

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


__all__ = ["EDIT_LOCK_TIMEOUT", "Duplicate", "DuplicateDocument", "EditBusy", "EditConflict", "EditableDocument",
           "HistoryEntry", "OfficeLinks", "Preview", "SaveResult", "UnsafePath", "Workspace"]
