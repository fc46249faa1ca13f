"""Split a Markdown body into headings and citable passages with stable anchors.

Chinese official documents keep one paragraph per line, so every non-empty line is a paragraph;
a line starting with 第X条 opens an article that collects the following lines (款, 项) until the
next article or heading; tables, lists and fenced code stay whole.
"""
from __future__ import annotations

import re

from ..models import Block, Passage
from ..analysis import cn_to_int, fold_width

_HEADING_RE = re.compile(r"^(#{1,6})\s+(.*?)\s*#*\s*$")
_ARTICLE_START_RE = re.compile(r"^\s*(?:\*\*)?第\s*([0-9]{1,4}|[零〇一二两三四五六七八九十百千]{1,7})\s*条")
_LIST_RE = re.compile(r"^\s*(?:[-*+]|\d+[.)])\s+")
_COMMENT_RE = re.compile(r"^\s*<!--.*-->\s*$")
_INLINE_LINK_RE = re.compile(r"!?\[([^\]]*)\]\([^)]*\)")
_INLINE_MARK_RE = re.compile(r"(\*\*|__|\*|_|`|~~)")
_TAG_RE = re.compile(r"<[^>]{1,200}>")

MAX_PASSAGE_CHARS = 1200


def plain_text(markdown: str) -> str:
    """Strip inline Markdown and HTML so the text reads as the user sees it."""
    text = _INLINE_LINK_RE.sub(r"\1", markdown)
    text = _TAG_RE.sub("", text)
    lines = []
    for line in text.splitlines():
        line = _HEADING_RE.sub(r"\2", line)
        line = _LIST_RE.sub("", line)
        if line.strip().startswith("|"):
            cells = [c.strip() for c in line.strip().strip("|").split("|")]
            if all(set(c) <= set("-: ") for c in cells):
                continue
            line = "  ".join(cells)
        line = re.sub(r"^\s*>\s?", "", line)
        lines.append(line.strip())
    text = "\n".join(l for l in lines if l)
    # Emphasis markers only (keep underscores inside words such as file names).
    return _INLINE_MARK_RE.sub("", text) if "*" in text or "`" in text or "~~" in text else text


def heading_slug(n: int) -> str:
    return f"h{n}"


def split_blocks(body: str, title: str = "") -> tuple[Block, ...]:
    """Split a Markdown *body* into heading and passage blocks (see module docstring).

    A heading equal to the document *title* is not repeated in the passages' heading paths.
    """
    doc_title = title.strip()
    blocks: list[Block] = []
    path: list[tuple[int, str]] = []
    current: list[str] = []
    current_kind = "paragraph"
    current_article: int | None = None
    used_anchors: set[str] = set()
    counters = {"p": 0, "h": 0}

    def anchor_for(kind: str, article: int | None) -> str:
        if article is not None:
            base = f"art{article}"
            anchor, n = base, 2
            while anchor in used_anchors:
                anchor, n = f"{base}-{n}", n + 1
        else:
            counters["p"] += 1
            anchor = f"p{counters['p']}"
        used_anchors.add(anchor)
        return anchor

    def flush():
        nonlocal current, current_kind, current_article
        if not current:
            return
        markdown = "\n".join(current).strip("\n")
        text = plain_text(markdown)
        if text.strip():
            for chunk_md, chunk_text in _limit(markdown, text, current_kind):
                anchor = anchor_for(current_kind, current_article if chunk_md is markdown else None)
                passage = Passage(anchor=anchor, heading=tuple(t for _, t in path), text=chunk_text,
                                  markdown=chunk_md, kind=current_kind, article=current_article)
                blocks.append(Block(kind="passage", anchor=anchor, markdown=chunk_md, passage=passage))
        current, current_kind, current_article = [], "paragraph", None

    lines = body.splitlines()
    i = 0
    while i < len(lines):
        line = lines[i]
        stripped = line.strip()
        if stripped.startswith("```") or stripped.startswith("~~~"):
            flush()
            fence = stripped[:3]
            chunk = [line]
            i += 1
            while i < len(lines):
                chunk.append(lines[i])
                if lines[i].strip().startswith(fence):
                    break
                i += 1
            current, current_kind = chunk, "code"
            flush()
            i += 1
            continue
        heading = _HEADING_RE.match(line)
        if heading:
            flush()
            level, title = len(heading.group(1)), plain_text(heading.group(2)).strip()
            while path and path[-1][0] >= level:
                path.pop()
            if title != doc_title:
                path.append((level, title))
            counters["h"] += 1
            anchor = heading_slug(counters["h"])
            blocks.append(Block(kind="heading", anchor=anchor, markdown=line, level=level, title=title))
            i += 1
            continue
        if not stripped or _COMMENT_RE.match(line):
            if current_kind in ("table", "list"):
                flush()
            i += 1
            continue
        if stripped.startswith("|"):
            if current_kind != "table":
                flush()
                current_kind = "table"
            current.append(line)
            i += 1
            continue
        if _LIST_RE.match(line) or (current_kind == "list" and line[:1] in " \t"):
            if current_kind != "list" and current_kind != "article":
                flush()
                current_kind = "list"
            current.append(line)
            i += 1
            continue
        article = _ARTICLE_START_RE.match(fold_width(line))
        if article:
            flush()
            current_kind, current_article = "article", cn_to_int(article.group(1))
            current.append(line)
            i += 1
            continue
        if current_kind == "article":
            current.append("")  # keep 款 as separate Markdown paragraphs
            current.append(line)
        else:
            flush()
            current = [line]
            flush()
        i += 1
    flush()
    return tuple(blocks)


def _limit(markdown: str, text: str, kind: str):
    """Split an overlong paragraph at sentence ends so passages stay citable."""
    if len(text) <= MAX_PASSAGE_CHARS or kind in ("table", "code", "list", "article"):
        return [(markdown, text)]
    pieces, buf = [], ""
    for sentence in re.split(r"(?<=[。！？；!?])", markdown):
        if buf and len(buf) + len(sentence) > MAX_PASSAGE_CHARS:
            pieces.append(buf)
            buf = ""
        buf += sentence
    if buf:
        pieces.append(buf)
    return [(p, plain_text(p)) for p in pieces]
