"""search wing."""
from .highlight import HTML, PLAIN, TERMINAL, Formatter, Marked, merge_spans

__all__ = ["HTML", "PLAIN", "TERMINAL", "Formatter", "Marked", "merge_spans"]
