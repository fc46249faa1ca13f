"""Repair what a process killed in the middle of a write leaves behind.

Every write is ordered so that a crash never damages a file (see :mod:`indexer.office.workspace`), but a
crash between two steps leaves debris that used to stay for ever:

* ``.tmp-*`` files of atomic writes that never reached their rename;
* a delete interrupted after the trash copy and before the file's removal (the document is both
  live and in the trash, and 恢复 then fails), or a restore interrupted before the trash entry's
  removal;
* a save interrupted after the file and before its version: the next save filed the change as
  made outside the system (（系统外）); the pending record of the save now gives the real author;
* half-written trash entries;
* the same steps of a word-table save (:mod:`indexer.office.wordtables`): its temporary file, a table
  written without its version, or a version recorded without its table (:func:`repair_tables`).

:func:`repair_workspace` runs under the workspace's edit lock (so no save is in progress) when the
site starts and when one of its workers is replaced; :func:`remove_tmp_files` with an age limit
is safe without the lock (``policykb index``).  Abandoned index generations are the index store's
business (:meth:`indexer.index.store.IndexStore.clean`).
"""
from __future__ import annotations

import os
import shutil
import time
from dataclasses import dataclass, field
from pathlib import Path

from ..corpus import atomic_write, content_hash
from .history import History, Pending, Trash

TMP_PREFIX = ".tmp-"
UNLOCKED_TMP_AGE = 60.0  # seconds: no atomic write takes that long, so an older file is debris


@dataclass
class Repairs:
    """What a repair did: sentences for the operator, and documents to drop from the index."""

    messages: list[str] = field(default_factory=list)
    unindex: list[str] = field(default_factory=list)


def remove_tmp_files(root: Path, older_than: float | None = None) -> int:
    """Remove the ``.tmp-*`` files of interrupted atomic writes under *root*; return how many.

    :param older_than: only files not modified for this many seconds (when writers may be running).
    """
    removed = 0
    now = time.time()
    for folder, dirs, files in os.walk(root):
        dirs[:] = [d for d in dirs if not d.startswith(TMP_PREFIX)]
        for name in files:
            if not name.startswith(TMP_PREFIX):
                continue
            path = os.path.join(folder, name)
            try:
                if older_than is not None and now - os.stat(path).st_mtime < older_than:
                    continue
                os.unlink(path)
                removed += 1
            except OSError:
                continue
    return removed


def record_interrupted_save(history: History, pending: Pending, doc_id: str, data: bytes) -> bool:
    """Record the version of an interrupted save if *data* is what it wrote; return whether it did."""
    record = pending.get(doc_id)
    if record is None or record.hash != content_hash(data):
        return False
    versions = history.versions(doc_id)
    if not versions or versions[-1].hash != record.hash:
        history.append(doc_id, data, author=record.author, action=record.action,
                       summary=f"{record.summary}（保存于 {record.time}，服务中断后补记版本）", path=record.path)
    pending.end(doc_id)
    return True


def _repair_pending(root: Path, history: History, pending: Pending, repairs: Repairs) -> None:
    for record in pending.all():
        try:
            data = (root / record.path).read_bytes()
        except OSError:
            data = None
        if data is not None and record_interrupted_save(history, pending, record.doc_id, data):
            repairs.messages.append(f"文档“{record.doc_id}”：{record.author} 于 {record.time} 的保存在记录版本前中断，"
                                    "文件已写入，已补记这个版本。")
            continue
        pending.end(record.doc_id)
        repairs.messages.append(f"文档“{record.doc_id}”：{record.author} 于 {record.time} 的保存在写入文件前中断，"
                                "没有保存，文档保持原样。")


def _repair_trash(root: Path, history: History, trash: Trash, repairs: Repairs) -> None:
    if not trash.root.is_dir():
        return
    for folder in trash.root.iterdir():
        if folder.is_dir() and not (folder / "entry.json").exists():
            shutil.rmtree(folder, ignore_errors=True)  # a delete interrupted before its entry was complete
            repairs.messages.append(f"回收站：删除了未写完的条目 {folder.name}（删除操作在写入回收站时中断，文档仍在原位置）。")
    for entry in trash.entries():
        found = trash.get(entry.entry_id)
        live = root / entry.path
        if found is None or not live.is_file():
            continue
        try:
            same = content_hash(live.read_bytes()) == content_hash(found[1])
        except OSError:
            continue
        if not same:
            continue  # a different document now lives there: 恢复 explains the conflict itself
        versions = history.versions(entry.doc_id)
        last = versions[-1] if versions else None
        if last is not None and last.action == "delete" and last.hash == content_hash(found[1]):
            live.unlink()
            repairs.unindex.append(entry.doc_id)
            repairs.messages.append(f"文档“{entry.doc_id}”：删除操作在移出原位置前中断，已完成删除（可在回收站中恢复）。")
        else:
            trash.discard(entry.entry_id)
            what = "从回收站恢复" if last is not None and last.action == "untrash" else "删除"
            outcome = "已完成恢复" if what == "从回收站恢复" else "文档仍在原位置，已撤销回收站中的重复条目"
            repairs.messages.append(f"文档“{entry.doc_id}”：{what}操作中断，{outcome}。")


def repair_workspace(root: Path, history: History, trash: Trash, pending: Pending) -> Repairs:
    """Clean and repair the corpus *root* and the workspace's history and trash (edit lock held)."""
    repairs = Repairs()
    removed = sum(remove_tmp_files(folder) for folder in (root, history.root, trash.root, pending.root)
                  if Path(folder).is_dir())
    if removed:
        repairs.messages.append(f"删除了 {removed} 个中断写入留下的临时文件（.tmp-*）。")
    _repair_pending(Path(root), history, pending, repairs)
    _repair_trash(Path(root), history, trash, repairs)
    return repairs


def repair_tables(root: Path, history: History, pending: Pending, labels: dict[str, str]) -> list[str]:
    """Finish or undo word-table saves a crash interrupted (the table lock held); return sentences.

    A table save writes its pending record, the table file, its version, then drops the record:
    the file and the version are made to agree again, whichever of the two the crash left out.
    """
    messages: list[str] = []
    removed = sum(remove_tmp_files(folder) for folder in (history.root, pending.root) if Path(folder).is_dir())
    # the tables sit at the top of the corpus, so their temporary files do too (not recursively: the
    # documents' own are the workspace repair's, under the edit lock)
    removed += sum(_remove(p) for p in Path(root).glob(TMP_PREFIX + "*") if p.is_file())
    if removed:
        messages.append(f"对照表：删除了 {removed} 个中断写入留下的临时文件（.tmp-*）。")
    for record in pending.all():
        label = labels.get(record.doc_id)
        if label is None or Path(record.path).name != record.path:
            pending.end(record.doc_id)  # not a table record of this version: nothing to repair from it
            continue
        path = Path(root) / record.path
        try:
            data = path.read_bytes()
        except FileNotFoundError:
            data = b""
        except OSError:
            continue  # unreadable now: try again at the next start
        versions = history.versions(record.doc_id)
        last = versions[-1] if versions else None
        who = f"{label}（{record.path}）：{record.author} 于 {record.time} 的保存"
        if content_hash(data) == record.hash:
            if last is not None and last.hash == record.hash:
                pending.end(record.doc_id)  # interrupted after its version: only the record was left
                continue
            record_interrupted_save(history, pending, record.doc_id, data)
            messages.append(f"{who}在记录版本前中断，文件已写入，已补记这个版本。")
        elif last is not None and last.hash == record.hash:
            atomic_write(path, history.read(record.doc_id, last.number))
            pending.end(record.doc_id)
            messages.append(f"{who}在写入文件前中断，但版本已记录；已按第 {last.number} 版写入文件。")
        else:
            pending.end(record.doc_id)
            messages.append(f"{who}在写入文件前中断，没有保存，表格保持原样。")
    return messages


def _remove(path: Path) -> int:
    try:
        path.unlink()
        return 1
    except OSError:
        return 0
