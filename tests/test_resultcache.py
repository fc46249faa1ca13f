"""The result cache: repeated searches and questions are answered from memory, never stale."""
from __future__ import annotations

import os

import pytest

from indexer import KnowledgeBase, QueryError
from indexer.index.resultcache import ResultCache

from conftest import write_doc


def test_cache_keeps_one_generation_and_a_bounded_number_of_entries():
    cache = ResultCache(size=2)
    calls = []

    def compute(value):
        calls.append(value)
        return value

    assert cache.get_or_compute("g1", "a", lambda: compute("A")) == "A"
    assert cache.get_or_compute("g1", "a", lambda: compute("again")) == "A"
    cache.get_or_compute("g1", "b", lambda: compute("B"))
    cache.get_or_compute("g1", "c", lambda: compute("C"))  # evicts "a", the least recently used
    assert cache.get_or_compute("g1", "a", lambda: compute("A2")) == "A2"
    # A new generation makes every older entry unreachable.
    assert cache.get_or_compute("g2", "c", lambda: compute("C2")) == "C2"
    assert calls == ["A", "B", "C", "A2", "C2"]


def test_failures_are_not_cached_and_size_zero_disables_the_cache():
    cache = ResultCache(size=4)

    def fail():
        raise ValueError("坏参数")

    for _ in range(2):
        with pytest.raises(ValueError):
            cache.get_or_compute("g", "k", fail)
    off = ResultCache(size=0)
    values = iter([1, 2])
    assert off.get_or_compute("g", "k", lambda: next(values)) == 1
    assert off.get_or_compute("g", "k", lambda: next(values)) == 2


def test_environment_sets_the_size(monkeypatch):
    monkeypatch.setenv("POLICYKB_RESULT_CACHE", "0")
    assert ResultCache().size == 0
    monkeypatch.setenv("POLICYKB_RESULT_CACHE", "不是数字")
    assert ResultCache().size == 512


def test_a_repeated_search_is_served_from_the_cache(tiny_kb):
    first = tiny_kb.search("学习培训")
    second = tiny_kb.search("学习培训")
    assert [h.id for h in second.hits] == [h.id for h in first.hits] == ["rule-a"]
    assert tiny_kb._results.hits == 1
    # Different options are different entries.
    assert tiny_kb.search("学习培训", level="central").total == 0
    assert tiny_kb.search("学习培训", level=["group"]).total == 1


def test_invalid_parameters_still_raise_on_every_call(tiny_kb):
    for _ in range(2):
        with pytest.raises(QueryError):
            tiny_kb.search("学习", page=0)


def test_a_change_indexed_by_another_process_is_seen_at_once(tiny_corpus, tmp_path):
    """Two knowledge bases over one index stand for two worker processes of the site."""
    reader = KnowledgeBase(tiny_corpus, tmp_path / "index")
    reader.index()
    assert reader.search("巡回检查").total == 0
    assert reader.ask("巡回检查多久一次？").found is False
    write_doc(tiny_corpus, "d.md", {"id": "rule-d", "title": "巡回检查办法", "level": "group",
                                    "date": "2005-06-01"},
              "巡回检查每月进行一次。\n")
    writer = KnowledgeBase(tiny_corpus, tmp_path / "index")
    writer.index()
    assert [h.id for h in reader.search("巡回检查").hits] == ["rule-d"]
    answers = reader.ask("巡回检查多久一次？")
    assert answers.found and answers.answers[0].doc_id == "rule-d"


def test_an_alias_change_applies_without_reindexing(tiny_corpus, tiny_kb):
    assert tiny_kb.search("zdzb").total == 0
    aliases = tiny_corpus / "aliases.yml"
    aliases.write_text(aliases.read_text(encoding="utf-8") + "zdzb: [每周报告]\n", encoding="utf-8")
    stat = aliases.stat()
    os.utime(aliases, ns=(stat.st_atime_ns, stat.st_mtime_ns + 2_000_000_000))  # coarse mtime clocks
    assert [h.id for h in tiny_kb.search("zdzb").hits] == ["rule-a"]


def test_a_document_page_follows_its_folder_defaults(tmp_path):
    """Parsed documents are reused only while the file and its _folder.yml chain are unchanged."""
    root = tmp_path / "corpus"
    write_doc(root, "laws/a.md", None, "# 示例条例\n\n第一条 本条例用于测试。\n")
    (root / "laws" / "_folder.yml").write_text("level: central\nissuer: 甲机关\n", encoding="utf-8")
    kb = KnowledgeBase(root, tmp_path / "index")
    kb.index()
    doc_id = kb.search("示例条例").hits[0].id
    assert kb.get_document(doc_id).issuer == "甲机关"
    assert kb.get_document(doc_id) is kb.get_document(doc_id)  # parsed once
    (root / "laws" / "_folder.yml").write_text("level: central\nissuer: 乙机关\n", encoding="utf-8")
    assert kb.get_document(doc_id).issuer == "乙机关"
