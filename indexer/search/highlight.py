"""Marked text: snippets and answers choose what to mark; formatters write it.

Choosing is separate from writing (as whoosh separates its fragmenter from its formatter): a
snippet (:func:`snippet`, the densest window of a passage with its matched words) or an answer (the
clause that answers, ``indexer.qa``) is a :class:`Marked` — text, spans, a window — and
:data:`HTML`, :data:`TERMINAL` and :data:`PLAIN` write the same spans as ``<mark>``, terminal
colour, or 【】.
"""
from __future__ import annotations

from dataclasses import dataclass
from html import escape
from typing import Callable

from ..analysis import TextAnalyzer


@dataclass(frozen=True)
class Marked:
    """``text[start:end]`` with *spans* to mark (merged, sorted; clipped to the window when written).

    ``before`` and ``after`` say that the shown window is cut from a longer text (written as …).
    """

    text: str
    spans: tuple[tuple[int, int], ...] = ()
    start: int = 0
    end: int | None = None
    before: bool = False
    after: bool = False

    def format(self, formatter: "Formatter") -> str:
        return formatter.write(self)


@dataclass(frozen=True)
class Formatter:
    """Write a :class:`Marked` with *open* and *close* around each span, other text through *escape*."""

    open: str
    close: str
    escape: Callable[[str], str] = str

    def write(self, marked: Marked) -> str:
        text, start = marked.text, marked.start
        end = len(text) if marked.end is None else marked.end
        out, cursor = [], start
        for s, e in marked.spans:
            if (e <= start or s >= end) and not (s == e and start <= s <= end):
                continue  # outside the window (an empty mark inside it is still written)
            s, e = max(s, start), min(e, end)
            out.append(self.escape(text[cursor:s]))
            out.append(self.open + self.escape(text[s:e]) + self.close)
            cursor = e
        out.append(self.escape(text[cursor:end]))
        return ("…" if marked.before else "") + "".join(out) + ("…" if marked.after else "")


HTML = Formatter("<mark>", "</mark>", lambda text: escape(text, quote=False))  # for pages and JSON
TERMINAL = Formatter("\x1b[1;33m", "\x1b[0m")  # bold yellow on a terminal
PLAIN = Formatter("【", "】")  # plain text: a pipe, a file


def merge_spans(spans) -> list[tuple[int, int]]:
    """Merge overlapping or touching ``(start, end)`` spans; return them sorted."""
    merged: list[list[int]] = []
    for start, end in sorted(spans):
        if merged and start <= merged[-1][1]:
            merged[-1][1] = max(merged[-1][1], end)
        else:
            merged.append([start, end])
    return [(s, e) for s, e in merged]


def match_spans(text: str, terms: set[str], analyzer: TextAnalyzer) -> list[tuple[int, int]]:
    """Return merged character spans of *text* whose tokens (or sub-words) are in *terms*."""
    if not terms or not text:
        return []
    return merge_spans((t.start, t.end) for t in analyzer.tokens(text, subwords=True) if t.text in terms)


def best_window(text: str, spans: list[tuple[int, int]], width: int) -> tuple[int, int]:
    """Return the window of *width* characters covering the most distinct matches."""
    if len(text) <= width:
        return 0, len(text)
    if not spans:
        return 0, width
    best_start, best_score = 0, -1.0
    for i, (start, _) in enumerate(spans):
        window_end = start + width
        covered = {text[s:e] for s, e in spans[i:] if e <= window_end}
        score = len(covered) + 0.01 * sum(1 for s, e in spans[i:] if e <= window_end)
        if score > best_score:
            best_start, best_score = start, score
    # Start a little before the first match, preferably at a sentence boundary.
    start = max(0, best_start - width // 5)
    for boundary in "。；！？\n":
        cut = text.rfind(boundary, start, best_start)
        if cut != -1 and best_start - cut < width // 3:
            start = cut + 1
            break
    end = min(len(text), start + width)
    return start, end


def snippet(text: str, terms: set[str], analyzer: TextAnalyzer, width: int = 160) -> Marked:
    """Return the window of *text* around the matches of *terms*, the matched words marked."""
    text = " ".join(text.split("\n"))
    spans = match_spans(text, terms, analyzer)
    start, end = best_window(text, spans, width)
    return Marked(text, tuple(spans), start, end, before=start > 0, after=end < len(text))
