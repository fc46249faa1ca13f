"""A real browser (Debian's chromium, headless) fills the 高级检索 panel, submits it, and gets the grammar URL.

Skipped with the reason when Playwright or /usr/bin/chromium is missing; browsers are never downloaded.
"""
from __future__ import annotations

import threading
from urllib.parse import urlencode

import pytest


@pytest.fixture(scope="module")
def browser(chromium_browser):
    return chromium_browser


@pytest.fixture(scope="module")
def server(sample_kb, tmp_path_factory):
    """The site on a free local port over the (read-only) sample corpus."""
    from waitress import create_server

    from webapp import create_app

    app = create_app({"KB": sample_kb, "INSTANCE_PATH": str(tmp_path_factory.mktemp("browser-advanced"))})
    httpd = create_server(app, host="127.0.0.1", port=0, threads=4)
    stopping = threading.Event()

    def run():
        try:
            httpd.run()
        except (OSError, ValueError):
            if not stopping.is_set():
                raise

    threading.Thread(target=run, daemon=True).start()
    yield f"http://127.0.0.1:{httpd.effective_port}"
    stopping.set()
    httpd.close()


def hit_ids(page) -> list[str]:
    return page.eval_on_selector_all(".hit", "els => els.map(e => e.dataset.docId)")


@pytest.mark.parametrize("javascript", [True, False], ids=["with-js", "without-js"])
def test_fill_the_panel_submit_and_get_the_typed_querys_url_and_results(server, browser, javascript):
    context = browser.new_context(viewport={"width": 1280, "height": 900}, java_script_enabled=javascript)
    page = context.new_page()
    problems: list[str] = []
    page.on("console", lambda msg: problems.append(msg.text) if msg.type == "error" else None)
    page.on("pageerror", lambda exc: problems.append(str(exc)))
    typed = '督导 -补课 级别:集团 级别:市级 年份:2005'
    page.goto(server + "/search?" + urlencode({"q": typed}))
    expected_ids = hit_ids(page)
    assert expected_ids

    page.goto(server + "/search?q=" + "%E5%AD%A6%E4%B9%A0")  # 学习
    panel = page.locator("details.advanced-search")
    assert panel.get_attribute("open") is None  # collapsed until asked for
    page.click("details.advanced-search > summary")
    page.get_by_label(exact=True, text="关键词").fill("督导")
    page.get_by_label(exact=True, text="排除词").fill("补课")
    page.get_by_label(exact=True, text="集团").check()
    page.get_by_label(exact=True, text="市级").check()
    page.get_by_label(exact=True, text="从").fill("2005")
    page.get_by_label(exact=True, text="到").fill("2005")
    page.click(".advanced-form .adv-submit")
    page.wait_for_url("**/search?q=*")
    # The boxes are in hierarchy order, so 市级 comes before 集团 whatever order they were ticked in.
    assert page.url == server + "/search?" + urlencode([("q", "督导 -补课"), ("level", "municipal"),
                                                          ("level", "group"), ("year", "2005")])
    assert hit_ids(page) == expected_ids
    # The filters show as chips, and the panel comes back filled in.
    chips = page.locator(".selected-filters .chip").all_inner_texts()
    assert any("集团" in c for c in chips) and any("2005" in c for c in chips)
    page.click("details.advanced-search > summary")
    assert page.get_by_label(exact=True, text="关键词").input_value() == "督导"
    assert page.get_by_label(exact=True, text="排除词").input_value() == "补课"
    assert page.get_by_label(exact=True, text="集团").is_checked() and page.get_by_label(exact=True, text="市级").is_checked()
    assert not page.get_by_label(exact=True, text="中央").is_checked()
    assert page.get_by_label(exact=True, text="从").input_value() == "2005" and page.get_by_label(exact=True, text="到").input_value() == "2005"
    context.close()
    assert not problems, problems


def test_the_panel_fits_a_phone(server, browser):
    context = browser.new_context(viewport={"width": 375, "height": 800})
    page = context.new_page()
    page.goto(server + "/search?q=%E7%9D%A3%E5%AF%BC")
    page.click("details.advanced-search > summary")
    page.get_by_label(exact=True, text="精确短语").fill("群众满意度")
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= 375, f"the page scrolls sideways at phone width ({width} px)"
    for selector in ("#adv-words", "#adv-issuer", ".adv-submit"):
        box = page.locator(selector).bounding_box()
        assert box["x"] >= 0 and box["x"] + box["width"] <= 375, selector
    page.click(".advanced-form .adv-submit")
    page.wait_for_url("**/search?q=*")
    assert "%22%E7%BE%A4%E4%BC%97%E6%BB%A1%E6%84%8F%E5%BA%A6%22" in page.url  # "群众满意度" in q
    context.close()
