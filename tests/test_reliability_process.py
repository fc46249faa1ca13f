"""Processes killed at the worst moment: nothing hangs, nothing is lost, no debris stays.

Each test reproduces a failure of the hostile test run of issue 11: orphaned build workers holding
the index lock, a lock nobody releases, request bodies spooled before the 413, CR/LF in ``next``,
files turned 0600, debris of crashes in the middle of a save, a delete or a rebuild, a replaced
site worker that does not reconcile, and a login throttle that counts in parallel.
"""
from __future__ import annotations

import os
import signal
import socket
import stat
import subprocess
import sys
import threading
from pathlib import Path

import pytest

from conftest import ROOT, write_doc
from test_serving import alive, children, search_ids, start_serve, wait_for

from admin_helpers import login, token

pytestmark = pytest.mark.skipif(not Path("/proc/self/stat").exists() or not hasattr(os, "fork"),
                                reason="需要 fork 和 /proc（Linux）")

NEW = {"title": "关于补充督导任务的通知", "level": "省级", "doc_type": "通知", "issuer": "示例省委",
       "doc_no": "示例省发〔2005〕99号", "date": "2005-06-01"}
BODY = "# 关于补充督导任务的通知\n\n督导组要深入基层了解紫藤情况。\n"
WORDS = "督导组 学习培训 整改 党员 群众 满意度 集中 教育 阶段 报告 检查 领导 干部 基层 组织 制度 落实 考核 评议 意见".split()


def policykb(*args, timeout: float = 120, env_extra: dict | None = None) -> subprocess.CompletedProcess:
    env = dict(os.environ, PYTHONUNBUFFERED="1", **(env_extra or {}))
    return subprocess.run([sys.executable, "-m", "webapp.cli", *args], cwd=ROOT, env=env, capture_output=True,
                          text=True, encoding="utf-8", timeout=timeout)


def big_corpus(root: Path, documents: int = 210, lines: int = 120) -> Path:
    """Enough documents for a parallel rebuild (indexer.bulk.MIN_PARALLEL_DOCS) lasting a few seconds."""
    from indexer.bulk import MIN_PARALLEL_DOCS
    assert documents >= MIN_PARALLEL_DOCS
    for i in range(documents):
        body = "\n".join(f"第{j + 1}条 {WORDS[(i + j) % 20]}{WORDS[(i * 3 + j) % 20]}应当每{j % 9 + 1}周"
                         f"{WORDS[(j * 7) % 20]}一次，不少于{i % 50 + j}学时。" for j in range(lines))
        write_doc(root, f"d{i:04d}.md", {"id": f"d{i:04d}", "title": f"第{i}号规定", "level": "group",
                                         "date": "2005-03-01"}, body + "\n")
    return root


def generations(index_dir: Path) -> list[str]:
    return sorted(p.name for p in index_dir.glob("gen-*"))


def tmp_files(*roots: Path) -> list[Path]:
    return [p for root in roots if root.exists() for p in root.rglob(".tmp-*")]


# -- the login ------------------------------------------------------------------------------------
@pytest.fixture
def app(tiny_corpus, tmp_path):
    from indexer import KnowledgeBase
    from webapp import create_app
    from webapp.office import get_office
    kb = KnowledgeBase(tiny_corpus, tmp_path / "index", instance_dir=tmp_path / "var")
    kb.index()
    app = create_app({"KB": kb, "INSTANCE_PATH": str(tmp_path / "var"), "TESTING": True})
    with app.app_context():
        get_office().accounts.add("alice", "editor", "correct horse 9")
    return app


@pytest.mark.parametrize("next_url", ["/admin/\r\nSet-Cookie: stolen=1", "/documents/rule-a\n", "/admin/%0d%0a\x00"])
def test_control_characters_in_next_send_the_user_to_the_dashboard(app, next_url):
    client = app.test_client()
    response = client.post("/admin/login", data={"csrf_token": token(client), "name": "alice",
                                                 "password": "correct horse 9", "next": next_url})
    assert response.status_code == 302
    assert response.headers["Location"] == "/admin/"
    assert "stolen" not in response.headers.get("Set-Cookie", "")


def test_parallel_wrong_passwords_get_exactly_the_allowed_checks(app):
    barrier = threading.Barrier(16)
    statuses: list[int] = []

    def attempt():
        client = app.test_client()
        csrf = token(client)
        barrier.wait()
        response = client.post("/admin/login", data={"csrf_token": csrf, "name": "alice", "password": "wrong password"})
        statuses.append(response.status_code)
    threads = [threading.Thread(target=attempt) for _ in range(16)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(statuses) == [401] * 5 + [429] * 11
    assert login(app.test_client(), "alice", "correct horse 9").status_code == 429


# -- file modes -----------------------------------------------------------------------------------
@pytest.fixture
def kb(tiny_corpus, tmp_path):
    from indexer import KnowledgeBase
    kb = KnowledgeBase(tiny_corpus, tmp_path / "index", instance_dir=tmp_path / "var")
    kb.index()
    return kb


@pytest.fixture
def umask_022():
    old = os.umask(0o022)
    yield
    os.umask(old)


def mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


def test_an_edited_file_keeps_its_mode_and_new_files_follow_the_umask(kb, umask_022):
    a = kb.corpus.root / "a.md"
    a.chmod(0o664)  # a corpus shared by a group
    loaded = kb.load_document("rule-a")
    kb.update_document("rule-a", loaded.meta, loaded.body + "新增一条。\n", "alice", loaded.version)
    assert mode(a) == 0o664
    created = kb.create_document(NEW, BODY, "alice")
    assert mode(kb.corpus.root / created.path) == 0o644
    assert all(mode(p) == 0o644 for p in (kb.instance_dir / "history").rglob("*.md"))


def test_imported_files_follow_the_umask(tmp_path, umask_022, tiny_corpus):
    source = tmp_path / "in" / "关于做好整改工作的通知.txt"
    source.parent.mkdir()
    source.write_text("关于做好整改工作的通知\n\n各单位要认真做好整改工作。\n", encoding="utf-8")
    done = policykb("import", str(source), "--level", "省级", "--json", "--corpus", str(tiny_corpus),
                    "--index", str(tmp_path / "index"), "--instance", str(tmp_path / "var"))
    assert done.returncode == 0, done.stderr
    written = list((tiny_corpus / "documents").rglob("*.md"))
    assert written and all(mode(p) == 0o644 for p in written)
