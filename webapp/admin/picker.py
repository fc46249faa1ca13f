"""The document picker of the edit form (引用文档): a small JSON search, and the server-side id check."""
from __future__ import annotations

import re

from flask import request

from indexer import LEVELS, FieldError, PolicyKBError

from ..auth import login_required
from ..context import get_kb
from . import bp

ID_SPLIT_RE = re.compile(r"[,，、;；\s]+")
MAX_CHOICES = 10


def _choice(meta) -> dict:
    level = meta.get("level") or ""
    return {"id": meta["id"], "title": meta.get("title") or meta["id"], "level": level,
            "level_label": LEVELS.get(level, level)}


@bp.get("/documents.json")
@login_required
def pick_documents():
    """Return documents for the picker: ``?q=`` words of a title, a 文号 or an id; ``?ids=`` named ids.

    ``?exclude=`` leaves out the document being edited.
    """
    kb = get_kb()
    catalog = {d["id"]: d for d in kb.documents()}
    ids = [i for i in ID_SPLIT_RE.split(request.args.get("ids", "")[:2000]) if i]
    if ids:
        return {"documents": [_choice(catalog[i]) for i in ids if i in catalog],
                "unknown": [i for i in ids if i not in catalog]}
    q = request.args.get("q", "").strip()[:100]
    if not q:
        return {"documents": []}
    exclude = request.args.get("exclude", "")  # the document being edited cannot cite itself
    catalog.pop(exclude, None)
    found: list[dict] = []
    # an id or a 文号 typed (or pasted) whole comes first, then title words by relevance
    for meta in catalog.values():
        if meta["id"].startswith(q) or q in (meta.get("doc_no") or "") or q in (meta.get("title") or ""):
            found.append(meta)
    try:
        hits = kb.search(q, per_page=MAX_CHOICES, facets=False).hits
    except PolicyKBError:  # a query of only operators or symbols: the plain matches above suffice
        hits = ()
    seen = {m["id"] for m in found}
    found += [catalog[h.id] for h in hits if h.id in catalog and h.id not in seen]
    return {"documents": [_choice(m) for m in found[:MAX_CHOICES]]}


def check_cites(meta: dict, doc_id: str = "") -> None:
    """Refuse 引用文档 ids that name no document (or the document itself).

    :raises FieldError: on the ``cites`` field, naming the first unknown id.
    """
    raw = meta.get("cites")
    ids = raw if isinstance(raw, (list, tuple)) else ID_SPLIT_RE.split(str(raw or ""))
    ids = [str(i).strip() for i in ids if str(i).strip()]
    if not ids:
        return
    if doc_id and doc_id in ids:
        raise FieldError("cites", f"引用文档不能包括这篇文档自己（{doc_id}）。")
    known = {d["id"] for d in get_kb().documents()}
    unknown = [i for i in ids if i not in known]
    if unknown:
        listing = "、".join(f"“{i[:80]}”" for i in unknown[:5])
        raise FieldError("cites", f"找不到编号为 {listing} 的文档，请从列表中选择或删去。")
