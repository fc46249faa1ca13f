"""Exact phrases: the same documents and scores as whoosh's span-based Phrase."""
from __future__ import annotations

import pytest
from whoosh import query as Q

from indexer.search.phrases import ExactPhrase

PHRASES = ["督导 组", "先进性 教育 活动", "群众 满意度", "专题 组织 生活会", "学习 培训", "第32条 督导组",
           "人民 法院", "整改 方案", "不 存在 的 短语"]


@pytest.mark.parametrize("text", PHRASES)
@pytest.mark.parametrize("field", ["content", "title"])
def test_exact_phrase_equals_whoosh_phrase(sample_kb, text, field):
    searcher = sample_kb.searcher()
    words = sample_kb.analyzer.terms(text.replace(" ", "")) if " " not in text else text.split()
    expected = [(h.docnum, round(h.score, 9)) for h in searcher.search(Q.Phrase(field, words, boost=2.0), limit=None)]
    got = [(h.docnum, round(h.score, 9)) for h in searcher.search(ExactPhrase(field, words, boost=2.0), limit=None)]
    assert got == expected


def test_phrase_words_must_be_adjacent_and_in_order(sample_kb):
    searcher = sample_kb.searcher()
    forward = len(searcher.search(ExactPhrase("content", ["群众", "满意度"]), limit=None))
    backward = len(searcher.search(ExactPhrase("content", ["满意度", "群众"]), limit=None))
    assert forward > 0 and backward == len(searcher.search(Q.Phrase("content", ["满意度", "群众"]), limit=None))
