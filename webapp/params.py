"""The search state of a page, read from and written to the query string (shareable URLs)."""
from __future__ import annotations

from dataclasses import dataclass, field, replace
from urllib.parse import quote_plus, urlencode

from indexer import FACETS

# The facets whose values are alternatives, each a repeatable URL parameter (``models.FACETS``); the
# range facet (the year) is one parameter, ``SearchState.year``.
MULTI = tuple(facet for facet in FACETS if not facet.range_field)
YEAR = next(facet for facet in FACETS if facet.range_field)
FACET_PARAM = {facet.name: facet.param for facet in FACETS}
MAX_VALUES = 20  # per repeatable parameter; more is not a person clicking facets
MAX_VALUE_CHARS = 200


@dataclass(frozen=True)
class SearchState:
    """Everything that decides a results page; ``url()`` writes it back to a query string."""

    q: str = ""
    filters: dict[str, tuple[str, ...]] = field(default_factory=dict)
    year: str = ""
    sort: str = "relevance"
    page: str = "1"

    @classmethod
    def from_args(cls, args) -> "SearchState":
        filters = {}
        for facet in MULTI:
            values = [v.strip()[:MAX_VALUE_CHARS] for v in args.getlist(facet.param)[:MAX_VALUES] if v.strip()]
            if values:
                filters[facet.param] = tuple(dict.fromkeys(values))
        return cls(q=args.get("q", "").strip(), filters=filters, year=args.get(YEAR.param, "").strip()[:40],
                   sort=args.get("sort", "relevance").strip() or "relevance",
                   page=args.get("page", "1").strip() or "1")

    def search_options(self) -> dict:
        """Return the keyword arguments of ``KnowledgeBase.search`` for this state."""
        options = {facet.name: list(self.filters.get(facet.param, ())) for facet in MULTI}
        options.update({YEAR.name: self.year or None}, sort=self.sort, page=self.page)
        return options

    @property
    def has_filters(self) -> bool:
        return bool(self.filters or self.year)

    def pairs(self) -> list[tuple[str, str]]:
        pairs = [("q", self.q)] if self.q else []
        for facet in MULTI:
            pairs += [(facet.param, v) for v in self.filters.get(facet.param, ())]
        if self.year:
            pairs.append((YEAR.param, self.year))
        if self.sort != "relevance":
            pairs.append(("sort", self.sort))
        if self.page not in ("", "1"):
            pairs.append(("page", self.page))
        return pairs

    def url(self, path: str = "/search", **changes) -> str:
        """Return *path* with this state, changed by *changes*; any change but page resets page."""
        state = self
        if changes and "page" not in changes:
            changes["page"] = "1"
        if changes:
            state = replace(self, **changes)
        query = urlencode(state.pairs())
        return path + ("?" + query if query else "")

    def is_selected(self, facet: str, value: str) -> bool:
        param = FACET_PARAM[facet]
        if param == YEAR.param:
            return self.year == value
        return value in self.filters.get(param, ())

    def toggle(self, facet: str, value: str) -> str:
        """Return the URL with *value* of *facet* added, or removed when already selected."""
        param = FACET_PARAM[facet]
        if param == YEAR.param:
            return self.url(year="" if self.year == value else value)
        values = list(self.filters.get(param, ()))
        values = [v for v in values if v != value] if value in values else values + [value]
        filters = {k: v for k, v in self.filters.items() if k != param}
        if values:
            filters[param] = tuple(values)
        return self.url(filters=filters)

    def facet_links(self, facet: str, values) -> list[tuple[object, bool, str]]:
        """Return ``(value, selected, toggle URL)`` for each facet value (as :meth:`toggle` would).

        A results page lists hundreds of facet values; encoding the rest of the query string
        once and splicing each value in keeps the page cheap.
        """
        param = FACET_PARAM[facet]
        sentinel = "\x00policykb-facet\x00"
        if param == YEAR.param:
            template = self.url(year=sentinel)
        else:
            filters = dict(self.filters)
            filters[param] = tuple(self.filters.get(param, ())) + (sentinel,)
            template = self.url(filters=filters)
        marker = quote_plus(sentinel)
        fast = template.count(marker) == 1
        links = []
        for value in values:
            on = self.is_selected(facet, value.value)
            if on or not fast or not value.value:
                links.append((value, on, self.toggle(facet, value.value)))
            else:
                links.append((value, on, template.replace(marker, quote_plus(value.value))))
        return links

    def without_filters(self) -> str:
        return self.url(filters={}, year="")

    def selected(self) -> list[tuple[str, str, str]]:
        """Return (facet, value, URL that removes it) for every active filter."""
        chosen = []
        for facet in MULTI:
            chosen += [(facet.name, v, self.toggle(facet.name, v)) for v in self.filters.get(facet.param, ())]
        if self.year:
            chosen.append((YEAR.name, self.year, self.url(year="")))
        return chosen
