"""Facet counts from cached column tables instead of whoosh's grouping collector.

Asking whoosh for facets (``groupedby``) makes it score and collect every matching document and
look up six columns per document; on the law corpus a common word matches ~2,000 documents and
the facets cost more than the search.  Here the matching documents are found once without
scoring, and counting is a dictionary update per document over cached column tables.
"""
from __future__ import annotations

import threading
import weakref
from collections import Counter

SINGLE_VALUED = ("level", "doc_type", "issuer", "year", "status")
MULTI_VALUED = ("tags",)

# Tables are plain data, so threads share them: keyed by the segments they were read from (a
# segment never changes; deletions are counted in the key), else by searcher.
MAX_TABLES = 4
_tables: dict[tuple, "FacetTable"] = {}
_by_searcher: "weakref.WeakKeyDictionary" = weakref.WeakKeyDictionary()
_lock = threading.Lock()


class FacetTable:
    """Facet values of one index version: one list per single-valued field, docnum sets per tag."""

    def __init__(self, searcher):
        reader = searcher.reader()
        self.columns = {}
        for name in SINGLE_VALUED:
            if reader.has_column(name):
                self.columns[name] = list(reader.column_reader(name))
        self.multi = {}
        for name in MULTI_VALUED:
            values = {}
            for term in reader.lexicon(name):
                text = term.decode("utf-8") if isinstance(term, bytes) else term
                values[text] = frozenset(reader.postings(name, term).all_ids())
            self.multi[name] = values

    def counts(self, docnums) -> dict[str, dict[str, int]]:
        """Return ``{field: {value: count}}`` over *docnums*."""
        out = {}
        for name, column in self.columns.items():
            out[name] = dict(Counter(column[d] for d in docnums))
        for name, values in self.multi.items():
            counts = {}
            for value, docs in values.items():
                n = len(docs & docnums) if len(docs) < len(docnums) else len(docnums & docs)
                if n:
                    counts[value] = n
            out[name] = counts
        return out


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
