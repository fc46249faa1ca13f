"""Two-stage ranking (indexer.search.ranking) orders results exactly as whoosh's one-pass scoring does."""
from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from indexer.search import ranking, run as search
from indexer.search.query import parse_query

from conftest import write_doc

RELEVANCE = yaml.safe_load((Path(__file__).parent / "data" / "relevance.yml").read_text(encoding="utf-8"))
EXTRA = ['"学习教育" 党员教育', '"民主生活会" 学习教育', "学习教育 -补课", "党员教育 -整改", "学习教育 督导", "先进性教育 活动 -整改", "民主 生活会", "整改方案 督导"]
QUERIES = list(dict.fromkeys([c["query"] for c in RELEVANCE] + EXTRA))


def one_pass(kb, text: str, limit: int):
    """The top *limit* (id, score) of whoosh scoring the whole AndMaybe query in one pass."""
    searcher = kb.searcher()
    compiled = search.QueryCompiler(kb.analyzer, kb.aliases()).compile(parse_query(text))
    query = compiled.strict()
    if not set(searcher.docs_for_query(compiled.membership())):
        return None  # the partial-match path is not two-stage
    results = search.top_hits(searcher, query, limit, None, None)
    return [(hit["meta"]["id"], round(hit.score, 4)) for hit in results]


@pytest.mark.parametrize("limit", [1, 3, 10, 30])
def test_two_stage_ranking_equals_one_pass_scoring(sample_kb, limit, monkeypatch):
    monkeypatch.setattr(ranking, "FIRST_BATCH", 1)  # stop as early as the bound allows
    compared = 0
    for text in QUERIES:
        expected = one_pass(sample_kb, text, limit)
        if expected is None:
            continue
        page = sample_kb.search(text, per_page=limit)
        assert [(h.id, h.score) for h in page.hits] == expected, text
        compared += 1
    assert compared >= 30


def test_the_fast_paths_are_taken_for_plain_word_queries(sample_kb):
    compiler = search.QueryCompiler(sample_kb.analyzer, sample_kb.aliases())
    compiled = compiler.compile(parse_query("学习教育 督导 -补课"))
    assert compiled.optional and ranking.bonus_bound(compiled.required, compiled.optional) == 2.0
    scores, bounds, bonus = ranking.required_scores(sample_kb.searcher(), compiled.required, compiled.excluded, None,
                                             compiled.optional)
    membership = set(sample_kb.searcher().docs_for_query(compiled.membership()))
    assert set(scores) == membership and membership and set(bounds) == membership and bonus is not None


def test_a_quoted_phrase_with_words_takes_the_matcher_path(sample_kb):
    # Required phrases are scored by whoosh's matchers; the phrase bonus is then checked per document.
    compiled = search.QueryCompiler(sample_kb.analyzer, sample_kb.aliases()).compile(parse_query('"学习教育" 党员教育'))
    assert ranking.bonus_bound(compiled.required, compiled.optional) == 2.0
    assert ranking.required_scores(sample_kb.searcher(), compiled.required, compiled.excluded, None,
                                   compiled.optional) is None


def test_phrase_boost_still_reorders_and_exclusions_hold(tiny_kb, tiny_corpus):
    # Two documents have both words; only one has them adjacent: it must come first.
    write_doc(tiny_corpus, "far.md", {"id": "far", "title": "工作安排", "level": "group"},
              "整改措施要落实。督导组检查学习情况。" * 3)
    write_doc(tiny_corpus, "near.md", {"id": "near", "title": "工作要求", "level": "group"},
              "督导学习要认真。")
    tiny_kb.index()  # an update: a second segment, so docnums are offset per segment
    expected = one_pass(tiny_kb, "督导学习", 10)
    page = tiny_kb.search("督导学习")
    assert [(h.id, h.score) for h in page.hits] == expected
    assert page.hits[0].id == "near"
    assert "far" not in [h.id for h in tiny_kb.search("督导学习 -整改").hits]
