"""Edit the word tables row by row: aliases, wording, glossary, reading lists, user dictionary.

Each table is a side file of the corpus.  A row is one top-level entry of the file (a ``key:``
mapping entry, a ``- `` list item, or a line of ``userdict.txt``); comments and blank lines
between rows are kept as they are, so editing one row never rewrites the rest of the file.
Every save renders the new file, validates it with the corpus reader's own parser, writes it
atomically, records the version in the history (``<instance>/table-history/<table>/``), and
then brings the index up to date when the table feeds the segmentation dictionary.
"""
from __future__ import annotations

import logging
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Callable

from .. import fileio as filelock
from ..corpus import Corpus, atomic_write, content_hash, decode_bytes
from ..errors import PolicyKBError
from . import crashrepair
from .form import unified_diff
from .history import History, Pending, VersionInfo
from .tablepreview import PreviewResult, TableProbe, preview
from .tablerows import (TABLES, Parsed, Row, TableConflict, TableError, TableSpec, UnknownTable, check_table,
                        parse_table, render_row, spec_of)
from .textdiff import VersionDiff, version_diff

log = logging.getLogger(__name__)

LOCK_TIMEOUT = 60.0


class TableBusy(PolicyKBError):
    status = 503


@dataclass(frozen=True)
class SaveOutcome:
    table: str
    version: int
    summary: str
    notice: str = ""


@dataclass(frozen=True)
class TableVersion:
    info: VersionInfo
    diff: str
    current: bool
    view: VersionDiff | None = None


# -- the table store: history, locking, undo -------------------------------------------------------
class WordTables:
    """Row edits of the corpus's word tables, with history and undo, for one knowledge base.

    Built by the office workspace (:attr:`Workspace.tables`) from what the knowledge base hands it.

    :param corpus: the corpus whose side files are edited.
    :param instance_dir: where the table history and the lock live (not inside corpus/).
    :param build_index: brings the index up to date with the corpus (a dictionary table changed).
    :param probe: what a preview asks of the knowledge base (search, answer, segment); None: no previews.
    """

    def __init__(self, corpus: Corpus, instance_dir, build_index: Callable[[], object],
                 probe: TableProbe | None = None):
        self.corpus = corpus
        self.build_index = build_index
        self.probe = probe
        self.instance_dir = Path(instance_dir)
        self.history_store = History(self.instance_dir / "table-history")
        self.pending = Pending(self.instance_dir / "table-pending")

    def path(self, spec: TableSpec) -> Path:
        return self.corpus.root / spec.file

    def read(self, name: str) -> tuple[TableSpec, str, str]:
        """Return (spec, file text, version token) of table *name* ('' when the file is missing)."""
        spec = spec_of(name)
        try:
            data = self.path(spec).read_bytes()
        except FileNotFoundError:
            data = b""
        return spec, decode_bytes(data, spec.file), content_hash(data)

    def rows(self, name: str) -> tuple[TableSpec, list[Row], str]:
        spec, text, version = self.read(name)
        return spec, parse_table(spec, text).rows, version

    def proposed(self, name: str, number: int | None, values: dict | None, base_version: str) -> tuple[TableSpec, str, str]:
        """Return (spec, new file text, summary) for adding (number None), editing or deleting (values None)."""
        spec, text, version = self.read(name)
        if base_version and base_version != version:
            raise TableConflict(f"{spec.label}在您编辑期间已被他人修改，您的修改没有保存。请重新打开后再改。")
        parsed = parse_table(spec, text)
        rows = parsed.rows
        if number is not None and not 1 <= number <= len(rows):
            raise TableError(f"{spec.label}没有第 {number} 项（共 {len(rows)} 项）。", "", number or 0)
        if values is None:
            row = rows[number - 1]
            parsed.pieces.remove(row)
            summary = f"删除第 {number} 项“{row.key}”"
        else:
            new_text = render_row(spec, values, number or len(rows) + 1)
            if number is None:
                if parsed.pieces and isinstance(parsed.pieces[-1], str) and not parsed.pieces[-1].endswith("\n"):
                    parsed.pieces[-1] += "\n"
                parsed.pieces.append(Row(len(rows) + 1, "", {}, new_text))
                summary = f"新增第 {len(rows) + 1} 项“{parse_table(spec, new_text).rows[0].key}”"
            else:
                old = rows[number - 1]
                parsed.pieces[parsed.pieces.index(old)] = Row(number, old.key, {}, new_text)
                summary = f"修改第 {number} 项“{old.key}”"
        result = parsed.text()
        check_table(spec, result)
        return spec, result, summary

    @contextmanager
    def _locked(self):
        try:
            with filelock.exclusive(self.instance_dir / ".tables.lock", timeout=LOCK_TIMEOUT):
                yield
        except filelock.LockTimeout as exc:
            raise TableBusy(f"另一个保存操作（{filelock.describe(exc.holder)}）一直没有结束，您的修改没有保存。请稍后再试。") from None

    def save_row(self, name: str, number: int | None, values: dict | None, author: str,
                 base_version: str) -> SaveOutcome:
        """Add (number None), edit, or delete (values None) one row, atomically and with history.

        :raises TableError: invalid row (naming row and field); :raises TableConflict: changed meanwhile.
        """
        with self._locked():
            spec, text, summary = self.proposed(name, number, values, base_version)
            return self._write(spec, text.encode("utf-8"), author, "edit", summary)

    def restore(self, name: str, number: int, author: str) -> SaveOutcome:
        """Make version *number* of the table current again (recorded as a new version)."""
        spec = spec_of(name)
        try:
            data = self.history_store.read(spec.name, int(number))
        except (OSError, ValueError):
            raise TableError(f"{spec.label}没有第 {number} 版。")
        with self._locked():
            check_table(spec, decode_bytes(data, spec.file))
            return self._write(spec, data, author, "restore", f"恢复为第 {int(number)} 版")

    def _write(self, spec: TableSpec, data: bytes, author: str, action: str, summary: str) -> SaveOutcome:
        path = self.path(spec)
        try:
            old = path.read_bytes()
        except FileNotFoundError:
            old = b""
        if old == data:
            return SaveOutcome(spec.name, 0, summary, "没有改动。")
        versions = self.history_store.versions(spec.name)
        if crashrepair.record_interrupted_save(self.history_store, self.pending, spec.name, old):
            pass  # the file is what a save interrupted by a crash wrote: recorded as that save
        elif not versions or versions[-1].hash != content_hash(old):
            self.history_store.append(spec.name, old, author="（系统外）", action="baseline",
                                      summary="保存前的原有内容（在本系统之外创建或修改）", path=spec.file)
        # pending record → file → version → end: a crash between any two steps is repaired at start-up
        self.pending.begin(spec.name, data, author=author, action=action, summary=summary, path=spec.file)
        atomic_write(path, data)
        info = self.history_store.append(spec.name, data, author=author, action=action, summary=summary,
                                         path=spec.file)
        self.pending.end(spec.name)
        return SaveOutcome(spec.name, info.number, summary, self._refresh(spec))

    def recover(self) -> list[str]:
        """Repair what a crash in the middle of a table save left (see :mod:`indexer.office.crashrepair`)."""
        with self._locked():
            return crashrepair.repair_tables(self.corpus.root, self.history_store, self.pending,
                                             {name: spec.label for name, spec in TABLES.items()})

    def _refresh(self, spec: TableSpec) -> str:
        """Bring the index up to date with a changed dictionary; return a notice when it could not."""
        if not spec.dictionary:
            return ""
        try:
            self.build_index()
        except Exception as exc:  # the table is saved: say so and let start-up rebuild
            if not isinstance(exc, PolicyKBError):
                log.exception("rebuilding the index after %s changed failed", spec.file)
            return f"已保存，但索引暂未按新词典重建（{exc}）；下次启动或运行 policykb index 时自动重建。"
        return ""

    def history(self, name: str) -> list[TableVersion]:
        """Return every recorded version of table *name*, newest first, with diffs."""
        spec, _text, version = self.read(name)
        entries, previous = [], ""
        for info in self.history_store.versions(spec.name):
            text = decode_bytes(self.history_store.read(spec.name, info.number), spec.file)
            entries.append(TableVersion(info, unified_diff(previous, text, f"第 {info.number - 1} 版" if previous
                                                           else "（无）", f"第 {info.number} 版"),
                                        info.hash == version, version_diff(previous, text, front_matter=False)))
            previous = text
        return entries[::-1]

    def preview(self, spec: TableSpec, proposed_text: str, sample: str) -> list[PreviewResult]:
        """Compare what *sample* gets now and with *proposed_text* as the table; never writes anything."""
        if self.probe is None:
            return []
        return preview(self.probe, spec, proposed_text, sample)


__all__ = ["TABLES", "LOCK_TIMEOUT", "Parsed", "PreviewResult", "Row", "SaveOutcome", "TableBusy", "TableConflict",
           "TableError", "TableSpec", "TableVersion", "UnknownTable", "WordTables", "check_table", "parse_table",
           "render_row", "spec_of"]
