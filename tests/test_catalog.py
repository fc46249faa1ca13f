"""The catalogue behind suggestions, related documents, browse counts and glossary links."""
from __future__ import annotations

import pytest

from indexer import KnowledgeBase

from conftest import write_doc


def test_suggest_offers_terms_aliases_then_titles(sample_kb):
    suggestions = sample_kb.suggest("督导")
    kinds = [s.kind for s in suggestions]
    assert kinds.index("term") < kinds.index("title")
    assert all("督导" in s.text for s in suggestions)
    title = next(s for s in suggestions if s.kind == "title")
    assert sample_kb.get_document(title.doc_id).title == title.text


def test_suggest_ignores_width_and_finds_substrings(sample_kb):
    assert [s.text for s in sample_kb.suggest("保先")][:3] == ["保先办", "保先活动", "保先教育"]
    assert any(s.kind == "title" for s in sample_kb.suggest("满意度测评办法"))
    assert sample_kb.suggest("") == [] and sample_kb.suggest("   ") == []
    assert sample_kb.suggest("不存在的词语") == []
    assert len(sample_kb.suggest("活动", limit=3)) == 3


def test_catalog_follows_the_index(tiny_kb, tiny_corpus):
    assert not tiny_kb.suggest("新增文件")
    write_doc(tiny_corpus, "d.md", {"id": "new", "title": "新增文件的标题", "level": "group"}, "正文。\n")
    tiny_kb.index()
    assert [s.doc_id for s in tiny_kb.suggest("新增文件")] == ["new"]


def test_related_prefers_replacements_and_shared_tags(sample_kb):
    related = [m["id"] for m in sample_kb.related("jt-2005-shishi-fangan")]
    assert related[0] == "jt-2005-shishi-fangan-xiuding"
    assert "jt-2005-shishi-fangan" not in related
    assert sample_kb.related("no-such-doc") == []


def test_cited_and_citing(sample_kb):
    catalog = sample_kb.catalog()
    assert "sheng-2005-dudao-banfa" in [m["id"] for m in catalog.cited_by_case("al-2005-buke-manyidu")]
    assert "al-2005-buke-manyidu" in [m["id"] for m in catalog.citing_cases("sheng-2005-dudao-banfa")]


def test_counts_follow_the_level_hierarchy(sample_kb):
    counts = sample_kb.catalog().counts()
    assert [label for _, label, _ in counts["level"]] == ["中央", "省级", "市级", "集团", "典型案例"]
    assert sum(c for _, _, c in counts["level"]) == 48
    assert counts["tags"][0][2] >= counts["tags"][-1][2]


def test_glossary_entries_resolve_headings_and_mentions(sample_kb):
    entries = {e["term"]: e for e in sample_kb.glossary_entries()}
    learning = entries["学习动员"]
    doc = sample_kb.get_document(learning["source"])
    heading = next(b for b in doc.blocks if b.anchor == learning["anchor"])
    assert heading.kind == "heading" and heading.title == "二、学习动员阶段"
    for entry in entries.values():
        assert entry["anchor"], entry["term"]
    assert "民主生活会" in entries["专题民主生活会"]["aliases"]


def test_reading_list_carries_document_metadata(sample_kb):
    entry = sample_kb.reading_list("dudao-rumen")
    assert entry["items"][0]["meta"]["level"] == "central"
    assert sample_kb.reading_list("nope") is None


@pytest.fixture(scope="module")
def related_kb(tmp_path_factory):
    """Six documents whose relations are written out: tags, a replacement, citations, levels."""
    tmp = tmp_path_factory.mktemp("related")
    root = tmp / "corpus"
    docs = [  # id, level, date, tags, extra front matter (on equal scores the newer comes first)
        ("plan-2005", "group", "2005-01-01", ["方案", "整改"], {"replaced_by": "plan-2006", "status": "已被替代"}),
        ("plan-2006", "group", "2006-01-01", ["方案"], {}),
        ("rule-x", "provincial", "2005-06-01", ["整改", "方案", "学习"], {}),
        ("rule-y", "provincial", "2004-01-01", ["学习"], {}),
        ("case-1", "case", "2005-09-01", ["整改"], {"cites": ["plan-2005", "plan-2006"], "doc_type": "典型案例"}),
        ("note-z", "central", "2005-03-01", ["其他"], {}),
    ]
    for doc_id, level, date, tags, extra in docs:
        write_doc(root, f"{doc_id}.md", {"id": doc_id, "title": f"文档{doc_id}", "level": level, "tags": tags,
                                         "date": date, **extra}, "正文。\n")
    kb = KnowledgeBase(root, tmp / "index")
    kb.index()
    return kb


@pytest.mark.parametrize("doc_id, expected", [
    # the replacement first (10 + a shared tag + same level), then two shared tags, then one
    ("plan-2005", ["plan-2006", "rule-x", "case-1"]),
    # a case citing plan-2006 but sharing no tag is not related (a citation only breaks ties)
    ("plan-2006", ["plan-2005", "rule-x"]),
    # one shared tag each: the one it cites (plan-2005) before the one it does not (rule-x)
    ("case-1", ["plan-2005", "rule-x"]),
    ("rule-y", ["rule-x"]),
    ("note-z", []),
])
def test_related_documents_are_ranked_by_replacement_tags_citations_and_level(related_kb, doc_id, expected):
    assert [m["id"] for m in related_kb.related(doc_id)] == expected


def test_related_documents_on_equal_tags_prefer_the_same_level(related_kb):
    # rule-x shares one tag with each of plan-2006, rule-y and case-1; rule-y, the oldest, is
    # provincial like it
    assert [m["id"] for m in related_kb.related("rule-x", limit=2)] == ["plan-2005", "rule-y"]


def test_citing_cases_and_replaced_documents(related_kb):
    catalog = related_kb.catalog()
    assert [m["id"] for m in catalog.citing_cases("plan-2006")] == ["case-1"]
    assert [m["id"] for m in catalog.citing_cases("plan-2005")] == ["case-1"]
    assert catalog.citing_cases("rule-x") == []
    assert [m["id"] for m in catalog.replaced_documents("plan-2006")] == ["plan-2005"]
    assert catalog.replaced_documents("plan-2005") == []
