"""Take the office-workspace screenshots for the README with Debian's chromium (headless).

Run from the repository root: ``.venv/bin/python docs/screenshots/make_admin_screenshots.py``.
Works on a temporary copy of the sample corpus with a throw-away account; writes admin-*.png here.
"""
from __future__ import annotations

import shutil
import sys
import tempfile
import threading
from pathlib import Path

from playwright.sync_api import sync_playwright
from waitress import create_server

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "tests"))

from indexer import KnowledgeBase  # noqa: E402
from office_files import make_docx  # noqa: E402
from webapp import create_app  # noqa: E402
from webapp.accounts import Accounts  # noqa: E402
from webapp.database import Database  # noqa: E402

OUT = Path(__file__).resolve().parent
ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
        "--no-first-run"]


def shot(page, name: str, full: bool = False) -> None:
    target = OUT / f"admin-{name}.png"
    page.screenshot(path=str(target), full_page=full)
    print(target.name, target.stat().st_size // 1024, "KB")


def main() -> None:
    base = Path(tempfile.mkdtemp(prefix="policykb-shots-"))
    shutil.copytree(ROOT / "corpus", base / "corpus")
    kb = KnowledgeBase(base / "corpus", base / "index", instance_dir=base / "var")
    kb.index()
    accounts = Accounts(Database(base / "var"))
    accounts.add("王明", "admin", "screenshot-pass")
    app = create_app({"KB": kb, "INSTANCE_PATH": str(base / "var")})
    httpd = create_server(app, host="127.0.0.1", port=0, threads=4)
    threading.Thread(target=httpd.run, daemon=True).start()
    url = f"http://127.0.0.1:{httpd.effective_port}"
    docx = base / "关于加强督导组建设的意见.docx"
    docx.write_bytes(make_docx())
    try:
        with sync_playwright() as p:
            browser = p.chromium.launch(executable_path="/usr/bin/chromium", args=ARGS)
            page = browser.new_page(viewport={"width": 1280, "height": 800}, device_scale_factor=1)
            page.goto(url + "/admin/")
            page.fill("#login-name", "王明")
            shot(page, "login")
            page.fill("#login-password", "screenshot-pass")
            page.click("button:has-text('登录')")
            page.goto(url + "/admin/upload")
            page.set_input_files("#upload-file", str(docx))
            page.select_option("#upload-level", "provincial")
            page.click("button:has-text('上传并转换')")
            page.wait_for_selector("#body-preview table")
            page.fill("#f-doc_type", "意见")
            shot(page, "review")
            page.locator(".editor").scroll_into_view_if_needed()
            page.evaluate("window.scrollBy(0, -60)")
            shot(page, "review-body")
            page.click("form.doc-form button:has-text('保存')")
            page.wait_for_selector("text=已保存新文档")
            doc_url = page.url
            page.click("a.nav-edit")
            page.fill("#f-body", page.input_value("#f-body").replace("督导组要坚持实事求是。",
                                                                      "督导组要坚持实事求是，每月召开一次碰头会。"))
            page.fill("#f-note", "补充碰头会制度")
            page.click("form.doc-form button:has-text('保存')")
            page.wait_for_selector(".flash-success:has-text(\"已保存修改\")")  # the flash, not a hidden copy
            page.goto(doc_url.split("#")[0].replace("/documents/", "/admin/documents/") + "/history")
            shot(page, "history")
            page.goto(url + "/admin/")
            shot(page, "dashboard")
            page.goto(url + "/admin/audit")
            shot(page, "audit")
            browser.close()
    finally:
        httpd.close()
        shutil.rmtree(base, ignore_errors=True)


if __name__ == "__main__":
    main()
