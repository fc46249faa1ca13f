"""Indexing: incremental updates, bad files, atomic rebuilds and recovery from damage."""
from __future__ import annotations

import pytest

from indexer import KnowledgeBase
from indexer.index import store as store_module

from conftest import write_doc


def test_incremental_update_touches_only_changed_files(tiny_kb, tiny_corpus):
    report = tiny_kb.index()
    assert (report.added, report.updated, report.removed, report.unchanged) == (0, 0, 0, 3)
    path = tiny_corpus / "c.md"
    path.write_text(path.read_text(encoding="utf-8").replace("补课", "重新补课学习"), encoding="utf-8")
    (tiny_corpus / "b.md").unlink()
    write_doc(tiny_corpus, "d.md", {"id": "new-d", "title": "新文档", "level": "municipal"}, "联系点制度。\n")
    report = tiny_kb.index()
    assert (report.added, report.updated, report.removed, report.unchanged) == (1, 1, 1, 1)
    assert tiny_kb.search("重新补课学习").hits[0].id == "case-c"
    assert tiny_kb.search("人民法院").total == 0
    assert tiny_kb.search("联系点制度").hits[0].id == "new-d"


def test_bad_file_is_reported_and_the_rest_indexed(tiny_corpus, tmp_path):
    write_doc(tiny_corpus, "bad.md", {"id": "bad", "title": "坏文件", "level": "月球"}, "内容。\n")
    kb = KnowledgeBase(tiny_corpus, tmp_path / "idx")
    report = kb.index()
    errors = [p for p in report.problems if p.severity == "error"]
    assert [(p.path, p.field) for p in errors] == [("bad.md", "level")]
    assert report.files == 4 and kb.search("学时").total == 2


def test_a_file_that_becomes_invalid_leaves_the_index(tiny_kb, tiny_corpus):
    path = tiny_corpus / "c.md"
    path.write_text(path.read_text(encoding="utf-8").replace("level: case", "level: 火星"), encoding="utf-8")
    tiny_kb.index()
    assert tiny_kb.search("三分之二").total == 0


def test_rebuild_crash_leaves_the_previous_index_working(tiny_kb, monkeypatch):
    before = [h.id for h in tiny_kb.search("学时").hits]

    calls = {"n": 0}
    real = store_module.doc_record

    def exploding(*args, **kwargs):
        calls["n"] += 1
        if calls["n"] == 2:
            raise RuntimeError("simulated crash during rebuild")
        return real(*args, **kwargs)

    monkeypatch.setattr(store_module, "doc_record", exploding)
    with pytest.raises(RuntimeError):
        tiny_kb.index(rebuild=True)
    monkeypatch.undo()
    assert [h.id for h in tiny_kb.search("学时").hits] == before
    gens = list(tiny_kb.index_dir.glob("gen-*"))
    assert len(gens) == 1  # the half-built generation was removed


def test_rebuild_swaps_generation_and_searchers_follow(tiny_kb):
    old = tiny_kb.store.current_dir()
    tiny_kb.search("学时")
    report = tiny_kb.index(rebuild=True)
    assert report.rebuilt and tiny_kb.store.current_dir() != old and not old.exists()
    assert tiny_kb.search("学时").total == 2


def test_damaged_index_is_rebuilt_from_the_corpus(tiny_kb):
    current = tiny_kb.store.current_dir()
    for path in current.glob("*.toc"):
        path.write_bytes(b"garbage")
    fresh = KnowledgeBase(tiny_kb.corpus.root, tiny_kb.index_dir)
    report = fresh.index()
    assert report.rebuilt and fresh.search("学时").total == 2


def test_dictionary_change_triggers_a_rebuild(tiny_kb, tiny_corpus):
    (tiny_corpus / "userdict.txt").write_text("三分之二 20000 n\n", encoding="utf-8")
    fresh = KnowledgeBase(tiny_corpus, tiny_kb.index_dir)
    assert fresh.index().rebuilt


def test_missing_index_is_reported_as_a_sentence(tiny_corpus, tmp_path):
    from indexer import IndexMissing
    kb = KnowledgeBase(tiny_corpus, tmp_path / "none")
    with pytest.raises(IndexMissing, match="policykb index"):
        kb.search("学时")


def test_document_is_read_from_the_corpus(tiny_kb):
    doc = tiny_kb.get_document("rule-a")
    assert doc.title == "关于学习培训的规定" and doc.passages[-1].anchor == "art32"
    assert [c["id"] for c in tiny_kb.citing_cases("rule-a")] == ["case-c"]


def test_a_rebuild_never_drops_what_another_process_committed_meanwhile(tiny_corpus, tmp_path):
    """A repair in one worker of the site and an office save in another must not lose the save."""
    kb = KnowledgeBase(tiny_corpus, tmp_path / "index")
    kb.index()
    other = KnowledgeBase(tiny_corpus, tmp_path / "index")  # stands for another process
    real_scan = kb.corpus.scan
    interleaved = []

    def scan():
        entries = list(real_scan())  # this process has read the corpus ...
        if not interleaved:          # ... when the other one saves a new document and indexes it
            interleaved.append(True)
            write_doc(tiny_corpus, "d.md", {"id": "rule-d", "title": "巡回检查办法", "level": "group"},
                      "巡回检查每月进行一次。\n")
            other.index()
        return iter(entries)

    kb.corpus.scan = scan
    report = kb.index(rebuild=True)
    assert interleaved and report.files == 4
    assert [h.id for h in kb.search("巡回检查").hits] == ["rule-d"]
    assert [h.id for h in other.search("巡回检查").hits] == ["rule-d"]


def test_a_stale_write_is_refused(tiny_kb):
    from indexer.index.store import IndexChanged
    stale = tiny_kb.store.generation_token()
    tiny_kb.store.update([], ["case-c"])
    with pytest.raises(IndexChanged):
        tiny_kb.store.update([], ["rule-a"], expect=stale)
    assert tiny_kb.search("学习培训").total == 1  # the refused write changed nothing


def test_an_index_built_before_the_wings_still_opens():
    # whoosh pickles the schema's classes by module path; indexes built before issue 12's move name
    # the old flat modules, and a site upgraded in place must still open them
    import pickle
    from indexer.analysis.analyzer import WhooshChineseAnalyzer
    from indexer.index import schema  # noqa: F401  (registers the old paths)
    from indexer.index.postings import PostedText
    assert pickle.loads(b"cindexer.postings\nPostedText\n.") is PostedText
    assert pickle.loads(b"cindexer.analysis\nWhooshChineseAnalyzer\n.") is WhooshChineseAnalyzer
