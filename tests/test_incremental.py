"""Incremental indexing: files skipped by stat signature must never hide a real change."""
from __future__ import annotations

import json
import os
import shutil
import time
from pathlib import Path

import pytest

from indexer import KnowledgeBase

from indexer.index import filestate

from indexer.index import segcache
from indexer.corpus import Corpus

from conftest import copy_corpus, write_doc

QUERIES = ["学习", "督导", "先进性教育", "整改", "民主生活会", "群众满意度", "学习培训 不少于",
           "level:central 通知", "补课", "党员"]


@pytest.fixture
def trusted(monkeypatch):
    """Trust signatures of files written moments ago (tests cannot wait for RACY_NS to pass)."""
    monkeypatch.setattr(filestate, "RACY_NS", 0)


@pytest.fixture
def reads(monkeypatch) -> list[str]:
    """Record the relative path of every corpus file read."""
    seen: list[str] = []
    original = Corpus.read_source

    def counting(self, path):
        source = original(self, path)
        seen.append(source.relpath)
        return source
    monkeypatch.setattr(Corpus, "read_source", counting)
    return seen


def ids(kb, query):
    return [hit.id for hit in kb.search(query, per_page=100).hits]


def rewrite_in_place(path: Path, old: str, new: str) -> None:
    """Overwrite the file's bytes in place (same inode, same size) and restore its mtime."""
    before = path.stat()
    data = path.read_bytes()
    replaced = data.replace(old.encode(), new.encode())
    assert replaced != data and len(replaced) == len(data)
    with open(path, "r+b") as handle:
        handle.write(replaced)
    os.utime(path, ns=(before.st_atime_ns, before.st_mtime_ns))
    after = path.stat()
    assert (after.st_size, after.st_mtime_ns, after.st_ino) == (before.st_size, before.st_mtime_ns, before.st_ino)


def test_unchanged_files_are_not_read_again(tiny_kb, tiny_corpus, trusted, reads):
    tiny_kb.index()  # files written by the fixture just now: read once more, signatures recorded
    reads.clear()
    report = tiny_kb.index()
    assert reads == []
    assert (report.files, report.unchanged, report.added, report.updated) == (3, 3, 0, 0)
    assert tiny_kb.index(verify=True).unchanged == 3
    assert sorted(reads) == ["a.md", "b.md", "c.md"], "--verify reads every file"


def test_touched_file_is_read_but_not_reindexed(tiny_kb, tiny_corpus, trusted, reads):
    tiny_kb.index()
    token = tiny_kb.store.generation_token()
    time.sleep(0.02)
    os.utime(tiny_corpus / "a.md")  # touch: the times change, the content does not
    reads.clear()
    report = tiny_kb.index()
    assert reads == ["a.md"]
    assert (report.updated, report.unchanged) == (0, 3)
    assert tiny_kb.store.generation_token() == token, "no commit for a touch"
    reads.clear()
    tiny_kb.index()
    assert reads == [], "the new signature is remembered"


def test_same_size_rewrite_with_restored_mtime_is_detected(tiny_kb, tiny_corpus, trusted):
    tiny_kb.index()
    time.sleep(0.05)  # let the clock behind ctime move on
    rewrite_in_place(tiny_corpus / "c.md", "补课", "复查")
    report = tiny_kb.index()
    assert report.updated == 1
    assert ids(tiny_kb, "复查") == ["case-c"]
    assert "case-c" not in ids(tiny_kb, "补课")


def test_rewrite_within_one_clock_tick_is_detected(tiny_kb, tiny_corpus, monkeypatch):
    """On a file system with coarse timestamps a second write can leave every stat field equal.

    Simulated by fixing mtime and ctime of every file to one instant: a signature taken less than
    RACY_NS after it must not be trusted, or the rewrite below would be missed.
    """
    instant = time.time_ns()
    original = Corpus.scan

    class Coarse:
        def __init__(self, st):
            self.st_size, self.st_ino = st.st_size, st.st_ino
            self.st_mtime_ns = self.st_ctime_ns = instant

    def coarse_scan(self):
        return [(rel, path, st if isinstance(st, OSError) else Coarse(st)) for rel, path, st in original(self)]
    monkeypatch.setattr(Corpus, "scan", coarse_scan)
    tiny_kb.index()
    rewrite_in_place(tiny_corpus / "c.md", "补课", "复查")
    assert tiny_kb.index().updated == 1
    assert ids(tiny_kb, "复查") == ["case-c"]


def test_signature_is_withheld_for_young_files(tmp_path):
    path = tmp_path / "x.md"
    path.write_text("x", encoding="utf-8")
    st = path.stat()
    assert filestate.signature(st, time.time_ns()) is None
    assert filestate.signature(st, time.time_ns() + filestate.RACY_NS + 10**9) == [
        st.st_size, st.st_mtime_ns, st.st_ctime_ns, st.st_ino]


def test_deleted_and_renamed_files(tiny_kb, tiny_corpus, trusted):
    tiny_kb.index()
    (tiny_corpus / "b.md").unlink()
    (tiny_corpus / "sub").mkdir()
    os.rename(tiny_corpus / "c.md", tiny_corpus / "sub" / "c-moved.md")
    report = tiny_kb.index()
    assert report.files == 2
    assert ids(tiny_kb, "最高人民法院") == []
    assert ids(tiny_kb, "补课") == ["case-c"]
    assert tiny_kb.get_document("case-c").path == "sub/c-moved.md"
    assert set(tiny_kb.store.stored_state()) == {"a.md", "sub/c-moved.md"}


def test_state_file_is_written_and_a_damaged_one_is_ignored(tiny_kb, tiny_corpus, trusted, reads):
    current = tiny_kb.store.current_dir()
    saved = json.loads((current / filestate.STATE_FILE).read_text(encoding="utf-8"))
    assert set(saved["files"]) == {"a.md", "b.md", "c.md"}
    (current / filestate.STATE_FILE).write_text("{damaged", encoding="utf-8")
    fresh = KnowledgeBase(tiny_corpus, tiny_kb.index_dir)
    write_doc(tiny_corpus, "d.md", {"id": "rule-d", "title": "新增制度", "level": "group"}, "整改落实的要求。\n")
    report = fresh.index()
    assert (report.added, report.unchanged) == (1, 3)
    assert ids(fresh, "整改落实") == ["rule-d"]
    assert "rule-d" in json.loads((current / filestate.STATE_FILE).read_text(encoding="utf-8"))["files"].get("d.md", [])


def test_state_file_of_another_generation_is_not_trusted(tiny_kb, tiny_corpus, trusted):
    """A second process (web app and CLI) commits: the first one's state no longer matches."""
    tiny_kb.index()
    other = KnowledgeBase(tiny_corpus, tiny_kb.index_dir)
    state_file = tiny_kb.store.current_dir() / filestate.STATE_FILE
    stale = state_file.read_bytes()
    time.sleep(0.05)
    rewrite_in_place(tiny_corpus / "c.md", "补课", "复查")
    assert other.index().updated == 1
    state_file.write_bytes(stale)  # as if the other process had crashed before writing its state
    rewrite_in_place(tiny_corpus / "a.md", "学习培训的时间", "培训学习的时间")
    report = tiny_kb.index()
    assert report.updated == 1
    assert ids(tiny_kb, "复查") == ["case-c"]
    assert ids(tiny_kb, "培训学习") == ["rule-a"]


def test_damaged_index_is_rebuilt_and_state_follows(tiny_kb, tiny_corpus, trusted):
    current = tiny_kb.store.current_dir()
    for toc in current.glob("_MAIN_*.toc"):
        toc.unlink()
    report = tiny_kb.index()
    assert report.rebuilt and report.added == 3
    assert ids(tiny_kb, "补课") == ["case-c"]
    state = tiny_kb.store.stored_state()
    assert {v["id"] for v in state.values()} == {"rule-a", "rule-b", "case-c"}


def test_office_save_keeps_the_state_current(tiny_kb, tiny_corpus, trusted, reads, tmp_path):
    tiny_kb.index()
    kb = KnowledgeBase(tiny_corpus, tiny_kb.index_dir, instance_dir=tmp_path / "var")
    doc = kb.workspace.load("rule-a")
    kb.workspace.update_document("rule-a", doc.meta, doc.body + "\n新增一段：整顿作风。\n", "测试", doc.version)
    assert ids(kb, "整顿作风") == ["rule-a"]
    reads.clear()
    report = KnowledgeBase(tiny_corpus, tiny_kb.index_dir).index()
    assert reads == ["a.md"], "only the saved file is read again (its signature was not known)"
    assert report.updated == 0


def test_incremental_updates_equal_a_full_rebuild(tmp_path, trusted):
    corpus = copy_corpus(tmp_path / "corpus")
    kb = KnowledgeBase(corpus, tmp_path / "index-incr")
    kb.index()
    files = sorted(p for p in corpus.rglob("*.md") if p.name != "README.md")
    files[0].unlink()
    os.rename(files[1], files[1].with_name("renamed-" + files[1].name))
    text = files[2].read_text(encoding="utf-8")
    files[2].write_text(text + "\n\n补充规定：督导组每月汇总一次整改情况。\n", encoding="utf-8")
    os.utime(files[3], ns=(time.time_ns() - 10**10, time.time_ns() - 10**10))
    write_doc(corpus, "documents/group/added.md",
              {"id": "grp-added", "title": "关于督导整改的补充通知", "level": "group", "date": "2005-06-01"},
              "各督导组要抓好整改落实，按月汇总整改情况。\n")
    report = kb.index()
    assert (report.added, report.updated, report.removed) == (2, 1, 1)  # renamed + new; edited; deleted
    kb.index()  # a second run changes nothing
    full = KnowledgeBase(corpus, tmp_path / "index-full")
    full.index(rebuild=True)
    assert len(kb.documents()) == len(full.documents())
    for query in QUERIES + ["整改情况", "补充通知"]:
        mine, theirs = kb.search(query, per_page=100), full.search(query, per_page=100)
        assert mine.total == theirs.total, query
        assert {h.id for h in mine.hits} == {h.id for h in theirs.hits}, query
        # Until segments are merged whoosh's BM25 statistics still count replaced documents, so
        # far down the list near-equal scores may swap (as before this change); the top agrees.
        assert [h.id for h in mine.hits[:5]] == [h.id for h in theirs.hits[:5]], query
        assert mine.facets == theirs.facets, query
    assert kb.ask("督导组多久汇总一次整改情况？").answers[0].doc_id == full.ask("督导组多久汇总一次整改情况？").answers[0].doc_id


def test_segment_bytes_are_shared_and_dropped_with_their_segments(tiny_kb, monkeypatch):
    monkeypatch.setattr(segcache, "MIN_BYTES", 0)  # the tiny index has no large sub-files
    segcache.clear()
    tiny_kb.store.open().reader().close()
    first = dict(segcache._entries)
    assert first, "segment sub-files were cached"
    tiny_kb.store.open().reader().close()
    assert all(segcache._entries[k] is v for k, v in first.items()), "the second open reused them"
    old_paths = set(segcache._paths.values())
    tiny_kb.index(rebuild=True)
    tiny_kb.search("补课")
    assert not old_paths & set(segcache._paths.values()), "segments of the removed generation are dropped"


def test_document_listing_follows_updates(tiny_kb, tiny_corpus):
    """The metadata listing is cached per segment; updates must still show at once."""
    before = {m["id"]: m["title"] for m in tiny_kb.documents()}
    assert before["rule-a"] == "关于学习培训的规定"
    path = tiny_corpus / "a.md"
    path.write_text(path.read_text(encoding="utf-8").replace("title: 关于学习培训的规定", "title: 关于学习培训的补充规定"),
                    encoding="utf-8")
    (tiny_corpus / "b.md").unlink()
    tiny_kb.index()
    after = {m["id"]: m["title"] for m in tiny_kb.documents()}
    assert after == {"rule-a": "关于学习培训的补充规定", "case-c": before["case-c"]}
    assert [m["id"] for m in tiny_kb.documents(level="case")] == ["case-c"]
    tiny_kb.documents()[0]["title"] = "改动返回值"
    assert "改动返回值" not in {m["title"] for m in tiny_kb.documents()}, "callers get copies"


def test_folder_defaults_change_reaches_the_documents_below(tmp_path, trusted, reads):
    root = tmp_path / "corpus"
    write_doc(root, "laws/sub/x.md", None, "# 某条例\n\n正文内容。\n")
    write_doc(root, "other/y.md", None, "# 另一文件\n\n正文内容。\n")
    (root / "laws" / "_folder.yml").write_text("level: group\n", encoding="utf-8")
    kb = KnowledgeBase(root, tmp_path / "index")
    kb.index()
    kb.index()
    reads.clear()
    (root / "laws" / "_folder.yml").write_text("level: central\n", encoding="utf-8")
    report = kb.index()
    assert reads == ["laws/sub/x.md"] and report.updated == 1
    assert {m["path"]: m["level"] for m in kb.documents()} == {"laws/sub/x.md": "central", "other/y.md": "unclassified"}
    reads.clear()
    assert kb.index().updated == 0 and reads == []
    (root / "laws" / "_folder.yml").unlink()
    assert kb.index().updated == 1
    assert {m["path"]: m["level"] for m in kb.documents()}["laws/sub/x.md"] == "unclassified"


def test_scan_lists_the_same_files_as_files(tmp_path):
    root = copy_corpus(tmp_path / "corpus")
    write_doc(root, ".hidden/x.md", None, "隐藏目录。\n")
    write_doc(root, "documents/.tmp-abc.md", None, "临时文件。\n")
    write_doc(root, "documents/group/深/层/文件.md", None, "深层目录。\n")
    corpus = Corpus(root)
    scanned = corpus.scan()
    assert [(rel, path) for rel, path, _ in scanned] == [(corpus.relpath(p), str(p)) for p in corpus.files()]
    assert "documents/group/深/层/文件.md" in {rel for rel, _, _ in scanned}
    assert all(st.st_size == Path(path).stat().st_size and st.st_ino == Path(path).stat().st_ino
               for _, path, st in scanned)
