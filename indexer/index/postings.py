"""Pre-computed postings: analyse a document once and hand whoosh finished posting values.

Whoosh's own path runs every token through the analyzer generator, a ``Token`` object and
``formats.Positions.word_values``; on statute text that cost more than the segmentation itself.
:class:`PostedText` accepts a value that already carries its postings, encoded exactly as
``Positions.word_values`` would encode them (a test compares the bytes), so the index is the same
while the work can run in another process (see :mod:`indexer.index.parallel`).
"""
from __future__ import annotations

from pickle import dumps

from whoosh.fields import TEXT
from whoosh.system import pack_uint
from whoosh.writing import SegmentWriter


class PreIndexed(str):
    """A field value that carries its encoded postings ``(bytes, freq, weight, value)``."""

    postings: list

    def __new__(cls, text: str, postings: list):
        obj = super().__new__(cls, text)
        obj.postings = postings
        return obj

    def __reduce__(self):
        return (PreIndexed, (str(self), self.postings))


class PostedText(TEXT):
    """A TEXT field that indexes :class:`PreIndexed` values without re-analysing them."""

    def index(self, value, **kwargs):
        postings = getattr(value, "postings", None)
        if postings is None:
            return super().index(value, **kwargs)
        return postings


def encode_postings(terms: list[str], positions: list[int], field_boost: float = 1.0) -> list:
    """Return ``Positions`` postings for parallel *terms* and *positions* lists."""
    grouped: dict[str, list[int]] = {}
    get = grouped.get
    for term, pos in zip(terms, positions):
        found = get(term)
        if found is None:
            grouped[term] = [pos]
        else:
            found.append(pos)
    out = []
    append = out.append
    for term, poslist in grouped.items():
        count = len(poslist)
        if count == 1:
            deltas = poslist
        else:
            deltas = [b - a for a, b in zip(poslist, poslist[1:])]
            deltas.insert(0, poslist[0])
        # The same float arithmetic as word_values: a sum of 1.0 boosts times the field boost.
        append((term.encode("utf-8"), count, float(count) * field_boost,
                pack_uint(count) + dumps(deltas, 2)))
    return out


class _CachedLengths:
    """Answer ``doc_field_length`` from a table read once per field instead of once per posting."""

    def __init__(self, reader):
        self._reader = reader
        self._tables: dict[str, list] = {}

    def doc_field_length(self, docnum, fieldname, default=0):
        table = self._tables.get(fieldname)
        if table is None:
            reader = self._reader
            table = [reader.doc_field_length(n, fieldname, default) for n in range(reader.doc_count_all())]
            self._tables[fieldname] = table
        return table[docnum]


class FastSegmentWriter(SegmentWriter):
    """whoosh's SegmentWriter with field lengths looked up from a table when postings are written.

    Profiling a rebuild showed ~20% of the commit in ``doc_field_length``, called once per
    posting; the values (and therefore the index) are the same.
    """

    def _flush_segment(self):
        self.perdocwriter.close()
        pdr = self.per_document_reader() if self.codec.length_stats else None
        postings = self.pool.iter_postings()
        self.fieldwriter.add_postings(self.schema, _CachedLengths(pdr) if pdr else None, postings)
        self.fieldwriter.close()
        if pdr:
            pdr.close()
