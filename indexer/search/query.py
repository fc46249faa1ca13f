"""Our own small query grammar: plain words, "quoted phrases", -exclusions and field:value filters.

Nothing a user types is handed to whoosh's query parser, so no input can crash it or expand into
a wildcard or range over the whole vocabulary.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field

from ..errors import QueryError
from ..models import FACET_BY_NAME, FACETS

MAX_QUERY_CHARS = 200

_QUOTES = {'"': '"', "“": "”", "”": "”", "「": "」", "『": "』", "'": "'"}
# What starts a filter in the search box (级别:省级, type:通知): each facet's parameter and words.
_FILTER_NAMES = {word: facet.name for facet in FACETS for word in (facet.param, *facet.words)}
_FILTER_RE = re.compile(r"^(" + "|".join(sorted(map(re.escape, _FILTER_NAMES), key=len, reverse=True)) + r")[:：](.+)$", re.I)
_YEAR_RE = re.compile(r"^((?:19|20)\d{2})?\s*(?:-|~|～|至|到)?\s*((?:19|20)\d{2})?$")


class Filters:
    """Search filters by facet name (``models.FACETS``); several values of one facet are alternatives (OR).

    ``Filters(level=["provincial"], tags=["整改"])``; the range facet (the year) is
    ``year_from``/``year_to``.
    """

    def __init__(self, year_from: int | None = None, year_to: int | None = None, **chosen):
        self.values: dict[str, list[str]] = {}
        for facet in FACETS:
            if not facet.range_field:
                self.values[facet.name] = list(chosen.pop(facet.name, ()))
        if chosen:
            raise TypeError(f"unknown filters: {', '.join(sorted(chosen))}")
        self.year_from = year_from
        self.year_to = year_to

    def __eq__(self, other) -> bool:
        return isinstance(other, Filters) and (self.values, self.year_from, self.year_to) == (
            other.values, other.year_from, other.year_to)

    def __repr__(self) -> str:
        chosen = ", ".join(f"{k}={v!r}" for k, v in self.values.items() if v)
        return f"Filters({chosen}, year_from={self.year_from!r}, year_to={self.year_to!r})"

    def add(self, name: str, value: str) -> None:
        """Add a *value* a person typed to the facet *name*; raise QueryError if it is not valid."""
        value = value.strip()
        if not value:
            return
        facet = FACET_BY_NAME[name]
        if facet.range_field:
            self.set_years(value)
        else:
            self.values[name].append(facet.clean(value))

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

    def chosen(self, name: str) -> bool:
        """Tell whether the facet *name* narrows the search."""
        if FACET_BY_NAME[name].range_field:
            return bool(self.year_from or self.year_to)
        return bool(self.values[name])

    def is_empty(self) -> bool:
        return not any(self.chosen(facet.name) for facet in FACETS)


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
