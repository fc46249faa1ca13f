"""Plain frozen records that the knowledge base hands to its callers (never whoosh objects)."""
from __future__ import annotations

from dataclasses import asdict, dataclass, field
from types import MappingProxyType
from typing import Callable, Mapping

from .errors import QueryError

LEVELS = {
    "central": "中央",
    "provincial": "省级",
    "municipal": "市级",
    "group": "集团",
    "case": "典型案例",
    "unclassified": "未分类",
}
LEVEL_BY_LABEL = {label: key for key, label in LEVELS.items()}
# Accept a few natural spellings when a person types a level.
LEVEL_BY_LABEL.update({"省": "provincial", "市": "municipal", "案例": "case", "省委": "provincial",
                       "市委": "municipal"})
STATUSES = ("现行有效", "已废止", "已被替代")


def level_key(value: str | None) -> str | None:
    """Return the level key for an English key or Chinese label, or None if unknown."""
    if value is None:
        return None
    value = str(value).strip()
    if value in LEVELS:
        return value
    return LEVEL_BY_LABEL.get(value)


@dataclass(frozen=True)
class Facet:
    """One row of :data:`FACETS`: a document field that people narrow a search by.

    ``name`` is the :class:`PolicyDoc` attribute, the index field, the key of ``SearchPage.facets``
    and of ``Filters``, and the ``KnowledgeBase.search`` keyword.  ``param`` is the spelling people
    type: the URL parameter and the CLI option (``--param``); with ``words`` it also starts a filter
    in the search box (``级别:省级``).
    """

    name: str
    param: str
    label: str                     # the facet's title on the results page
    words: tuple[str, ...]         # Chinese names for the search box
    hint: str                      # what may be given (CLI help; may be empty)
    multi: bool = False            # a document holds several values (tags)
    order: str = "count"           # "count": most documents first; "newest": largest first;
                                   # "listed": the order of ``labels``
    labels: Mapping[str, str] = field(default_factory=dict, compare=False)  # value -> what the page shows
    choices: tuple[str, ...] = ()  # the values a filter accepts, as people write them (any when empty)
    accept: Callable[[str], str | None] | None = None  # typed value -> stored value; None if not a choice
    range_field: str = ""          # one range ("2005-2006") over this numeric field, not alternatives
    missing: str = "未注明"         # indexed for a document without a value (single-valued facets)
    shown: int = 8                 # values listed before 更多

    def clean(self, value: str) -> str:
        """Return the stored form of a *value* a person typed; raise QueryError naming the choices."""
        if self.accept is not None:
            found = self.accept(value)
        elif self.choices:
            found = value if value in self.choices else None
        else:
            return value
        if found is None:
            raise QueryError(f"未知的{self.label}“{value}”，可选：{'、'.join(self.choices)}。", self.param)
        return found

    def value_label(self, value: str) -> str:
        return self.labels.get(value, value)

    def indexed(self, doc: "PolicyDoc") -> str:
        """Return the index field value of *doc* (several values comma-separated)."""
        value = getattr(doc, self.name)
        if self.multi:
            return ",".join(v.replace(",", " ") for v in value)
        return str(value) if value else self.missing

    def ordered(self, counts: dict) -> list[tuple[str, int]]:
        """Return ``(value, count)`` pairs of *counts* in this facet's order, empty values dropped."""
        pairs = sorted(((str(v), c) for v, c in counts.items() if v not in (None, "", b"")),
                       key=lambda p: (-p[1], p[0]))
        if self.order == "newest":
            pairs.sort(key=lambda p: p[0], reverse=True)
        elif self.order == "listed":
            listed = list(self.labels)
            pairs.sort(key=lambda p: listed.index(p[0]) if p[0] in listed else len(listed))
        return pairs


# The facets, in the order the results page lists them.  Adding one is a row here plus its field
# on PolicyDoc (read from the front matter in corpus/document.py): the index schema, the filters, the
# counts, the URL parameters, the CLI options and the results page all follow this table.
FACETS = (
    Facet("level", "level", "级别", ("级别", "层级"), "中央/省级/市级/集团/典型案例", order="listed",
          labels=MappingProxyType(LEVELS), choices=tuple(LEVELS.values()), accept=level_key),
    Facet("doc_type", "type", "文种", ("类型", "文种"), "如 意见、通知、典型案例"),
    Facet("issuer", "issuer", "发文机关", ("发文", "发文机关"), ""),
    Facet("year", "year", "年份", ("年份", "年"), "一年或一个范围，如 2005 或 2005-2006", order="newest",
          range_field="year_num"),
    Facet("tags", "tag", "主题标签", ("标签",), "如 督导、整改", multi=True, shown=12),
    Facet("status", "status", "状态", ("状态",), "现行有效/已废止/已被替代", choices=STATUSES),
)
FACET_BY_NAME = MappingProxyType({facet.name: facet for facet in FACETS})


@dataclass(frozen=True)
class Passage:
    """A citable unit of a document: a paragraph, a 第X条 article, a table or a list."""

    anchor: str
    heading: tuple[str, ...]
    text: str
    markdown: str
    kind: str = "paragraph"
    article: int | None = None

    @property
    def section(self) -> str:
        """Return the citation section: 第X条 for articles, else the heading path."""
        parts = list(self.heading)
        if self.article is not None:
            parts.append(f"第{self.article}条")
        return " › ".join(parts)


@dataclass(frozen=True)
class Block:
    """A rendered block of a document body: a heading (for the table of contents) or a passage."""

    kind: str  # "heading" or "passage"
    anchor: str
    markdown: str
    level: int = 0
    title: str = ""
    passage: Passage | None = None


@dataclass(frozen=True)
class PolicyDoc:
    """A document of the corpus with its metadata, Markdown body and passages."""

    id: str
    title: str
    level: str
    doc_type: str = ""
    issuer: str = ""
    doc_no: str = ""
    date: str = ""
    status: str = "现行有效"
    replaced_by: str = ""
    tags: tuple[str, ...] = ()
    cites: tuple[str, ...] = ()
    summary: str = ""
    sample: bool = False
    body: str = ""
    path: str = ""
    has_front_matter: bool = True
    blocks: tuple[Block, ...] = field(default=(), repr=False)

    @property
    def level_label(self) -> str:
        return LEVELS.get(self.level, self.level)

    @property
    def year(self) -> int | None:
        return int(self.date[:4]) if self.date[:4].isdigit() else None

    @property
    def passages(self) -> list[Passage]:
        return [b.passage for b in self.blocks if b.passage is not None]

    def metadata(self) -> dict:
        """Return the front-matter fields as a plain dict (for JSON and forms)."""
        return {
            "id": self.id, "title": self.title, "level": self.level, "level_label": self.level_label,
            "doc_type": self.doc_type, "issuer": self.issuer, "doc_no": self.doc_no, "date": self.date,
            "status": self.status, "replaced_by": self.replaced_by, "tags": list(self.tags),
            "cites": list(self.cites), "summary": self.summary, "sample": self.sample,
        }


@dataclass(frozen=True)
class CorpusProblem:
    """A problem found while reading the corpus; ``severity`` is ``error`` or ``warning``."""

    path: str
    field: str | None
    message: str
    severity: str = "error"

    def __str__(self) -> str:
        where = self.path + (f"：{self.field}" if self.field else "")
        label = "错误" if self.severity == "error" else "警告"
        return f"[{label}] {where}：{self.message}"


@dataclass(frozen=True)
class Hit:
    """One search result: a document with the snippet of its best passage."""

    id: str
    title: str
    level: str
    level_label: str
    doc_type: str
    issuer: str
    doc_no: str
    date: str
    status: str
    replaced_by: str
    score: float
    snippet: str
    passage: str
    section: str
    tags: tuple[str, ...] = ()
    sample: bool = False
    # the snippet before formatting (indexer.search.highlight.Marked): ``snippet`` is its HTML
    marked: object = field(default=None, compare=False, repr=False)

    def to_dict(self) -> dict:
        data = asdict(self)
        del data["marked"]
        data["tags"] = list(self.tags)
        return data


@dataclass(frozen=True)
class FacetValue:
    value: str
    label: str
    count: int


@dataclass(frozen=True)
class SearchPage:
    """A page of search results with facet counts and an optional notice for the user."""

    query: str
    total: int
    page: int
    per_page: int
    took_ms: float
    hits: tuple[Hit, ...]
    facets: dict[str, tuple[FacetValue, ...]]
    notice: str = ""
    terms: tuple[str, ...] = ()

    @property
    def pages(self) -> int:
        return max(1, -(-self.total // self.per_page))

    def to_dict(self) -> dict:
        return {
            "query": self.query,
            "total": self.total,
            "page": self.page,
            "per_page": self.per_page,
            "took_ms": round(self.took_ms, 2),
            "notice": self.notice,
            "facets": {name: [{"value": v.value, "label": v.label, "count": v.count} for v in values]
                       for name, values in self.facets.items()},
            "hits": [hit.to_dict() for hit in self.hits],
        }


@dataclass(frozen=True)
class IndexReport:
    """What an index run did."""

    files: int
    added: int
    updated: int
    removed: int
    unchanged: int
    passages: int
    seconds: float
    rebuilt: bool
    problems: tuple[CorpusProblem, ...] = ()
