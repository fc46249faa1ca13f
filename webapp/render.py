"""Render corpus Markdown to safe HTML: Python-Markdown, then nh3 removes anything active."""
from __future__ import annotations

import threading

import markdown
import nh3

ALLOWED_TAGS = {
    "p", "br", "hr", "h1", "h2", "h3", "h4", "h5", "h6", "strong", "b", "em", "i", "u", "s", "del",
    "sub", "sup", "blockquote", "code", "pre", "ul", "ol", "li", "dl", "dt", "dd", "table", "thead",
    "tbody", "tfoot", "tr", "th", "td", "caption", "a", "span", "abbr", "mark", "img",
}
ALLOWED_ATTRIBUTES = {"a": {"href", "title"}, "img": {"src", "alt", "title"}, "th": {"align"},
                      "td": {"align"}, "abbr": {"title"}, "ol": {"start"}}
SNIPPET_TAGS = {"mark"}

_local = threading.local()


def _markdown() -> markdown.Markdown:
    # A Markdown instance keeps state between calls and is not thread-safe: one per thread.
    md = getattr(_local, "md", None)
    if md is None:
        md = _local.md = markdown.Markdown(extensions=["tables", "fenced_code", "sane_lists"])
    return md


def sanitize(html: str) -> str:
    """Remove scripts, event handlers, styles and dangerous URLs from *html*."""
    return nh3.clean(html, tags=ALLOWED_TAGS, attributes=ALLOWED_ATTRIBUTES,
                     url_schemes={"http", "https", "mailto"}, link_rel="noopener noreferrer")


def render_markdown(text: str) -> str:
    """Return sanitised HTML for one block of corpus Markdown."""
    md = _markdown()
    md.reset()
    return sanitize(md.convert(text))


def safe_snippet(html: str) -> str:
    """Keep only the <mark> tags of a search snippet (the core escapes the rest already)."""
    return nh3.clean(html, tags=SNIPPET_TAGS, attributes={})
