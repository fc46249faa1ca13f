"""The document page: rendered text with anchors, metadata card, contents, citations, relations."""
from __future__ import annotations

from dataclasses import dataclass

from flask import Blueprint, current_app, render_template

from indexer import PolicyDoc, ResultCache

from .context import citation, get_kb
from .render import render_markdown

bp = Blueprint("documents", __name__)


@dataclass(frozen=True)
class RenderedBlock:
    kind: str
    anchor: str
    html: str
    level: int = 0
    title: str = ""
    section: str = ""
    cite: str = ""
    hidden: bool = False


RENDERED_DOCUMENTS = 128  # rendered pages kept per process (a long law renders in ~30 ms)


def rendered_blocks(doc: PolicyDoc) -> tuple[RenderedBlock, ...]:
    """Return the rendered blocks of *doc*, reusing the last rendering of the same text."""
    cache = current_app.extensions.get("policykb.rendered")
    if cache is None:
        cache = current_app.extensions.setdefault("policykb.rendered", ResultCache(RENDERED_DOCUMENTS))
    # Everything the rendering reads: the body (blocks), the title (hidden h1) and the 文号 (citations).
    key = (doc.id, doc.title, doc.doc_no, doc.body)
    return cache.get_or_compute(None, key, lambda: tuple(render_blocks(doc)))


def render_blocks(doc: PolicyDoc) -> list[RenderedBlock]:
    """Render each block separately so every heading and passage keeps its own anchor."""
    blocks = []
    for block in doc.blocks:
        if block.kind == "heading":
            hidden = block.level == 1 and block.title.strip() == doc.title.strip()
            blocks.append(RenderedBlock("heading", block.anchor, "" if hidden else render_markdown(block.markdown),
                                        level=block.level, title=block.title, hidden=hidden))
        else:
            section = block.passage.section if block.passage else ""
            blocks.append(RenderedBlock("passage", block.anchor, render_markdown(block.markdown),
                                        section=section, cite=citation(doc, section)))
    return blocks


def document_context(doc_id: str) -> dict:
    """Return everything the page and the API show about one document."""
    kb = get_kb()
    doc = kb.get_document(doc_id)
    catalog = kb.catalog()
    blocks = rendered_blocks(doc)
    return {
        "doc": doc,
        "blocks": blocks,
        "toc": [b for b in blocks if b.kind == "heading" and not b.hidden],
        "related": kb.related(doc.id),
        "cites": catalog.cited_by_case(doc.id) if doc.level == "case" else [],
        "cited_by": catalog.citing_cases(doc.id) if doc.level != "case" else [],
        "replaced_by": catalog.by_id.get(doc.replaced_by) if doc.replaced_by else None,
        "replaces": catalog.replaced_documents(doc.id),
        "doc_cite": citation(doc),
        "reading_steps": reading_list_steps(kb.reading_lists(), catalog.by_id, doc.id),
    }


def reading_list_steps(lists: list[dict], by_id: dict, doc_id: str) -> list[dict]:
    """Return, for every reading list holding *doc_id*, its place and the 上一篇 / 下一篇 documents.

    Shown on the document page whichever way the trainee arrived: a list read in order is the
    common case, and a document found by search still tells which list it belongs to.
    """
    steps = []
    for entry in lists:
        present = [item["doc"] for item in entry["items"] if item["doc"] in by_id]
        if doc_id not in present:
            continue
        n = present.index(doc_id)
        steps.append({"list": entry, "number": n + 1, "count": len(present),
                      "previous": by_id[present[n - 1]] if n > 0 else None,
                      "next": by_id[present[n + 1]] if n + 1 < len(present) else None})
    return steps


@bp.get("/documents/<doc_id>")
def show(doc_id: str):
    """Show one document."""
    return render_template("document.html", **document_context(doc_id))
