"""A word-table save killed at any step is found and repaired at start-up, like a document save.

The save runs in a child process that dies (``os._exit``: no ``finally``, no cleanup) just before
its *n*-th durable write: the pending record, the table file, the version's text, the version's
record; or while the index is rebuilt for the new dictionary word.  Start-up (``kb.recover`` then
``kb.index``, what ``policykb serve`` does) must then leave the table, its history and the index in
agreement, with no temporary file left and the real author on the version.
"""
from __future__ import annotations

import os
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from indexer import KnowledgeBase

from conftest import write_doc

ROOT = Path(__file__).resolve().parent.parent

SAVER = textwrap.dedent("""
    import os, sys
    from indexer import KnowledgeBase
    corpus, index, instance, step = sys.argv[1], sys.argv[2], sys.argv[3], sys.argv[4]
    kb = KnowledgeBase(corpus, index, instance_dir=instance)
    tables = kb.workspace_at(instance).tables
    if step == "index":
        kb.index = lambda *a, **k: os._exit(9)
    else:
        real_replace, count = os.replace, [0]
        def replace(src, dst):
            count[0] += 1
            if count[0] == int(step):
                os._exit(9)   # the temporary file is written and synced, the rename never happens
            return real_replace(src, dst)
        os.replace = replace
    version = tables.read("userdict")[2]
    tables.save_row("userdict", None, {"word": "阳光村务卡", "freq": "30000", "tag": "n"}, "alice", version)
    os._exit(0)
""")

OLD_TABLE = "# 词典\n督导员 20000 n\n"


def _corpus(root: Path) -> None:
    write_doc(root, "documents/group/rule-c.md",
              {"id": "rule-c", "title": "关于村务公开的通知", "level": "group", "date": "2005-05-01"},
              "要推行阳光村务卡制度。\n")
    (root / "userdict.txt").write_text(OLD_TABLE, encoding="utf-8")


def _tmp_files(*folders: Path) -> list[str]:
    return [str(p) for folder in folders if folder.is_dir() for p in folder.rglob(".tmp-*")]


@pytest.mark.parametrize("step, saved", [
    ("1", False),      # the pending record is being written
    ("2", False),      # the table file is being written (the record is there)
    ("3", True),       # the table is written, the version's text is being written
    ("4", True),       # the version's text is written, its record is being written
    ("index", True),   # everything is written, the index is being rebuilt for the new word
], ids=["record", "table", "version-text", "version-record", "index"])
def test_a_table_save_killed_at_each_step_is_repaired_at_start_up(tmp_path, step, saved):
    corpus, index, instance = tmp_path / "corpus", tmp_path / "index", tmp_path / "var"
    _corpus(corpus)
    kb = KnowledgeBase(corpus, index, instance_dir=instance)
    kb.index()
    tables = kb.workspace_at(instance).tables
    tables.save_row("userdict", None, {"word": "督导组长"}, "bob", tables.read("userdict")[2])
    before = (corpus / "userdict.txt").read_text(encoding="utf-8")
    versions_before = len(tables.history("userdict"))

    env = dict(os.environ, PYTHONPATH=str(ROOT))
    done = subprocess.run([sys.executable, "-c", SAVER, str(corpus), str(index), str(instance), step],
                          env=env, cwd=ROOT, capture_output=True, text=True, timeout=120)
    assert done.returncode == 9, done.stderr
    if step in ("1", "2"):
        assert _tmp_files(corpus, instance), "the kill should leave a temporary file behind"

    restarted = KnowledgeBase(corpus, index, instance_dir=instance)
    messages = restarted.recover()
    restarted.index()

    text = (corpus / "userdict.txt").read_text(encoding="utf-8")
    history = restarted.workspace_at(instance).tables.history("userdict")
    assert not _tmp_files(corpus, instance)
    assert not list((instance / "table-pending").glob("*.json"))
    if saved:
        assert "阳光村务卡 30000 n" in text
        assert len(history) == versions_before + 1 and history[0].current
        assert history[0].info.author == "alice"  # not filed as made outside the system
        assert [h.id for h in restarted.search("阳光村务卡").hits] == ["rule-c"]
        if step in ("3", "4"):
            assert any("已补记这个版本" in m and "用户词典" in m for m in messages), messages
    else:
        assert text == before and len(history) == versions_before and history[0].current
        if step == "2":
            assert any("没有保存，表格保持原样" in m for m in messages), messages
    # and the next save is an ordinary one (no baseline version "（系统外）")
    tables = restarted.workspace_at(instance).tables
    tables.save_row("userdict", None, {"word": "村务监督"}, "carol", tables.read("userdict")[2])
    assert [v.info.author for v in tables.history("userdict")][:2] == ["carol", history[0].info.author]


def test_a_version_recorded_without_its_table_is_written_to_the_table(tmp_path):
    """The reverse order (history first, then the file) is finished from the recorded version."""
    corpus, instance = tmp_path / "corpus", tmp_path / "var"
    _corpus(corpus)
    kb = KnowledgeBase(corpus, tmp_path / "index", instance_dir=instance)
    tables = kb.workspace_at(instance).tables
    new = (OLD_TABLE + "阳光村务卡 30000 n\n").encode()
    tables.history_store.append("userdict", OLD_TABLE.encode(), author="（系统外）", action="baseline",
                                summary="", path="userdict.txt")
    tables.pending.begin("userdict", new, author="alice", action="edit", summary="新增", path="userdict.txt")
    tables.history_store.append("userdict", new, author="alice", action="edit", summary="新增", path="userdict.txt")

    messages = kb.recover()

    assert (corpus / "userdict.txt").read_bytes() == new
    assert any("版本已记录" in m and "第 2 版" in m for m in messages), messages
    assert tables.history("userdict")[0].current and not list((instance / "table-pending").glob("*.json"))


def test_a_pending_record_of_an_unknown_table_is_dropped_without_touching_files(tmp_path):
    corpus, instance = tmp_path / "corpus", tmp_path / "var"
    _corpus(corpus)
    kb = KnowledgeBase(corpus, tmp_path / "index", instance_dir=instance)
    tables = kb.workspace_at(instance).tables
    tables.pending.begin("passwd", b"x", author="mallory", action="edit", summary="", path="../../etc/passwd")
    kb.recover()
    assert not list((instance / "table-pending").glob("*.json"))
    assert (corpus / "userdict.txt").read_text(encoding="utf-8") == OLD_TABLE
