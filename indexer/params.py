"""The parameters of a search or a question, checked with a Chinese message naming the parameter."""
from __future__ import annotations

from .errors import QueryError
from .search import Filters

MAX_PER_PAGE = 100
MAX_PAGE = 1000
YEARS = (1900, 2100)
SORTS = ("relevance", "date")


def frozen(values) -> tuple:
    """Return a hashable form of a filter argument (one value or a list of alternatives)."""
    if values is None or isinstance(values, (str, int)):
        return (str(values or ""),)
    return tuple(str(v) for v in values)


def int_param(value, name: str, low: int, high: int) -> int:
    try:
        number = int(str(value).strip())
    except (TypeError, ValueError):
        raise QueryError(f"参数 {name} 应为整数，收到“{str(value)[:20]}”。", name)
    if not low <= number <= high:
        raise QueryError(f"参数 {name} 应在 {low} 到 {high} 之间，收到 {number}。", name)
    return number


def search_filters(chosen: dict, year_from=None, year_to=None) -> Filters:
    """Return the :class:`~indexer.search.Filters` of one value or a list of values per facet."""
    filters = Filters()
    for name, values in chosen.items():
        for value in ([values] if isinstance(values, (str, int)) else (values or [])):
            filters.add(name, str(value))
    if year_from or year_to:
        filters.year_from = int_param(year_from, "year_from", *YEARS) if year_from else None
        filters.year_to = int_param(year_to, "year_to", *YEARS) if year_to else None
    return filters


def paging(page, per_page, sort: str) -> tuple[int, int]:
    """Check the page, page size and sort order of a search; return the page and its size."""
    page = int_param(page, "page", 1, MAX_PAGE)
    per_page = int_param(per_page, "per_page", 1, MAX_PER_PAGE)
    if sort not in SORTS:
        raise QueryError(f"排序方式“{sort}”无效，可选：relevance（相关度）、date（日期）。", "sort")
    return page, per_page
