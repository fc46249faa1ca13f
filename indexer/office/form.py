"""The document form: field names in Chinese, value cleaning, rendering to a corpus file.

The web form, the CLI import and the corpus reader agree because a form is rendered to the
file text here and then parsed by :func:`indexer.corpus.document.parse_document` (see ``editing.py``).
"""
from __future__ import annotations

import difflib

import yaml

from ..corpus import ID_RE, KNOWN_FIELDS
from ..errors import CorpusError, PolicyKBError
from ..models import level_key

FIELD_ORDER = ("id", "title", "level", "doc_type", "issuer", "doc_no", "date", "status",
               "replaced_by", "tags", "cites", "summary", "sample")
FIELD_LABELS = {"id": "编号", "title": "标题", "level": "级别", "doc_type": "文种", "issuer": "发文机关",
                "doc_no": "文号", "date": "日期", "status": "状态", "replaced_by": "替代文档",
                "tags": "标签", "cites": "引用文档", "summary": "摘要", "sample": "示例标记", "body": "正文"}
LEVEL_PREFIX = {"central": "zy", "provincial": "sheng", "municipal": "shi", "group": "jt", "case": "al",
                "unclassified": "doc"}
MAX_BODY_CHARS = 2_000_000


class FieldError(CorpusError):
    """A form field is invalid; ``field`` is the key, ``label`` its Chinese name."""

    def __init__(self, field: str | None, message: str):
        self.label = FIELD_LABELS.get(field or "", field or "")
        PolicyKBError.__init__(self, f"{self.label}：{message}" if field else message)
        self.path, self.field, self.reason = "", field, message


def clean_meta(meta: dict) -> dict:
    """Normalise form values (strings, lists, booleans); reject unknown fields and line breaks."""
    unknown = sorted(set(meta) - KNOWN_FIELDS)
    if unknown:
        raise FieldError(unknown[0], "不是可用的字段。")
    out: dict = {}
    for name in FIELD_ORDER:
        value = meta.get(name)
        if value is None:
            continue
        if name in ("tags", "cites"):
            items = value if isinstance(value, (list, tuple)) else str(value).replace("，", ",").replace("、", ",").split(",")
            items = [str(v).strip() for v in items if str(v).strip()]
            if items:
                out[name] = items
        elif name == "sample":
            out[name] = value if isinstance(value, bool) else str(value).strip().lower() in ("1", "true", "on", "yes", "是")
            if not out[name]:
                del out[name]
        else:
            text = str(value).strip()
            if "\n" in text or "\r" in text:
                raise FieldError(name, "不能包含换行。")
            if len(text) > 500:
                raise FieldError(name, "太长（最多 500 个字符）。")
            if name == "level":
                text = level_key(text) or text
            if text:
                out[name] = text
    return out


def lenient_meta(meta: dict, doc_id: str) -> dict:
    try:
        cleaned = clean_meta(meta)
    except FieldError:
        cleaned = {k: meta[k] for k in FIELD_ORDER if meta.get(k) not in (None, "")}
    cleaned.setdefault("id", doc_id)
    return cleaned


def render_document(meta: dict, body: str) -> str:
    """Return the file text: YAML front matter in the documented field order, then the body."""
    lines = []
    for name in FIELD_ORDER:
        if name in meta:
            value = yaml.safe_dump(meta[name], allow_unicode=True, default_flow_style=True, width=10_000)
            lines.append(f"{name}: {value.removesuffix(chr(10)).removesuffix('...').strip()}")
    yaml_text = "\n".join(lines) + "\n"
    body = body.replace("\r\n", "\n").replace("\r", "\n").lstrip("\n")
    if not body.endswith("\n"):
        body += "\n"
    return f"---\n{yaml_text}---\n{body}"


def unified_diff(old: str, new: str, old_label: str, new_label: str) -> str:
    lines = difflib.unified_diff(old.splitlines(), new.splitlines(), old_label, new_label, lineterm="", n=2)
    return "\n".join(lines)


def check_id(doc_id: str) -> str:
    """Return *doc_id* if it is a safe file stem, else raise FieldError."""
    doc_id = str(doc_id or "").strip()
    if not ID_RE.match(doc_id) or ".." in doc_id or doc_id.startswith("."):
        raise FieldError("id", f"“{doc_id[:40]}”不合规：只能用字母、数字、-、_、.，以字母或数字开头，不超过 120 个字符。")
    return doc_id


def change_summary(old: dict, new: dict, old_body: str, new_body: str) -> str:
    """Describe an edit in one Chinese line: which fields changed, how many body lines."""
    changed = [FIELD_LABELS[k] for k in FIELD_ORDER if old.get(k) != new.get(k) and (old.get(k) or new.get(k))]
    parts = ["修改了" + "、".join(changed)] if changed else []
    added = removed = 0
    for line in difflib.unified_diff(old_body.splitlines(), new_body.splitlines(), lineterm="", n=0):
        if line.startswith("+") and not line.startswith("+++"):
            added += 1
        elif line.startswith("-") and not line.startswith("---"):
            removed += 1
    if added or removed:
        parts.append(f"正文 +{added} −{removed} 行")
    return "；".join(parts) or "无改动"


