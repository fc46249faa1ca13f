"""A real browser: an editor changes the wording table on a two-worker site; a reader's 没用 reaches
the misses page and, in one click, the office's question set that ``policykb eval`` checks.

Skipped with the reason when Playwright or /usr/bin/chromium is missing.
"""
from __future__ import annotations

import json
import os
import subprocess
import sys
import threading
import urllib.parse
import urllib.request

import pytest

from conftest import ROOT, write_doc

PASSWORD = "browser-pass-1"
QUESTION = "下派干部多久报告一次？"

pytestmark = pytest.mark.skipif(not hasattr(os, "fork"), reason="需要 fork（Linux）")


@pytest.fixture(scope="module")
def browser(chromium_browser):
    return chromium_browser


def make_corpus(root):
    write_doc(root, "documents/group/rule-a.md",
              {"id": "rule-a", "title": "关于驻村督导的规定", "level": "group", "date": "2005-03-01"},
              "督导员每月向乡镇党委报告一次工作。\n督导组应当吃住在村。\n")
    write_doc(root, "documents/group/rule-b.md",
              {"id": "rule-b", "title": "关于学习培训的通知", "level": "group", "date": "2005-04-01"},
              "学习培训的时间一般不少于40学时。\n")
    (root / "wording.yml").write_text("# 本单位的日常说法\n- everyday: [支书]\n  official: [党支部书记]\n",
                                      encoding="utf-8")
    return root


def first_answer_doc(address: str) -> str:
    url = f"{address}/api/ask?q={urllib.parse.quote(QUESTION)}"
    with urllib.request.urlopen(url, timeout=20) as response:  # a new connection: any worker answers
        answers = json.load(response)["answers"]
    return answers[0]["doc_id"] if answers else ""


def cli(*args, stdin: str = ""):
    return subprocess.run([sys.executable, "-m", "webapp.cli", *args], cwd=ROOT, input=stdin, text=True,
                          capture_output=True, encoding="utf-8", timeout=120)


def log_in(page, address, name):
    page.goto(address + "/admin/login")
    page.fill("#login-name", name)
    page.fill("#login-password", PASSWORD)
    page.click("button:has-text('登录')")
    page.wait_for_url("**/admin/")


def test_a_wording_row_added_in_admin_answers_on_every_worker_and_can_be_undone(browser, tmp_path):
    from test_serving import children, start_serve, wait_for
    corpus = make_corpus(tmp_path / "corpus")
    for name, role in (("editor1", "editor"), ("admin1", "admin")):
        made = cli("user", "add", name, "--role", role, "--instance", str(tmp_path / "var"), stdin=PASSWORD + "\n")
        assert made.returncode == 0, made.stderr
    server, _lines, output, address = start_serve(corpus, tmp_path)
    try:
        assert wait_for(lambda: len(children(server.pid)) == 2), "".join(output)
        # both workers answer (and cache) the question before the change: refused
        assert {first_answer_doc(address) for _ in range(12)} == {""}

        page = browser.new_page()
        log_in(page, address, "editor1")
        page.goto(address + "/admin/tables/wording")
        page.fill("#t-everyday", "下派干部")
        page.fill("#t-official", "督导员")
        page.fill("#t-sample", QUESTION)
        page.click("button:has-text('预览')")
        page.wait_for_selector("text=保存后的回答")
        assert "督导员每月向乡镇党委报告一次工作" in page.inner_text(".table-preview")
        page.click("button:has-text('保存这一项')")
        page.wait_for_selector("text=已新增第 2 项“下派干部”")

        # every worker answers from the passage with the official word, without a restart
        assert {first_answer_doc(address) for _ in range(12)} == {"rule-a"}

        page.goto(address + "/admin/tables/wording/history")
        assert "新增第 2 项“下派干部”" in page.inner_text(".history-list")
        admin = browser.new_page()
        log_in(admin, address, "admin1")
        admin.goto(address + "/admin/audit")
        assert "修改对照表" in admin.inner_text(".audit-table") and "wording.yml" in admin.inner_text(".audit-table")

        # undo: the version before the change
        page.click("#v1 button:has-text('恢复为此版本')")
        page.wait_for_selector("text=已恢复为第 1 版")
        assert {first_answer_doc(address) for _ in range(12)} == {""}
        page.close()
        admin.close()
    finally:
        server.terminate()
        server.wait(timeout=20)
        server.stdout.close()


@pytest.fixture
def site(tmp_path):
    """The site in this process (threads), over the small corpus, with one editor."""
    from waitress import create_server

    from indexer import KnowledgeBase
    from webapp import create_app
    from webapp.accounts import Accounts
    from webapp.database import Database

    corpus = make_corpus(tmp_path / "corpus")
    kb = KnowledgeBase(corpus, tmp_path / "index", instance_dir=tmp_path / "var")
    kb.index()
    Accounts(Database(tmp_path / "var")).add("editor1", "editor", PASSWORD)
    app = create_app({"KB": kb, "INSTANCE_PATH": str(tmp_path / "var")})
    httpd = create_server(app, host="127.0.0.1", port=0, threads=4)
    stopping = threading.Event()

    def run():
        try:
            httpd.run()
        except (OSError, ValueError):
            if not stopping.is_set():
                raise
    threading.Thread(target=run, daemon=True).start()
    yield f"http://127.0.0.1:{httpd.effective_port}", corpus, tmp_path
    stopping.set()
    httpd.close()


def test_a_refused_question_marked_useless_goes_to_the_question_set_that_eval_checks(browser, site):
    address, corpus, tmp_path = site
    reader = browser.new_page()
    reader.goto(address + "/search?q=" + urllib.parse.quote(QUESTION))
    assert "未找到明确答案" in reader.inner_text(".answer-card")
    reader.click(".answer-card button:has-text('没用')")
    reader.wait_for_selector("text=谢谢您的反馈")
    reader.close()

    page = browser.new_page()
    log_in(page, address, "editor1")
    page.goto(address + "/admin/misses")
    row = page.locator("tr", has_text=QUESTION)
    assert "没用 1" in row.inner_text() and "拒答 2" in row.inner_text()  # asked twice (before and after 没用)
    row.locator("input[name=a]").fill("每月")
    row.locator("input[name=doc]").fill("rule-a")
    row.locator("button:has-text('加入问题集')").click()
    page.wait_for_selector("text=policykb eval 从此会检查它")
    assert "已在问题集" in page.locator("tr", has_text=QUESTION).inner_text()
    page.close()

    lines = (corpus / "questions.jsonl").read_text(encoding="utf-8").splitlines()
    assert [json.loads(line) for line in lines] == [{"id": "web-1", "q": QUESTION, "a": ["每月"], "doc": "rule-a"}]
    result = cli("eval", str(corpus / "questions.jsonl"), "--corpus", str(corpus), "--index", str(tmp_path / "index"),
                 "--json")
    assert result.returncode == 0, result.stderr
    report = json.loads(result.stdout)
    assert report["questions"] == 1
    assert [m["question"] for m in report["misses"]] == [QUESTION]  # still refused: eval reports it
