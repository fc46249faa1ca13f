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
from dataclasses import dataclass, replace
from pathlib import Path

import yaml

from .errors import CorpusError
from .models import LEVELS, STATUSES, CorpusProblem, PolicyDoc, level_key
from .passages import split_blocks

ID_RE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.\-]{0,119}$")
FRONT_MATTER_RE = re.compile(r"\A---[ \t]*\r?\n(.*?)\r?\n---[ \t]*(?:\r?\n|\Z)", re.S)
SIDE_FILES = {"README.md"}
FOLDER_DEFAULTS = "_folder.yml"
KNOWN_FIELDS = {"id", "title", "level", "doc_type", "issuer", "doc_no", "date", "status",
                "replaced_by", "tags", "cites", "summary", "sample"}
_DATE_IN_NAME_RE = re.compile(r"\((\d{4}-\d{2}-\d{2})\)")
_DATE_IN_TEXT_RE = re.compile(r"((?:19|20)\d{2})\s*年\s*(\d{1,2})\s*月(?:\s*(\d{1,2})\s*日)?")
_DATE_RE = re.compile(r"^((?:19|20)\d{2})(?:-(\d{1,2})(?:-(\d{1,2}))?)?$")


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
    """Return a date as YYYY, YYYY-MM or YYYY-MM-DD, or raise CorpusError."""
    if value is None or value == "":
        return ""
    if isinstance(value, _dt.datetime):
        value = value.date()
    if isinstance(value, _dt.date):
        return value.isoformat()
    text = str(value).strip().replace("/", "-").replace(".", "-")
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


def _as_list(value, path: str, name: str) -> tuple[str, ...]:
    if value is None or value == "":
        return ()
    if isinstance(value, str):
        return tuple(v.strip() for v in re.split(r"[,，、;；]", value) if v.strip())
    if isinstance(value, (list, tuple)):
        return tuple(str(v).strip() for v in value if str(v).strip())
    raise CorpusError(path, name, "应为列表，例如 [学习动员, 督导]。")


# PyYAML explains problems in English; office staff get the usual causes in Chinese.
_YAML_PROBLEMS = (
    ("could not determine a constructor", "含有不允许的类型标记（以 ! 开头的写法），请删去"),
    ("mapping values are not allowed", "冒号的位置不对：值里含有“: ”时，请给整个值加上引号"),
    ("cannot start any token", "含有不能出现在这里的字符（如制表符、@ 或 `），请改用空格或给值加上引号"),
    ("found undefined alias", "用了未定义的引用（* 开头的写法）"),
    ("found unexpected end of stream", "引号或括号没有配对"),
    ("found unknown escape character", "双引号内有无效的反斜杠写法，请改用单引号"),
    ("expected <block end>", "缩进不一致，同一层的字段请对齐"),
    ("did not find expected key", "缩进不一致，同一层的字段请对齐"),
    ("expected ',' or ']'", "方括号列表的写法有误，应为 [甲, 乙]"),
    ("found duplicate anchor", "重复定义了引用（& 开头的写法）"),
)


def yaml_problem(exc: Exception, first_line: int = 1) -> str:
    """Return where and why YAML could not be read, as a Chinese phrase (no English)."""
    mark = getattr(exc, "problem_mark", None)
    where = f"第 {mark.line + first_line} 行" if mark else ""
    problem = f"{getattr(exc, 'problem', '') or ''} {getattr(exc, 'context', '') or ''}"
    reason = next((text for key, text in _YAML_PROBLEMS if key in problem), "请检查冒号、引号、括号和缩进")
    return f"{where}格式错误：{reason}。"


def split_front_matter(text: str, path: str = "") -> tuple[dict | None, str]:
    """Split text into (front matter dict or None, body)."""
    match = FRONT_MATTER_RE.match(text)
    if not match:
        return None, text
    try:
        meta = yaml.safe_load(match.group(1)) or {}
    except yaml.YAMLError as exc:
        raise CorpusError(path, None, "头信息（YAML）" + yaml_problem(exc, first_line=2))
    if not isinstance(meta, dict):
        raise CorpusError(path, None, "头信息（YAML）应为“字段: 值”的形式。")
    return meta, text[match.end():]


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
        """Merge ``_folder.yml`` files from the corpus root down to the file's folder."""
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
                try:
                    data = yaml.safe_load(candidate.read_text(encoding="utf-8")) or {}
                except yaml.YAMLError as exc:
                    raise CorpusError(self.relpath(candidate), None, "YAML " + yaml_problem(exc))
                if isinstance(data, dict):
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
        try:
            for term, entry in self.glossary().items():
                if entry["source"] and entry["source"] not in ids:
                    problems.append(CorpusProblem("glossary.yml", term, f"出处文档“{entry['source']}”不存在。", "warning"))
            for reading in self.reading_lists():
                for item in reading["items"]:
                    if item["doc"] not in ids:
                        problems.append(CorpusProblem("reading_lists.yml", reading["id"], f"文档“{item['doc']}”不存在。", "warning"))
            self.aliases()
        except CorpusError as exc:
            problems.append(CorpusProblem(exc.path, exc.field, exc.reason))
        try:
            self.wording()
        except CorpusError as exc:
            problems.append(CorpusProblem(exc.path, exc.field, exc.reason))
        return problems

    # -- side files ------------------------------------------------------------------------
    def _yaml(self, name: str):
        path = self.root / name
        if not path.exists():
            return None
        try:
            return yaml.safe_load(decode_bytes(path.read_bytes(), name))
        except yaml.YAMLError as exc:
            raise CorpusError(name, None, "YAML " + yaml_problem(exc))

    def userdict_path(self) -> Path:
        return self.root / "userdict.txt"

    def aliases(self) -> dict[str, tuple[str, ...]]:
        """Return alias → full names from ``aliases.yml``."""
        data = self._yaml("aliases.yml") or {}
        if not isinstance(data, dict):
            raise CorpusError("aliases.yml", None, "应为“简称: [全称, …]”的映射。")
        result = {}
        for alias, names in data.items():
            full = _as_list(names, "aliases.yml", str(alias))
            if full:
                result[str(alias).strip()] = full
        return result

    def wording(self) -> dict[str, tuple[str, ...]]:
        """Return everyday word → official words: the built-in table plus ``wording.yml`` (see
        :mod:`indexer.wording`)."""
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
            for item in entry.get("items") or []:
                if isinstance(item, str):
                    item = {"doc": item}
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


def with_defaults(doc: PolicyDoc, **changes) -> PolicyDoc:
    return replace(doc, **changes)
