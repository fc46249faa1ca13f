"""Decoded posting blocks of index segments, memoised for every thread's searcher.

Common words (规定, 安全, 生产 ...) recur across queries; decoding their posting blocks
(zlib + pickle) again for every query was most of a search.  Search's two-stage ranking
(:mod:`indexer.search.ranking`) and ask's OR retrieval (:mod:`indexer.qa.retrieval`) read postings
a whole block at a time with the decoders here and keep them in :data:`posting_cache`, keyed by
:func:`segment_key`.
"""
from __future__ import annotations

import threading
from collections import OrderedDict
from itertools import accumulate
from pickle import loads
from struct import calcsize

# whoosh.system._INT_SIZE: the position count that prefixes an encoded Positions value
_INT_SIZE = calcsize("!i")


def block_postings(matcher, values: bool = False) -> dict:
    """Return ``{docnum: weight}`` (or ``{docnum: value}``) of a term matcher, a block at a time."""
    out = {}
    if not matcher.is_active():
        return out
    if not hasattr(matcher, "_read_ids") or matcher._i != 0:
        while matcher.is_active():
            out[matcher.id()] = matcher.value() if values else matcher.weight()
            matcher.next()
        return out
    while matcher.is_active():
        if matcher._ids is None:
            matcher._read_ids()
        if values:
            if matcher._values is None:
                matcher._read_values()
            out.update(zip(matcher._ids, matcher._values))
        else:
            if matcher._weights is None:
                matcher._read_weights()
            out.update(zip(matcher._ids, matcher._weights))
        matcher._i = matcher._blocklength - 1
        matcher.next()
    return out


def block_weights_and_values(matcher, values: bool) -> tuple[dict, dict | None]:
    """``({docnum: weight}, {docnum: value} or None)`` of a term matcher, each block decoded once.

    Like :func:`block_postings`, with the docnum deltas summed by accumulate
    (``whoosh.util.numlists.delta_decode`` is a generator).
    """
    weights, raw = {}, ({} if values else None)
    if not matcher.is_active():
        return weights, raw
    if not hasattr(matcher, "_byteids") or matcher._i != 0:
        while matcher.is_active():
            weights[matcher.id()] = matcher.weight()
            if values:
                raw[matcher.id()] = matcher.value()
            matcher.next()
        return weights, raw
    while matcher.is_active():
        if matcher._data is None:
            matcher._read_data()
        ids = matcher._data[0]
        if not matcher._byteids:
            ids = tuple(accumulate(ids))
        if matcher._weights is None:
            matcher._read_weights()
        weights.update(zip(ids, matcher._weights))
        if values:
            if matcher._values is None:
                matcher._read_values()
            raw.update(zip(ids, matcher._values))
        matcher._i = matcher._blocklength - 1
        matcher.next()
    return weights, raw


def decode_positions(value: bytes) -> list[int]:
    """``whoosh.formats.Positions.decode_positions`` with the deltas summed by accumulate."""
    if not value.endswith(b"."):
        value += b"."
    return list(accumulate(loads(value[_INT_SIZE:])))


class PostingCache:
    """Decoded postings and field lengths of index segments, shared by all threads' searchers.

    Entries are keyed by the segment's id and deletion count (a segment never changes otherwise,
    and deletions only grow), so a reopened index reuses what is still valid.  Postings of the
    most recently used terms are kept up to ``MAX_POSTINGS`` entries in all; lengths for the
    ``MAX_SEGMENTS`` newest segments.
    """

    MAX_POSTINGS = 500_000
    MAX_SEGMENTS = 32

    def __init__(self):
        self.postings: OrderedDict = OrderedDict()
        self.size = 0
        self.lengths: OrderedDict = OrderedDict()
        self.lock = threading.Lock()

    def get_postings(self, key, matcher, values: bool = False) -> dict:
        return self.get_computed(key + (values,), lambda: block_postings(matcher, values))

    def get(self, key):
        """Return the dict cached under *key*, or None."""
        with self.lock:
            found = self.postings.get(key)
            if found is not None:
                self.postings.move_to_end(key)
            return found

    def get_computed(self, key, compute) -> dict:
        """Return the dict cached under *key*, or ``compute()`` it and keep it (counted by size)."""
        with self.lock:
            found = self.postings.get(key)
            if found is not None:
                self.postings.move_to_end(key)
                return found
        found = compute()
        with self.lock:
            if key not in self.postings:
                self.postings[key] = found
                self.size += len(found)
                while self.size > self.MAX_POSTINGS and len(self.postings) > 1:
                    _, dropped = self.postings.popitem(last=False)
                    self.size -= len(dropped)
        return found

    def get_lengths(self, segment, fieldname) -> dict:
        key = segment + (fieldname,)
        with self.lock:
            found = self.lengths.get(key)
            if found is None:
                found = self.lengths[key] = {}
                while len(self.lengths) > self.MAX_SEGMENTS * 4:
                    self.lengths.popitem(last=False)
            else:
                self.lengths.move_to_end(key)
        return found


posting_cache = PostingCache()


def segment_key(sub) -> tuple | None:
    """Return the cache key of a sub-searcher's segment (id, deletions, size), or None."""
    reader = sub.reader()
    segment = getattr(reader, "segment", None)
    if segment is None:
        return None
    seg = segment()
    return (seg.segid, seg.deleted_count(), reader.doc_count_all())
