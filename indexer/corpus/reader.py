"""Read and write the corpus: Markdown files with YAML front matter, plus the side files.

The corpus is the durable record.  Reading never raises for one bad file: problems are collected
as :class:`CorpusProblem` (file, field, Chinese reason) and the rest of the corpus still loads.
"""
from __future__ import annotations

import datetime as _dt
import hashlib
import os
import re
import stat as _stat
import uuid
from dataclasses import dataclass
from pathlib import Path

from ..errors import CorpusError
from ..models import LEVELS, STATUSES, CorpusProblem, PolicyDoc, level_key
from .passages import split_blocks
from .yamlread import load_yaml

ID_RE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.\-]{0,119}$")
FRONT_MATTER_RE = re.compile(r"\A---[ \t]*\r?\n(.*?)\r?\n---[ \t]*(?:\r?\n|\Z)", re.S)
SIDE_FILES = {"README.md"}
FOLDER_DEFAULTS = "_folder.yml"
KNOWN_FIELDS = {"id", "title", "level", "doc_type", "issuer", "doc_no", "date", "status",
                "replaced_by", "tags", "cites", "summary", "sample"}
_DATE_IN_NAME_RE = re.compile(r"\((\d{4}-\d{2}-\d{2})\)")
_DATE_IN_TEXT_RE = re.compile(r"((?:19|20)\d{2})\s*年\s*(\d{1,2})\s*月(?:\s*(\d{1,2})\s*日)?")
_DATE_RE = re.compile(r"^((?:19|20)\d{2})(?:-(\d{1,2})(?:-(\d{1,2}))?)?$")
# A time after the day, as YAML timestamps allow it (2005-01-18 09:30:00, ...T09:30:00+08:00).
_TIME_RE = re.compile(r"^(.*?\d)(?:[Tt]|[ \t]+)(\d{1,2}):(\d{2})(?::(\d{2})(?:\.\d+)?)?"
                      r"[ \t]*(?:Z|[+-]\d{1,2}(?::?\d{2})?)?$")


def decode_bytes(data: bytes, path: str = "") -> str:
    """Decode UTF-8 (with or without BOM) or GBK/GB18030 bytes, as Chinese offices produce both."""
    if data.startswith(b"\xef\xbb\xbf"):
        data = data[3:]
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        pass
    try:
        return data.decode("gb18030")
    except UnicodeDecodeError:
        raise CorpusError(path, None, "无法识别文件编码（既不是 UTF-8，也不是 GBK/GB18030），请另存为 UTF-8 后重试。")


def content_hash(data: bytes) -> str:
    return hashlib.sha1(data).hexdigest()


def normalize_date(value, path: str = "") -> str:
    """Return a date as YYYY, YYYY-MM or YYYY-MM-DD, or raise CorpusError.

    Dates arrive as text (see :mod:`indexer.corpus.yamlread`); a time of day after the date is checked
    and dropped.
    """
    if value is None or value == "":
        return ""
    if isinstance(value, _dt.datetime):
        value = value.date()
    if isinstance(value, _dt.date):
        return value.isoformat()
    if isinstance(value, bool) or not isinstance(value, (str, int)):
        raise CorpusError(path, "date", "日期应写成 YYYY-MM-DD、YYYY-MM 或 YYYY。")
    text = str(value).strip()
    timed = _TIME_RE.match(text)
    if timed:
        text, hour, minute, second = timed.groups()
        if int(hour) > 23 or int(minute) > 59 or int(second or 0) > 59:
            raise CorpusError(path, "date", f"日期“{value}”中的时间不存在。")
    text = text.replace("/", "-").replace(".", "-")
    match = _DATE_RE.match(text)
    if not match:
        raise CorpusError(path, "date", f"日期“{value}”格式不对，应写成 YYYY-MM-DD、YYYY-MM 或 YYYY。")
    year, month, day = match.groups()
    try:
        if day:
            return _dt.date(int(year), int(month), int(day)).isoformat()
        if month:
            if not 1 <= int(month) <= 12:
                raise ValueError
            return f"{year}-{int(month):02d}"
    except ValueError:
        raise CorpusError(path, "date", f"日期“{value}”不存在。")
    return year


# Caps on list fields: a real document has a handful of tags and cites; thousands of them is a
# mistake (or a hostile file) that would swell every page and facet.
LIST_LIMITS = {"tags": (50, 50), "cites": (200, 120)}
ALIAS_LIMITS = (50, 100)  # full names per alias, characters per name


def _as_list(value, path: str, name: str, limits: tuple[int, int] | None = None) -> tuple[str, ...]:
    if value is None or value == "":
        return ()
    if isinstance(value, str):
        items = tuple(v.strip() for v in re.split(r"[,，、;；]", value) if v.strip())
    elif isinstance(value, (list, tuple)):
        if any(isinstance(v, (list, tuple, dict)) for v in value):
            raise CorpusError(path, name, "列表中的每一项应为一个词语，不能再套列表或字段。")
        items = tuple(str(v).strip() for v in value if v is not None and str(v).strip())
    else:
        raise CorpusError(path, name, "应为列表，例如 [学习动员, 督导]。")
    max_items, max_chars = limits or LIST_LIMITS.get(name, (None, None))
    if max_items is not None and len(items) > max_items:
        raise CorpusError(path, name, f"有 {len(items)} 项，超过上限 {max_items} 项。")
    if max_chars is not None:
        for item in items:
            if len(item) > max_chars:
                raise CorpusError(path, name, f"“{item[:20]}……”有 {len(item)} 个字，超过每项 {max_chars} 字的上限。")
    return items


def split_front_matter(text: str, path: str = "") -> tuple[dict | None, str]:
    """Split text into (front matter dict or None, body)."""
    match = FRONT_MATTER_RE.match(text)
    if not match:
        return None, text
    meta = load_yaml(match.group(1), path, label="头信息（YAML）", first_line=2) or {}
    if not isinstance(meta, dict):
        raise CorpusError(path, None, "头信息（YAML）应为“字段: 值”的形式。")
    # a key written as a number, a date or null (1:, 2005-01-01:, ~:) is still a field name
    return {str(key): value for key, value in meta.items()}, text[match.end():]


def derived_id(relpath: str) -> str:
    """Return the stable id of a file without front matter, derived from its path."""
    return "f-" + hashlib.sha1(relpath.replace(os.sep, "/").encode("utf-8")).hexdigest()[:12]


def parse_document(text: str, relpath: str, defaults: dict | None = None
                   ) -> tuple[PolicyDoc, list[CorpusProblem]]:
    """Parse one document's text; return it with warnings, or raise CorpusError."""
    meta, body = split_front_matter(text, relpath)
    warnings: list[CorpusProblem] = []
    has_front_matter = meta is not None
    merged = dict(defaults or {})
    merged.update(meta or {})

    def warn(field, message):
        warnings.append(CorpusProblem(relpath, field, message, "warning"))

    if has_front_matter:
        for name in ("id", "title", "level"):
            if not str(merged.get(name) or "").strip():
                raise CorpusError(relpath, name, "缺少必填字段。")
        unknown = sorted(set(meta) - KNOWN_FIELDS)
        if unknown:
            warn(", ".join(unknown), "未知字段，已忽略（拼写是否有误？）。")
    doc_id = str(merged.get("id") or derived_id(relpath)).strip()
    if not ID_RE.match(doc_id):
        raise CorpusError(relpath, "id", f"“{doc_id}”不合规：只能用字母、数字、-、_、.，且不超过 120 个字符。")

    title = str(merged.get("title") or "").strip()
    if not title:
        heading = re.search(r"^#\s+(.+?)\s*#*\s*$", body, re.M)
        title = heading.group(1).strip() if heading else Path(relpath).stem
        title = re.sub(r"\(\d{4}-\d{2}-\d{2}\)$", "", title).strip()
        if not has_front_matter:
            warn("title", f"无头信息，标题取自{'正文标题' if heading else '文件名'}：{title}")

    level_raw = merged.get("level")
    level = level_key(level_raw) if level_raw else "unclassified"
    if level is None:
        raise CorpusError(relpath, "level", f"级别“{level_raw}”无效，可选：" +
                          "、".join(f"{k}（{v}）" for k, v in LEVELS.items() if k != "unclassified") + "。")
    if level == "unclassified":
        warn("level", "未指定级别，归为“未分类”。")

    date = normalize_date(merged.get("date"), relpath)
    if not date and not has_front_matter:
        in_name = _DATE_IN_NAME_RE.search(Path(relpath).name)
        in_text = _DATE_IN_TEXT_RE.search(body[:1500])
        if in_name:
            date = in_name.group(1)
        elif in_text:
            y, m, d = in_text.groups()
            date = normalize_date(f"{y}-{m}-{d}" if d else f"{y}-{m}", relpath)
    if not date:
        warn("date", "缺少日期。")

    status = str(merged.get("status") or "现行有效").strip()
    if status not in STATUSES:
        raise CorpusError(relpath, "status", f"状态“{status}”无效，可选：{'、'.join(STATUSES)}。")
    replaced_by = str(merged.get("replaced_by") or "").strip()
    if status == "已被替代" and not replaced_by:
        warn("replaced_by", "状态为“已被替代”，但没有填写替代文档（replaced_by）。")

    sample = merged.get("sample", False)
    if not isinstance(sample, bool):
        raise CorpusError(relpath, "sample", "应为 true 或 false。")
    for name in ("doc_type", "issuer"):
        if not str(merged.get(name) or "").strip():
            warn(name, "缺少该字段。")

    doc = PolicyDoc(
        id=doc_id, title=title, level=level,
        doc_type=str(merged.get("doc_type") or "").strip(),
        issuer=str(merged.get("issuer") or "").strip(),
        doc_no=str(merged.get("doc_no") or "").strip(),
        date=date, status=status, replaced_by=replaced_by,
        tags=_as_list(merged.get("tags"), relpath, "tags"),
        cites=_as_list(merged.get("cites"), relpath, "cites"),
        summary=str(merged.get("summary") or "").strip(),
        sample=sample, body=body, path=relpath.replace(os.sep, "/"),
        has_front_matter=has_front_matter,
        blocks=split_blocks(body, title),
    )
    if not doc.passages:
        warn(None, "正文为空，没有可检索的段落。")
    return doc, warnings


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
            full = _as_list(names, "aliases.yml", str(alias), ALIAS_LIMITS)
            if full:
                result[str(alias).strip()] = full
        return result

    def wording(self) -> dict[str, tuple[str, ...]]:
        """Return everyday word → official words: the built-in table plus ``wording.yml`` (see
        :mod:`indexer.corpus.wording`)."""
        from .wording import merged_wording, parse_wording
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

