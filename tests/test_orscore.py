"""ask's OR retrieval from cached postings (indexer.qa.retrieval) ranks and scores exactly as whoosh does
when whoosh scores every match.

whoosh's default top-N search "replaces" matchers once it knows the lowest score on its heap, and
an ArrayUnionMatcher claims the largest of its clauses' best scores as its own best (not their
sum), so a question whose unknown words were repaired into a nested Or lost its best documents
(see test_repaired_question_keeps_its_best_documents).  The reference is therefore
``search.top_hits``, whoosh's collector with replacement and block skipping turned off.
"""
from __future__ import annotations

from pathlib import Path

import pytest
import yaml
from whoosh import query as Q

from indexer.qa import coverage, retrieval as orscore, answerer as qa
from indexer.search import run as search
from indexer.qa.question import analyze_question
from indexer.qa.repair import repair_unknown
from indexer.search.run import QueryCompiler, filter_query
from indexer.search.query import Filters

from conftest import write_doc

QUESTIONS = [item["question"] for item in
             yaml.safe_load((Path(__file__).parent / "data" / "qa_questions.yml").read_text(encoding="utf-8"))]
# Aliases, a number with its unit, words the index lacks (repaired into extra clauses), one word.
EXTRA = ["保先活动的学习阶段有多长？", "学习培训不少于40学时吗？", "纽西兰鸡毛松有多高？", "督导", "整改方案由谁审批？"]


def ask_query(kb, text: str):
    """The OR query QuestionAnswerer.answer retrieves with (after repairing unknown words)."""
    searcher = kb.searcher()
    reader = searcher.reader()
    question = analyze_question(text, QueryCompiler(kb.analyzer, kb.aliases()))
    question = repair_unknown(question, lambda t: searcher.doc_frequency("content", t),
                              lambda p: (w.decode("utf-8") if isinstance(w, bytes) else w
                                         for w in reader.expand_prefix("content", p)))
    return question.query


def compare(kb, texts, limits=(1, 3, 10, 30), doc_filter=None) -> int:
    searcher = kb.searcher()
    compared = 0
    for text in texts:
        query = ask_query(kb, text)
        if query is None:
            continue
        for limit in limits:
            allowed = set(searcher.docs_for_query(doc_filter)) if doc_filter is not None else None
            expected = [(h.docnum, h.score) for h in search.top_hits(searcher, query, limit, None, allowed)]
            fast = orscore.top_or(searcher, query, limit, doc_filter)
            assert fast is not None, text
            # the same documents, order and float scores, bit for bit
            assert [(h.docnum, h.score) for h in fast] == expected, (text, limit)
            assert [h["meta"]["id"] for h in fast] == [searcher.stored_fields(d)["meta"]["id"] for d, _ in expected]
        compared += 1
    return compared


def test_fast_or_scores_equal_whoosh_on_the_sample_corpus(sample_kb):
    assert compare(sample_kb, QUESTIONS + EXTRA) >= len(QUESTIONS)


def test_fast_or_scores_equal_whoosh_with_a_level_filter(sample_kb):
    for level in ("provincial", "central", "case"):
        compare(sample_kb, QUESTIONS[:12], limits=(3, 10), doc_filter=filter_query(Filters(level=[level])))


def test_fast_or_scores_equal_whoosh_union_trees(sample_kb, monkeypatch):
    # In a segment of more than 5,000 documents whoosh sums an Or as a weighted tree of
    # UnionMatchers instead of an array; force both sides onto that path.
    monkeypatch.setattr(Q.Or, "matcher_type", Q.Or.DEFAULT_MATCHER)
    monkeypatch.setattr(orscore._SegmentScorer, "ARRAY_MAX_DOCS", -1)
    assert compare(sample_kb, QUESTIONS + EXTRA, limits=(3, 10)) >= len(QUESTIONS)


def test_fast_or_scores_equal_whoosh_across_segments_and_deletions(tiny_kb, tiny_corpus):
    write_doc(tiny_corpus, "d.md", {"id": "rule-d", "title": "督导学习安排", "level": "group"},
              "督导组要认真学习。学习培训由督导组检查。" * 3)
    # a changed document: the old version is deleted from its segment, the new one added
    write_doc(tiny_corpus, "c.md", {"id": "case-c", "title": "补课工作典型案例", "level": "case"},
              "群众满意度不到三分之二的，要进行补课；督导组检查学习培训。")
    tiny_kb.index()
    searcher = tiny_kb.searcher()
    assert searcher.subsearchers and any(sub.reader().has_deletions() for sub, _ in searcher.subsearchers)
    questions = ["督导组检查什么？", "学习培训多少学时？", "补课由谁检查？", "群众满意度不到三分之二怎么办？"]
    assert compare(tiny_kb, questions) == len(questions)
    ids = [h["meta"]["id"] for h in orscore.top_or(searcher, ask_query(tiny_kb, "补课由谁检查？"), 10)]
    assert ids.count("case-c") == 1


def test_repaired_question_keeps_its_best_documents(sample_kb):
    # 食宿费用 is segmented 食宿费 + 用 in the question: repair adds 食宿 as a nested Or clause.
    searcher = sample_kb.searcher()
    query = ask_query(sample_kb, "督导组在被督导单位工作期间的食宿费用由谁承担？")
    assert isinstance(query.subqueries[0], Q.Or)
    every = search.top_hits(searcher, query, 1000, None, None)
    fast = orscore.top_or(searcher, query, 10)
    assert [h.docnum for h in fast] == [h.docnum for h in every][:10]
    assert fast[0].score == max(h.score for h in every)
    # whoosh's default search drops the best of them
    assert fast[0].docnum not in [h.docnum for h in searcher.search(query, limit=3)]


def test_other_query_shapes_fall_back_to_whoosh(sample_kb):
    searcher = sample_kb.searcher()
    assert orscore.top_or(searcher, Q.And([Q.Term("content", "督导"), Q.Term("content", "学习")]), 10) is None
    assert orscore.top_or(searcher, Q.Or([Q.Term("content", "督导"), Q.Prefix("content", "学")]), 10) is None


def test_answers_and_passage_ranking_unchanged(sample_kb, monkeypatch):
    answerer = qa.QuestionAnswerer(sample_kb.searcher(), sample_kb.analyzer)
    compiler = QueryCompiler(sample_kb.analyzer, sample_kb.aliases())
    fast = [answerer.answer(analyze_question(q, compiler)) for q in QUESTIONS + EXTRA]
    monkeypatch.setattr(qa, "top_or", lambda searcher, query, limit, doc_filter: search.top_hits(
        searcher, query, limit, None, set(searcher.docs_for_query(doc_filter)) if doc_filter else None))
    slow = [answerer.answer(analyze_question(q, compiler)) for q in QUESTIONS + EXTRA]
    for (answers, ranking), (expected_answers, expected_ranking) in zip(fast, slow):
        assert answers == expected_answers
        assert [(c.meta["id"], c.passage[0], c.score) for c in ranking] == \
            [(c.meta["id"], c.passage[0], c.score) for c in expected_ranking]
    assert sum(bool(answers) for answers, _ in fast) >= len(QUESTIONS) // 2


@pytest.mark.parametrize("text", QUESTIONS[:10] + EXTRA)
def test_group_presence_matches_per_passage_test(sample_kb, text):
    question = analyze_question(text, QueryCompiler(sample_kb.analyzer, sample_kb.aliases()))
    searcher = sample_kb.searcher()
    for docnum in list(searcher.document_numbers())[:40]:
        strings = [p[3] for p in searcher.stored_fields(docnum)["passages"]]
        assert coverage.groups_present(question.groups, strings) == \
            [tuple(coverage.group_in_string(g, s) for g in question.groups) for s in strings]


def test_unsupported_shapes_are_ranked_exhaustively_too(sample_kb, monkeypatch):
    answerer = qa.QuestionAnswerer(sample_kb.searcher(), sample_kb.analyzer)
    question = analyze_question("督导组在被督导单位工作期间的食宿费用由谁承担？",
                                QueryCompiler(sample_kb.analyzer, sample_kb.aliases()))
    fast = answerer.answer(question)
    monkeypatch.setattr(qa, "top_or", lambda *args: None)   # as for a shape orscore does not score
    assert answerer.answer(question) == fast
