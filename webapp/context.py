"""What every view shares: the knowledge base, template helpers and security headers."""
from __future__ import annotations

import re

from flask import Flask, current_app, request

from indexer import KnowledgeBase
from indexer import FACET_BY_NAME, FACETS, LEVELS


CSP = ("default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; "
       "object-src 'none'; base-uri 'none'; frame-ancestors 'none'; form-action 'self'")

# Main navigation: (endpoint, label).  Other blueprints (e.g. admin) append to NAV in init.
NAV = [
    ("search.home", "检索"),
    ("browse.overview", "分类浏览"),
    ("browse.cases", "典型案例"),
    ("browse.glossary", "术语"),
    ("browse.reading_lists", "学习路径"),
    ("review.page", "方案检查"),
]


def get_kb() -> KnowledgeBase:
    """Return the application's knowledge base."""
    return current_app.extensions["policykb"]


_DIGITS = "零一二三四五六七八九"
_ARTICLE_RE = re.compile(r"第(\d{1,4})条$")


def chinese_number(n: int) -> str:
    """Return *n* (1–9999) in Chinese numerals as articles are written: 32 → 三十二."""
    if n < 10:
        return _DIGITS[n]
    out, zero = "", False
    for value, unit in ((1000, "千"), (100, "百"), (10, "十"), (1, "")):
        digit = n // value % 10
        if digit:
            if zero:
                out += "零"
            out += ("" if (digit == 1 and unit == "十" and not out) else _DIGITS[digit]) + unit
            zero = False
        elif out:
            zero = True
    return out


def citation(meta, section: str = "") -> str:
    """Return a ready citation: 《标题》（文号）第三十二条, or the heading path for other passages."""
    title = meta["title"] if isinstance(meta, dict) else meta.title
    doc_no = meta["doc_no"] if isinstance(meta, dict) else meta.doc_no
    text = f"《{title}》" + (f"（{doc_no}）" if doc_no else "")
    article = _ARTICLE_RE.search(section or "")
    if article:
        return text + f"第{chinese_number(int(article.group(1)))}条"
    return text + (f" {section}" if section else "")


def answer_citation(answer) -> str:
    """Return the citation of an answer ready to paste: document, 文号, issuer, date, article, sentence."""
    head = citation(answer)
    article = citation(answer, answer.section)[len(head):].strip()  # 第三十二条, or the heading path
    parts = [head] + [x for x in (answer.issuer, answer.date, article) if x]
    sentence = answer.text.strip()
    if article and sentence.startswith(article):  # the article's text begins with its own number
        sentence = sentence[len(article):].lstrip()
    return "，".join(parts) + ("" if parts[-1][-1] in "？?：:" else "：") + f"“{sentence}”"


def init_app(app: Flask) -> None:
    app.jinja_env.trim_blocks = True
    app.jinja_env.lstrip_blocks = True
    from indexer import TYPE_LABELS

    from .links import document_url
    from .render import safe_snippet
    app.jinja_env.globals.update(NAV=NAV, LEVELS=LEVELS, FACETS=FACETS, FACET_BY_NAME=FACET_BY_NAME, citation=citation,
                                 answer_citation=answer_citation, document_url=document_url,
                                 ANSWER_TYPES=TYPE_LABELS, answer_html=safe_snippet)

    @app.after_request
    def security_headers(response):
        response.headers.setdefault("Content-Security-Policy", CSP)
        response.headers.setdefault("X-Content-Type-Options", "nosniff")
        response.headers.setdefault("Referrer-Policy", "same-origin")
        response.headers.setdefault("X-Frame-Options", "DENY")
        if request.path.startswith("/api/"):
            response.headers.setdefault("Cache-Control", "no-store")
        return response
