"""policykb knowledge-base core: corpus, Chinese analyzer, whoosh index, search and Q&A.

Only this package imports whoosh or jieba; callers get plain frozen dataclasses.
"""
from .errors import (CorpusError, DocumentNotFound, IndexBusy, IndexMissing, PolicyKBError,
                     QueryError)
from .kb import KnowledgeBase
from .models import LEVELS, Hit, IndexReport, PolicyDoc, SearchPage

__all__ = ["KnowledgeBase", "PolicyDoc", "Hit", "SearchPage", "IndexReport", "LEVELS",
           "PolicyKBError", "CorpusError", "QueryError", "IndexMissing", "IndexBusy",
           "DocumentNotFound"]
