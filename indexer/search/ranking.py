"""Two-stage ranking: score the required words of every match, check phrase boosts only where they matter.

A multi-word query is ``AndMaybe(required, Or(phrase boosts))``: the boosts never change which
documents match, only their order.  whoosh scores it in one pass through its matcher trees and
decodes word positions in every document that has all the words (on the law corpus ~1,300 for
安全生产 -火灾); that, plus decoding the same posting blocks again for every query, was most of a
search.  Here:

1. :func:`required_scores` scores the required words of every match from whole posting blocks
   (memoised per index segment in :mod:`indexer.search.postingcache`) with whoosh's own scorer objects, summing in
   the order whoosh's matcher trees sum (so the floats are the same), and gives each document an
   upper bound of its phrase bonus: a phrase can only add ``boost * sum(its words' scores in that
   field)``, and only where all its words occur in that field.
2. :func:`top_two_stage` visits documents by that upper bound, computes the exact bonus (positions
   decoded for just those documents) and stops when no unvisited document can reach the page.

Queries whose required part is not plain words (a quoted phrase, a 文号) score the required part
with whoosh's matchers and bound the bonus by ``bound * required score`` (:func:`bonus_bound`: BM25
scores are never negative and every phrase word is also a required word).  Other query shapes
return None and keep whoosh's one-pass scoring.  tests/test_ranking.py compares both rankings.
"""
from __future__ import annotations

import heapq
from bisect import bisect_right
from collections import Counter

from whoosh import query as Q
from whoosh.matching import IntersectionMatcher
from whoosh.util import make_binary_tree, make_weighted_tree

from .phrases import ExactPhrase, adjacent, adjacent_positions, phrase_term_matchers
from .postingcache import posting_cache, segment_key


FIRST_BATCH = 32  # documents whose phrases are checked before the first stopping test


class RankedHit:
    """The part of a whoosh ``Hit`` that :func:`indexer.search.run.run_search` uses."""

    __slots__ = ("docnum", "score", "_searcher", "_fields")

    def __init__(self, searcher, docnum: int, score: float):
        self._searcher = searcher
        self.docnum = docnum
        self.score = score
        self._fields = None

    def __getitem__(self, name):
        if self._fields is None:
            self._fields = self._searcher.stored_fields(self.docnum)
        return self._fields[name]


def single_term(clause):
    """Return the token of a ``title:t OR content:t`` (or bare term) clause, else None."""
    if isinstance(clause, Q.Term):
        return clause.text if clause.boost == 1.0 else None
    if isinstance(clause, Q.Or) and clause.boost == 1.0 and len(clause.subqueries) == 2:
        texts = {(s.fieldname, s.text) for s in clause.subqueries
                 if isinstance(s, Q.Term) and s.boost == 1.0}
        tokens = {t for _, t in texts}
        if len(texts) == 2 and len(tokens) == 1 and {f for f, _ in texts} == {"title", "content"}:
            return tokens.pop()
    return None


def bonus_bound(required: list, optional: list) -> float | None:
    """Return ``bound`` with bonus <= bound * required score, or None when no bound is known."""
    if not optional or not all(isinstance(p, ExactPhrase) and p.slop == 1 for p in optional):
        return None
    singles = Counter(t for t in (single_term(c) for c in required) if t is not None)
    uses: Counter = Counter()   # (field, word) -> how often phrases score it
    for phrase in optional:
        for word in phrase.words:
            if not singles.get(word):
                return None  # a phrase word the required part does not score (a stop word, say)
            uses[phrase.fieldname, word] += 1
    # Phrases in one field use that field's part of the word's score; a word required twice is
    # scored twice in the required part, so divide by that.
    return max(phrase.boost for phrase in optional) * max(n / singles[w] for (_, w), n in uses.items())


def required_by_matcher(searcher, membership, matched: set[int]) -> dict[int, float]:
    """Return ``{docnum: score}`` of *membership* over *matched* using whoosh's matchers."""
    context = searcher.context()
    out = {}
    for sub, offset in searcher.subsearchers or [(searcher, 0)]:
        m = membership.matcher(sub, context)
        while m.is_active():
            docnum = m.id() + offset
            if docnum in matched:
                out[docnum] = m.score()
            m.next()
    return out


def top_two_stage(searcher, scores: dict[int, float], optional: list, limit: int, bound: float | None,
                  bounds: dict[int, float] | None = None, bonus=None):
    """Return the top *limit* ``RankedHit`` of ``AndMaybe(required, Or(optional))``.

    *scores* are the required part's scores of every matching document; *bound* bounds the
    phrase bonus relative to them (see :func:`bonus_bound`); without *optional* it is unused.
    Ties are ordered by docnum, as whoosh orders them.
    """
    context = searcher.context()
    subs = searcher.subsearchers or [(searcher, 0)]
    starts = [offset for _, offset in subs]
    if not optional:
        ranked = heapq.nsmallest(limit, ((-score, docnum) for docnum, score in scores.items()))
        return [RankedHit(searcher, docnum, -neg) for neg, docnum in ranked]
    if bounds is not None:
        # Upper bounds of the final score, with a margin for rounding in the order of the sums.
        upper = {d: (score + bounds[d]) * (1.0 + 1e-9) for d, score in scores.items()}
    else:
        upper = {d: score * (1.0 + bound) * (1.0 + 1e-9) for d, score in scores.items()}
    todo = sorted((-upper[d], d, bisect_right(starts, d) - 1) for d in scores)
    best: list[tuple[float, int]] = []             # heap of (score, -docnum): the worst on top
    start, batch = 0, max(2 * limit, FIRST_BATCH)
    while start < len(todo):
        if len(best) >= limit and -todo[start][0] < best[0][0]:
            break  # no later document can reach the page, even with the largest bonus
        chunk = sorted(todo[start:start + batch], key=lambda item: (item[2], item[1]))
        start += batch
        batch *= 2
        checker, checker_index = None, -1
        for _, docnum, index in chunk:
            if bonus is not None:
                extra = bonus(docnum)
            else:
                if index != checker_index:
                    checker = _PhraseChecker(subs[index][0], context, optional)
                    checker_index = index
                extra = checker.bonus(docnum - subs[index][1])
            score = scores[docnum]
            item = (score + extra if extra is not None else score, -docnum)
            if len(best) < limit:
                heapq.heappush(best, item)
            elif item > best[0]:
                heapq.heapreplace(best, item)
    ranked = sorted(best, reverse=True)
    return [RankedHit(searcher, -neg_doc, total) for total, neg_doc in ranked]


class _PhraseChecker:
    """Score the optional phrases of one sub-searcher at ascending docnums.

    Per phrase: the intersection of its words' term matchers (the same tree whoosh's phrase
    matcher scores with) and the same adjacency test as :class:`ExactPhrase`; unlike the phrase
    matcher it never scans ahead for the next document containing the phrase.
    """

    def __init__(self, searcher, context, optional: list):
        self.phrases = []
        for phrase in optional:
            ms = phrase_term_matchers(phrase, searcher, context)
            if ms:
                isect = make_binary_tree(IntersectionMatcher, ms) if len(ms) > 1 else ms[0]
                self.phrases.append((isect, ms, phrase.boost))
            else:
                self.phrases.append(None)

    def bonus(self, docnum: int):
        """Return the summed score of the phrases present at *docnum*, or None when none is."""
        scores = [None] * len(self.phrases)
        for i, entry in enumerate(self.phrases):
            if entry is None:
                continue
            isect, ms, boost = entry
            if not isect.is_active():
                self.phrases[i] = None
                continue
            if isect.id() < docnum:
                isect.skip_to(docnum)
                if not isect.is_active():
                    self.phrases[i] = None
                    continue
            if isect.id() != docnum or not adjacent(ms):
                continue
            value = isect.score() * 1.0  # the span matcher's own boost
            scores[i] = value * boost if boost != 1.0 else value
        return tree_sum(scores)


def tree_sum(values: list):
    """Sum the present values (None: absent) pairwise like a binary tree of union matchers."""
    if len(values) == 1:
        return values[0]
    half = len(values) // 2
    left, right = tree_sum(values[:half]), tree_sum(values[half:])
    if left is None:
        return right
    return left if right is None else left + right


# -- required words scored from whole posting blocks -------------------------------------------------
class _NotPlainWords(Exception):
    """A segment's postings cannot be scored here; the caller falls back to whoosh's matchers."""


def _scorer_ok(matcher) -> bool:
    scorer = getattr(matcher, "scorer", None)
    return scorer is not None and hasattr(scorer, "_score") and hasattr(scorer, "dfl")


def required_scores(searcher, required: list, excluded: list, allowed: set | None,
                    optional: list = ()) -> tuple[dict, dict] | None:
    """Return ``({docnum: score}, {docnum: bonus bound}, bonus)`` of the documents matching all
    *required* and no *excluded* clause; ``bonus(docnum)`` is the exact phrase bonus.

    The bound is the phrase bonus a document would get if every *optional* phrase whose words
    all occur in its field were adjacent: ``boost * sum(word scores in that field)``.

    Only for queries whose required clauses are all single words (``title:t OR content:t``): the
    postings are read a block at a time and scored with whoosh's own scorer objects, summed in
    the order whoosh's matcher trees sum them, so the scores are the ones whoosh computes.
    Returns None for other queries (the caller then uses whoosh's matchers).
    """
    if not required or any(single_term(c) is None for c in required):
        return None
    context = searcher.context()
    subs = searcher.subsearchers or [(searcher, 0)]
    wanted = _phrase_words(required, optional)
    phrase_keys = {key for _, words in wanted for key in words} if wanted else set()
    out: dict[int, float] = {}
    bounds: dict[int, float] = {}
    segments = []   # per sub: {(clause, field): (postings, scorer, lengths, values)} for phrase words
    for sub, offset in subs:
        terms_here: dict = {}
        segments.append(terms_here)
        try:
            clauses = _segment_clauses(sub, context, required, wanted is not None, phrase_keys, terms_here)
        except _NotPlainWords:
            return None
        if clauses is None:
            continue   # a required word this segment does not hold: nothing matches here
        docs = _matching_docs(sub, offset, clauses, excluded, allowed)
        if not docs:
            continue
        # whoosh's And builds a weighted tree of the clauses (by estimated size); sum in that order.
        tree = _weighted_order(required, sub.reader())
        _score_docs(docs, offset, clauses, tree, wanted, out, bounds)
    if wanted is None:
        return out, None, None
    return out, bounds, _exact_bonus(searcher, wanted, segments, [offset for _, offset in subs])


def _phrase_words(required: list, optional: list) -> list | None:
    """Per *optional* phrase: its boost and the (required clause, field) of each of its words; None
    when a phrase word is no required word (its bonus then has no bound)."""
    clause_of = {}
    for i, clause in enumerate(required):
        clause_of.setdefault(single_term(clause), i)
    wanted = [(p.boost, [(clause_of.get(w), p.fieldname) for w in p.words]) for p in optional]
    if any(c is None for _, words in wanted for c, _ in words):
        return None
    return wanted


def _segment_clauses(sub, context, required: list, with_phrases: bool, phrase_keys: set,
                     terms_here: dict) -> list | None:
    """Return per required clause the ``(postings, scorer, field, lengths)`` of its fields in one
    segment, or None when a clause has no field here; the positions of phrase words go into
    *terms_here*.  Raises :class:`_NotPlainWords` when the segment cannot be scored here."""
    segment = segment_key(sub)
    if segment is None:
        raise _NotPlainWords
    clauses = []   # per clause: [(postings, scorer)] for its fields present in this segment
    for clause in required:
        terms = clause.subqueries if isinstance(clause, Q.Or) else [clause]
        fields = []
        for term in terms:
            m = term.matcher(sub, context)
            if not m.is_active():
                continue
            if not _scorer_ok(m):
                raise _NotPlainWords
            lengths = posting_cache.get_lengths(segment, term.fieldname)
            fields.append((posting_cache.get_postings(segment + (term.fieldname, term.text), m), m.scorer,
                           term.fieldname, lengths))
            if with_phrases and (len(clauses), term.fieldname) in phrase_keys:
                values = posting_cache.get_postings(segment + (term.fieldname, term.text),
                                                    term.matcher(sub, context), True)
                terms_here[len(clauses), term.fieldname] = fields[-1][:2] + (lengths, values)
        if not fields:
            return None
        clauses.append(fields)
    return clauses


def _matching_docs(sub, offset: int, clauses: list, excluded: list, allowed: set | None) -> set:
    """The segment's docnums holding every clause (in one of its fields), within *allowed* and
    matching no *excluded* clause."""
    sets = []
    for fields in clauses:
        docs = set(fields[0][0])
        for postings, _, _, _ in fields[1:]:
            docs.update(postings)
        sets.append(docs)
    sets.sort(key=len)
    docs = sets[0].intersection(*sets[1:])
    if allowed is not None:
        docs = {d for d in docs if d + offset in allowed}
    if excluded and docs:
        ex = Q.Or(excluded) if len(excluded) > 1 else excluded[0]
        docs.difference_update(ex.docs(sub))
    return docs


def _score_docs(docs: set, offset: int, clauses: list, tree, wanted: list | None,
                out: dict, bounds: dict) -> None:
    """Put each document's required score into *out* and, with phrases, its bonus bound into *bounds*."""
    for d in docs:
        parts = []
        by_field = {}
        for i, fields in enumerate(clauses):
            value = None
            for postings, scorer, fieldname, lengths in fields:
                w = postings.get(d)
                if w is not None:
                    length = lengths.get(d)
                    if length is None:
                        length = lengths[d] = scorer.dfl(d)
                    s = scorer._score(w, length)
                    by_field[i, fieldname] = s
                    value = s if value is None else value + s
            parts.append(value)
        out[d + offset] = _tree_eval(tree, parts)
        if wanted is not None:
            bonus = 0.0
            for boost, words in wanted:
                total = 0.0
                for key in words:
                    s = by_field.get(key)
                    if s is None:
                        break
                    total += s
                else:
                    bonus += boost * total
            bounds[d + offset] = bonus


def _exact_bonus(searcher, wanted: list, segments: list, starts: list):
    """Return ``bonus(docnum)``: the exact phrase bonus, as whoosh's phrase matchers would score it."""
    decoders = {name: searcher.schema[name].format.decoder("positions") for _, words in wanted for _, name in words}

    def bonus(docnum: int):
        """The exact phrase bonus at *docnum*, as whoosh's phrase matchers would score it."""
        index = bisect_right(starts, docnum) - 1
        d = docnum - starts[index]
        terms_here = segments[index]
        scores = []
        for boost, words in wanted:
            entries = [terms_here.get(key) for key in words]
            if any(e is None for e in entries):
                scores.append(None)
                continue
            raw = [e[3].get(d) for e in entries]
            if any(v is None for v in raw) or adjacent_positions(
                    [decoders[name](v) for (_, name), v in zip(words, raw)]) is None:
                scores.append(None)
                continue
            parts = []
            for postings, scorer, lengths, _ in entries:
                length = lengths.get(d)
                if length is None:
                    length = lengths[d] = scorer.dfl(d)
                parts.append(scorer._score(postings[d], length))
            value = tree_sum(parts) * 1.0  # the span matcher's own boost
            scores.append(value * boost if boost != 1.0 else value)
        return tree_sum(scores)

    return bonus


def _weighted_order(required: list, reader):
    if len(required) == 1:
        return 0
    return make_weighted_tree(lambda a, b: (a, b),
                              [(0 - q.estimate_size(reader), i) for i, q in enumerate(required)])


def _tree_eval(tree, parts):
    if isinstance(tree, int):
        return parts[tree]
    return _tree_eval(tree[0], parts) + _tree_eval(tree[1], parts)
