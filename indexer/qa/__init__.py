"""qa wing.

The door's names load on first use: the site and every command import the knowledge base, but
only a question needs the Q&A modules (about 40 ms of imports on ``policykb --help``).
"""
_LAZY = {
    "QuestionAnswerer": "answerer",
    "AnswerSet": "answers",
    "baseline_answer": "baseline",
    "TYPE_LABELS": "question", "AnalyzedQuestion": "question", "analyze_question": "question", "looks_like_question": "question",
}

__all__ = list(_LAZY)


def __getattr__(name: str):
    if name in _LAZY:
        import importlib
        value = globals()[name] = getattr(importlib.import_module(f"{__name__}.{_LAZY[name]}"), name)
        return value  # kept: the next use is a plain attribute
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
