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
    """Enough documents for a parallel rebuild (indexer.index.parallel.MIN_PARALLEL_DOCS) lasting a few seconds."""
    from indexer.index.parallel import MIN_PARALLEL_DOCS
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


# -- the index lock ------------------------------------------------------------------------------
def test_killing_a_parallel_rebuild_leaves_no_worker_and_the_next_index_finishes(tmp_path):
    corpus = big_corpus(tmp_path / "corpus")
    index = tmp_path / "index"
    env = dict(os.environ, PYTHONUNBUFFERED="1", POLICYKB_INDEX_WORKERS="2")
    build = subprocess.Popen([sys.executable, "-m", "webapp.cli", "index", "--rebuild", "-q",
                              "--corpus", str(corpus), "--index", str(index)],
                             cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        workers = wait_for(lambda: (lambda found: len(found) >= 2 and found)(children(build.pid)), 60)
        assert workers, "the rebuild never started its workers"
        os.kill(build.pid, signal.SIGKILL)  # no clean-up code runs in the main process
        assert build.wait(timeout=10) == -signal.SIGKILL
        assert wait_for(lambda: not any(alive(pid) for pid in workers), 10), "build workers outlived their parent"
    finally:
        if build.poll() is None:
            build.kill()
            build.wait()
    done = policykb("index", "--corpus", str(corpus), "--index", str(index), timeout=120)
    assert done.returncode == 0, done.stderr
    assert "新增 210" in done.stdout
    assert len(generations(index)) == 1, "the killed rebuild's generation was left behind"


def hold_lock(path: Path, recorded_pid: str) -> subprocess.Popen:
    """Hold an flock on *path* from another process, with *recorded_pid* written in the file."""
    code = ("import fcntl, sys, time\n"
            "f = open(sys.argv[1], 'a+b'); fcntl.flock(f, fcntl.LOCK_EX); f.truncate(0)\n"
            "f.write((sys.argv[2] if sys.argv[2] != 'self' else str(__import__('os').getpid())).encode()); f.flush()\n"
            "print('held', flush=True); time.sleep(120)\n")
    path.parent.mkdir(parents=True, exist_ok=True)
    holder = subprocess.Popen([sys.executable, "-c", code, str(path), recorded_pid], stdout=subprocess.PIPE, text=True)
    assert holder.stdout.readline().strip() == "held"
    return holder


def dead_pid() -> str:
    gone = subprocess.Popen([sys.executable, "-c", "pass"])
    gone.wait()
    return str(gone.pid)


def test_a_lock_whose_recorded_holder_is_dead_is_taken_over(tiny_corpus, tmp_path):
    # What an orphaned worker of an older version did: its parent (recorded in the file) is dead,
    # but the inherited descriptor still holds the flock.
    holder = hold_lock(tmp_path / "index" / ".write.lock", dead_pid())
    try:
        done = policykb("index", "--rebuild", "--corpus", str(tiny_corpus), "--index", str(tmp_path / "index"),
                        timeout=60)
        assert done.returncode == 0, done.stderr
        assert "完整重建完成" in done.stdout
    finally:
        holder.kill()
        holder.wait()
        holder.stdout.close()


def test_index_says_whom_it_waits_for_and_gives_up(tiny_corpus, tmp_path):
    holder = hold_lock(tmp_path / "index" / ".write.lock", "self")
    try:
        done = policykb("index", "--rebuild", "--corpus", str(tiny_corpus), "--index", str(tmp_path / "index"),
                        timeout=60, env_extra={"POLICYKB_LOCK_TIMEOUT": "2"})
    finally:
        holder.kill()
        holder.wait()
        holder.stdout.close()
    assert done.returncode == 1
    assert f"索引正在被进程 {holder.pid}" in done.stderr and "正在等待它结束" in done.stderr
    assert f"已被进程 {holder.pid}" in done.stderr and "仍未释放，本次没有更新" in done.stderr
    assert "Traceback" not in done.stderr


def test_a_save_while_another_process_holds_the_index_answers_and_keeps_the_file(kb, tmp_path):
    holder = hold_lock(kb.index_dir / ".write.lock", "self")
    kb.store.lock_timeout = 1  # the site's is 30 s
    outcome: list = []
    try:
        saving = threading.Thread(target=lambda: outcome.append(edit(kb, "rule-a", "甲的补充。\n", "alice")),
                                  daemon=True)
        saving.start()
        saving.join(timeout=60)
        assert not saving.is_alive(), "the save never answered"
    finally:
        holder.kill()
        holder.wait()
        holder.stdout.close()
    [result] = outcome
    assert not result.indexed and f"进程 {holder.pid}" in result.notice and "下次启动或运行 policykb index 时自动补上" in result.notice
    assert "甲的补充" in (kb.corpus.root / "a.md").read_text(encoding="utf-8")


# -- the site's own limits -----------------------------------------------------------------------
def raw_request(address: str, data: bytes) -> str:
    host, port = address.rsplit("/", 1)[-1].split(":")
    with socket.create_connection((host, int(port)), timeout=20) as sock:
        try:
            sock.sendall(data)
        except OSError:
            pass  # the server may close while a long header is still being sent
        answer = b""
        try:
            while chunk := sock.recv(65536):
                answer += chunk
        except ConnectionResetError:
            pass
    return answer.decode("utf-8", errors="replace")


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("site")
    corpus = tmp / "corpus"
    write_doc(corpus, "a.md", {"id": "rule-a", "title": "关于学习培训的规定", "level": "group", "date": "2005-03-01"},
              "学习培训的时间一般不少于40学时。\n")
    server, _lines, output, address = start_serve(corpus, tmp)
    yield address
    server.terminate()
    server.wait(timeout=20)
    server.reader.join(timeout=10)
    server.stdout.close()


def test_a_body_over_the_upload_limit_is_refused_from_its_header_in_chinese(site):
    # 286 MiB announced and never sent: the answer must come from the header alone.
    answer = raw_request(site, b"POST /admin/upload HTTP/1.1\r\nHost: x\r\nContent-Type: application/octet-stream\r\n"
                               b"Content-Length: 299892736\r\n\r\n")
    assert answer.startswith("HTTP/1.1 413"), answer[:200]
    assert "提交的内容超过了本站的上限（单个文件 20 MB，一次上传合计 50 MB）" in answer and "generated by" not in answer


def test_the_api_gets_the_servers_own_errors_as_chinese_json(site):
    answer = raw_request(site, b"POST /api/search HTTP/1.1\r\nHost: x\r\nContent-Length: 99999999\r\n\r\n")
    assert answer.startswith("HTTP/1.1 413") and '{"error": "提交的内容超过了本站的上限' in answer


@pytest.mark.parametrize("header", [b"Cookie: session=\x00", b"a header line without a colon", b"Bad Name: x"])
def test_a_header_the_server_cannot_read_gets_a_chinese_400(site, header):
    # before: no answer at all (the error page read a path the parser had not set yet)
    answer = raw_request(site, b"GET /search?q=x HTTP/1.1\r\nHost: x\r\n" + header + b"\r\n\r\n")
    assert " 400 " in answer.split("\r\n", 1)[0], answer[:200]
    assert "服务器无法理解这个请求" in answer


def test_oversized_headers_get_a_chinese_page(site):
    answer = raw_request(site, b"GET / HTTP/1.1\r\nHost: x\r\nCookie: " + b"a" * 300_000 + b"\r\n\r\n")
    assert " 431 " in answer.split("\r\n", 1)[0], answer[:200]
    assert "请求头（通常是本站的 Cookie）超过了服务器的上限" in answer


def test_a_replaced_site_worker_indexes_what_its_predecessor_saved(tiny_corpus, tmp_path):
    server, _lines, output, address = start_serve(tiny_corpus, tmp_path)
    try:
        workers = wait_for(lambda: len(children(server.pid)) == 2 and children(server.pid))
        assert workers, "".join(output)
        # A save wrote its file and the worker died before updating the index.
        write_doc(tiny_corpus, "d.md", {"id": "rule-d", "title": "巡回检查办法", "level": "group",
                                        "date": "2005-06-01"}, "巡回检查每月进行一次。\n")
        victim = min(workers)
        os.kill(victim, signal.SIGKILL)
        assert wait_for(lambda: search_ids(address, "巡回检查") == ["rule-d"], 30), "".join(output)
        for _ in range(6):  # both workers, on new connections
            assert search_ids(address, "巡回检查") == ["rule-d"]
    finally:
        server.terminate()
        server.wait(timeout=20)
        server.reader.join(timeout=10)
        server.stdout.close()


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
    loaded = kb.workspace.load("rule-a")
    kb.workspace.update_document("rule-a", loaded.meta, loaded.body + "新增一条。\n", "alice", loaded.version)
    assert mode(a) == 0o664
    created = kb.workspace.create_document(NEW, BODY, "alice")
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


# -- restart after each crash point ---------------------------------------------------------------
def crash_during(operation, at: str, when=lambda *args: True):
    """Run *operation* in a forked child that dies (as with SIGKILL: no clean-up) on reaching *at*.

    *at* is ``module:Class.method`` or ``module:function``; the child dies when ``when(*args)``.
    """
    import importlib
    module_name, _, attribute = at.partition(":")
    pid = os.fork()
    if pid == 0:
        try:
            owner = importlib.import_module(module_name)
            *path, name = attribute.split(".")
            for part in path:
                owner = getattr(owner, part)
            original = getattr(owner, name)

            def dying(*args, **kwargs):
                if when(*args, **kwargs):
                    os._exit(9)
                return original(*args, **kwargs)
            setattr(owner, name, dying)
            operation()
        finally:
            os._exit(0)
    _, status = os.waitpid(pid, 0)
    assert os.waitstatus_to_exitcode(status) == 9, "the operation never reached the crash point"


def restart(kb_factory):
    """Start as ``policykb serve`` does: repair, then bring the index up to date."""
    from indexer.cli import run_index
    kb = kb_factory()
    run_index(kb, rebuild=False, quiet=True, recover="workspace")
    return kb


@pytest.fixture
def fresh(tiny_corpus, tmp_path):
    from indexer import KnowledgeBase
    return lambda: KnowledgeBase(tiny_corpus, tmp_path / "index", instance_dir=tmp_path / "var")


def edit(kb, doc_id: str, addition: str, author: str):
    loaded = kb.workspace.load(doc_id)
    return kb.workspace.update_document(doc_id, loaded.meta, loaded.body + addition, author, loaded.version)


def test_restart_after_a_crash_before_the_rename_removes_the_temporary_file(kb, fresh):
    crash_during(lambda: edit(kb, "rule-a", "甲的补充。\n", "alice"), "os:replace",
                 lambda src, dst, *a, **k: str(dst).endswith("a.md"))
    assert tmp_files(kb.corpus.root), "the crash should have left its temporary file"
    kb = restart(fresh)
    assert tmp_files(kb.corpus.root, kb.instance_dir) == []
    assert "甲的补充" not in kb.get_document("rule-a").body


def test_restart_after_a_crash_between_file_and_version_records_the_real_author(kb, fresh):
    edit(kb, "rule-a", "第一次修改。\n", "bob")
    crash_during(lambda: edit(kb, "rule-a", "甲的补充。\n", "alice"), "indexer.office.history:History.append",
                 lambda self, doc_id, data, **k: k.get("action") == "edit")
    kb = restart(fresh)
    assert kb.search("甲的补充").hits[0].id == "rule-a"
    newest = kb.workspace.history("rule-a")[0].version
    assert newest.author == "alice" and "服务中断后补记版本" in newest.summary
    edit(kb, "rule-a", "乙的补充。\n", "carol")
    assert [h.version.author for h in kb.workspace.history("rule-a")][:3] == ["carol", "alice", "bob"]
    assert "（系统外）" not in [h.version.author for h in kb.workspace.history("rule-a")][:3]


def test_a_save_after_a_worker_crash_between_file_and_version_needs_no_restart(kb):
    crash_during(lambda: edit(kb, "rule-a", "甲的补充。\n", "alice"), "indexer.office.history:History.append",
                 lambda self, doc_id, data, **k: k.get("action") == "edit")
    edit(kb, "rule-a", "乙的补充。\n", "carol")  # another worker of the same site saves next
    authors = [h.version.author for h in kb.workspace.history("rule-a")]
    assert authors[:2] == ["carol", "alice"]


def test_restart_after_a_crash_in_the_middle_of_a_delete_finishes_it_and_restore_works(kb, fresh):
    path = kb.corpus.root / "a.md"
    crash_during(lambda: kb.workspace.delete_document("rule-a", "alice"), "pathlib:Path.unlink",
                 lambda self, *a, **k: self.name == "a.md")
    assert path.exists() and [e.doc_id for e in kb.workspace.trash()] == ["rule-a"]
    kb = restart(fresh)
    assert not path.exists() and kb.search("学时", level="group").total == 0
    [entry] = kb.workspace.trash()
    restored = kb.workspace.restore_from_trash(entry.entry_id, "bob")
    assert restored.path == "a.md" and kb.search("学时", level="group").hits[0].id == "rule-a"
    assert kb.workspace.trash() == []


def test_restart_after_a_crash_before_a_delete_was_recorded_keeps_the_document(kb, fresh):
    crash_during(lambda: kb.workspace.delete_document("rule-a", "alice"), "indexer.office.history:History.append",
                 lambda self, doc_id, data, **k: k.get("action") == "delete")
    kb = restart(fresh)
    assert kb.workspace.trash() == []
    assert kb.search("学时", level="group").hits[0].id == "rule-a"
    entry = kb.workspace.delete_document("rule-a", "alice")  # and it can be deleted and restored normally
    assert kb.workspace.restore_from_trash(entry.entry_id, "bob").path == "a.md"


def test_a_generation_abandoned_by_a_crashed_rebuild_is_removed_by_the_next_update(kb, tiny_corpus):
    from indexer import KnowledgeBase
    crash_during(lambda: kb.index(rebuild=True), "indexer.index.store:FastSegmentWriter.commit")
    assert len(generations(kb.index_dir)) == 2
    write_doc(tiny_corpus, "d.md", {"id": "rule-d", "title": "巡回检查办法", "level": "group",
                                    "date": "2005-06-01"}, "巡回检查每月进行一次。\n")
    report = KnowledgeBase(tiny_corpus, kb.index_dir).index()  # an incremental update, not a rebuild
    assert not report.rebuilt and report.added == 1
    assert len(generations(kb.index_dir)) == 1
