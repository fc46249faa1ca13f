"""The catalogue behind suggestions, related documents, browse counts and glossary links."""
from __future__ import annotations

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


def _related_by_scoring_everything(metas, doc_id, limit=6):
    """The definition of related documents, scoring every document (the catalogue only scores candidates)."""
    meta = next(m for m in metas if m["id"] == doc_id)
    tags, scores = set(meta.get("tags", ())), {}
    for other in metas:
        if other["id"] == doc_id:
            continue
        score = 2.0 * len(tags & set(other.get("tags", ())))
        score += 10 if other["id"] == meta.get("replaced_by") or other.get("replaced_by") == doc_id else 0
        score += 1 if other["id"] in meta.get("cites", ()) or doc_id in other.get("cites", ()) else 0
        score += 0.5 if other.get("level") == meta.get("level") else 0
        if score >= 2:
            scores[other["id"]] = score
    order = [m["id"] for m in metas]
    return sorted(scores, key=lambda i: (-scores[i], order.index(i)))[:limit]


def test_related_and_relations_match_their_definitions_for_every_sample_document(sample_kb):
    catalog = sample_kb.catalog()
    assert any(sample_kb.related(m["id"]) for m in catalog.metas)
    for meta in catalog.metas:
        doc_id = meta["id"]
        assert [m["id"] for m in sample_kb.related(doc_id)] == _related_by_scoring_everything(catalog.metas, doc_id)
        assert catalog.citing_cases(doc_id) == [
            m for m in catalog.metas if m.get("level") == "case" and doc_id in m.get("cites", ())]
        assert catalog.replaced_documents(doc_id) == [m for m in catalog.metas if m.get("replaced_by") == doc_id]
