"""Answering a question: check it, analyse it, let the Q&A wing answer, fall back on a search.

The knowledge base caches the result (:meth:`indexer.kb.KnowledgeBase.ask`); this module puts the
pieces of the search and Q&A wings together.  The Q&A wing is reached as ``qa.name`` so that its
modules load with the first question, not with the knowledge base (see ``indexer/qa/__init__.py``).
"""
from __future__ import annotations

from .errors import QueryError
from .params import int_param
from . import qa
from .search import Filters, QueryCompiler, filter_query

MAX_QUESTION_CHARS = 200
MAX_ANSWERS = 10
FALLBACK_HITS = 5


def answer_question(kb, question: str, level, limit) -> qa.AnswerSet:
    """Answer *question* from *kb* (a :class:`~indexer.kb.KnowledgeBase`); see its ``ask``."""
    text = (question or "").replace("\x00", "").strip()
    if not text:
        raise QueryError("请输入问题。", "q")
    if len(text) > MAX_QUESTION_CHARS:
        raise QueryError(f"问题过长（{len(text)} 字），请控制在 {MAX_QUESTION_CHARS} 字以内。", "q")
    limit = int_param(limit, "limit", 1, MAX_ANSWERS)
    filters = Filters()
    for value in ([level] if isinstance(level, str) else (level or [])):
        filters.add("level", value)
    analyzed = qa.analyze_question(text, QueryCompiler(kb.analyzer, kb.aliases()),
                                wording=kb.wording(), titles=kb.titles())
    answerer = qa.QuestionAnswerer(kb.searcher(), kb.analyzer)
    answers, _ = answerer.answer(analyzed, doc_filter=filter_query(filters), limit=limit)
    fallback = ()
    if not answers:
        query = analyzed.core or text
        try:
            fallback = kb.search(query[:MAX_QUESTION_CHARS], level=filters.values["level"],
                                 per_page=FALLBACK_HITS, facets=False).hits
        except QueryError:  # nothing searchable in the question: no hits rather than the whole library
            fallback = ()
    return qa.AnswerSet(question=text, type=analyzed.qtype, answers=tuple(answers), fallback_hits=tuple(fallback))


def is_question(text: str) -> bool:
    """Tell whether a search-box text reads as a question (ends with ？ or has a question word)."""
    return qa.looks_like_question(text)
