"""Take the 方案对照检查 screenshots: the form, the report, the parts beside the rules, a citation.

Run from the repository root: ``.venv/bin/python docs/screenshots/make_review_screenshots.py``.
Works on a temporary copy of the sample corpus; uploads the generated plan with known gaps that the
tests use (tests/review_plans.py); writes review-*.png here at desktop (1280 px) and phone (375 px)
width, and prints the page widths it checks.
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
from webapp import create_app  # noqa: E402
from review_plans import GAPS, as_docx, plan  # noqa: E402

OUT = Path(__file__).resolve().parent
ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
        "--no-first-run"]
TABLE = [["阶段", "时间", "学时"], ["学习动员", "7月下旬至8月下旬", "30"]]


def main() -> None:
    base = Path(tempfile.mkdtemp(prefix="policykb-shots-"))
    shutil.copytree(ROOT / "corpus", base / "corpus")
    kb = KnowledgeBase(base / "corpus", base / "index", instance_dir=base / "var")
    kb.index()
    plan_file = base / "示例机械厂实施方案.docx"
    plan_file.write_bytes(as_docx(plan(GAPS), TABLE))
    app = create_app({"KB": kb, "INSTANCE_PATH": str(base / "var")})
    httpd = create_server(app, host="127.0.0.1", port=0, threads=4)
    threading.Thread(target=httpd.run, daemon=True).start()
    url = f"http://127.0.0.1:{httpd.effective_port}"
    try:
        with sync_playwright() as p:
            browser = p.chromium.launch(executable_path="/usr/bin/chromium", args=ARGS)
            for width, suffix in ((1280, ""), (375, "-phone")):
                page = browser.new_page(viewport={"width": width, "height": 900}, device_scale_factor=1)
                page.goto(url + "/review")
                shot(page, f"review-form{suffix}.png")
                page.set_input_files("#review-file", str(plan_file))
                page.click("#review-submit")
                page.wait_for_selector(".findings")
                shot(page, f"review{suffix}.png")
                page.locator("#item-xueshi").evaluate("e => { e.scrollIntoView(); window.scrollBy(0, -10); }")
                shot(page, f"review-findings{suffix}.png")
                page.locator(".plan-parts h2").evaluate("e => e.scrollIntoView()")
                shot(page, f"review-parts{suffix}.png")
                page.locator("#item-xueshi .cite-link").click()
                page.wait_for_selector("#p55.is-highlighted")
                shot(page, f"review-citation{suffix}.png")
                page.close()
            browser.close()
    finally:
        httpd.close()
        shutil.rmtree(base, ignore_errors=True)


def shot(page, name: str) -> None:
    page.screenshot(path=str(OUT / name))
    print(f"{name}: scrollWidth {page.evaluate('document.documentElement.scrollWidth')}")


if __name__ == "__main__":
    main()
