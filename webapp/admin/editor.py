"""Add, upload-and-review, and edit documents; live Markdown preview."""
from __future__ import annotations

from flask import current_app, flash, g, redirect, render_template, request, url_for

from indexer import MAX_BODY_CHARS, DuplicateDocument, EditConflict, FieldError
from indexer import (ENCODINGS, OFFERED_ENCODINGS, ImportLimits, ImportRefused, SUPPORTED_SUFFIXES,
                     convert_bytes, review_meta)

from ..auth import login_required
from ..context import get_kb
from ..office import MB, get_office, record
from ..render import render_markdown
from . import bp
from .batch import refuse_count, start_batch, upload_limits
from .lifecycle import diff_lines
from .picker import check_cites
from .forms import LEVEL_CHOICES, form_context, form_from_request, form_values, retitle_body

PER_PAGE = 50


def _field_error(exc: FieldError) -> dict:
    return {exc.field or "form": str(exc)}


@bp.get("/")
@login_required
def dashboard():
    """List documents to edit, with a filter by words in the title, 文号 or id, and by level."""
    q = request.args.get("q", "").strip()[:100]
    level = request.args.get("level", "")
    documents = get_kb().documents(level=level) if level in dict(LEVEL_CHOICES) else get_kb().documents()
    if q:
        documents = [d for d in documents if q in d.get("title", "") or q in (d.get("doc_no") or "") or q in d["id"]]
    try:
        page = max(1, int(request.args.get("page", "1")))
    except ValueError:
        page = 1
    pages = max(1, (len(documents) + PER_PAGE - 1) // PER_PAGE)
    page = min(page, pages)
    return render_template("admin/dashboard.html", documents=documents[(page - 1) * PER_PAGE: page * PER_PAGE],
                           total=len(documents), page=page, pages=pages, q=q, level=level,
                           LEVEL_CHOICES=LEVEL_CHOICES, trash_count=len(get_office().workspace.trash()))


@bp.get("/new")
@login_required
def new():
    """Show an empty form for a new document."""
    level = request.args.get("level", "")
    values = {"level": level} if level in dict(LEVEL_CHOICES) else {}
    return render_template("admin/form.html", **form_context(values=values))


@bp.post("/new")
@login_required
def create():
    """Save a new document; warn about duplicates first unless the editor confirmed."""
    meta, body = form_from_request()
    title_before = request.form.get("title_before", "")[:500]
    body = retitle_body(body, title_before, str(meta.get("title") or ""))
    source_name = request.form.get("source_name", "")[:200]
    confirmed = bool(request.form.get("confirm_duplicates"))
    context = dict(values=form_values(meta), body=body, source_name=source_name,
                   title_before=str(meta.get("title") or ""))
    try:
        check_cites(meta)
        result = get_office().workspace.create_document(
            meta, body, g.user.name, force=confirmed,
            summary=f"从文件“{source_name}”导入" if source_name else "")
    except FieldError as exc:
        return render_template("admin/form.html", **form_context(errors=_field_error(exc), **context)), 422
    except DuplicateDocument as exc:
        return render_template("admin/form.html", **form_context(duplicates=exc.duplicates, **context)), 409
    record("create", result.id, meta.get("title", "") + (f"（上传 {source_name}）" if source_name else ""))
    _flash_saved(result, "已保存新文档，现在可以检索到。")
    return redirect(url_for("documents.show", doc_id=result.id))


@bp.context_processor
def upload_encodings():
    """Offer the text encodings on the upload page (for files whose encoding is not certain)."""
    return {"encodings": [(name, ENCODINGS[name][1]) for name in OFFERED_ENCODINGS]}


def _upload_page(error: str = "", encoding: str = "") -> str:
    return render_template("admin/upload.html", suffixes=SUPPORTED_SUFFIXES, error=error, encoding=encoding,
                           **upload_limits())


@bp.get("/upload")
@login_required
def upload_form():
    """Show the upload page (one file or several at once)."""
    return _upload_page()


@bp.post("/upload")
@login_required
def upload():
    """Convert an uploaded file and show it in the document form for review (nothing is saved)."""
    uploads = [f for f in request.files.getlist("file") if f.filename]
    level = request.form.get("level", "")
    encoding = request.form.get("encoding", "")
    encoding = encoding if encoding in OFFERED_ENCODINGS else ""
    max_mb = current_app.config["UPLOAD_MAX_MB"]
    if not uploads:
        return _upload_page("请选择要上传的文件。", encoding), 400
    if len(uploads) > 1:  # several files: the review list, one row per file
        refused = refuse_count(len(uploads))
        outcome = refused or start_batch(uploads, level, encoding or None)
        if isinstance(outcome, str):
            return _upload_page(outcome, encoding), 413
        return outcome
    upload = uploads[0]
    data = upload.read(max_mb * MB + 1)
    try:
        draft = convert_bytes(data, upload.filename, ImportLimits(max_bytes=max_mb * MB), encoding or None)
    except ImportRefused as exc:
        return _upload_page(str(exc), encoding), exc.status
    if len(draft.body) > MAX_BODY_CHARS:
        # the form could never be saved: say so now instead of loading megabytes into the browser
        return _upload_page(f"{draft.source_name}：正文约 {len(draft.body) // 10000} 万字，超过单篇文档上限 "
                                     f"{MAX_BODY_CHARS // 10000} 万字，没有保存任何东西。请把文件拆分成几篇后分别上传。", encoding), 422
    meta, notes = review_meta(draft.meta, level)
    notes = list(draft.notes) + notes
    duplicates, warnings = (), ()
    try:
        preview = get_office().workspace.preview(meta, draft.body)
        duplicates, warnings = preview.duplicates, preview.warnings
    except FieldError:
        pass  # the editor fills in what is missing; the save reports remaining problems
    return render_template("admin/form.html", **form_context(
        values=form_values(meta), body=draft.body, notes=notes, duplicates=duplicates,
        warnings=warnings, source_name=draft.source_name, reviewing=True))


@bp.get("/documents/<doc_id>/edit")
@login_required
def edit(doc_id: str):
    """Show the form for an existing document (its version goes along as base_version)."""
    current = get_office().workspace.load(doc_id)
    return render_template("admin/form.html", **form_context(
        mode="edit", doc_id=current.id, values=form_values(current.meta), body=current.body,
        base_version=current.version, current=current))


@bp.post("/documents/<doc_id>/edit")
@login_required
def update(doc_id: str):
    """Save an edit; a stale base_version shows the conflict page instead of overwriting."""
    workspace = get_office().workspace
    meta, body = form_from_request()
    meta.pop("id", None)
    body = retitle_body(body, request.form.get("title_before", "")[:500], str(meta.get("title") or ""))
    base_version = request.form.get("base_version", "")
    confirmed = bool(request.form.get("confirm_duplicates"))
    context = dict(mode="edit", doc_id=doc_id, values=form_values(meta), body=body, base_version=base_version,
                   title_before=str(meta.get("title") or ""))
    try:
        check_cites(meta, doc_id)
        result = workspace.update_document(doc_id, meta, body, g.user.name, base_version, force=confirmed,
                                           summary=request.form.get("note", "").strip()[:200])
    except EditConflict as exc:
        return render_template("admin/conflict.html", conflict=exc, diff=diff_lines(exc.diff), **form_context(
            mode="edit", doc_id=doc_id, values=form_values(meta), body=body,
            base_version=exc.current.version)), 409
    except FieldError as exc:
        return render_template("admin/form.html", **form_context(errors=_field_error(exc), **context)), 422
    except DuplicateDocument as exc:
        return render_template("admin/form.html", **form_context(duplicates=exc.duplicates, **context)), 409
    if result.number:
        record("edit", doc_id, result_summary(workspace, doc_id))
    _flash_saved(result, "已保存修改。")
    return redirect(url_for("documents.show", doc_id=doc_id))


def result_summary(workspace, doc_id: str) -> str:
    versions = workspace.history_store.versions(doc_id)
    return f"第 {versions[-1].number} 版：{versions[-1].summary}" if versions else ""


def _flash_saved(result, message: str) -> None:
    if result.notice:
        flash(result.notice, "warning" if not result.indexed else "info")
    if result.number or not result.notice:
        flash(message, "success")
    for warning in result.warnings:
        flash(warning, "warning")


@bp.post("/preview")
@login_required
def preview():
    """Return sanitised HTML for the Markdown body (the live preview beside the form)."""
    payload = request.get_json(silent=True) or {}
    body = str(payload.get("body", ""))
    if len(body) > MAX_BODY_CHARS:
        return {"error": "正文太长，无法预览。"}, 413
    return {"html": render_markdown(body)}


@bp.errorhandler(413)
def too_large(_error):
    """Explain an over-size upload in Chinese on the upload page (nothing was saved)."""
    limits = upload_limits()
    return _upload_page(f"上传的内容超过上限（单个文件 {limits['max_mb']} MB，一次合计 {limits['max_total_mb']} MB），"
                        "没有保存任何东西。请删去文件中的大图片、拆分文件或分几次上传。"), 413
