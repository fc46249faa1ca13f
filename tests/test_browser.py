"""The site in a real headless Chromium (Debian's chromium driven by Playwright).

The server is the real thing: ``policykb serve`` in a subprocess on a free loopback port.
Skipped, with the reason, when Playwright or chromium is not installed.
"""
from __future__ import annotations

import json
import os
import queue
import re
import shutil
import subprocess
import sys
import threading
from pathlib import Path
from urllib.parse import quote, urlsplit

import pytest
from click.testing import CliRunner

from indexer.cli import cli

from conftest import ROOT, SAMPLE_CORPUS

sync_api = pytest.importorskip("playwright.sync_api", reason="Playwright is not installed (pip install -e '.[test]')")

CHROMIUM = next((p for p in ("/usr/bin/chromium", shutil.which("chromium") or "",
                             shutil.which("chromium-browser") or "") if p and os.path.exists(p)), None)
if CHROMIUM is None:
    pytest.skip("未安装 chromium（Debian: apt-get install chromium），跳过浏览器测试", allow_module_level=True)

CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--no-first-run"]
CLI_QUERIES = ["保先活动", "第32条", '"群众满意度测评"', "示例集团党发[2005]12号"]


@pytest.fixture(scope="session")
def server(sample_kb, tmp_path_factory):
    """Run ``policykb serve --port 0`` and return its printed address."""
    env = dict(os.environ, PYTHONUNBUFFERED="1", POLICYKB_INSTANCE=str(tmp_path_factory.mktemp("instance")))
    process = subprocess.Popen(
        [sys.executable, "-m", "webapp.cli", "serve", "--port", "0", "--corpus", str(SAMPLE_CORPUS),
         "--index", str(sample_kb.index_dir)],
        cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, encoding="utf-8")
    lines: queue.Queue = queue.Queue()

    def read():
        for line in process.stdout:
            lines.put(line)
        lines.put(None)

    threading.Thread(target=read, daemon=True).start()
    address, output = None, []
    while address is None:
        try:
            line = lines.get(timeout=60)
        except queue.Empty:
            line = None
        if line is None:
            break
        output.append(line)
        match = re.search(r"网站已启动：请在浏览器中打开 (http://127\.0\.0\.1:\d+)/", line)
        if match:
            address = match.group(1)
    if address is None:
        process.kill()
        process.wait(timeout=10)
        process.stdout.close()
        pytest.fail("policykb serve did not print its address:\n" + "".join(output))
    yield address
    process.terminate()
    process.wait(timeout=10)
    process.stdout.close()


@pytest.fixture(scope="session")
def browser(chromium_browser):
    return chromium_browser


@pytest.fixture
def page(browser, server):
    """A page whose every request is logged; anything not for our server is blocked and recorded."""
    context = browser.new_context(viewport={"width": 1366, "height": 768}, base_url=server)
    host = urlsplit(server).netloc
    requested, foreign = [], []

    def route(route_):
        url = route_.request.url
        requested.append(url)
        if urlsplit(url).netloc != host or not url.startswith("http://127.0.0.1:"):
            foreign.append(url)
            route_.abort()
        else:
            route_.continue_()

    context.route("**/*", route)
    page = context.new_page()
    page.requested, page.foreign = requested, foreign
    errors = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    # A 404 page logs its own status as a console error; anything else is a fault of ours.
    page.on("console", lambda msg: errors.append(msg.text)
            if msg.type == "error" and "status of 404" not in msg.text else None)
    yield page
    context.close()
    assert not foreign, f"requests left 127.0.0.1: {foreign}"
    assert not errors, f"errors in the browser console: {errors}"


def result_ids(page) -> list[str]:
    return page.eval_on_selector_all(".hit", "els => els.map(e => e.dataset.docId)")


def test_search_facet_open_document_passage_highlighted(page):
    page.goto("/")
    page.fill("#q", "第32条")
    page.press("#q", "Enter")
    page.wait_for_selector(".hit")
    assert "q=%E7%AC%AC32%E6%9D%A1" in page.url
    page.click('.facet[data-facet="level"] a[data-value="provincial"]')
    page.wait_for_url(re.compile(r"level=provincial"))
    assert page.locator('.facet-value.selected[data-value="provincial"]').count() == 1
    assert all(i.startswith("sheng-") for i in result_ids(page))
    page.click(".hit .snippet >> nth=0")
    page.wait_for_url(re.compile(r"/documents/sheng-2005-dudao-banfa#art32$"))
    assert page.evaluate("document.querySelector(':target').id") == "art32"
    target = page.locator("#art32")
    assert "is-highlighted" in target.get_attribute("class")
    assert target.evaluate("e => getComputedStyle(e).backgroundColor") not in ("rgba(0, 0, 0, 0)", "transparent")
    assert target.is_visible() and target.bounding_box()["y"] < 768  # scrolled into view


@pytest.mark.parametrize("query", CLI_QUERIES)
def test_queries_typed_in_the_browser_match_the_cli(page, sample_kb, query):
    result = CliRunner().invoke(cli, ["search", "--corpus", str(SAMPLE_CORPUS), "--index", str(sample_kb.index_dir),
                                      query, "--json"], catch_exceptions=False)
    expected = [hit["id"] for hit in json.loads(result.output)["hits"]]
    page.goto("/")
    page.fill("#q", query)
    page.press("#q", "Enter")
    page.wait_for_load_state()
    page.wait_for_selector(".hit")
    assert result_ids(page) == expected
    assert page.input_value("#header-q") == query  # the box shows what was searched


def test_suggestions_appear_while_typing_and_keyboard_selects(page):
    page.goto("/")
    page.locator("#q").press_sequentially("督导", delay=80)
    items = page.locator("#q-list li")
    items.first.wait_for(state="visible", timeout=5000)
    texts = items.all_inner_texts()
    assert any("术语" in t for t in texts) and any("文档" in t for t in texts)
    assert page.get_attribute("#q", "aria-expanded") == "true"
    page.press("#q", "ArrowDown")
    first = page.locator("#q-list li").first
    assert first.get_attribute("aria-selected") == "true"
    assert first.locator(".text").inner_text() == "督导组"  # the term comes first, before the titles
    page.press("#q", "Enter")
    page.wait_for_url(re.compile(r"/search\?q="))
    assert urlsplit(page.url).query == "q=" + quote("督导组")
    assert page.input_value("#header-q") == "督导组"  # the chosen suggestion is what was searched
    page.wait_for_selector(".hit")


def test_alias_suggestion_explains_the_full_name(page):
    page.goto("/search?q=x")
    page.locator("#header-q").fill("")
    page.locator("#header-q").press_sequentially("保先", delay=80)
    page.locator("#header-q-list li").first.wait_for(state="visible", timeout=5000)
    assert "先进性教育活动" in page.locator("#header-q-list").inner_text()
    page.press("#header-q", "Escape")
    assert page.locator("#header-q-list").is_hidden()


def test_print_view_hides_navigation(page):
    page.goto("/documents/sheng-2005-dudao-banfa#art32")
    assert page.locator(".site-header").is_visible()
    page.emulate_media(media="print")
    for selector in (".site-header", ".site-nav", ".doc-aside", ".site-footer", ".copy-cite >> nth=0"):
        assert page.locator(selector).is_hidden(), selector
    assert page.locator("#art32").is_visible() and page.locator("h1#doc-title").is_visible()
    page.goto("/search?q=" + quote("督导"))
    page.emulate_media(media="print")
    assert page.locator(".facets").is_hidden() and page.locator(".hit >> nth=0").is_visible()


def test_copy_citation_puts_the_citation_on_the_clipboard(page):
    page.context.grant_permissions(["clipboard-read", "clipboard-write"])
    page.goto("/documents/sheng-2005-dudao-banfa#art32")
    page.click("#art32 .copy-cite")
    expected = "《示例省保持共产党员先进性教育活动督导工作办法》（示例省教领〔2005〕4号）第三十二条"
    page.wait_for_function("() => document.querySelector('.copy-status').textContent.length > 0")
    assert page.locator(".copy-status").inner_text() == "已复制：" + expected
    assert page.evaluate("navigator.clipboard.readText()") == expected


def test_phone_width_has_no_horizontal_scrolling(browser, server):
    context = browser.new_context(viewport={"width": 390, "height": 844}, base_url=server)
    page = context.new_page()
    try:
        for path in ("/", "/search?q=" + quote("群众满意度 补课"), "/documents/sheng-2005-dudao-banfa",
                     "/glossary", "/reading-lists/dudao-rumen", "/browse", "/cases"):
            page.goto(path)
            width = page.evaluate("document.documentElement.scrollWidth")
            assert width <= 390, (path, width)
        page.goto("/search?q=" + quote("督导"))
        assert page.locator(".facet").first.is_hidden()  # facets fold away on a phone
        page.click(".facet-box > summary")
        assert page.locator(".facet").first.is_visible()
    finally:
        context.close()


def test_every_request_stays_on_the_local_server(page, server):
    for path in ("/", "/search?q=" + quote("督导"), "/documents/sheng-2005-dudao-banfa", "/browse", "/cases",
                 "/tags", "/glossary", "/reading-lists", "/reading-lists/dudao-rumen", "/no-such-page"):
        page.goto(path)
        page.wait_for_load_state("load")
    page.goto("/")
    page.locator("#q").press_sequentially("督导", delay=50)
    page.locator("#q-list li").first.wait_for(state="visible")
    assert any("/static/style.css" in url for url in page.requested)
    assert any("/api/suggest" in url for url in page.requested)
    assert all(url.startswith(server + "/") for url in page.requested)
    assert not page.foreign


def test_keyboard_users_can_skip_to_the_content(page):
    page.goto("/search?q=" + quote("督导"))
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.className") == "skip-link"
    assert page.locator(".skip-link").is_visible()


def test_copy_citation_on_the_answer_card(page):
    from test_web_answers import EXPECTED_CITE
    page.context.grant_permissions(["clipboard-read", "clipboard-write"])
    page.goto("/search?q=" + quote("督导组由谁派出"))
    page.click(".answer-citation .copy-cite")
    status = page.locator(".answer-card .copy-status")
    page.wait_for_function("() => document.querySelector('.answer-card .copy-status').textContent.length > 0")
    assert status.inner_text() == "已复制：" + EXPECTED_CITE
    assert page.evaluate("navigator.clipboard.readText()") == EXPECTED_CITE
