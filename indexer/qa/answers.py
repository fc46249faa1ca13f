"""Plain frozen records for Q&A results (what ``KnowledgeBase.ask`` returns)."""
from __future__ import annotations

from dataclasses import dataclass, field

from ..models import LEVELS, Hit
from ..search import Marked

NO_ANSWER = "未找到明确答案"
TENTATIVE = "未找到明确答案；下面是可能的答案，请核对原文"


@dataclass(frozen=True)
class Answer:
    """One answer: the sentence or clause, its passage and the citation of its document.

    ``html`` is the answer text HTML-escaped with the answering part wrapped in ``<mark>``
    (``marked`` written by ``indexer.search.HTML``).
    ``warning`` is non-empty when the source document is no longer in force.
    """

    text: str
    html: str
    passage: str
    anchor: str
    doc_id: str
    title: str
    level: str
    issuer: str
    doc_no: str
    date: str
    status: str
    section: str
    score: float
    warning: str = ""
    # A best candidate shown as 可能的答案: the document is clearly right but the sentence's
    # evidence is below the floor of a definite answer.
    tentative: bool = False
    note: str = ""      # e.g. that the question may mean an older version of the document
    marked: Marked | None = field(default=None, compare=False, repr=False)  # ``html`` before formatting

    @property
    def level_label(self) -> str:
        return LEVELS.get(self.level, self.level)

    def to_dict(self) -> dict:
        return {
            "text": self.text, "passage": self.passage, "doc_id": self.doc_id, "title": self.title,
            "level": self.level, "issuer": self.issuer, "doc_no": self.doc_no, "date": self.date,
            "section": self.section, "score": round(self.score, 4),
            # Additions beyond the documented keys: the highlighted text and the status warning.
            "html": self.html, "level_label": self.level_label, "status": self.status,
            "warning": self.warning, "tentative": self.tentative, "note": self.note,
        }


@dataclass(frozen=True)
class AnswerSet:
    """The answers to one question; when there is none, the best search hits instead."""

    question: str
    type: str
    answers: tuple[Answer, ...]
    fallback_hits: tuple[Hit, ...] = ()
    took_ms: float = 0.0

    @property
    def found(self) -> bool:
        return bool(self.answers)

    @property
    def tentative(self) -> bool:
        """True when the only answers are 可能的答案 (see :attr:`Answer.tentative`)."""
        return bool(self.answers) and all(a.tentative for a in self.answers)

    @property
    def message(self) -> str:
        if not self.answers:
            return NO_ANSWER
        return TENTATIVE if self.tentative else ""

    def to_dict(self) -> dict:
        return {
            "question": self.question,
            "type": self.type,
            "answers": [a.to_dict() for a in self.answers],
            "fallback_hits": [h.to_dict() for h in self.fallback_hits],
            "message": self.message,
            "tentative": self.tentative,
            "took_ms": round(self.took_ms, 2),
        }
