"""Take the README screenshots with Debian's chromium: python docs/screenshots/make_screenshots.py URL.

Start the site first (``policykb serve``); pass its address.  Writes PNGs next to this file.
"""
from __future__ import annotations

import sys
from pathlib import Path
from urllib.parse import quote

from playwright.sync_api import sync_playwright

OUT = Path(__file__).resolve().parent
ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
        "--no-first-run"]
PAGES = [
    ("home", "/"),
    ("results", "/search?q=" + quote("群众满意度 补课")),
    ("document", "/documents/sheng-2005-dudao-banfa#art3"),
    ("glossary", "/glossary"),
    ("reading-list", "/reading-lists/dudao-rumen"),
]
SIZES = {"": (1366, 768), "-phone": (390, 844)}


def main(base: str) -> None:
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path="/usr/bin/chromium", args=ARGS)
        for suffix, (width, height) in SIZES.items():
            page = browser.new_page(viewport={"width": width, "height": height}, device_scale_factor=1)
            for name, path in PAGES:
                if suffix and name not in ("home", "results", "document"):
                    continue
                page.goto(base.rstrip("/") + path)
                page.wait_for_load_state("networkidle")
                if name == "document" and not suffix:
                    page.evaluate("window.scrollTo(0, 0)")  # show the metadata card and the highlight
                target = OUT / f"{name}{suffix}.png"
                page.screenshot(path=str(target))
                print(target, target.stat().st_size // 1024, "KB")
            page.close()
        browser.close()


if __name__ == "__main__":
    main(sys.argv[1] if len(sys.argv) > 1 else "http://127.0.0.1:8000")
