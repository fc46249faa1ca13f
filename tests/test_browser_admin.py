"""A real browser (Debian's chromium, headless) walks an editor through the office workspace.

log in → upload a .docx → review (live preview) → save → find it by search → edit → history → restore.
Skipped with the reason when Playwright or /usr/bin/chromium is missing; browsers are never downloaded.
"""
from __future__ import annotations

import shutil
import threading

import pytest

from conftest import SAMPLE_CORPUS
from office_files import make_docx

PASSWORD = "browser-pass-1"


@pytest.fixture(scope="module")
def browser(chromium_browser):
    return chromium_browser


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    """The site on a free local port, over a copy of the sample corpus, with one editor account."""
    from waitress import create_server

    from indexer import KnowledgeBase
    from webapp import create_app
    from webapp.accounts import Accounts
    from webapp.database import Database

    base = tmp_path_factory.mktemp("browser-admin")
    shutil.copytree(SAMPLE_CORPUS, base / "corpus")
    kb = KnowledgeBase(base / "corpus", base / "index", instance_dir=base / "var")
    kb.index()
    Accounts(Database(base / "var")).add("editor1", "editor", PASSWORD)
    app = create_app({"KB": kb, "INSTANCE_PATH": str(base / "var")})
    httpd = create_server(app, host="127.0.0.1", port=0, threads=4)
    stopping = threading.Event()

    def run():
        try:
            httpd.run()
        except (OSError, ValueError):
            if not stopping.is_set():  # closing the sockets at teardown ends the loop this way
                raise

    thread = threading.Thread(target=run, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{httpd.effective_port}"
    stopping.set()
    httpd.close()


def test_editor_uploads_reviews_saves_finds_edits_and_restores(server, browser, tmp_path):
    page = browser.new_page()
    problems: list[str] = []
    page.on("console", lambda msg: problems.append(msg.text) if msg.type == "error" else None)
    page.on("pageerror", lambda exc: problems.append(str(exc)))

    # log in (the workspace sends anonymous visitors to the login page)
    page.goto(server + "/admin/upload")
    assert "/admin/login" in page.url
    page.fill("#login-name", "editor1")
    page.fill("#login-password", PASSWORD)
    page.click("button:has-text('登录')")
    page.wait_for_url("**/admin/upload")

    # upload a Word file with a heading, numbering and a table
    docx = tmp_path / "关于加强督导组建设的意见.docx"
    docx.write_bytes(make_docx())
    page.set_input_files("#upload-file", str(docx))
    page.select_option("#upload-level", "provincial")
    page.click("button:has-text('上传并转换')")

    # review: guessed fields, the body as Markdown, and the live preview rendering the table
    page.wait_for_selector("text=核对上传的文件")
    assert page.input_value("#f-title") == "关于加强督导组建设的意见"
    assert page.input_value("#f-doc_no") == "示例组发〔2005〕12号"
    assert "| 阶段 | 时间 | 学时 |" in page.input_value("#f-body")
    page.wait_for_selector("#body-preview table")
    assert "分析评议" in page.inner_text("#body-preview table")
    page.fill("#f-doc_type", "意见")
    page.click("form.doc-form button:has-text('保存')")

    # saved: the document page with a success message
    page.wait_for_selector("text=已保存新文档，现在可以检索到。")
    doc_url = page.url
    assert "/documents/sheng-2005-" in doc_url

    # find it by search from the header search box
    page.fill("#header-q", "督导组建设")
    page.press("#header-q", "Enter")
    page.wait_for_url("**/search?**")
    page.click("a:has-text('关于加强督导组建设的意见')")
    page.wait_for_url(doc_url.split("#")[0] + "*")

    # edit: the live preview follows the typing, then save
    page.click("a.nav-edit")
    page.wait_for_selector("h1:has-text('编辑文档')")
    body = page.input_value("#f-body")
    page.fill("#f-body", body + "\n督导组每月召开一次碰头会。\n")
    page.wait_for_selector("#body-preview >> text=督导组每月召开一次碰头会")
    page.fill("#f-note", "补充碰头会制度")
    page.click("form.doc-form button:has-text('保存')")
    page.wait_for_selector("text=已保存修改。")
    assert "督导组每月召开一次碰头会" in page.inner_text("main")

    # history: who, what, a coloured diff; restore the first version
    page.click("a:has-text('历史版本')")
    page.wait_for_selector("text=补充碰头会制度")
    added = page.locator(".side-diff .diff-add td.new", has_text="督导组每月召开一次碰头会").first
    assert added.is_visible()
    assert added.evaluate("el => getComputedStyle(el).backgroundColor") != "rgba(0, 0, 0, 0)"
    page.locator("#v1 button:has-text('恢复为此版本')").click()
    page.wait_for_selector("text=已恢复为第 1 版")
    assert "督导组每月召开一次碰头会" not in page.inner_text("main")

    assert not problems, problems  # no script errors, no CSP violations
    page.close()


@pytest.mark.parametrize("width", [1100, 1280, 1366])
def test_layout_logged_in_header_one_row_cases_dates_whole_workspace_fits_a_phone(server, browser, width):
    page = browser.new_page(viewport={"width": width, "height": 800})
    try:
        page.goto(server + "/admin/login")
        page.fill("#login-name", "editor1")
        page.fill("#login-password", PASSWORD)
        page.click("button:has-text('登录')")
        page.wait_for_url("**/admin/**")
        # a document page shows the most header links: 编辑本文, 历史版本, 工作台, 退出
        page.goto(server + "/documents/sheng-2005-dudao-banfa")
        tops = page.eval_on_selector_all(".brand, .header-search, .site-nav li",
                                         "els => els.map(e => Math.round(e.getBoundingClientRect().top))")
        assert max(tops) - min(tops) < 20, f"header wraps at {width}px: {tops}"
        page.goto(server + "/cases")
        lines = page.eval_on_selector_all(".case-card time", "els => els.map(e => e.getClientRects().length)")
        assert lines and set(lines) == {1}, "a date breaks across lines on /cases"
        page.set_viewport_size({"width": 375, "height": 800})
        page.goto(server + "/admin/")
        assert page.evaluate("document.documentElement.scrollWidth") <= 375
        page.goto(server + "/cases")
        lines = page.eval_on_selector_all(".case-card time", "els => els.map(e => e.getClientRects().length)")
        assert set(lines) == {1}
    finally:
        page.close()
