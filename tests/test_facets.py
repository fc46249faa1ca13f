"""Totals, pages and facet counts equal what whoosh's own grouping collector reports."""
from __future__ import annotations

import pytest
from whoosh import sorting

from indexer.search.query import Filters, parse_query
from indexer.search.run import FACET_FIELDS, QueryCompiler, filter_query


def whoosh_reference(kb, text, page, per_page, sort="relevance"):
    compiled = QueryCompiler(kb.analyzer, kb.aliases()).compile(parse_query(text, Filters()))
    parsed = parse_query(text, Filters())
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


@pytest.mark.parametrize("text, page, per_page, sort", [
    ("督导组", 1, 10, "relevance"),
    ("督导组", 2, 5, "relevance"),
    ("督导组 级别:典型案例", 1, 10, "relevance"),
    ("学习培训 -补课", 1, 10, "date"),
    ("群众满意度 火星", 1, 10, "relevance"),   # nothing has both: partial matches
    ("", 1, 10, "relevance"),                 # browse everything by date
    ("年份:2006 通知", 1, 10, "relevance"),
    ("标签:督导", 1, 10, "relevance"),
])
def test_search_page_matches_whoosh_grouping(sample_kb, text, page, per_page, sort):
    total, ids, facets = whoosh_reference(sample_kb, text, page, per_page, sort)
    result = sample_kb.search(text, page=page, per_page=per_page, sort=sort)
    assert result.total == total
    assert [h.id for h in result.hits] == ids
    assert {n: {v.value: v.count for v in values} for n, values in result.facets.items()} == facets
