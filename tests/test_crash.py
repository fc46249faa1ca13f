"""A writer killed with SIGKILL in the middle of saving loses nothing that it reported saved."""
from __future__ import annotations

import os
import signal
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pytest

from indexer import KnowledgeBase
from indexer.corpus import Corpus

ROOT = Path(__file__).resolve().parent.parent

WRITER = textwrap.dedent("""
    import sys
    from indexer import KnowledgeBase
    kb = KnowledgeBase(sys.argv[1], sys.argv[2], instance_dir=sys.argv[3])
    n = 0
    while True:
        n += 1
        word = "词" + str(n).translate(str.maketrans("0123456789", "零一二三四五六七八九"))
        result = kb.workspace.create_document({"title": "压力测试文档" + str(n), "level": "group", "doc_type": "通知",
                                     "issuer": "测试", "date": "2005-01-01"},
                                    "# 压力测试文档" + str(n) + "\\n\\n独有标记xq" + str(n) + "。\\n" + "填充内容。" * 2000 + "\\n",
                                    "writer")
        print(result.id, "xq" + str(n), flush=True)
        loaded = kb.workspace.load(result.id)
        kb.workspace.update_document(result.id, loaded.meta, loaded.body + "修订。\\n", "writer", loaded.version)
""")


@pytest.mark.skipif(not hasattr(signal, "SIGKILL"), reason="SIGKILL 仅在 POSIX 系统上可用")
def test_sigkill_during_saves_loses_nothing(tiny_corpus, tmp_path):
    index_dir, instance = tmp_path / "index", tmp_path / "var"
    KnowledgeBase(tiny_corpus, index_dir).index()
    (tiny_corpus / ".tmp-leftover.md").write_text("---\nid: [broken\n", encoding="utf-8")
    env = dict(os.environ, PYTHONPATH=str(ROOT))
    proc = subprocess.Popen([sys.executable, "-c", WRITER, str(tiny_corpus), str(index_dir), str(instance)],
                            stdout=subprocess.PIPE, text=True, env=env, cwd=ROOT)
    saved = []
    deadline = time.monotonic() + 120
    try:
        while len(saved) < 6 and time.monotonic() < deadline:
            line = proc.stdout.readline()
            if not line:
                break
            saved.append(line.split())
        time.sleep(0.013 * (len(saved) % 5))  # land somewhere inside the next save
    finally:
        proc.send_signal(signal.SIGKILL)
        proc.wait()
        proc.stdout.close()
    assert len(saved) >= 6, "the writer did not save anything"

    corpus = Corpus(tiny_corpus)
    assert not [p for p in corpus.files() if p.name.startswith(".tmp-")], "reader must skip temp files"
    docs, problems = corpus.load()
    assert not [p for p in problems if p.severity == "error"], problems
    kb = KnowledgeBase(tiny_corpus, index_dir, instance_dir=instance)
    kb.index()  # reconcile on start-up
    ids = {d.id for d in docs}
    for doc_id, marker in saved:
        assert doc_id in ids
        assert [h.id for h in kb.search(marker).hits] == [doc_id]
