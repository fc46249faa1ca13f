"""Take the screenshots of the multi-file upload review, the readable history and the 引用文档 picker.

Run from the repository root: ``.venv/bin/python docs/screenshots/make_office_screenshots.py``.
Works on a temporary copy of the sample corpus with a throw-away account; writes
admin-upload-multi*.png, admin-history-diff*.png and admin-picker*.png here, at desktop (1366 px)
and phone (390 px) width.
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
PASSWORD = "screenshot-pass-1"
CASE_ID = "al-2006-huitoukan"
EDITED_ID = "sheng-2005-dudao-banfa"
FILES = {
    "关于加强督导组建设的意见.docx": make_docx(),
    "整改通知.txt": "关于报送整改落实情况的通知\n示例组发〔2006〕8号\n请各单位报送整改落实情况。\n2006年3月2日\n".encode("gbk"),
    "窗口审批案例.txt": "督导组推动窗口并联审批落地的案例\n示例市督导组在回头看中发现承诺未兑现并督促整改。\n".encode(),
    "扫描件.pdf": b"%PDF-1.4 not really a pdf",
}


def login(page, address: str, path: str) -> None:
    page.goto(address + path)
    page.fill("#login-name", "王明")
    page.fill("#login-password", PASSWORD)
    page.click("button:has-text('登录')")
    page.wait_for_url("**" + path)


def edit_once(kb) -> None:
    """Give one document a second version: a changed 文号 and 标签 and one changed line."""
    current = kb.workspace.load(EDITED_ID)
    meta = dict(current.meta, tags=list(current.meta.get("tags", [])) + ["督导检查"])
    lines = current.body.splitlines()
    target = next(n for n, line in enumerate(lines) if len(line) > 30 and n > len(lines) // 2)
    lines[target] = lines[target].replace("。", "，并于每月底报送工作简报。", 1)
    kb.workspace.update_document(EDITED_ID, meta, "\n".join(lines) + "\n", "王明", current.version,
                       summary="补充每月报送工作简报")


def main() -> None:
    base = Path(tempfile.mkdtemp(prefix="policykb-shots-"))
    shutil.copytree(ROOT / "corpus", base / "corpus")
    kb = KnowledgeBase(base / "corpus", base / "index", instance_dir=base / "var")
    kb.index()
    edit_once(kb)
    Accounts(Database(base / "var")).add("王明", "editor", PASSWORD)
    app = create_app({"KB": kb, "INSTANCE_PATH": str(base / "var")})
    httpd = create_server(app, host="127.0.0.1", port=0, threads=4)
    threading.Thread(target=httpd.run, daemon=True).start()
    address = f"http://127.0.0.1:{httpd.effective_port}"
    for name, data in FILES.items():
        (base / name).write_bytes(data)
    try:
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(executable_path="/usr/bin/chromium", args=ARGS)
            for suffix, viewport in (("", {"width": 1366, "height": 900}), ("-phone", {"width": 390, "height": 844})):
                page = browser.new_page(viewport=viewport, device_scale_factor=1)
                login(page, address, "/admin/upload")
                page.set_input_files("#upload-file", [str(base / name) for name in FILES])
                page.click("button:has-text('上传并转换')")
                page.wait_for_selector("h1:has-text('核对上传的文件')")
                page.select_option("#f3-level", "case")
                page.screenshot(path=str(OUT / f"admin-upload-multi{suffix}.png"), full_page=True)

                page.goto(address + f"/admin/documents/{EDITED_ID}/history")
                page.locator("#v2").screenshot(path=str(OUT / f"admin-history-diff{suffix}.png"))

                page.goto(address + f"/admin/documents/{CASE_ID}/edit")
                page.wait_for_function("() => document.querySelectorAll('.picker-chip').length === 2")
                page.click("#f-cites-search")
                page.keyboard.type("整改")
                page.locator(".picker-option").first.wait_for()
                page.keyboard.press("ArrowDown")
                page.locator(".picker-field").scroll_into_view_if_needed()
                page.evaluate("window.scrollBy(0, -220)")
                page.screenshot(path=str(OUT / f"admin-picker{suffix}.png"))
                page.close()
            browser.close()
    finally:
        httpd.close()
        shutil.rmtree(base, ignore_errors=True)
    for pattern in ("admin-upload-multi*.png", "admin-history-diff*.png", "admin-picker*.png"):
        for name in sorted(OUT.glob(pattern)):
            print(name.name, name.stat().st_size // 1024, "KB")


if __name__ == "__main__":
    main()
