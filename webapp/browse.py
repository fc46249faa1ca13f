"""Browsing for trainees: by level, type, year and tag; typical cases; glossary; reading lists."""
from __future__ import annotations

from flask import Blueprint, render_template

from .context import get_kb
from .errors import PageNotFound
from .params import SearchState

bp = Blueprint("browse", __name__)


@bp.get("/browse")
def overview():
    """Show every level, document type, year and tag with its number of documents."""
    catalog = get_kb().catalog()
    return render_template("browse.html", counts=catalog.counts(), total=len(catalog.metas),
                           state=SearchState())


@bp.get("/cases")
def cases():
    """Show the typical cases as a gallery, each with the rules it cites."""
    catalog = get_kb().catalog()
    items = [(m, catalog.cited_by_case(m["id"])) for m in catalog.metas if m.get("level") == "case"]
    return render_template("cases.html", items=items)


@bp.get("/tags")
def tags():
    """Show all topic tags with counts."""
    return render_template("tags.html", tags=get_kb().catalog().counts()["tags"], state=SearchState())


@bp.get("/glossary")
def glossary():
    """Show the glossary, each term linked to the passage it comes from."""
    entries = get_kb().glossary_entries()
    return render_template("glossary.html", entries=entries)


@bp.get("/reading-lists")
def reading_lists():
    """Show all reading lists."""
    return render_template("reading_lists.html", lists=get_kb().reading_lists())


@bp.get("/reading-lists/<list_id>")
def reading_list(list_id: str):
    """Show one reading list as ordered steps a trainee can work through."""
    entry = get_kb().reading_list(list_id)
    if entry is None:
        raise PageNotFound(f"找不到学习路径“{list_id}”。")
    return render_template("reading_list.html", entry=entry)
