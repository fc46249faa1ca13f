"""The metadata of every indexed document matching exact field values (the catalogue's source)."""
from __future__ import annotations

from whoosh import query as Q

from .storedmeta import stored_metas


def document_metas(searcher, filters: dict) -> list[dict]:
    """Return the stored metadata of the documents whose fields equal *filters*, newest first.

    Empty values are ignored; with no filter every document is listed.  The records are read
    through the per-segment cache of :mod:`indexer.index.storedmeta`.
    """
    clauses = [Q.Term(k, v) for k, v in filters.items() if v]
    query = Q.And(clauses) if clauses else Q.Every()
    results = searcher.search(query, limit=None, sortedby="date", reverse=True)
    return stored_metas(searcher, [hit.docnum for hit in results])
