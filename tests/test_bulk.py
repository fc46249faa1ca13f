"""Parallel rebuilds: the same searchable index and the same report as a serial rebuild."""
from __future__ import annotations

import shutil

import pytest

from indexer import KnowledgeBase
from indexer.index import reconcile as reconcile_module
from indexer.index import parallel as bulk

from conftest import SAMPLE_CORPUS

QUERIES = ["督导组", "第32条", "保先活动", "群众满意度 补课", "\"专题组织生活会\"", "学习培训 -补课"]


@pytest.fixture(scope="module", params=["plain", "duplicate id"])
def corpus(request, tmp_path_factory):
    root = tmp_path_factory.mktemp("bulk") / "corpus"
    shutil.copytree(SAMPLE_CORPUS, root)
    if request.param == "duplicate id":
        original = root / "documents" / "central" / "zy-2005-sanpi-anpai.md"
        # Sorted after every other file: its id repeats an earlier one and must lose, as serially.
        (root / "documents" / "zz-copy.md").write_bytes(original.read_bytes())
    return root


def build(corpus, index_dir, workers):
    kb = KnowledgeBase(corpus, index_dir)
    kb.index_workers = workers
    return kb, kb.index(rebuild=True)


def test_parallel_rebuild_matches_serial(corpus, tmp_path, monkeypatch):
    calls = []
    real = bulk.parallel_build

    def spy(*args, **kwargs):
        calls.append(args[6])
        return real(*args, **kwargs)

    monkeypatch.setattr(bulk, "parallel_build", spy)
    monkeypatch.setattr(reconcile_module, "MIN_PARALLEL_DOCS", 1)
    monkeypatch.setattr(bulk, "BATCH_SIZE", 3)
    serial_kb, serial = build(corpus, tmp_path / "serial", 1)
    parallel_kb, parallel = build(corpus, tmp_path / "parallel", 2)
    assert calls == [2]  # the parallel path ran, with two workers
    assert (parallel.files, parallel.added, parallel.passages) == (serial.files, serial.added, serial.passages)
    assert [str(p) for p in parallel.problems] == [str(p) for p in serial.problems]
    duplicate = (corpus / "documents" / "zz-copy.md").exists()
    assert duplicate == any("zz-copy.md" in str(p) and "重复" in str(p) for p in parallel.problems)
    for query in QUERIES:
        a, b = serial_kb.search(query, per_page=50), parallel_kb.search(query, per_page=50)
        assert a.total == b.total > 0, (query, [h.id for h in a.hits], [h.id for h in b.hits])
        assert a.facets == b.facets
        hits_a = sorted((h.id, h.snippet, h.passage, h.score) for h in a.hits)
        hits_b = sorted((h.id, h.snippet, h.passage, h.score) for h in b.hits)
        if duplicate:
            # Removing the loser rewrites the index; whoosh then sums byte-quantised lengths, so
            # BM25's average length (and scores) move in the third digit.
            assert [h[:3] for h in hits_a] == [h[:3] for h in hits_b]
            assert [h[3] for h in hits_a] == pytest.approx([h[3] for h in hits_b], rel=0.02)
        else:
            assert hits_a == hits_b
    # The parallel index takes incremental updates like any other.
    (corpus / "documents" / "central" / "zy-2005-sanpi-anpai.md").unlink()
    report = parallel_kb.index()
    assert not report.rebuilt and report.removed == 1 - duplicate
    assert parallel_kb.search("第三批").total == serial_kb.search("第三批").total - (1 - duplicate)
