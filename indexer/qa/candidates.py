"""The records of answering: a passage of a retrieved document, a scored span of its sentences."""
from __future__ import annotations

from dataclasses import dataclass


@dataclass(slots=True)
class PassageCandidate:
    meta: dict
    passage: tuple
    doc_rank: int
    doc_score: float      # BM25F score relative to the best document (0..1]
    coverage: float       # IDF-weighted share of question words in the passage (+ title)
    score: float = 0.0
    named: bool = False   # the passage is in a document the question names


@dataclass(slots=True)
class SentenceCandidate:
    candidate: PassageCandidate
    start: int
    end: int
    score: float
    evidence: float
    matched: list         # (start, end) spans of matched question tokens
    answer_spans: list    # (start, end) spans that look like an answer of the question's type
    weights: dict = None  # question token -> its share of the question's (local) weight
    key_held: bool = False  # the span (or the title) holds the question's most specific word
    typed: bool = False     # it holds an answer of the type (and unit) asked, where that has a form
