"""Document metadata read from the index once per segment, not once per listing.

``KnowledgeBase.documents()`` lists every document's metadata (the catalogue, the office
workspace's duplicate check).  whoosh stores all fields of a record in one compressed pickle, so
reading ``meta`` also unpickles the document's passages: ~1.2 s on the law corpus, paid again
after every update because the catalogue is rebuilt for the new index generation.  Stored
fields never change once a segment is written, so the metadata of each segment is kept here by
segment id; after an incremental update only the new small segment is read.
"""
from __future__ import annotations

import threading
from bisect import bisect_right
from collections import OrderedDict

MAX_SEGMENTS = 64

_lock = threading.Lock()
_segments: "OrderedDict[tuple, list]" = OrderedDict()


def _segment_metas(leaf) -> list:
    segment = getattr(leaf, "segment", None)
    key = (segment().segid, leaf.doc_count_all()) if segment is not None else None
    if key is not None:
        with _lock:
            found = _segments.get(key)
            if found is not None:
                _segments.move_to_end(key)
                return found
    metas = [None] * leaf.doc_count_all()
    for docnum, fields in leaf.iter_docs():  # live documents only
        metas[docnum] = fields.get("meta")
    if key is not None:
        with _lock:
            _segments[key] = metas
            while len(_segments) > MAX_SEGMENTS:
                _segments.popitem(last=False)
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
