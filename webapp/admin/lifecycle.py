"""Retire, delete and restore documents; the history with diffs; the audit log for admins."""
from __future__ import annotations

from dataclasses import dataclass

from flask import current_app, flash, g, redirect, render_template, request, url_for

from indexer import DocumentNotFound
from indexer import STATUSES, EditConflict, FieldError

from ..audit import ACTIONS
from ..auth import admin_required, login_required
from ..office import get_office, record
from . import bp


@dataclass(frozen=True)
class DiffLine:
    kind: str  # add, remove, hunk, file, context
    text: str


def diff_lines(diff: str) -> list[DiffLine]:
    """Classify unified-diff lines so the page can colour additions and removals."""
    out = []
    for line in diff.splitlines():
        if line.startswith(("+++", "---")):
            kind = "file"
        elif line.startswith("@@"):
            kind = "hunk"
        elif line.startswith("+"):
            kind = "add"
        elif line.startswith("-"):
            kind = "remove"
        else:
            kind = "context"
        out.append(DiffLine(kind, line))
    return out


@bp.post("/documents/<doc_id>/status")
@login_required
def set_status(doc_id: str):
    """Mark a document 现行有效 / 已废止 / 已被替代."""
    status = request.form.get("status", "")
    replaced_by = request.form.get("replaced_by", "").strip()
    if status not in STATUSES:
        flash(f"状态“{status[:20]}”无效。", "error")
        return redirect(url_for("admin.edit", doc_id=doc_id))
    try:
        result = get_office().workspace.set_status(doc_id, status, g.user.name, replaced_by,
                                                   request.form.get("base_version") or None)
    except (FieldError, EditConflict) as exc:
        flash(str(exc), "error")
        return redirect(url_for("admin.edit", doc_id=doc_id))
    except DocumentNotFound as exc:
        if not replaced_by or exc.doc_id != replaced_by:
            raise
        flash(f"替代文档：{exc}", "error")
        return redirect(url_for("admin.edit", doc_id=doc_id))
    if result.number:
        record("status", doc_id, status + (f"，由 {replaced_by} 替代" if status == "已被替代" else ""))
        flash(f"状态已改为“{status}”。", "success")
    else:
        flash(result.notice or "没有改动。", "info")
    return redirect(url_for("documents.show", doc_id=doc_id))


@bp.post("/documents/<doc_id>/delete")
@login_required
def delete(doc_id: str):
    """Move a document to the trash."""
    entry = get_office().workspace.delete_document(doc_id, g.user.name)
    record("delete", entry.doc_id, entry.title)
    flash(f"《{entry.title}》已移入回收站，可随时恢复。", "success")
    return redirect(url_for("admin.trash"))


@bp.get("/trash")
@login_required
def trash():
    """List deleted documents."""
    return render_template("admin/trash.html", entries=get_office().workspace.trash())


@bp.post("/trash/<entry_id>/restore")
@login_required
def untrash(entry_id: str):
    """Put a deleted document back where it was."""
    try:
        result = get_office().workspace.restore_from_trash(entry_id, g.user.name)
    except FieldError as exc:
        flash(str(exc), "error")
        return redirect(url_for("admin.trash"))
    record("untrash", result.id, result.path)
    flash("文档已从回收站恢复，可以检索到。", "success")
    if result.notice:
        flash(result.notice, "warning")
    return redirect(url_for("documents.show", doc_id=result.id))


@bp.get("/documents/<doc_id>/history")
@login_required
def history(doc_id: str):
    """Show every version: who, when, what changed, with a coloured diff and a restore button."""
    workspace = get_office().workspace
    entries = workspace.history(doc_id)
    try:
        current = workspace.load(doc_id)
    except DocumentNotFound:  # a deleted document still has its history
        current = None
    return render_template("admin/history.html", doc_id=doc_id, current=current,
                           entries=entries)


@bp.get("/documents/<doc_id>/history/<int:number>")
@login_required
def version(doc_id: str, number: int):
    """Show the full text of one version."""
    return render_template("admin/version.html", doc_id=doc_id, number=number,
                           text=get_office().workspace.version_text(doc_id, number))


@bp.post("/documents/<doc_id>/history/<int:number>/restore")
@login_required
def restore(doc_id: str, number: int):
    """Make version *number* current again (recorded as a new version)."""
    try:
        result = get_office().workspace.restore_version(doc_id, number, g.user.name)
    except FieldError as exc:
        flash(str(exc), "error")
        return redirect(url_for("admin.history", doc_id=doc_id))
    if result.number:
        record("restore", doc_id, f"恢复为第 {number} 版（新版本 {result.number}）")
        flash(f"已恢复为第 {number} 版（记为第 {result.number} 版）。", "success")
    else:
        flash(result.notice, "info")
    return redirect(url_for("documents.show", doc_id=doc_id))


@bp.get("/audit")
@admin_required
def audit():
    """Show the audit log, newest first, with paging and filters (administrators only)."""
    per_page = int(current_app.config["AUDIT_PER_PAGE"])
    try:
        page = max(1, int(request.args.get("page", "1")))
    except ValueError:
        page = 1
    user = request.args.get("user", "").strip()[:80]
    action = request.args.get("action", "")
    action = action if action in ACTIONS else ""
    entries, total = get_office().audit.page(page, per_page, user=user, action=action)
    pages = max(1, (total + per_page - 1) // per_page)
    return render_template("admin/audit.html", entries=entries, total=total, page=page, pages=pages,
                           user=user, action=action, ACTIONS=ACTIONS)
