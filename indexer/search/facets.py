"""Facet counts: disjunctive, from cached column tables instead of whoosh's grouping collector.

Asking whoosh for facets (``groupedby``) makes it score and collect every matching document and
look up six columns per document; on the law corpus a common word matches ~2,000 documents and
the facets cost more than the search.  Here the matching documents are found once without
scoring, and counting is a dictionary update per document over cached column tables.

Every facet is disjunctive: the values chosen for one facet are alternatives, so a filtered facet
is counted over the matches of all the *other* filters and keeps offering its other values.  The
results page, ``/api/facets`` and ``policykb search --json`` all get these counts from
:func:`count_facets`, in one search.
"""
from __future__ import annotations

import threading
import weakref
from collections import Counter
from typing import Callable

from whoosh import query as Q

from ..index import ResultCache
from ..models import FACETS, FacetValue
from .query import Filters

SINGLE_VALUED = tuple(f.name for f in FACETS if not f.multi)
MULTI_VALUED = tuple(f.name for f in FACETS if f.multi)


def facet_clauses(filters: Filters) -> dict:
    """Return ``{facet name: whoosh clause}`` for each facet *filters* narrow (values OR-ed)."""
    clauses = {}
    for facet in FACETS:
        if not filters.chosen(facet.name):
            continue
        if facet.range_field:
            clauses[facet.name] = Q.NumericRange(facet.range_field, filters.year_from, filters.year_to)
        else:
            terms = [Q.Term(facet.name, v) for v in dict.fromkeys(filters.values[facet.name])]
            clauses[facet.name] = terms[0] if len(terms) == 1 else Q.Or(terms)
    return clauses


def count_facets(searcher, filters: Filters, matched: set[int],
                 within: Callable[[set[int] | None], set[int]]) -> dict[str, tuple[FacetValue, ...]]:
    """Count every facet over *matched*; each filtered facet over the matches without its own filter.

    :param matched: the documents the query matches under all the filters.
    :param within: ``within(allowed)`` returns the documents the query matches among *allowed*
        (None: among all), as the search itself would choose them.
    """
    table = facet_table(searcher)
    counted = table.counts(matched)
    clauses = facet_clauses(filters)
    allowed = {name: set(searcher.docs_for_query(clause)) for name, clause in clauses.items()}
    for name in clauses:
        others = [docs for other, docs in allowed.items() if other != name]
        docs = within(set.intersection(*others) if others else None)
        counted[name] = table.counts(docs, (name,)).get(name, {})
    return {facet.name: tuple(FacetValue(value, facet.value_label(value), count)
                              for value, count in facet.ordered(counted.get(facet.name, {})))
            for facet in FACETS}

# Tables are plain data, so threads share them: keyed by the segments they were read from (a
# segment never changes; deletions are counted in the key), else by searcher.
MAX_TABLES = 4
_tables: dict[tuple, "FacetTable"] = {}
_by_searcher: "weakref.WeakKeyDictionary" = weakref.WeakKeyDictionary()
_lock = threading.Lock()


class FacetTable:
    """Facet values of one index version: one list per single-valued field, docnum sets per tag.

    Built from per-segment parts (see :func:`_segment_part`): after an incremental update only
    the new segment is read; the large unchanged segments are reused.
    """

    def __init__(self, searcher):
        reader = searcher.reader()
        names = [n for n in SINGLE_VALUED if reader.has_column(n)]
        self.columns = {name: [] for name in names}
        multi: dict[str, dict[str, set | frozenset]] = {name: {} for name in MULTI_VALUED}
        for leaf, offset in reader.leaf_readers():
            columns, tags = _segment_part(leaf, names)
            for name in names:
                self.columns[name].extend(columns[name])
            for name, values in tags.items():
                merged = multi[name]
                for value, docs in values.items():
                    shifted = {d + offset for d in docs} if offset else docs
                    found = merged.get(value)
                    if found is None:
                        merged[value] = shifted
                    else:
                        merged[value] = found | shifted
        self.multi = {name: {v: frozenset(d) for v, d in values.items()} for name, values in multi.items()}

    def counts(self, docnums, names=None) -> dict[str, dict[str, int]]:
        """Return ``{field: {value: count}}`` over *docnums* (for the fields *names*, else all)."""
        out = {}
        for name, column in self.columns.items():
            if names is None or name in names:
                out[name] = dict(Counter(column[d] for d in docnums))
        for name, values in self.multi.items():
            if names is not None and name not in names:
                continue
            counts = {}
            for value, docs in values.items():
                n = len(docs & docnums) if len(docs) < len(docnums) else len(docnums & docs)
                if n:
                    counts[value] = n
            out[name] = counts
        return out


MAX_PARTS = 64
_parts = ResultCache(MAX_PARTS)  # per segment: built while facet_table holds _lock, own lock inside


def _segment_part(leaf, names: list[str]) -> tuple[dict, dict]:
    """Return (columns, tag docnum sets) of one segment reader, cached by segment.

    Column values never change once a segment is written, and deletions do not matter here
    (counts are taken over matching, hence live, documents only).
    """
    segment = getattr(leaf, "segment", None)
    if segment is None:
        return _read_part(leaf, names)
    key = (segment().segid, leaf.doc_count_all(), tuple(names))
    return _parts.get_or_compute(None, key, lambda: _read_part(leaf, names))


def _read_part(leaf, names: list[str]) -> tuple[dict, dict]:
    columns = {name: list(leaf.column_reader(name)) for name in names}
    tags = {}
    for name in MULTI_VALUED:
        values = {}
        for term in leaf.lexicon(name):
            text = term.decode("utf-8") if isinstance(term, bytes) else term
            values[text] = frozenset(leaf.postings(name, term).all_ids())
        tags[name] = values
    return columns, tags


def _index_key(searcher) -> tuple | None:
    """Identify the segments (and their deletions) behind *searcher*; None when unknown."""
    keys = []
    for sub, offset in searcher.subsearchers or [(searcher, 0)]:
        reader = sub.reader()
        segment = getattr(reader, "segment", None)
        if segment is None:
            return None
        seg = segment()
        keys.append((seg.segid, seg.deleted_count(), reader.doc_count_all(), offset))
    return tuple(keys)


def facet_table(searcher) -> FacetTable:
    """Return the facet table of *searcher*'s index, shared by every thread's searcher over it."""
    key = _index_key(searcher)
    table = _tables.get(key) if key is not None else _by_searcher.get(searcher)
    if table is None:
        with _lock:
            table = _tables.get(key) if key is not None else _by_searcher.get(searcher)
            if table is None:
                table = FacetTable(searcher)
                if key is None:
                    _by_searcher[searcher] = table
                else:
                    if len(_tables) >= MAX_TABLES:
                        _tables.pop(next(iter(_tables)))  # the oldest index version
                    _tables[key] = table
    return table
