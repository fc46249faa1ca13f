"""Take the screenshots of the word-table editor, the misses page and the answer card's feedback.

Run from the repository root: ``.venv/bin/python docs/screenshots/make_table_screenshots.py``.
Works on a temporary copy of the sample corpus with a throw-away account; writes admin-tables*.png,
admin-misses*.png and answer-feedback*.png here, at desktop (1366 px) and phone (390 px) width.
"""
from __future__ import annotations

import shutil
import sys
import tempfile
import threading
import urllib.parse
from pathlib import Path

from playwright.sync_api import sync_playwright
from waitress import create_server

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

from indexer import KnowledgeBase  # noqa: E402
from webapp import create_app  # noqa: E402
from webapp.accounts import Accounts  # noqa: E402
from webapp.database import Database  # noqa: E402

OUT = Path(__file__).resolve().parent
ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
        "--no-first-run"]
PASSWORD = "screenshot-pass-1"
REFUSED = "督导组需要录音吗？"


def main() -> None:
    base = Path(tempfile.mkdtemp(prefix="policykb-shots-"))
    shutil.copytree(ROOT / "corpus", base / "corpus")
    kb = KnowledgeBase(base / "corpus", base / "index", instance_dir=base / "var")
    kb.index()
    Accounts(Database(base / "var")).add("王明", "editor", PASSWORD)
    app = create_app({"KB": kb, "INSTANCE_PATH": str(base / "var")})
    httpd = create_server(app, host="127.0.0.1", port=0, threads=4)
    threading.Thread(target=httpd.run, daemon=True).start()
    address = f"http://127.0.0.1:{httpd.effective_port}"
    try:
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(executable_path="/usr/bin/chromium", args=ARGS)
            for suffix, viewport in (("", {"width": 1366, "height": 900}), ("-phone", {"width": 390, "height": 844})):
                page = browser.new_page(viewport=viewport, device_scale_factor=1)
                page.goto(address + "/search?q=" + urllib.parse.quote(REFUSED))
                page.locator(".answer-card").screenshot(path=str(OUT / f"answer-feedback{suffix}.png"))
                page.click(".answer-card button:has-text('没用')")
                page.goto(address + "/admin/login")
                page.fill("#login-name", "王明")
                page.fill("#login-password", PASSWORD)
                page.click("button:has-text('登录')")
                page.wait_for_url("**/admin/")
                page.goto(address + "/admin/tables/wording?sample=" + urllib.parse.quote("督导笔记由谁审核？"))
                page.fill("#t-everyday", "督导笔记、工作笔记")
                page.fill("#t-official", "督导日志")
                page.click("button:has-text('预览')")
                page.wait_for_selector(".table-preview")
                page.screenshot(path=str(OUT / f"admin-tables{suffix}.png"), full_page=False)
                page.goto(address + "/admin/misses")
                page.screenshot(path=str(OUT / f"admin-misses{suffix}.png"), full_page=False)
                page.close()
            browser.close()
    finally:
        httpd.close()
        shutil.rmtree(base, ignore_errors=True)
    for name in sorted(OUT.glob("admin-tables*.png")) + sorted(OUT.glob("admin-misses*.png")) + \
            sorted(OUT.glob("answer-feedback*.png")):
        print(name.name, name.stat().st_size // 1024, "KB")


if __name__ == "__main__":
    main()
