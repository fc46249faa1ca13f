"""A save interrupted in the middle leaves the old file whole and no half-written document.

A writer process is killed by the kernel in the middle of writing the new text (the file-size
limit is set below the new text's size and SIGXFSZ left at its default action, so the process
dies inside the write call); in-process, the disk reports an error on fsync or on the rename.
"""
from __future__ import annotations

import errno
import os
import signal
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from indexer import KnowledgeBase
from indexer.corpus import Corpus

from conftest import write_doc

ROOT = Path(__file__).resolve().parent.parent
OLD_BODY = "# 关于学习培训的规定\n\n学习培训不少于40学时，原有条文标记甲一。\n"
NEW_BODY = "# 关于学习培训的规定\n\n新条文标记乙二。\n" + "新增的长篇内容。\n" * 20000  # ~ 480 KB
LIMIT = 64 * 1024  # bytes a file may grow to in the writer: more than the old text, less than the new

WRITER = textwrap.dedent("""
    import resource, signal, sys
    from indexer import KnowledgeBase
    corpus, index, instance, action, body = sys.argv[1:6]
    kb = KnowledgeBase(corpus, index, instance_dir=instance)
    kb.search("学习")  # load the dictionary and the index before the limit applies
    current = kb.workspace.load("rule-a")
    resource.setrlimit(resource.RLIMIT_CORE, (0, 0))
    signal.signal(signal.SIGXFSZ, signal.SIG_DFL)  # Python ignores it; the default kills the process
    resource.setrlimit(resource.RLIMIT_FSIZE, (int(sys.argv[6]), resource.RLIM_INFINITY))
    body = open(body, encoding="utf-8").read()
    if action == "edit":
        kb.workspace.update_document("rule-a", current.meta, body, "writer", current.version)
    else:
        kb.workspace.create_document({"title": "关于新建中断测试的通知", "level": "group", "doc_type": "通知",
                            "issuer": "测试", "date": "2005-01-01"}, body, "writer")
    print("saved", flush=True)
""")


@pytest.fixture
def corpus_root(tmp_path) -> Path:
    root = tmp_path / "corpus"
    write_doc(root, "documents/group/rule-a.md",
              {"id": "rule-a", "title": "关于学习培训的规定", "level": "group", "doc_type": "规定",
               "issuer": "集团党委", "date": "2005-03-01"}, OLD_BODY)
    return root


def visible_state(root: Path) -> tuple[dict, dict]:
    """Return ({file: bytes} of the files a reader takes as documents, {id: body} as read)."""
    corpus = Corpus(root)
    files = {str(p.relative_to(root)): p.read_bytes() for p in corpus.files()}
    docs, problems = corpus.load()
    assert not [p for p in problems if p.severity == "error"], problems
    return files, {d.id: d.body for d in docs}


def assert_old_text_is_what_readers_see(root: Path, before: tuple, tmp_path: Path) -> None:
    assert visible_state(root) == before, "the old file must be intact and no partial document visible"
    kb = KnowledgeBase(root, tmp_path / "index", instance_dir=tmp_path / "var")
    kb.index()
    assert [h.id for h in kb.search("甲一").hits] == ["rule-a"]
    assert kb.search("乙二").total == 0


@pytest.mark.skipif(not hasattr(signal, "SIGXFSZ"), reason="SIGXFSZ 和 RLIMIT_FSIZE 仅在 POSIX 系统上可用")
@pytest.mark.parametrize("action", ["edit", "create"])
def test_a_writer_killed_in_the_middle_of_a_write_leaves_the_old_file(corpus_root, tmp_path, action):
    KnowledgeBase(corpus_root, tmp_path / "index").index()
    before = visible_state(corpus_root)
    body_file = tmp_path / "body.md"
    body_file.write_text(NEW_BODY, encoding="utf-8")
    env = dict(os.environ, PYTHONPATH=str(ROOT))
    proc = subprocess.run([sys.executable, "-c", WRITER, str(corpus_root), str(tmp_path / "index"),
                           str(tmp_path / "var"), action, str(body_file), str(LIMIT)],
                          capture_output=True, text=True, env=env, cwd=ROOT, timeout=120)
    assert proc.returncode == -signal.SIGXFSZ, (proc.returncode, proc.stdout, proc.stderr[-2000:])
    assert "saved" not in proc.stdout
    assert_old_text_is_what_readers_see(corpus_root, before, tmp_path)


def _fail_on_corpus_path(real, root: Path):
    """Wrap an os function so that it fails (EIO) when it touches a file under *root*."""
    def wrapper(*args, **kwargs):
        for arg in args:
            if isinstance(arg, (str, Path)) and Path(arg).resolve().is_relative_to(root.resolve()):
                raise OSError(errno.EIO, "模拟的磁盘错误")
            if isinstance(arg, int):
                target = os.readlink(f"/proc/self/fd/{arg}") if os.path.exists(f"/proc/self/fd/{arg}") else ""
                if target and Path(target).is_relative_to(root.resolve()):
                    raise OSError(errno.EIO, "模拟的磁盘错误")
        return real(*args, **kwargs)
    return wrapper


@pytest.mark.skipif(not os.path.isdir("/proc/self/fd"), reason="需要 /proc/self/fd 找出文件描述符对应的文件")
@pytest.mark.parametrize("failing", ["fsync", "replace"])
def test_a_disk_error_during_a_save_reports_it_and_keeps_the_old_file(corpus_root, tmp_path, monkeypatch, failing):
    kb = KnowledgeBase(corpus_root, tmp_path / "index", instance_dir=tmp_path / "var")
    kb.index()
    before = visible_state(corpus_root)
    current = kb.workspace.load("rule-a")
    monkeypatch.setattr(os, failing, _fail_on_corpus_path(getattr(os, failing), corpus_root))
    with pytest.raises(OSError):
        kb.workspace.update_document("rule-a", current.meta, NEW_BODY, "editor", current.version)
    monkeypatch.undo()
    leftovers = [p.name for p in corpus_root.rglob("*") if p.is_file() and p.name.startswith(".tmp-")]
    assert not leftovers, "a failed save cleans up its temporary file"
    assert_old_text_is_what_readers_see(corpus_root, before, tmp_path)
