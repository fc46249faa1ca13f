"""Read and write the corpus: scan the folders, apply folder defaults, read the side files.

The corpus is the durable record.  Reading never raises for one bad file: problems are collected
as :class:`CorpusProblem` (file, field, Chinese reason) and the rest of the corpus still loads.
One document's text is parsed and validated in :mod:`indexer.corpus.document`.
"""
from __future__ import annotations

import hashlib
import os
import stat as _stat
import uuid
from dataclasses import dataclass
from pathlib import Path

from ..errors import CorpusError
from ..models import CorpusProblem, PolicyDoc
from .document import ALIAS_LIMITS, KNOWN_FIELDS, as_list, content_hash, decode_bytes, parse_document
from .wording import merged_wording, parse_wording
from .yamlread import load_yaml

SIDE_FILES = {"README.md"}
FOLDER_DEFAULTS = "_folder.yml"


@dataclass(frozen=True)
class SourceFile:
    """A document file found in the corpus: path relative to the corpus and content hash."""

    relpath: str
    path: Path
    hash: str
    data: bytes


class Corpus:
    """The corpus directory: documents, user dictionary, aliases, glossary and reading lists."""

    def __init__(self, root: str | os.PathLike):
        self.root = Path(root)

    # -- documents -------------------------------------------------------------------------
    def files(self) -> list[Path]:
        """Return every document file, sorted for a deterministic order."""
        if not self.root.is_dir():
            raise CorpusError(self.root, None, "语料目录不存在。")
        found = []
        for dirpath, dirnames, filenames in os.walk(self.root):
            dirnames[:] = sorted(d for d in dirnames if not d.startswith("."))
            for name in sorted(filenames):
                if name.endswith(".md") and name not in SIDE_FILES and not name.startswith("."):
                    found.append(Path(dirpath) / name)
        return found

    def scan(self) -> list[tuple[str, str, os.stat_result | OSError]]:
        """Return ``(relpath, path, stat or the OSError)`` of every document file, as :meth:`files`.

        Cheaper than ``files()`` plus ``relpath()`` (no ``Path`` objects): an incremental
        ``index`` stats every file of the corpus on each run.
        """
        if not self.root.is_dir():
            raise CorpusError(self.root, None, "语料目录不存在。")
        found: list = []
        # DirEntry.stat() reuses the listing on Windows but leaves st_ino zero there.
        stat = os.stat if os.name == "nt" else None

        def walk(folder: str, prefix: str) -> None:
            try:
                with os.scandir(folder) as listing:
                    entries = sorted(listing, key=lambda e: e.name)
            except OSError:
                return  # as os.walk in files(): an unreadable folder is skipped
            subdirs = []
            for entry in entries:
                name = entry.name
                if name.startswith("."):
                    continue
                try:
                    is_dir = entry.is_dir()
                except OSError:
                    is_dir = False
                if is_dir:
                    if not entry.is_symlink():  # as os.walk: links to folders are not followed
                        subdirs.append(entry)
                    continue
                if name.endswith(".md") and name not in SIDE_FILES:
                    try:
                        st = stat(entry.path) if stat else entry.stat()
                    except OSError as exc:
                        st = exc
                    found.append((prefix + name, entry.path, st))
            for entry in subdirs:
                walk(entry.path, prefix + entry.name + "/")
        walk(str(self.root), "")
        return found

    def relpath(self, path: Path) -> str:
        return path.relative_to(self.root).as_posix()

    def read_source(self, path: Path) -> SourceFile:
        data = path.read_bytes()
        return SourceFile(self.relpath(path), path, content_hash(data), data)

    def folder_defaults(self, path: Path) -> dict:
        """Merge ``_folder.yml`` files from the corpus root down to the file's folder.

        :raises CorpusError: naming the document *path* and, in the reason, the folder file that
            cannot be read (its documents are left out rather than filed with wrong defaults).
        """
        merged: dict = {}
        folder = path.parent
        chain = []
        while True:
            chain.append(folder)
            if folder == self.root or self.root not in folder.parents:
                break
            folder = folder.parent
        for folder in reversed(chain):
            candidate = folder / FOLDER_DEFAULTS
            if candidate.exists():
                name = self.relpath(candidate)
                try:
                    data = load_yaml(decode_bytes(candidate.read_bytes(), name), name) or {}
                    if not isinstance(data, dict):
                        raise CorpusError(name, None, "应为“字段: 值”的形式，例如 level: central。")
                except OSError as exc:
                    raise CorpusError(self.relpath(path), None, f"所在目录的 {name} 无法读取：{exc.strerror}")
                except CorpusError as exc:
                    raise CorpusError(self.relpath(path), None, f"所在目录的 {exc}本文件未编入。")
                merged.update({k: v for k, v in data.items() if k in KNOWN_FIELDS - {"id", "title"}})
        return merged

    def defaults_key(self, folder: str) -> str:
        """Return a key of the ``_folder.yml`` chain above documents in *folder* (relative, "/").

        Equal keys mean equal folder defaults; "" when no folder on the way has the file.
        """
        digest = hashlib.sha1()
        parts = [p for p in folder.split("/") if p]
        found = False
        for depth in range(len(parts) + 1):
            candidate = self.root.joinpath(*parts[:depth], FOLDER_DEFAULTS)
            try:
                data = candidate.read_bytes()
            except OSError:
                continue  # missing (or unreadable, as folder_defaults treats it: skipped)
            found = True
            digest.update(f"{depth}:{len(data)}:".encode() + data)
        return digest.hexdigest() if found else ""

    def parse(self, source: SourceFile) -> tuple[PolicyDoc, list[CorpusProblem]]:
        text = decode_bytes(source.data, source.relpath)
        return parse_document(text, source.relpath, self.folder_defaults(source.path))

    def load(self) -> tuple[list[PolicyDoc], list[CorpusProblem]]:
        """Read every document; return the valid ones and all problems found."""
        docs, problems, seen = [], [], {}
        for path in self.files():
            try:
                doc, warnings = self.parse(self.read_source(path))
            except CorpusError as exc:
                problems.append(CorpusProblem(exc.path, exc.field, exc.reason))
                continue
            except OSError as exc:
                problems.append(CorpusProblem(self.relpath(path), None, f"无法读取：{exc.strerror}"))
                continue
            if doc.id in seen:
                problems.append(CorpusProblem(doc.path, "id", f"与 {seen[doc.id]} 重复：“{doc.id}”。"))
                continue
            seen[doc.id] = doc.path
            docs.append(doc)
            problems.extend(warnings)
        problems.extend(self.cross_check(docs))
        return docs, problems

    def cross_check(self, docs: list[PolicyDoc]) -> list[CorpusProblem]:
        """Check references between documents (cites, replaced_by) and the side files."""
        ids = {d.id for d in docs}
        problems = []
        for doc in docs:
            for cited in doc.cites:
                if cited not in ids:
                    problems.append(CorpusProblem(doc.path, "cites", f"引用的文档“{cited}”不存在。", "warning"))
            if doc.replaced_by and doc.replaced_by not in ids:
                problems.append(CorpusProblem(doc.path, "replaced_by", f"替代文档“{doc.replaced_by}”不存在。", "warning"))
        def glossary_sources():
            for term, entry in self.glossary().items():
                if entry["source"] and entry["source"] not in ids:
                    problems.append(CorpusProblem("glossary.yml", term, f"出处文档“{entry['source']}”不存在。", "warning"))

        def reading_list_documents():
            for reading in self.reading_lists():
                for item in reading["items"]:
                    if item["doc"] not in ids:
                        problems.append(CorpusProblem("reading_lists.yml", reading["id"], f"文档“{item['doc']}”不存在。", "warning"))

        for check in (glossary_sources, reading_list_documents, self.aliases, self.wording):
            try:  # each side file on its own: one broken file does not hide another's problems
                check()
            except CorpusError as exc:
                problems.append(CorpusProblem(exc.path, exc.field, exc.reason))
        return problems

    # -- side files ------------------------------------------------------------------------
    def _yaml(self, name: str):
        path = self.root / name
        if not path.exists():
            return None
        try:
            data = path.read_bytes()
        except OSError as exc:
            raise CorpusError(name, None, f"无法读取：{exc.strerror}")
        return load_yaml(decode_bytes(data, name), name)

    def userdict_path(self) -> Path:
        return self.root / "userdict.txt"

    def aliases(self) -> dict[str, tuple[str, ...]]:
        """Return alias → full names from ``aliases.yml``."""
        data = self._yaml("aliases.yml") or {}
        if not isinstance(data, dict):
            raise CorpusError("aliases.yml", None, "应为“简称: [全称, …]”的映射。")
        result = {}
        for alias, names in data.items():
            full = as_list(names, "aliases.yml", str(alias), ALIAS_LIMITS)
            if full:
                result[str(alias).strip()] = full
        return result

    def wording(self) -> dict[str, tuple[str, ...]]:
        """Return everyday word → official words: the built-in table plus ``wording.yml`` (see
        :mod:`indexer.corpus.wording`)."""
        return merged_wording(parse_wording(self._yaml("wording.yml")))

    def glossary(self) -> dict[str, dict]:
        """Return term → {definition, source, anchor} from ``glossary.yml``."""
        data = self._yaml("glossary.yml") or {}
        if not isinstance(data, dict):
            raise CorpusError("glossary.yml", None, "应为“术语: {definition, source}”的映射。")
        result = {}
        for term, entry in data.items():
            if isinstance(entry, str):
                entry = {"definition": entry}
            if not isinstance(entry, dict) or not entry.get("definition"):
                raise CorpusError("glossary.yml", str(term), "缺少释义（definition）。")
            result[str(term)] = {"definition": str(entry["definition"]).strip(),
                                 "source": str(entry.get("source") or "").strip(),
                                 "anchor": str(entry.get("anchor") or "").strip()}
        return result

    def reading_lists(self) -> list[dict]:
        """Return the reading lists from ``reading_lists.yml``."""
        data = self._yaml("reading_lists.yml") or []
        if not isinstance(data, list):
            raise CorpusError("reading_lists.yml", None, "应为学习路径的列表。")
        lists = []
        for n, entry in enumerate(data, 1):
            if not isinstance(entry, dict) or not entry.get("id") or not entry.get("title"):
                raise CorpusError("reading_lists.yml", f"第 {n} 项", "缺少 id 或 title。")
            items = []
            listed = entry.get("items") or []
            if not isinstance(listed, list):
                raise CorpusError("reading_lists.yml", f"第 {n} 项", "items 应为文档的列表。")
            for m, item in enumerate(listed, 1):
                if isinstance(item, (str, int)):
                    item = {"doc": str(item)}
                if not isinstance(item, dict):
                    raise CorpusError("reading_lists.yml", f"第 {n} 项", f"items 的第 {m} 项应为文档 id 或 {{doc, reason}}。")
                items.append({"doc": str(item.get("doc", "")).strip(), "reason": str(item.get("reason") or "").strip()})
            lists.append({"id": str(entry["id"]), "title": str(entry["title"]),
                          "description": str(entry.get("description") or ""), "items": items})
        return lists


def atomic_write(path: Path, data: bytes) -> None:
    """Write *data* to *path* so that a crash leaves either the old or the new file, never half."""
    path.parent.mkdir(parents=True, exist_ok=True)
    try:
        mode = _stat.S_IMODE(os.stat(path).st_mode)  # an edited file keeps its mode (0644, 0664 ...)
    except OSError:
        mode = None  # a new file: 0666 less the umask, like any other program's new file
    while True:
        tmp = os.path.join(path.parent, f".tmp-{uuid.uuid4().hex[:12]}")
        try:
            fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_BINARY", 0), 0o666)
            break
        except FileExistsError:
            continue
    try:
        with os.fdopen(fd, "wb") as handle:
            if mode is not None and hasattr(os, "fchmod"):
                os.fchmod(handle.fileno(), mode)
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(tmp, path)
    except BaseException:
        try:
            os.unlink(tmp)
        except OSError:
            pass
        raise
    try:
        dir_fd = os.open(path.parent, os.O_RDONLY)
        try:
            os.fsync(dir_fd)
        finally:
            os.close(dir_fd)
    except OSError:
        pass  # not supported on every platform (Windows)

