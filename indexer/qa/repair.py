"""Question words the index cuts differently: unknown words and compounds, mapped to indexed words.

A question is segmented on its own, so its words need not be the index's words: 松有 for a text
that says 鸡毛松, 督导组 for a text that says 督导小组. :func:`repair_unknown` replaces or widens
such words with the indexed words inside them, at a lower weight than a word found as asked.
"""
from __future__ import annotations

import re
from dataclasses import replace

from whoosh import query as Q

from .question import NOT_TOPIC, AnalyzedQuestion
from .ranges import is_value_group

_WEAK_CHARS = frozenset("年月日时后前中里上下内外所将把被让给从向于以为而其之此该本个只就都也还又再可会能要得着过")
_CJK_WORD_RE = re.compile(r"^[\u4e00-\u9fff]{2,}$")
MAX_PREFIX_WORDS = 3


def repair_unknown(question: AnalyzedQuestion, doc_frequency, expand_prefix) -> AnalyzedQuestion:
    """Replace question words the index has never seen by the indexed words they are made of.

    The segmenter cuts a question differently from the text it asks about (纽西兰鸡毛松有多高 gives
    松有, the text 鸡毛松 ... 树高): an unknown word becomes the known words inside it (松), or the
    indexed words it begins (锦地 → 锦地罗). *doc_frequency(term)* and *expand_prefix(prefix)* come
    from the searcher.
    """
    groups = []
    added = []
    changed = False
    factors = dict(question.factors)
    for group in question.groups:
        unknown = [t for alt in group for t in alt if _CJK_WORD_RE.match(t) and not doc_frequency(t)]
        # a number with its unit (十二年) is compared with the rules' ranges, not cut into pieces
        if not unknown or any(all(doc_frequency(t) for t in alt) for alt in group) or is_value_group(group):
            softened = group if is_value_group(group) else with_pieces(group, doc_frequency)
            if softened is not group:
                changed = True
                for alt in softened[len(group):]:
                    factors[alt] = min(factors.get(alt, 1.0), COMPOUND_FACTOR)
            groups.append(softened)
            continue
        changed = True
        for word in unknown:
            pieces, partial = _known_pieces(word, doc_frequency)
            if pieces:
                for piece in pieces:
                    groups.append(((piece,),))
                    added.append(piece)
                    if partial:
                        # 今天天气 covered only by 天天: weak evidence of the word asked about
                        factors[(piece,)] = min(factors.get((piece,), 1.0), PARTIAL_REPAIR_FACTOR)
                continue
            longer = [w for w in expand_prefix(word)][:MAX_PREFIX_WORDS]
            if longer:
                groups.append(tuple((w,) for w in longer))
                added.extend(longer)
            else:
                # nothing stands for it: it stays, unmatched, so weak evidence is still refused
                groups.append(((word,),))
    if not changed:
        return question
    unique = tuple(dict.fromkeys(groups))
    query = question.query
    extra = [Q.Or([Q.Term("title", t), Q.Term("content", t)]) for t in dict.fromkeys(added)]
    if extra:
        query = Q.Or(([query] if query is not None else []) + extra)
    return replace(question, groups=unique, query=query, factors=factors)


PARTIAL_REPAIR_FACTOR = 0.3
# A compound question word (结婚证, 女孩子) also counts, this much, where the text has only the
# word it is built on (结婚 in 结婚年龄): people name things by a compound the rules do not use.
COMPOUND_FACTOR = 0.6
COMPOUND_CHARS = 3
AGENT_SUFFIXES = frozenset("人者")


def with_pieces(group, doc_frequency):
    """*group* plus, for its one-word literal of three characters, the indexed word inside it.

    Longer words (诉讼时效) are mostly terms of the rules themselves: their pieces would only add noise.
    """
    literal = group[0]
    if len(literal) != 1 or len(literal[0]) != COMPOUND_CHARS or not _CJK_WORD_RE.match(literal[0]):
        return group
    if literal[0][-1] in AGENT_SUFFIXES:
        return group  # 负责人 is a person, 负责 a duty: the piece would change what is asked
    pieces, _ = _known_pieces(literal[0], doc_frequency)
    pieces = tuple(sorted(p for p in pieces if len(p) >= 2))
    if not pieces or (pieces,) in group or any(alt == pieces for alt in group):
        return group
    return group + (pieces,)


def _known_pieces(word: str, doc_frequency) -> tuple[list[str], bool]:
    """Cover *word* greedily with the longest indexed sub-words (single characters last).

    Returns the pieces and whether a character that means something was left uncovered.
    """
    pieces, singles = [], []
    i = 0
    while i < len(word):
        for j in range(len(word), i + 1, -1):
            if j - i < len(word) and doc_frequency(word[i:j]):
                pieces.append(word[i:j])
                i = j
                break
        else:
            singles.append(word[i])
            i += 1
    # A lone character stands for the word only when everything else in it is glue (根有 → 根):
    # 季节 split into 季 and 节 would match anything.
    strong = [c for c in singles if c not in _WEAK_CHARS and c not in NOT_TOPIC]
    if len(strong) == 1 and not pieces and doc_frequency(strong[0]):
        pieces.append(strong[0])
        return pieces, False
    return pieces, bool(strong)
