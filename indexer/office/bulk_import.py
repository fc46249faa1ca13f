"""Import many files or whole folders into the corpus; re-running the same import is a no-op.

Each imported file gets an id derived from its level, date and content hash, so the same bytes
always map to the same id: a file whose id already exists is skipped ("already imported").
Files are written first and the index is updated once at the end (one commit, not thousands).
"""
from __future__ import annotations

import logging
import os
from dataclasses import dataclass, field
from pathlib import Path

from .form import LEVEL_PREFIX
from .workspace import DuplicateDocument, FieldError
from ..errors import PolicyKBError
from .importers import SUPPORTED_SUFFIXES, ImportLimits, ImportRefused, WorkerSession, convert_file
from ..models import level_key

IGNORED_NAMES = {"README.md", "_folder.yml"}
GUESSED_FIELDS = ("title", "level", "doc_type", "doc_no", "date")

log = logging.getLogger(__name__)


@dataclass
class ImportSummary:
    """Outcome of an import run (``to_dict`` is the ``--json`` output)."""

    imported: list[str] = field(default_factory=list)
    skipped: list[dict] = field(default_factory=list)
    failed: list[dict] = field(default_factory=list)
    dry_run: bool = False
    # One entry per file in the order seen: path, outcome (import/skip/fail), reason, id and the
    # fields guessed from the file (title, level, doc_type, doc_no, date; "" when nothing was guessed).
    files: list[dict] = field(default_factory=list)

    def to_dict(self) -> dict:
        data = {"imported": self.imported, "skipped": self.skipped, "failed": self.failed}
        if self.dry_run:
            data["files"] = self.files
        return data

    def note(self, path, outcome: str, reason: str = "", meta: dict | None = None) -> None:
        """Record what happened to *path* and the fields guessed for it."""
        meta = meta or {}
        entry = {"path": str(path), "outcome": outcome, "reason": reason, "id": meta.get("id", "")}
        entry.update({key: str(meta.get(key) or "") for key in GUESSED_FIELDS})
        self.files.append(entry)
        if outcome == "skip":
            self.skipped.append({"path": str(path), "reason": reason})
        elif outcome == "fail":
            self.failed.append({"path": str(path), "reason": reason})
        else:
            self.imported.append(meta["id"])


def collect_files(paths: list[str]) -> tuple[list[Path], list[dict]]:
    """Expand folders (recursively, sorted, hidden entries ignored); report unusable paths."""
    files: list[Path] = []
    skipped: list[dict] = []
    for raw in paths:
        path = Path(raw)
        if path.is_dir():
            for dirpath, dirnames, filenames in os.walk(path):
                dirnames[:] = sorted(d for d in dirnames if not d.startswith("."))
                for name in sorted(filenames):
                    if name.startswith(".") or name in IGNORED_NAMES:
                        continue
                    candidate = Path(dirpath) / name
                    if candidate.suffix.lower() in SUPPORTED_SUFFIXES + (".doc", ".wps"):
                        files.append(candidate)
                    else:
                        skipped.append({"path": str(candidate), "reason": f"不支持的文件类型（{candidate.suffix or '无扩展名'}）"})
        elif path.is_file():
            files.append(path)
        else:
            skipped.append({"path": str(path), "reason": "文件或目录不存在"})
    return files, skipped


def import_id(level: str, date: str, source_hash: str) -> str:
    """Return the id an imported file gets: the same bytes always give the same id."""
    year = date[:4] if date[:4].isdigit() else "nd"
    return f"{LEVEL_PREFIX.get(level, 'doc')}-{year}-{source_hash[:12]}"


def import_paths(kb, paths: list[str], *, level: str, doc_type: str = "", issuer: str = "",
                 author: str = "import", dry_run: bool = False, allow_duplicates: bool = False,
                 limits: ImportLimits = ImportLimits(), encoding: str | None = None,
                 on_start=None, progress=None) -> ImportSummary:
    """Convert and save every file under *paths*; return what was imported, skipped, failed.

    :param level: level of every imported document (key or Chinese label).
    :param doc_type: overrides the genre guessed from each title; *issuer* likewise.
    :param encoding: of the .txt/.md files (see :func:`indexer.office.importers.convert_bytes`).
    :param on_start: called with the number of files; *progress* with each path done.
    """
    level_name = level_key(level)
    if not level_name or level_name == "unclassified":
        raise FieldError("level", f"“{level}”无效，可选：中央、省级、市级、集团、典型案例。")
    summary = ImportSummary(dry_run=dry_run)
    files, unusable = collect_files(paths)
    for item in unusable:
        summary.note(item["path"], "skip", item["reason"])
    if on_start:
        on_start(len(files))
    workspace = kb.workspace
    known = [dict(m) for m in workspace.catalog()]
    known_ids = {m["id"] for m in known}
    with WorkerSession(limits) as worker:  # one converter process for the batch, not one per file
        for path in files:
            meta = {"level": level_name}
            try:
                draft = convert_file(path, limits, encoding, worker)
                meta = dict(draft.meta, level=level_name)
                if doc_type:
                    meta["doc_type"] = doc_type
                if issuer:
                    meta["issuer"] = issuer
                date = str(meta.get("date") or "")
                meta["id"] = import_id(level_name, date, draft.source_hash)
                if meta["id"] in known_ids:
                    summary.note(path, "skip", f"已导入过（文档 {meta['id']}）", meta)
                    continue
                if dry_run:
                    workspace.validate(meta, draft.body, f"documents/{level_name}/{meta['id']}.md")
                    duplicates = workspace.find_duplicates(meta, known=known)
                    if duplicates and not allow_duplicates:
                        raise DuplicateDocument(duplicates)
                else:
                    workspace.create_document(meta, draft.body, author, force=allow_duplicates, index=False,
                                              known=known, action="import",
                                              summary=f"从 {path.name} 导入")
                summary.note(path, "import", meta=meta)
                known_ids.add(meta["id"])
                known.append({"id": meta["id"], "title": meta.get("title", ""), "date": date,
                              "doc_no": meta.get("doc_no", "")})
            except DuplicateDocument as exc:
                first = exc.duplicates[0]
                summary.note(path, "skip", f"可能重复：与《{first.title}》（{first.id}）{first.reason}", meta)
            except (ImportRefused, PolicyKBError) as exc:
                reason = exc.detail if isinstance(exc, ImportRefused) else str(exc)
                summary.note(path, "fail", reason, meta)
            except Exception as exc:  # one file must not abort the batch (files already written stay listed)
                log.exception("importing %s failed", path)
                summary.note(path, "fail", f"导入时出现意外的内部错误（{type(exc).__name__}），"
                                           "其他文件照常导入；请把这个文件交给管理员检查。", meta)
            finally:
                if progress:
                    progress(path)
    summary.files.sort(key=lambda entry: entry["path"])
    if summary.imported and not dry_run:
        kb.index()
    return summary
