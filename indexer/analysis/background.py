"""How specific a word is in everyday Chinese: a background weight for question words.

A spoken question carries everyday words (放在, 搞, 心里, 有些, 朋友, 一直) that official text
rarely uses. In the corpus they are rare, so their idf is high and they outweigh the words that
matter, although no rule will ever say them. jieba's dictionary counts how often each word occurs
in general text (about 60 million words); a word that is common there says little about which rule
is meant. ``specificity`` turns that count into a factor between ``FLOOR`` and 1 for the word's
weight: words common in general text count less, rare and unknown words (诉讼时效, 督导组, 差旅费)
count fully, and so do nouns: a common noun (费用, 标准) still names what is asked about, and a
question about 满意度测评的费用标准 must not be answered from a rule that only says 满意度测评.
It is a property of the language, not of any corpus or question set.
"""
from __future__ import annotations

import math
import os
import threading

# general-text idf (log of total count / the word's count) at or below LOW gets FLOOR, at or
# above HIGH the full weight; linear in between. ~LOW: 什么/可以/时候; ~HIGH: words seen ~1,000 times.
LOW = 7.0
HIGH = 11.0
FLOOR = 0.25
# Nouns (jieba's tags n, nr, ns, nz … and the verbal noun vn: 费用, 电子版, 培训) name what a
# question is about and keep their full weight however common they are.
NOUN_TAGS = ("n", "vn")

# Content words: nouns, verbs and time words (差旅费, 补助, 体检, 年终). A question about something
# the corpus never mentions is probably not answered by it; a question whose only unseen words
# are grammar or a turn of speech (别人, 合适, 最起码, 就行了) or fragments the segmenter cut from a
# spoken question (没人来, 我能, 补好) may well be. Verbs count as content: many name an act the
# rules would have to mention (补助, 保管, 体检). Abbreviations (j: 奥运会, 人大) name things too.
CONTENT_TAGS = ("n", "v", "t", "j")

# Function words: what jieba's dictionary tags as pronoun, adverb, conjunction, preposition,
# particle, interjection, set phrase, idiom or state word (别家, 一直, 就是说, 明明白白). A word
# the dictionary does not know is one of them when it starts with a character that starts turns of
# speech (才行, 还会, 我能, 没人来); otherwise it may be a name or a term of art (下派, 留薪期).
FUNCTION_TAGS = ("r", "d", "c", "p", "u", "y", "e", "o", "l", "i", "z", "f", "q")
_SPEECH_STARTS = frozenset("才还就都也又再很太更只便却倒挺蛮咋啥我你他她咱没")

_lock = threading.Lock()
_table: dict[str, float] | None = None
_content: str | None = None
_function: str | None = None


def _load() -> dict[str, float]:
    """Read the counts of jieba's dictionary, keeping only the words common enough to matter."""
    import jieba

    global _content, _function
    path = os.path.join(os.path.dirname(jieba.__file__), "dict.txt")
    counts: dict[str, int] = {}
    content: list[str] = []
    function: list[str] = []
    total = 0
    with open(path, encoding="utf-8") as fh:
        for line in fh:
            parts = line.split(" ")
            if len(parts) < 2:
                continue
            try:
                count = int(parts[1])
            except ValueError:
                continue
            total += count
            tag = parts[2].strip() if len(parts) > 2 else ""
            if tag.startswith(CONTENT_TAGS):
                content.append(parts[0])
            elif tag.startswith(FUNCTION_TAGS):
                function.append(parts[0])
            if tag.startswith(NOUN_TAGS):
                continue
            counts[parts[0]] = count
    # one string rather than a set: ~240k words in ~3 MB instead of ~25 MB, and it is only
    # searched for the few question words the index has never seen
    _content = "\n" + "\n".join(content) + "\n"
    _function = "\n" + "\n".join(function) + "\n"
    if not total:
        return {}
    # a word below this count is fully specific; dropping them keeps the table small (~8k words)
    least = total / math.exp(HIGH)
    table = {}
    for word, count in counts.items():
        if count > least:
            table[word] = _factor(math.log(total / count))
    return table


def _factor(general_idf: float) -> float:
    if general_idf >= HIGH:
        return 1.0
    return max(FLOOR, min(1.0, (general_idf - LOW) / (HIGH - LOW)))


def table() -> dict[str, float]:
    global _table
    if _table is None:
        with _lock:
            if _table is None:
                try:
                    _table = _load()
                except OSError:   # no dictionary file: every word counts fully
                    _table = {}
    return _table


def is_content_word(word: str) -> bool:
    """Tell whether jieba's dictionary tags *word* as a noun, verb, time word or abbreviation."""
    table()
    return _content is None or f"\n{word}\n" in _content   # no dictionary: every word might be


def is_function_word(word: str) -> bool:
    """Tell whether *word* is a function word or turn of speech rather than a name or term.

    Dictionary words count by their tag (:data:`FUNCTION_TAGS`); a word the dictionary does not
    know counts when it starts like a turn of speech (才行, 我能).
    """
    table()
    if _content is None or _function is None:   # no dictionary: every word might be content
        return False
    if f"\n{word}\n" in _function:
        return True
    return bool(word) and word[0] in _SPEECH_STARTS and f"\n{word}\n" not in _content


def specificity(word: str) -> float:
    """Return the factor (``FLOOR``–1) for *word*'s weight in a question."""
    return table().get(word, 1.0)
