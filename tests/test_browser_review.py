"""方案对照检查 in a real headless Chromium on ``policykb serve``: upload → report → the Word report
downloads and opens → a citation opens its highlighted passage; print view; phone width.

Skipped, with the reason, when Playwright or chromium is not installed.
"""
from __future__ import annotations

import io
import re

import docx
import pytest

pytest.importorskip("playwright.sync_api", reason="Playwright is not installed (pip install -e '.[test]')")

from test_browser import page, server  # noqa: E402,F401  (the site and a page that records every request)
from review_plans import GAPS, as_docx, plan  # noqa: E402


@pytest.fixture(scope="module")
def browser(chromium_browser):
    return chromium_browser


@pytest.fixture
def plan_file(tmp_path):
    path = tmp_path / "机械厂实施方案.docx"
    path.write_bytes(as_docx(plan(GAPS), [["阶段", "时间", "学时"], ["学习动员", "7月下旬至8月下旬", "30"]]))
    return path


def upload(page, path, checklist="shishi-fangan"):
    page.goto("/review")
    page.select_option("#review-checklist", checklist)
    page.set_input_files("#review-file", str(path))
    page.click("#review-submit")
    page.wait_for_selector(".findings")


def test_upload_report_download_and_citation(page, plan_file, tmp_path):
    upload(page, plan_file)
    assert page.locator(".report-summary strong").inner_text() == "12 项中 9 项符合、2 项不符、1 项未见"
    xueshi = page.locator("#item-xueshi")
    assert xueshi.get_attribute("data-status") == "不符"
    assert "方案中：30 学时" in xueshi.inner_text() and "要求：不少于 40 学时" in xueshi.inner_text()
    marked = xueshi.locator(".evidence mark").all_inner_texts()
    assert "30学时" in marked
    assert page.locator("#item-huodong-mingcheng .suggestion").inner_text() == "建议：“保先活动”应改为“先进性教育活动”。"
    assert page.locator(".plan-part .part-related li").count() >= 3  # the rules beside the plan's parts

    with page.expect_download() as info:
        page.click("#download-docx")
    download = info.value
    assert download.suggested_filename == "方案对照检查报告-示例机械厂保持共产党员先进性教育活动实施方案.docx"
    saved = tmp_path / "report.docx"
    download.save_as(saved)
    document = docx.Document(io.BytesIO(saved.read_bytes()))
    text = "\n".join(p.text for p in document.paragraphs)
    assert "方案中：30 学时；要求：不少于 40 学时。" in text and "“保先活动”应改为“先进性教育活动”" in text

    xueshi.locator(".cite-link").click()
    page.wait_for_url(re.compile(r"/documents/zzb-2005-dudao-peixun-jianghua#p55$"))
    target = page.locator("#p55")
    assert "is-highlighted" in target.get_attribute("class")
    assert "学习培训的时间一般不少于40学时" in target.inner_text()
    assert target.evaluate("e => getComputedStyle(e).backgroundColor") not in ("rgba(0, 0, 0, 0)", "transparent")
    box = target.bounding_box()
    assert box and 0 <= box["y"] < 768  # scrolled into view


def test_print_view_shows_the_report_without_the_form(page, plan_file):
    upload(page, plan_file)
    page.emulate_media(media="print")
    for selector in (".site-header", ".review-form-box", ".report-actions", ".site-footer"):
        assert page.locator(selector).is_hidden(), selector
    assert page.locator(".report-summary").is_visible() and page.locator("#item-xueshi").is_visible()


def test_pasted_text_and_the_phone_width(browser, server):
    context = browser.new_context(viewport={"width": 390, "height": 844}, base_url=server)
    phone = context.new_page()
    try:
        phone.goto("/review")
        assert phone.evaluate("document.documentElement.scrollWidth") <= 390
        phone.select_option("#review-checklist", "jieduan-xiaojie")
        phone.fill("#review-text", "示例铸造厂学习动员阶段小结\n本阶段思想发动比较充分。三班倒党员集中学习只有28学时。\n")
        phone.click("#review-submit")
        phone.wait_for_selector(".findings")
        assert phone.locator("#item-xueshi").get_attribute("data-status") == "不符"
        assert phone.evaluate("document.documentElement.scrollWidth") <= 390
    finally:
        context.close()
