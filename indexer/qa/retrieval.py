"""Top documents of ask's OR query, scored from cached postings with the floats whoosh computes.

``ask`` retrieves documents with ``Or(word clauses + phrase boosts)``.  whoosh scored it through
an ``ArrayUnionMatcher`` that calls ``score()`` on every posting of every clause, each call
looking up the document's field length in the column store: ~5,000 calls and most of a question
on the law corpus.  Here each word's BM25F scores are computed once per index segment and scorer
statistics (memoised in :data:`indexer.search.postingcache.posting_cache`, keyed by the segment and
the scorer's idf, average length, B and K1, so a changed index never reuses stale scores); a question then only
adds dictionaries.  A phrase first counts as present wherever all its words occur (an upper
bound); its adjacency is checked only for documents that can still reach the top.

The sums follow whoosh's matcher choice and order exactly (``Or._matcher``): a two-clause Or (or
any Or in a segment of more than 5,000 documents) is a weighted tree of ``UnionMatcher`` (a + b
where both match), a larger one an ``ArrayUnionMatcher`` (``0 + s1 + s2 ...`` in clause order,
keeping documents above 0); a phrase scores the binary-tree sum of its words' scores.  The top N
are ordered by score, then docnum, as whoosh's ``TopCollector`` orders them, over every match:
the result is whoosh's with matcher replacement off (:func:`indexer.search.run.top_hits`).  whoosh's
default search can differ only by losing documents: with a nested Or (a question whose unknown words were
repaired) its replacement trusted ``ArrayUnionMatcher.max_quality``, the largest clause bound
rather than their sum, and dropped the best documents.  Query shapes other than Or / Term /
exact phrase return None and the caller keeps whoosh's search.  tests/test_orscore.py compares.
"""
from __future__ import annotations

import heapq
from bisect import insort

from whoosh import query as Q
from whoosh.formats import Positions
from whoosh.matching.wrappers import FilterMatcher
from whoosh.scoring import BM25F, BM25FScorer

from ..search import (ExactPhrase, RankedHit, block_weights_and_values, decode_positions, posting_cache,
                      segment_key, tree_sum)


class _Unsupported(Exception):
    pass


def top_or(searcher, query, limit: int, doc_filter=None) -> list[RankedHit] | None:
    """Return the top *limit* hits of *query* within *doc_filter*, ranked and scored as whoosh
    does when it scores every match, or None when the query has a shape this module does not score."""
    allowed = set(searcher.docs_for_query(doc_filter)) if doc_filter is not None else None
    context = searcher.context()
    phrase_words = set()
    if not _collect_phrase_words(query, phrase_words):
        return None
    # Every matching document with an upper bound of its score: exact unless a phrase whose words
    # it holds may not be adjacent there (phrases are only checked where they can change the top).
    found: list[tuple[float, int, int]] = []
    scorers = []
    for sub, offset in searcher.subsearchers or [(searcher, 0)]:
        segment = segment_key(sub)
        if segment is None:
            return None
        scorer = _SegmentScorer(sub, segment, context, phrase_words)
        try:
            scores = scorer.node(query)
        except _Unsupported:
            return None
        index = len(scorers)
        scorers.append((scorer, offset))
        reader = sub.reader()
        deleted = reader.has_deletions()
        for d, score in scores.items():
            if deleted and reader.is_deleted(d):
                continue
            docnum = d + offset
            if allowed is None or docnum in allowed:
                found.append((-score, docnum, index))
    heapq.heapify(found)   # visited best first; usually a few dozen of thousands
    best: list[tuple[float, int]] = []   # heap of (score, -docnum): the worst of the top on top
    while found:
        neg, docnum, index = heapq.heappop(found)
        if len(best) >= limit and (-neg, -docnum) < best[0]:
            break   # neither this document nor any later one can reach the top
        scorer, offset = scorers[index]
        score = scorer.exact(query, docnum - offset) if scorer.uncertain(docnum - offset) else -neg
        if score is None:
            continue
        item = (score, -docnum)
        if len(best) < limit:
            heapq.heappush(best, item)
        elif item > best[0]:
            heapq.heapreplace(best, item)
    best.sort(reverse=True)
    return [RankedHit(searcher, -neg_doc, score) for score, neg_doc in best]


def _collect_phrase_words(q, out: set) -> bool:
    """Add the (field, word) of every phrase in *q* to *out*; False for an unsupported shape."""
    kind = type(q)
    if kind is Q.Or:
        return all(_collect_phrase_words(s, out) for s in q.subqueries)
    if kind is ExactPhrase and q.slop == 1:
        out.update((q.fieldname, w) for w in q.words)
        return True
    return kind is Q.Term


class _SegmentScorer:
    """``{docnum: score}`` of query nodes in one segment (docnums relative to the segment).

    :meth:`node` gives every document its score as if each phrase whose words it holds were
    adjacent there (an upper bound: scores are not negative and float addition is monotone);
    :meth:`exact` scores one such document with the adjacency checked.
    """

    # whoosh.query.compound.Or._matcher: when it stops preloading into an array
    TOO_MANY_CLAUSES = Q.Or.TOO_MANY_CLAUSES
    ARRAY_MAX_DOCS = 5000

    def __init__(self, sub, segment: tuple, context, phrase_words: set = frozenset()):
        self.sub = sub
        self.reader = sub.reader()
        self.schema = sub.schema
        self.segment = segment
        self.context = context
        self.phrase_words = phrase_words
        self.memo: dict[int, dict] = {}      # id(node) -> its scores (phrases: upper bounds)
        self.candidates: set[int] = set()    # documents holding all words of some phrase
        self.trees: dict[int, object] = {}   # id(Or node) -> its UnionMatcher tree
        self.certain: set[int] = set()       # id(node) of nodes without phrases: memo is exact
        self.avgfl: dict[str, float] = {}

    def node(self, q) -> dict:
        kind = type(q)
        if kind is Q.Term:
            if q.minquality:
                raise _Unsupported
            scores = _boosted(self.term(q.fieldname, q.text), q.boost)
        elif kind is ExactPhrase and q.slop == 1:
            scores = self.phrase(q)
        elif kind is Q.Or and not q.scale and not q.minmatch:
            scores = self.union(q)
        else:
            raise _Unsupported
        self.memo[id(q)] = scores
        if kind is not ExactPhrase and all(id(s) in self.certain for s in getattr(q, "subqueries", ())):
            self.certain.add(id(q))
        return scores

    def uncertain(self, d: int) -> bool:
        return d in self.candidates

    # -- Or ----------------------------------------------------------------------------------
    def _tree(self, q):
        """Return None for an ArrayUnionMatcher, else the weighted tree of UnionMatchers."""
        subs = q.subqueries
        if (len(subs) < self.TOO_MANY_CLAUSES
                and (self.context.needs_current or len(subs) == 2
                     or self.sub.doc_count_all() > self.ARRAY_MAX_DOCS)):
            # DefaultOr: a weighted tree of UnionMatchers, by estimated size
            if len(subs) == 2:
                return (0, 1)   # either order: a + b == b + a
            return _weighted_tree([s.estimate_size(self.reader) for s in subs])
        return None

    def union(self, q) -> dict:
        subs = q.subqueries
        if not subs:
            return {}
        if len(subs) == 1:
            return self.node(subs[0])   # whoosh uses the only clause's matcher, boost and all
        tree = self.trees[id(q)] = self._tree(q)
        if all(type(s) is Q.Term for s in subs) and not any(s.minquality for s in subs):
            # A word in title and content: the same sum for every question that has the word.
            key = ("or-union", q.boost, tree) + tuple(
                (self.term_key(s.fieldname, s.text) if s.fieldname in self.schema else None, s.boost) for s in subs)
            found = posting_cache.get(key)
            if found is None:
                found = posting_cache.get_computed(key, lambda: self._sum(q, tree, [self.node(s) for s in subs]))
            else:
                for s in subs:
                    self.node(s)   # memoised for exact()
            return found
        return self._sum(q, tree, [self.node(s) for s in subs])

    def _sum(self, q, tree, parts: list) -> dict:
        if tree is not None:
            return _boosted(_union_tree(tree, parts), q.boost)
        # PreloadedOr: ArrayUnionMatcher adds each clause's score * boost into a zeroed array in
        # clause order and yields the documents whose sum is above 0.
        boost = q.boost
        acc: dict = {}
        for part in parts:
            if boost != 1.0:
                part = {d: s * boost for d, s in part.items()}
            if not acc:
                acc = {d: 0.0 + s for d, s in part.items()}
                continue
            for d, s in part.items():
                acc[d] = acc[d] + s if d in acc else 0.0 + s
        return {d: s for d, s in acc.items() if s > 0}

    # -- one document, phrases checked -------------------------------------------------------
    def exact(self, q, d: int):
        """The score of *q* at *d* (None: no match), summed like :meth:`node` sums."""
        kind = type(q)
        if id(q) in self.certain:
            return self.memo[id(q)].get(d)
        if kind is ExactPhrase:
            upper = self.memo[id(q)].get(d)
            return upper if upper is not None and self.adjacent(q, d) else None
        subs = q.subqueries
        if not subs:
            return None
        if len(subs) == 1:
            return self.exact(subs[0], d)
        parts = [self.exact(s, d) for s in subs]
        tree = self.trees[id(q)]
        boost = q.boost
        if tree is not None:
            value = _union_value(tree, parts)
            return value * boost if value is not None and boost != 1.0 else value
        acc = None
        for s in parts:
            if s is not None:
                acc = (0.0 if acc is None else acc) + (s * boost if boost != 1.0 else s)
        return acc if acc is not None and acc > 0 else None

    def adjacent(self, q, d: int) -> bool:
        """Whether *q*'s words are adjacent at *d* (which holds them all); memoised per segment."""
        words = list(q.words)
        if len(words) == 1:
            return True
        key = ("or-adjacent",) + self.segment + (q.fieldname, tuple(words))
        known = posting_cache.get_computed(key, dict)
        found = known.get(d)
        if found is None:
            decode = decode_positions if type(self.schema[q.fieldname].format) is Positions else \
                self.schema[q.fieldname].format.decoder("positions")
            # adjacent_positions, decoding each word's positions only while the phrase may hold
            ends = None
            for w in words:
                found = decode(self.postings(q.fieldname, w, values=True)[d])
                ends = set(found) if ends is None else {p + 1 for p in ends}.intersection(found)
                if not ends:
                    break
            found = known[d] = bool(ends)
        return found

    # -- leaves ------------------------------------------------------------------------------
    def _leaf(self, fieldname: str, text):
        """Return whoosh's term matcher (without the deletion filter), or None when absent."""
        try:
            btext = self.schema[fieldname].to_bytes(text)
        except ValueError:
            return None
        if (fieldname, btext) not in self.reader:
            return None
        m = Q.Term(fieldname, text).matcher(self.sub, self.context)
        if isinstance(m, FilterMatcher):
            m = m.child   # deleted documents are dropped from the final scores instead
        scorer = getattr(m, "scorer", None)
        if type(scorer) is not BM25FScorer or not hasattr(m, "_read_ids"):
            raise _Unsupported
        return m

    def postings(self, fieldname: str, text, values: bool = False, matcher=None) -> dict:
        """``{docnum: weight}`` (or ``{docnum: value}``) of a word, decoded once for both when
        the word is in a phrase (its positions may be needed)."""
        key = self.segment + (fieldname, text)   # the keys indexer.search.ranking uses
        found = posting_cache.get(key + (values,))
        if found is None:
            both = values or (fieldname, text) in self.phrase_words
            weights, raw = block_weights_and_values(matcher or self._leaf(fieldname, text), both)
            # Weights are only read to compute the word's scores, which are kept instead; the
            # positions of phrase words are kept for the adjacency checks.
            if both:
                raw = posting_cache.get_computed(key + (True,), lambda: raw)
            found = raw if values else weights
        return found

    def term_key(self, fieldname: str, text) -> tuple:
        """The cache key of a word's scores: the segment, the word and the scorer's statistics
        as BM25F.scorer computes them (so a cache hit needs no term matcher at all)."""
        weighting = self.context.weighting
        if type(weighting) is not BM25F or not self.schema[fieldname].scorable:
            raise _Unsupported
        parent = self.sub.get_parent()
        avgfl = self.avgfl.get(fieldname)
        if avgfl is None:
            avgfl = self.avgfl[fieldname] = parent.avg_field_length(fieldname) or 1
        stats = (parent.idf(fieldname, text), avgfl, weighting._field_B.get(fieldname, weighting.B), weighting.K1)
        return ("or-scores",) + self.segment + (fieldname, text) + stats

    def term(self, fieldname: str, text) -> dict:
        """BM25F scores of one word in one field, as its term matcher's ``score()`` gives them."""
        if fieldname not in self.schema:
            return {}
        key = self.term_key(fieldname, text)
        stats = key[-4:]

        def compute():
            m = self._leaf(fieldname, text)
            if m is None:
                return {}
            scorer = m.scorer
            if (scorer.idf, scorer.avgfl, scorer.B, scorer.K1) != stats:
                raise _Unsupported
            postings = self.postings(fieldname, text, matcher=m)
            lengths = self.lengths(fieldname, scorer)
            # whoosh.scoring.bm25 inlined, the same operations in the same order (checked below
            # against the scorer on one posting):
            # idf * ((tf * (K1 + 1)) / (tf + K1 * ((1 - B) + B * fl / avgfl)))
            idf, avgfl, B, K1 = stats
            k1_plus_1, one_minus_b = K1 + 1, 1 - B
            out = {d: idf * ((tf * k1_plus_1) / (tf + K1 * (one_minus_b + B * lengths[d] / avgfl)))
                   for d, tf in postings.items()}
            if out:
                d = next(iter(out))
                if out[d] != scorer._score(postings[d], scorer.dfl(d)):
                    raise _Unsupported
            return out

        return posting_cache.get_computed(key, compute)

    def lengths(self, fieldname: str, scorer) -> list:
        """Every document's length of *fieldname* in this segment (as ``scorer.dfl`` gives it)."""
        key = ("or-lengths",) + self.segment + (fieldname,)
        dfl = scorer.dfl
        return posting_cache.get_computed(key, lambda: [dfl(d) for d in range(self.reader.doc_count_all())])

    def phrase(self, q) -> dict:
        """Upper bounds of an exact phrase: where all its words occur, the tree sum of their
        scores (whoosh's score where they are adjacent)."""
        words = list(q.words)
        fieldname = q.fieldname
        scores = [self.term(fieldname, w) for w in words]
        if not scores or not all(scores):
            return {}   # a word not in this segment (whoosh: a NullMatcher)
        boost = q.boost

        def compute():
            out = {}
            for d in set(scores[0]).intersection(*scores[1:]):
                value = tree_sum([s[d] for s in scores]) * 1.0   # the span matcher's own boost
                out[d] = value * boost if boost != 1.0 else value
            return out

        out = posting_cache.get_computed(("or-phrase", boost) + tuple(self.term_key(fieldname, w) for w in words),
                                  compute)
        if len(words) > 1:
            self.candidates.update(out)
        return out


def _boosted(scores: dict, boost: float) -> dict:
    return scores if boost == 1.0 else {d: s * boost for d, s in scores.items()}


def _weighted_tree(weights: list[int]):
    """``whoosh.util.make_weighted_tree`` over clause indexes: leaves are ints, nodes pairs.

    whoosh sorts and insorts ``(weight, matcher)`` pairs; a matcher never compares less than
    another, so equal weights keep their order (a stable sort, insertion after equals).
    """
    items = sorted(((w, i) for i, w in enumerate(weights)), key=lambda item: item[0])
    while len(items) > 1:
        a, b = items.pop(0), items.pop(0)
        insort(items, (a[0] + b[0], (a[1], b[1])), key=lambda item: item[0])
    return items[0][1]


def _union_tree(tree, parts: list) -> dict:
    """Sum like a tree of UnionMatchers: ``a + b`` where both match, else the one that does."""
    if isinstance(tree, int):
        return parts[tree]
    left, right = _union_tree(tree[0], parts), _union_tree(tree[1], parts)
    out = dict(left)
    for d, s in right.items():
        out[d] = out[d] + s if d in out else s
    return out


def _union_value(tree, parts: list):
    """:func:`_union_tree` for one document (None: absent)."""
    if isinstance(tree, int):
        return parts[tree]
    left, right = _union_value(tree[0], parts), _union_value(tree[1], parts)
    if left is None:
        return right
    return left if right is None else left + right
