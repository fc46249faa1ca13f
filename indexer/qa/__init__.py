"""qa wing."""
from .answerer import QuestionAnswerer
from .answers import AnswerSet
from .baseline import baseline_answer
from .question import TYPE_LABELS, analyze_question, looks_like_question

__all__ = ["QuestionAnswerer", "AnswerSet", "baseline_answer", "TYPE_LABELS", "analyze_question",
           "looks_like_question"]
