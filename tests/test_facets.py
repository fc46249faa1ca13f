"""Totals, pages and facet counts equal what whoosh's own grouping collector reports.

Facets are disjunctive: a filtered facet is counted by whoosh under the other filters only.
"""
from __future__ import annotations

from dataclasses import replace

import pytest
from whoosh import sorting

from indexer.models import FACETS
from indexer.search.query import Filters, parse_query
from indexer.search.run import QueryCompiler, filter_query

FACET_FIELDS = [f.name for f in FACETS]


def whoosh_grouping(kb, parsed, page, per_page, sort):
    compiled = QueryCompiler(kb.analyzer, kb.aliases()).compile(parsed)
    groupedby = {n: sorting.FieldFacet(n, allow_overlap=(n == "tags"), maptype=sorting.Count)
                 for n in FACET_FIELDS}
    sortedby = [sorting.FieldFacet("date", reverse=True)] if sort == "date" or not compiled.required else None
    searcher = kb.searcher()
    results = searcher.search_page(compiled.strict(), page, pagelen=per_page, filter=filter_query(parsed.filters),
                                   groupedby=groupedby, sortedby=sortedby)
    if results.total == 0 and len(compiled.required) > 1:
        results = searcher.search_page(compiled.loose(), page, pagelen=per_page,
                                       filter=filter_query(parsed.filters), groupedby=groupedby, sortedby=sortedby)
    raw = results.results
    facets = {n: {str(v): c for v, c in raw.groups(n).items() if v not in (None, "", b"")} for n in FACET_FIELDS}
    return results.total, [h["doc_id"] for h in results], facets


def without(filters: Filters, name: str) -> Filters:
    """Return *filters* without the facet *name*."""
    kept = Filters(**{n: list(v) for n, v in filters.values.items() if n != name})
    if name != "year":
        kept.year_from, kept.year_to = filters.year_from, filters.year_to
    return kept


def whoosh_reference(kb, text, page, per_page, sort="relevance"):
    parsed = parse_query(text, Filters())
    total, ids, facets = whoosh_grouping(kb, parsed, page, per_page, sort)
    for facet in FACETS:
        if parsed.filters.chosen(facet.name):
            recount = replace(parsed, filters=without(parsed.filters, facet.name))
            facets[facet.name] = whoosh_grouping(kb, recount, 1, 1, sort)[2][facet.name]
    return total, ids, facets


@pytest.mark.parametrize("text, page, per_page, sort", [
    ("督导组", 1, 10, "relevance"),
    ("督导组", 2, 5, "relevance"),
    ("督导组 级别:典型案例", 1, 10, "relevance"),
    ("学习培训 -补课", 1, 10, "date"),
    ("群众满意度 火星", 1, 10, "relevance"),   # nothing has both: partial matches
    ("", 1, 10, "relevance"),                 # browse everything by date
    ("年份:2006 通知", 1, 10, "relevance"),
    ("标签:督导", 1, 10, "relevance"),
    ("督导组 级别:省级 年份:2005", 1, 10, "relevance"),   # two filters: each counted under the other
    ("标签:督导 级别:集团 级别:中央", 1, 10, "date"),
])
def test_search_page_matches_whoosh_grouping(sample_kb, text, page, per_page, sort):
    total, ids, facets = whoosh_reference(sample_kb, text, page, per_page, sort)
    result = sample_kb.search(text, page=page, per_page=per_page, sort=sort)
    assert result.total == total
    assert [h.id for h in result.hits] == ids
    assert {n: {v.value: v.count for v in values} for n, values in result.facets.items()} == facets
