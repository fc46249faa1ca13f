"""Take the reader-polish screenshots (answer card, reading-list steps, cases, logged-in header, workspace).

Run from the repository root: ``.venv/bin/python docs/screenshots/make_reader_screenshots.py``.
Works on a temporary copy of the sample corpus with a throw-away account; writes reader-*.png here
at desktop (1280 px) and phone (375 px) width, and prints the layout measurements it checks.
"""
from __future__ import annotations

import shutil
import sys
import tempfile
import threading
from pathlib import Path
from urllib.parse import quote

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
PAGES = [("answer", "/search?q=" + quote("督导组由谁派出")), ("reading-step", "/documents/sheng-2005-dudao-banfa"),
         ("cases", "/cases"), ("workspace", "/admin/")]


def main() -> None:
    base = Path(tempfile.mkdtemp(prefix="policykb-shots-"))
    shutil.copytree(ROOT / "corpus", base / "corpus")
    kb = KnowledgeBase(base / "corpus", base / "index", instance_dir=base / "var")
    kb.index()
    Accounts(Database(base / "var")).add("王明", "admin", "screenshot-pass")
    app = create_app({"KB": kb, "INSTANCE_PATH": str(base / "var")})
    httpd = create_server(app, host="127.0.0.1", port=0, threads=4)
    threading.Thread(target=httpd.run, daemon=True).start()
    url = f"http://127.0.0.1:{httpd.effective_port}"
    try:
        with sync_playwright() as p:
            browser = p.chromium.launch(executable_path="/usr/bin/chromium", args=ARGS)
            for width, suffix in ((1280, ""), (375, "-phone")):
                page = browser.new_page(viewport={"width": width, "height": 800}, device_scale_factor=1)
                page.goto(url + "/admin/login")
                page.fill("#login-name", "王明")
                page.fill("#login-password", "screenshot-pass")
                page.click("button:has-text('登录')")
                for name, path in PAGES:
                    page.goto(url + path)
                    if name == "reading-step":
                        page.locator(".reading-step").first.scroll_into_view_if_needed()
                    target = OUT / f"reader-{name}{suffix}.png"
                    page.screenshot(path=str(target))
                    header = page.evaluate("document.querySelector('.site-header').offsetHeight")
                    print(f"{target.name}: scrollWidth {page.evaluate('document.documentElement.scrollWidth')}"
                          f" / {width}, header {header} px")
                page.close()
            browser.close()
    finally:
        httpd.close()
        shutil.rmtree(base, ignore_errors=True)


if __name__ == "__main__":
    main()
