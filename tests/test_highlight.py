"""One highlighter: snippets, the answer card and the command line mark the same spans.

What to mark is chosen once (a ``Marked``); HTML, terminal and plain text are formatters over it.
"""
from __future__ import annotations

import re
from html import unescape

import pytest
from click.testing import CliRunner

from indexer.search import HTML, PLAIN, TERMINAL, Marked
from webapp.cli import cli

FORMATTERS = {"html": HTML, "terminal": TERMINAL, "plain": PLAIN}
TEXT = "第一条 督导组<b>不得</b>干预 & 督导对象的正常工作，督导组组长负责督导日志。"


def pieces(formatter, written: str) -> tuple[list[str], str]:
    """Return (the marked pieces, the whole text without marks) of *written*, unescaped for HTML."""
    pattern = re.escape(formatter.open) + "(.*?)" + re.escape(formatter.close)
    marked = re.findall(pattern, written, re.S)
    bare = written.replace(formatter.open, "").replace(formatter.close, "")
    if formatter is HTML:
        marked, bare = [unescape(m) for m in marked], unescape(bare)
    return marked, bare


def spans_of(text: str, *words: str) -> tuple[tuple[int, int], ...]:
    return tuple(sorted((m.start(), m.end()) for w in words for m in re.finditer(re.escape(w), text)))


@pytest.mark.parametrize("start, end", [(0, None), (4, 30), (10, 20)])
def test_the_three_formatters_mark_the_same_spans(start, end):
    marked = Marked(TEXT, spans_of(TEXT, "督导组", "<b>不得</b>", "督导日志"), start, end,
                    before=start > 0, after=end is not None)
    results = {name: pieces(f, marked.format(f)) for name, f in FORMATTERS.items()}
    for name, (marks, bare) in results.items():
        assert bare == ("…" if start else "") + TEXT[start:end] + ("…" if end else ""), name
        assert marks == results["plain"][0], name
    if end is None:
        assert results["plain"][0] == ["督导组", "<b>不得</b>", "督导组", "督导日志"]


def test_a_mark_cut_by_the_window_is_clipped_the_same_way():
    marked = Marked(TEXT, spans_of(TEXT, "督导组<b>不得</b>"), 6, 30, before=True, after=True)
    assert marked.format(PLAIN) == "…【组<b>不得</b>】" + TEXT[16:30] + "…"
    assert marked.format(HTML) == "…<mark>组&lt;b&gt;不得&lt;/b&gt;</mark>" + TEXT[16:30].replace("&", "&amp;") + "…"
    assert marked.format(TERMINAL) == "…\x1b[1;33m组<b>不得</b>\x1b[0m" + TEXT[16:30] + "…"


def test_html_escapes_the_text_and_the_marked_words():
    text = '<script>alert("x")</script> 督导 & <img src=x onerror=alert(1)>'
    html = Marked(text, spans_of(text, "督导", "<img")).format(HTML)
    assert "<script" not in html and "<img" not in html
    assert html == ('&lt;script&gt;alert("x")&lt;/script&gt; <mark>督导</mark> &amp; '
                    '<mark>&lt;img</mark> src=x onerror=alert(1)&gt;')
    # terminal and plain text are not HTML: nothing escaped
    assert Marked(text, spans_of(text, "督导")).format(PLAIN) == text.replace("督导", "【督导】")


def test_the_snippet_of_a_hit_is_its_marks_written_as_html(sample_kb):
    page = sample_kb.search("督导组 组长")
    assert page.hits
    for hit in page.hits:
        assert hit.snippet == hit.marked.format(HTML)
        marks, _ = pieces(HTML, hit.snippet)
        assert marks and all("督导" in m or "组" in m for m in marks), marks


def test_the_cli_marks_the_words_the_page_marks(sample_kb):
    page = sample_kb.search("督导组 组长", per_page=3)
    args = ["--corpus", str(sample_kb.corpus.root), "--index", str(sample_kb.index_dir)]
    result = CliRunner().invoke(cli, ["search", "督导组", "组长", *args, "--limit", "3"], catch_exceptions=False)
    assert result.exit_code == 0, result.output
    for hit in page.hits:
        line = pieces(HTML, hit.snippet)[1].replace("\n", " ")
        written = PLAIN.write(hit.marked)
        assert written in result.output  # piped: the snippet with 【】 where the page has <mark>
        assert pieces(PLAIN, written) == (pieces(HTML, hit.snippet)[0], line)


def test_the_answer_card_and_the_cli_mark_the_same_clause(sample_kb):
    answers = sample_kb.ask("督导日志由谁审核？").answers
    assert answers
    top = answers[0]
    assert top.html == top.marked.format(HTML)
    marks, bare = pieces(HTML, top.html)
    assert len(marks) == 1 and "组长" in bare
    args = ["--corpus", str(sample_kb.corpus.root), "--index", str(sample_kb.index_dir)]
    result = CliRunner().invoke(cli, ["ask", "督导日志由谁审核？", *args], catch_exceptions=False)
    assert result.exit_code == 0, result.output
    assert f"【{marks[0]}】" in result.output
    assert "<mark>" not in result.output
