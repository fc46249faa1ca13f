"""JSON API: the same data as the pages; errors as ``{"error": "..."}`` with the right status."""
from __future__ import annotations

from flask import Blueprint, current_app, jsonify, request

from indexer import QueryError

from .auth import csrf
from .context import get_kb
from .documents import document_context
from .links import as_json, document_url
from .params import SearchState
from .review import run_review

bp = Blueprint("api", __name__, url_prefix="/api")


def _per_page() -> str:
    return request.args.get("per_page", str(current_app.config["PER_PAGE"]))


@bp.get("/search")
def search():
    """Search; parameters as on /search plus per_page (1–100)."""
    state = SearchState.from_args(request.args)
    page = get_kb().search(state.q, per_page=_per_page(), **state.search_options())
    data = as_json(page)
    data["pages"] = page.pages
    return jsonify(data)


@bp.get("/ask")
def ask():
    """Answer a question: exact sentences with citations, or the best search hits instead."""
    levels = request.args.getlist("level") or None
    limit = request.args.get("limit", "3")
    result = get_kb().ask(request.args.get("q", ""), level=levels, limit=limit)
    return jsonify(as_json(result))


@bp.get("/documents/<doc_id>")
def document(doc_id: str):
    """Return a document's metadata, rendered passages with citations, and its relations."""
    ctx = document_context(doc_id)
    doc = ctx["doc"]

    def brief(meta):
        return {k: meta.get(k) for k in ("id", "title", "level", "level_label", "doc_type", "doc_no",
                                          "date", "status")}

    data = doc.metadata()
    data.update(
        url=document_url(doc.id),
        citation=ctx["doc_cite"],
        body=doc.body,
        blocks=[{"kind": b.kind, "anchor": b.anchor, "html": b.html, "level": b.level,
                 "title": b.title, "section": b.section, "citation": b.cite}
                for b in ctx["blocks"] if not b.hidden],
        related=[brief(m) for m in ctx["related"]],
        cites=[brief(m) for m in ctx["cites"]],
        cited_by=[brief(m) for m in ctx["cited_by"]],
    )
    return jsonify(data)


@bp.get("/suggest")
def suggest():
    """Return completions for q from titles, glossary terms and aliases."""
    q = request.args.get("q", "")
    if len(q) > 200:
        raise QueryError("输入过长，请控制在 200 字以内。", "q")
    try:
        limit = int(request.args.get("limit", "8"))
    except ValueError:
        raise QueryError("参数 limit 应为整数。", "limit")
    if not 1 <= limit <= 20:
        raise QueryError("参数 limit 应在 1 到 20 之间。", "limit")
    suggestions = get_kb().suggest(q, limit=limit)
    return jsonify(query=q, suggestions=[s.to_dict() for s in suggestions])


@bp.get("/facets")
def facets():
    """Return facet counts over the documents matching q and the filters (all when empty)."""
    state = SearchState.from_args(request.args)
    page = get_kb().search(state.q, per_page=1, **state.search_options())
    data = page.to_dict()
    return jsonify(query=data["query"], total=data["total"], facets=data["facets"])


@bp.post("/review")
@csrf.exempt  # reads the plan and answers; stores and changes nothing (tests/test_csrf.py checks both)
def review():
    """Check a plan (multipart ``file``, or ``text``) against ``checklist``; the report as JSON."""
    report = run_review(request.form, request.files)
    return jsonify(as_json(report))
