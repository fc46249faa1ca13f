"""policykb knowledge-base core: corpus, Chinese analyzer, whoosh index, search and Q&A.

Only this package imports whoosh or jieba; callers get plain frozen dataclasses.
"""
from .errors import (CorpusError, DocumentNotFound, IndexBusy, IndexMissing, PolicyKBError,
                     QueryError)
from .models import LEVELS, Hit, IndexReport, PolicyDoc, SearchPage

__all__ = ["KnowledgeBase", "PolicyDoc", "Hit", "SearchPage", "IndexReport", "LEVELS",
           "PolicyKBError", "CorpusError", "QueryError", "IndexMissing", "IndexBusy",
           "DocumentNotFound"]


def __getattr__(name: str):
    # KnowledgeBase pulls in whoosh; the import worker (a fresh process per file) needs none of it.
    if name == "KnowledgeBase":
        from .kb import KnowledgeBase
        return KnowledgeBase
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
