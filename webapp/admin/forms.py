"""The document form: request fields to (meta, body) and back, plus what the template shows."""
from __future__ import annotations

from flask import request

from indexer import FIELD_LABELS, LEVELS, STATUSES

TEXT_FIELDS = ("title", "doc_type", "issuer", "doc_no", "date", "replaced_by", "summary")
LIST_FIELDS = ("tags", "cites")
LEVEL_CHOICES = [(key, label) for key, label in LEVELS.items() if key != "unclassified"]
DOC_TYPES = ("通知", "意见", "决定", "办法", "规定", "条例", "讲话", "通报", "报告", "方案", "纪要", "典型案例")


def form_from_request() -> tuple[dict, str]:
    """Return (meta, body) from the submitted form; empty fields are left out."""
    form = request.form
    meta: dict = {}
    for name in ("id", "level", "status", *TEXT_FIELDS):
        value = form.get(name, "").strip()
        if value:
            meta[name] = value
    for name in LIST_FIELDS:
        value = form.get(name, "").strip()
        if value:
            meta[name] = value  # indexer.office.form splits on , ， 、
    if form.get("sample"):
        meta["sample"] = True
    return meta, form.get("body", "")


def form_values(meta: dict) -> dict:
    """Return the strings the form fields show for *meta*."""
    values = {}
    for name, value in meta.items():
        if isinstance(value, (list, tuple)):
            values[name] = "，".join(str(v) for v in value)
        elif isinstance(value, bool):
            values[name] = value
        else:
            values[name] = "" if value is None else str(value)
    return values


def form_context(**extra) -> dict:
    """Return the template variables every rendering of the form needs."""
    context = {"LEVEL_CHOICES": LEVEL_CHOICES, "STATUSES": STATUSES, "DOC_TYPES": DOC_TYPES,
               "LABELS": FIELD_LABELS, "errors": {}, "duplicates": (), "warnings": (), "notes": (),
               "values": {}, "body": "", "mode": "new", "doc_id": "", "base_version": "", "source_name": ""}
    context.update(extra)
    # The title the body's own "# heading" was written for (the guessed or the saved title), so a
    # rename can carry the heading along; kept unchanged through re-rendered forms.
    context.setdefault("title_before", context["values"].get("title", ""))
    return context


def retitle_body(body: str, title_before: str, title: str) -> str:
    """Return *body* with a leading "# *title_before*" heading renamed to *title*.

    Imports write the document's title as the body's first heading; without this a renamed
    document kept the old title as a visible heading and in its 目录.
    """
    title_before, title = title_before.strip(), title.strip()
    if not title_before or not title or title_before == title:
        return body
    lines = body.split("\n")
    for n, line in enumerate(lines):
        if not line.strip():
            continue
        heading = line.strip()
        if heading.startswith("# ") and heading[2:].strip().strip("#").strip() == title_before:
            lines[n] = "# " + title
            return "\n".join(lines)
        return body
    return body
