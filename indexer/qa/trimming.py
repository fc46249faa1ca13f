"""Trim a long answer span to at most 200 characters, clause by clause, and choose what to mark.

Choosing only: the caller writes HTML (or plain text) around the returned offsets.
"""
from __future__ import annotations

import re

from .sentences import split_clauses
from ..analysis import fold_width

# 200 rather than 120 or 160: a long rule or judgment states its answer after the conditions, and a
# shorter window cut it off (CJRC dev 0.523 at 120, 0.539 at 160, 0.551 at 200; CMRC trial 0.799,
# 0.814, 0.816; statutes and the speech set unchanged). 240 gained CJRC 0.7 points more but is no
# longer an answer read at a glance.
MAX_ANSWER_CHARS = 200
# When trimming a long span, what a window of clauses gains (besides the share of the question's
# weight it holds) for holding an answer-type match and for starting a sentence.
TRIM_ANSWER, TRIM_SENTENCE_START = 0.3, 0.1
# ... and for going on past the last question word (by at least this many characters).
TRIM_AFTER, TRIM_AFTER_CHARS = 0.2, 4


def trim_span(text: str, start: int, end: int, matched: list, answers: list,
              weights: dict | None = None) -> tuple[int, int, tuple]:
    """Return ``(start, end, (mark_start, mark_end))``: at most MAX_ANSWER_CHARS characters, clause-wise.

    A longer span is cut to the run of whole clauses that holds the most question weight (each
    question word counted once, so a repeated subject does not pull the window), an answer-type
    match and, other things equal, starts a sentence. The marked clause is the one holding the
    answer-type match closest to the matched question words, or the one with most of them.
    """
    clauses = split_clauses(text, start, end)
    if not clauses:
        return start, end, (start, end)
    weights = weights or {}

    def word_weight(s, e):
        words = {fold_width(text[ms:me]) for ms, me in matched if s <= ms and me <= e}
        return sum(weights.get(w, 1.0 / max(1, len(matched))) for w in words)

    s, e = start, end
    # The answer usually follows the question's words (……的期限为十五日): a window that stops
    # at the last of them cuts the answer off.
    last_word = max((me for ms, me in matched if start <= ms and me <= end), default=None)
    if end - start > MAX_ANSWER_CHARS:
        best = None
        for i in range(len(clauses)):
            for j in range(i, len(clauses)):
                ws, we = clauses[i][0], clauses[j][1]
                if we - ws > MAX_ANSWER_CHARS:
                    if j > i:
                        break
                    we = ws + MAX_ANSWER_CHARS
                score = word_weight(ws, we)
                if any(ws <= a and b <= we for a, b in answers):
                    score += TRIM_ANSWER
                if ws == start or text[ws - 1] in "。！？!?；;\n":
                    score += TRIM_SENTENCE_START
                if last_word is not None and ws < last_word and we > last_word + TRIM_AFTER_CHARS:
                    score += TRIM_AFTER
                if best is None or score > best[0] + 1e-9:
                    best = (score, ws, we)
                if we - ws >= MAX_ANSWER_CHARS:
                    break
        _, s, e = best
    inside = [m for m in matched if s <= m[0] and m[1] <= e]
    # the centre of the question's words, each weighted by how much it says (a subject every
    # sentence repeats, 督导组, pulls the mark less than the word asked about, 组长)
    centre = None
    if inside:
        weighted = [(weights.get(fold_width(text[a:b]), 1.0 / len(inside)), (a + b) / 2) for a, b in inside]
        total = sum(w for w, _ in weighted)
        centre = (sum(w * c for w, c in weighted) / total) if total > 0 else sum(c for _, c in weighted) / len(weighted)
    in_window = [a for a in answers if s <= a[0] and a[1] <= e]
    parts = [(max(cs, s), min(ce, e)) for cs, ce in clauses if cs < e and ce > s]
    mark = None
    if in_window:
        best_answer = min(in_window, key=lambda a: abs((a[0] + a[1]) / 2 - centre) if centre is not None else a[0])
        mark = next(((cs, ce) for cs, ce in parts if cs <= best_answer[0] < ce), None)
    if mark is None:
        if e - s == end - start and (end - start <= MAX_ANSWER_CHARS):
            mark = (s, e)
        else:
            mark = max(parts, key=lambda p: (word_weight(*p), -p[0]))
    return s, e, strip_mark(text, mark)


_ARTICLE_LABEL_RE = re.compile(r"第[〇零一二三四五六七八九十百千\d]+条[ 　]*")


def strip_mark(text: str, mark: tuple) -> tuple:
    s, e = mark
    label = _ARTICLE_LABEL_RE.match(text, s)
    if label and label.end() < e:
        s = label.end()   # the article's number is the citation, not the answer
    while s < e and text[s] in " 　":
        s += 1
    while e > s and text[e - 1] in "，,、：:。；; 　":
        e -= 1
    return (s, e)
