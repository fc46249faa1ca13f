"""Snippets: pick the densest window of a short passage and mark whole matched words."""
from __future__ import annotations

from html import escape

from ..analysis.analyzer import TextAnalyzer


def match_spans(text: str, terms: set[str], analyzer: TextAnalyzer) -> list[tuple[int, int]]:
    """Return merged character spans of *text* whose tokens (or sub-words) are in *terms*."""
    if not terms or not text:
        return []
    spans = sorted((t.start, t.end) for t in analyzer.tokens(text, subwords=True) if t.text in terms)
    merged: list[list[int]] = []
    for start, end in spans:
        if merged and start <= merged[-1][1]:
            merged[-1][1] = max(merged[-1][1], end)
        else:
            merged.append([start, end])
    return [(s, e) for s, e in merged]


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


def render_marked(text: str, spans: list[tuple[int, int]], start: int = 0, end: int | None = None,
                  open_tag: str = "<mark>", close_tag: str = "</mark>") -> str:
    """Return HTML-escaped ``text[start:end]`` with *spans* wrapped in mark tags."""
    end = len(text) if end is None else end
    out, cursor = [], start
    for s, e in spans:
        if e <= start or s >= end:
            continue
        s, e = max(s, start), min(e, end)
        out.append(escape(text[cursor:s], quote=False))
        out.append(open_tag + escape(text[s:e], quote=False) + close_tag)
        cursor = e
    out.append(escape(text[cursor:end], quote=False))
    prefix = "…" if start > 0 else ""
    suffix = "…" if end < len(text) else ""
    return prefix + "".join(out) + suffix


def snippet(text: str, terms: set[str], analyzer: TextAnalyzer, width: int = 160) -> str:
    """Return an HTML snippet of *text* around the matches of *terms*."""
    text = " ".join(text.split("\n"))
    spans = match_spans(text, terms, analyzer)
    start, end = best_window(text, spans, width)
    return render_marked(text, spans, start, end)
