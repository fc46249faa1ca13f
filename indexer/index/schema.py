"""The index schema and the record one document becomes (shared by serial and parallel writers)."""
from __future__ import annotations

import sys

from whoosh.fields import ID, KEYWORD, NUMERIC, STORED, TEXT, Schema

from ..analysis import PreAnalyzed, TextAnalyzer, Token, WhooshChineseAnalyzer, normalize_doc_no
from ..models import FACETS, PolicyDoc
from . import postings
from .postings import PostedText, PreIndexed, encode_postings

# whoosh pickles the schema with its classes' module paths. An index built before the wings (issue
# 12) names indexer.postings.PostedText and indexer.analysis.WhooshChineseAnalyzer; those paths
# stay readable so such an index opens (the analysis wing's door lends the analyzer by name).
sys.modules.setdefault("indexer.postings", postings)

SCHEMA_VERSION = 2
TITLE_BOOST = 2.5


def build_schema(analyzer: TextAnalyzer) -> Schema:
    """Return the schema: one record per document.

    Passages are not separate records: whoosh's cost is per posting, and per-passage postings
    tripled indexing time.  Instead each document stores its passages with their term sets, so
    the best passage of a hit is chosen without re-segmenting text (see ``search.best_passage``).
    """
    chinese = WhooshChineseAnalyzer(analyzer)
    fields = dict(
        doc_id=ID(stored=True, unique=True, sortable=True),
        title=PostedText(analyzer=chinese, stored=True, phrase=True, field_boost=TITLE_BOOST),
        content=PostedText(analyzer=chinese, phrase=True),
        doc_no=ID(stored=True),
        date=ID(stored=True, sortable=True),
        meta=STORED,
        passages=STORED,
    )
    for facet in FACETS:  # a column per single-valued facet (counted from it), keywords for several
        fields[facet.name] = (KEYWORD(stored=True, commas=True) if facet.multi
                              else ID(stored=True, sortable=True))
        if facet.range_field:
            fields[facet.range_field] = NUMERIC(int, bits=16, signed=False)
    return Schema(**fields)


def _join_tokens(parts: list[list[Token]], texts: list[str]) -> PreAnalyzed:
    """Concatenate pre-analysed passages into one field value, shifting offsets and positions."""
    tokens: list[Token] = []
    append = tokens.append
    new = tuple.__new__
    offset = pos = 0
    for part, text in zip(parts, texts):
        for text_, start, end, p in part:
            append(new(Token, (text_, start + offset, end + offset, p + pos)))
        if part:
            pos += part[-1][3] + 2  # a gap so phrases never span two passages
        offset += len(text) + 1
    return PreAnalyzed("\n".join(texts), tokens)


# Status weights: a repealed or replaced document ranks below a current one on equal evidence.
STATUS_BOOST = {"现行有效": 1.0, "已被替代": 0.6, "已废止": 0.5}


def doc_record(doc: PolicyDoc, analyzer: TextAnalyzer, source_hash: str) -> dict:
    """Return the whoosh record of one document, its passages stored with their term sets.

    Title and content carry finished postings (:mod:`indexer.index.postings`): each passage is analysed
    once, for both its stored term set and the content postings.
    """
    title_terms, title_positions, _ = analyzer.term_positions(doc.title)
    passages = doc.passages
    texts = [p.text for p in passages]
    if doc.summary:
        texts.append(doc.summary)
    terms: list[str] = []
    positions: list[int] = []
    term_sets = []
    pos = 0
    for text in texts:
        first = len(terms)
        analyzer.term_positions(text, True, pos, terms, positions)
        if len(terms) > first:
            pos = positions[-1] + 2  # a gap so phrases never span two passages
        term_sets.append(" " + " ".join(dict.fromkeys(terms[first:])) + " ")
    meta = doc.metadata()
    meta.update(path=doc.path, hash=source_hash, passages=len(passages))
    stored_passages = [(p.anchor, p.section, p.text, term_set) for p, term_set in zip(passages, term_sets)]
    record = dict(
        doc_id=doc.id,
        title=PreIndexed(doc.title, encode_postings(title_terms, title_positions, TITLE_BOOST)),
        _stored_title=doc.title,
        content=PreIndexed("\n".join(texts), encode_postings(terms, positions)),
        doc_no=normalize_doc_no(doc.doc_no),
        date=doc.date,
        meta=meta,
        passages=stored_passages,
        _boost=STATUS_BOOST.get(doc.status, 1.0),
    )
    for facet in FACETS:
        record[facet.name] = facet.indexed(doc)
        value = getattr(doc, facet.name)
        if facet.range_field and value:
            record[facet.range_field] = value
    return record
