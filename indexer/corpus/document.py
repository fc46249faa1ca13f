"""One document's text: decoding, front matter, field validation and the parsed :class:`PolicyDoc`.

The corpus reader (:mod:`indexer.corpus.reader`) scans folders and applies folder defaults; the
office's form validates with the same :func:`parse_document`, so a saved file reads back as checked.
"""
from __future__ import annotations

import datetime as _dt
import hashlib
import os
import re
from pathlib import Path

from ..errors import CorpusError
from ..models import LEVELS, STATUSES, CorpusProblem, PolicyDoc, level_key
from .passages import split_blocks
from .yamlread import load_yaml

ID_RE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.\-]{0,119}$")
FRONT_MATTER_RE = re.compile(r"\A---[ \t]*\r?\n(.*?)\r?\n---[ \t]*(?:\r?\n|\Z)", re.S)
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


def as_list(value, path: str, name: str, limits: tuple[int, int] | None = None) -> tuple[str, ...]:
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
        tags=as_list(merged.get("tags"), relpath, "tags"),
        cites=as_list(merged.get("cites"), relpath, "cites"),
        summary=str(merged.get("summary") or "").strip(),
        sample=sample, body=body, path=relpath.replace(os.sep, "/"),
        has_front_matter=has_front_matter,
        blocks=split_blocks(body, title),
    )
    if not doc.passages:
        warn(None, "正文为空，没有可检索的段落。")
    return doc, warnings
