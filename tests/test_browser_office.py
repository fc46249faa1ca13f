"""A real browser (Debian's chromium, headless): several files uploaded at once, and the 引用文档 picker.

upload three files (one of them broken) → review list → correct a row → save → find them by search;
edit a case → search for a document in the picker → choose it with the keyboard → remove a chip → save.
Skipped with the reason when Playwright or /usr/bin/chromium is missing; browsers are never downloaded.
"""
from __future__ import annotations

import shutil
import threading

import pytest

from conftest import SAMPLE_CORPUS
from office_files import make_docx

PASSWORD = "browser-pass-1"
CASE_ID = "al-2006-huitoukan"


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

    base = tmp_path_factory.mktemp("browser-office")
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
            if not stopping.is_set():
                raise

    thread = threading.Thread(target=run, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{httpd.effective_port}", kb
    stopping.set()
    httpd.close()


def signed_in_page(browser, address, path, **options):
    page = browser.new_page(**options)
    problems: list[str] = []
    page.on("console", lambda msg: problems.append(msg.text) if msg.type == "error" else None)
    page.on("pageerror", lambda exc: problems.append(str(exc)))
    page.goto(address + path)
    page.fill("#login-name", "editor1")
    page.fill("#login-password", PASSWORD)
    page.click("button:has-text('登录')")
    page.wait_for_url("**" + path)
    return page, problems


def test_several_files_are_reviewed_in_one_list_and_saved_together(server, browser, tmp_path):
    address, kb = server
    page, problems = signed_in_page(browser, address, "/admin/upload")
    files = {"关于加强督导组建设的意见.docx": make_docx(),
             "整改通知.txt": "关于报送整改落实情况的通知\n示例组发〔2006〕8号\n请各单位报送整改落实情况。\n2006年3月2日\n".encode("gbk"),
             "坏文件.pdf": b"%PDF-1.4 not really a pdf"}
    for name, data in files.items():
        (tmp_path / name).write_bytes(data)
    page.set_input_files("#upload-file", [str(tmp_path / name) for name in files])
    page.select_option("#upload-level", "provincial")
    page.click("button:has-text('上传并转换')")

    page.wait_for_selector("h1:has-text('核对上传的文件')")
    assert "尚未保存" in page.inner_text("main")
    assert page.locator("tr.batch-row").count() == 3
    assert page.input_value("#f1-title") == "关于加强督导组建设的意见"
    assert page.input_value("#f2-doc_no") == "示例组发〔2006〕8号" and page.input_value("#f2-date") == "2006-03-02"
    broken = page.locator("tr.batch-row.failed")
    assert "坏文件.pdf：" in broken.inner_text() and broken.locator("input").count() == 0
    before = {d["id"] for d in kb.documents()}

    page.fill("#f2-title", "关于报送整改落实情况的通知（第二批）")
    page.select_option("#f2-level", "municipal")
    page.click("button:has-text('保存勾选的文件')")
    page.wait_for_selector("text=已保存 2 篇文档")

    added = {d["id"]: d for d in kb.documents() if d["id"] not in before}
    assert sorted(d["title"] for d in added.values()) == ["关于加强督导组建设的意见", "关于报送整改落实情况的通知（第二批）"]
    assert {d["level"] for d in added.values()} == {"provincial", "municipal"}
    page.goto(address + "/search?q=" + "整改落实情况 第二批")
    assert "关于报送整改落实情况的通知（第二批）" in page.inner_text("main")
    assert not problems, problems
    page.close()


def test_the_picker_adds_and_removes_cited_documents_and_saves_the_id_list(server, browser):
    address, kb = server
    page, problems = signed_in_page(browser, address, f"/admin/documents/{CASE_ID}/edit")
    assert kb.workspace.load(CASE_ID).meta["cites"] == ["sheng-2006-huitoukan-tongzhi", "sheng-2005-zhenggai-tigao-zhidao"]
    # the plain id field is hidden; the chips show the cited documents' titles
    assert not page.is_visible("#f-cites")
    chips = page.locator(".picker-chip")
    chips.first.wait_for()
    page.wait_for_function("() => !document.querySelector('.picker-chip span').textContent.startsWith('sheng-')")
    assert chips.count() == 2

    page.click("label:has-text('引用文档')")  # the label leads to the search box
    assert page.evaluate("document.activeElement.id") == "f-cites-search"
    page.keyboard.type("三个阶段")
    option = page.locator(".picker-option").first
    option.wait_for()
    assert "zy-2005-sange-jieduan" in option.inner_text()
    page.keyboard.press("Enter")  # the first match is chosen, the form is not submitted
    assert chips.count() == 3 and "三个阶段" in chips.nth(2).inner_text()
    assert page.input_value("#f-cites").endswith("zy-2005-sange-jieduan")
    page.locator(".picker-chip", has_text="sheng-2005-zhenggai-tigao-zhidao").locator("button").click()
    assert chips.count() == 2

    page.click("form.doc-form button:has-text('保存')")
    page.wait_for_selector("text=已保存修改。")
    assert kb.workspace.load(CASE_ID).meta["cites"] == ["sheng-2006-huitoukan-tongzhi", "zy-2005-sange-jieduan"]
    assert not problems, problems
    page.close()


def test_without_javascript_the_ids_are_typed_and_an_unknown_one_is_named(server, browser):
    address, kb = server
    context = browser.new_context(java_script_enabled=False)
    page = context.new_page()
    page.goto(address + f"/admin/documents/{CASE_ID}/edit")
    page.fill("#login-name", "editor1")
    page.fill("#login-password", PASSWORD)
    page.click("button:has-text('登录')")
    page.wait_for_url(f"**/admin/documents/{CASE_ID}/edit")
    assert page.is_visible("#f-cites") and page.locator(".picker").count() == 0
    page.fill("#f-cites", page.input_value("#f-cites") + "，no-such-doc")
    page.click("form.doc-form button:has-text('保存')")
    page.wait_for_selector("#err-cites")
    assert "“no-such-doc”" in page.inner_text("#err-cites")
    assert "no-such-doc" not in kb.workspace.load(CASE_ID).meta["cites"]
    context.close()
