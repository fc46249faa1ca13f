"""The plain baseline every Q&A measurement runs beside: BM25's best passage, most overlapping sentence."""
from __future__ import annotations

from ..analysis import TextAnalyzer
from ..search import STOPWORDS, ParsedQuery, best_passage
from .sentences import split_sentences


def baseline_answer(searcher, analyzer: TextAnalyzer, compiler, question: str):
    """The plain baseline: the most overlapping sentence of the top BM25 passage.

    Returns ``(doc_id, passage_text, sentence)`` or None.
    """
    tokens = [t for t in analyzer.terms(question) if t not in STOPWORDS]
    compiled = compiler.compile(ParsedQuery(text=question, words=question.split()))
    if not compiled.required:
        return None
    results = searcher.search(compiled.loose(), limit=1)
    if not results:
        return None
    hit = results[0]
    weights = {t: searcher.idf("content", t) for g in compiled.groups for alt in g for t in alt}
    passage = best_passage(hit["passages"], compiled.groups, weights)
    if passage is None:
        return None
    text = passage[2]
    wanted = set(tokens)
    best, best_overlap = None, -1
    for s, e in split_sentences(text):
        overlap = len(wanted & {t.text for t in analyzer.tokens(text[s:e])})
        if overlap > best_overlap:
            best, best_overlap = text[s:e], overlap
    return hit["meta"]["id"], passage, best or ""
