"""Our own small query grammar: plain words, "quoted phrases", -exclusions and field:value filters.

Nothing a user types is handed to whoosh's query parser, so no input can crash it or expand into
a wildcard or range over the whole vocabulary.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field

from ..errors import QueryError
from ..models import STATUSES, level_key

MAX_QUERY_CHARS = 200

_QUOTES = {'"': '"', "“": "”", "”": "”", "「": "」", "『": "』", "'": "'"}
_FILTER_NAMES = {
    "level": "level", "级别": "level", "层级": "level",
    "type": "doc_type", "类型": "doc_type", "文种": "doc_type",
    "issuer": "issuer", "发文": "issuer", "发文机关": "issuer",
    "year": "year", "年份": "year", "年": "year",
    "status": "status", "状态": "status",
    "tag": "tag", "标签": "tag",
}
_FILTER_RE = re.compile(r"^(" + "|".join(sorted(map(re.escape, _FILTER_NAMES), key=len, reverse=True)) + r")[:：](.+)$", re.I)
_YEAR_RE = re.compile(r"^((?:19|20)\d{2})?\s*(?:-|~|～|至|到)?\s*((?:19|20)\d{2})?$")


@dataclass
class Filters:
    """Search filters; several values of one filter are alternatives (OR)."""

    level: list[str] = field(default_factory=list)
    doc_type: list[str] = field(default_factory=list)
    issuer: list[str] = field(default_factory=list)
    status: list[str] = field(default_factory=list)
    tag: list[str] = field(default_factory=list)
    year_from: int | None = None
    year_to: int | None = None

    def add(self, name: str, value: str) -> None:
        value = value.strip()
        if not value:
            return
        if name == "level":
            key = level_key(value)
            if key is None:
                raise QueryError(f"未知的级别“{value}”，可选：中央、省级、市级、集团、典型案例、未分类。", "level")
            self.level.append(key)
        elif name == "status":
            if value not in STATUSES:
                raise QueryError(f"未知的状态“{value}”，可选：{'、'.join(STATUSES)}。", "status")
            self.status.append(value)
        elif name == "year":
            self.set_years(value)
        else:
            getattr(self, name).append(value)

    def set_years(self, value: str) -> None:
        match = _YEAR_RE.match(value.strip())
        if not match or not any(match.groups()):
            raise QueryError(f"年份“{value}”无效，应写成 2005 或 2005-2006。", "year")
        start, end = match.groups()
        single = start and end is None and not re.search(r"[-~～至到]", value)
        self.year_from = int(start) if start else None
        self.year_to = int(start) if single else (int(end) if end else None)
        if self.year_from and self.year_to and self.year_from > self.year_to:
            self.year_from, self.year_to = self.year_to, self.year_from

    def is_empty(self) -> bool:
        return not (self.level or self.doc_type or self.issuer or self.status or self.tag
                    or self.year_from or self.year_to)


@dataclass
class ParsedQuery:
    """A user query split into words, phrases, exclusions and filters."""

    text: str
    words: list[str] = field(default_factory=list)
    phrases: list[str] = field(default_factory=list)
    excludes: list[str] = field(default_factory=list)
    filters: Filters = field(default_factory=Filters)


def parse_query(text: str, filters: Filters | None = None) -> ParsedQuery:
    """Parse the text a user typed; raise QueryError for input we refuse (too long)."""
    text = (text or "").replace("\x00", "").strip()
    if len(text) > MAX_QUERY_CHARS:
        raise QueryError(f"检索词过长（{len(text)} 字），请控制在 {MAX_QUERY_CHARS} 字以内。", "q")
    parsed = ParsedQuery(text=text, filters=filters or Filters())
    i, n = 0, len(text)
    while i < n:
        char = text[i]
        if char.isspace():
            i += 1
            continue
        negate = False
        if char in "-－" and i + 1 < n and not text[i + 1].isspace():
            negate, i = True, i + 1
            char = text[i]
        if char in _QUOTES:
            close = _QUOTES[char]
            end = text.find(close, i + 1)
            if end == -1:
                end = n  # an unclosed quote runs to the end: forgiving, never an error
            chunk = text[i + 1:end].strip()
            i = end + 1
            if chunk:
                (parsed.excludes if negate else parsed.phrases).append(chunk)
            continue
        end = i
        while end < n and not text[end].isspace() and text[end] not in _QUOTES:
            end += 1
        chunk = text[i:end]
        i = end
        match = _FILTER_RE.match(chunk)
        if match and not negate:
            parsed.filters.add(_FILTER_NAMES[match.group(1).lower()], match.group(2))
            continue
        (parsed.excludes if negate else parsed.words).append(chunk)
    return parsed
