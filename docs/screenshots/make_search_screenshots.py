"""Take the advanced-search screenshots: the 高级检索 panel open on a results page, and /search/advanced.

Run from the repository root: ``.venv/bin/python docs/screenshots/make_search_screenshots.py``.
Works on a temporary index of the sample corpus; writes search-advanced*.png here at desktop (1280 px)
and phone (375 px) width, and prints the page width it checks (no sideways scrolling).
"""
from __future__ import annotations

import shutil
import sys
import tempfile
import threading
from pathlib import Path
from urllib.parse import urlencode

from playwright.sync_api import sync_playwright
from waitress import create_server

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

from indexer import KnowledgeBase  # noqa: E402
from webapp import create_app  # noqa: E402

OUT = Path(__file__).resolve().parent
ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
        "--no-first-run"]
RESULTS = "/search?" + urlencode([("q", '督导 "群众满意度" -补课'), ("level", "municipal"), ("level", "group"),
                                  ("year", "2005")])
PAGES = [("search-advanced", RESULTS, True), ("search-advanced-page", "/search/advanced?" + urlencode(
    {"q": "学习培训 级别:省级 状态:现行有效"}), False)]


def main() -> None:
    base = Path(tempfile.mkdtemp(prefix="policykb-shots-"))
    kb = KnowledgeBase(ROOT / "corpus", base / "index", instance_dir=base / "var")
    kb.index()
    app = create_app({"KB": kb, "INSTANCE_PATH": str(base / "var")})
    httpd = create_server(app, host="127.0.0.1", port=0, threads=4)
    threading.Thread(target=httpd.run, daemon=True).start()
    url = f"http://127.0.0.1:{httpd.effective_port}"
    try:
        with sync_playwright() as p:
            browser = p.chromium.launch(executable_path="/usr/bin/chromium", args=ARGS)
            for width, suffix in ((1280, ""), (375, "-phone")):
                page = browser.new_page(viewport={"width": width, "height": 900}, device_scale_factor=1)
                for name, path, open_panel in PAGES:
                    page.goto(url + path)
                    if open_panel:
                        page.click("details.advanced-search > summary")
                    target = OUT / f"{name}{suffix}.png"
                    page.screenshot(path=str(target), full_page=width < 1000)
                    print(f"{target.name}: scrollWidth {page.evaluate('document.documentElement.scrollWidth')}"
                          f" / {width}")
                page.close()
            browser.close()
    finally:
        httpd.close()
        shutil.rmtree(base, ignore_errors=True)


if __name__ == "__main__":
    main()
