"""Phrase queries that test adjacency with set operations instead of whoosh's span objects.

Profiling 安全生产 -火灾 on the law corpus put ~75% of the query in ``SpanNear2Matcher._get_spans``:
the phrase boost checks word positions in every document that has both words, building a
``Span`` object per position.  For an exact phrase (slop 1) adjacency is a set intersection over
the decoded position lists; matching documents and scores are unchanged (tests compare both).
"""
from __future__ import annotations

from whoosh import matching
from whoosh.query import Phrase, SpanNear2, Term
from whoosh.query.spans import Span


class _AdjacentMatcher(SpanNear2.SpanNear2Matcher):
    def _get_spans(self):
        ms = self.ms
        ends = set(ms[0].value_as("positions"))
        for m in ms[1:]:
            ends = {p + 1 for p in ends}.intersection(m.value_as("positions"))
            if not ends:
                return []
        last = min(ends)
        return [Span(last - len(ms) + 1, last)]


class ExactPhrase(Phrase):
    """A :class:`whoosh.query.Phrase` (slop 1) with a faster adjacency test."""

    def matcher(self, searcher, context=None):
        if self.slop != 1:
            return super().matcher(searcher, context)
        fieldname = self.fieldname
        if fieldname not in searcher.schema:
            return matching.NullMatcher()
        field = searcher.schema[fieldname]
        reader = searcher.reader()
        matchers = []
        for word in self.words:
            try:
                word = field.to_bytes(word)
            except ValueError:
                return matching.NullMatcher()
            if (fieldname, word) not in reader:
                return matching.NullMatcher()
            matchers.append(Term(fieldname, word).matcher(searcher, context))
        m = _AdjacentMatcher(matchers, slop=1, ordered=True, mindist=1)
        if self.boost != 1.0:
            m = matching.WrappingMatcher(m, boost=self.boost)
        return m
