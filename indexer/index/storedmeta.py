"""Document metadata read from the index once per segment, not once per listing.

``KnowledgeBase.documents()`` lists every document's metadata (the catalogue, the office
workspace's duplicate check).  whoosh stores all fields of a record in one compressed pickle, so
reading ``meta`` also unpickles the document's passages: ~1.2 s on the law corpus, paid again
after every update because the catalogue is rebuilt for the new index generation.  Stored
fields never change once a segment is written, so the metadata of each segment is kept here by
segment id; after an incremental update only the new small segment is read.
"""
from __future__ import annotations

from bisect import bisect_right

from .resultcache import ResultCache

MAX_SEGMENTS = 64

_segments = ResultCache(MAX_SEGMENTS)


def _segment_metas(leaf) -> list:
    segment = getattr(leaf, "segment", None)
    if segment is None:
        return _read_metas(leaf)
    return _segments.get_or_compute(None, (segment().segid, leaf.doc_count_all()), lambda: _read_metas(leaf))


def _read_metas(leaf) -> list:
    metas = [None] * leaf.doc_count_all()
    for docnum, fields in leaf.iter_docs():  # live documents only
        metas[docnum] = fields.get("meta")
    return metas


def stored_metas(searcher, docnums) -> list[dict]:
    """Return (copies of) the stored ``meta`` of *docnums* (live documents) in that order."""
    leaves = searcher.reader().leaf_readers()
    offsets = [offset for _, offset in leaves]
    parts: dict[int, list] = {}
    out = []
    for docnum in docnums:
        i = bisect_right(offsets, docnum) - 1
        part = parts.get(i)
        if part is None:
            part = parts[i] = _segment_metas(leaves[i][0])
        meta = part[docnum - offsets[i]]
        if meta is None:  # deleted since the part was read: read the record itself
            meta = searcher.stored_fields(docnum).get("meta")
        out.append(dict(meta))
    return out
