"""方案对照检查: upload or paste a plan, choose a checklist, read the report, print it or take a .docx.

Nothing uploaded is stored: the report page carries the converted text in a hidden field, and the
.docx download sends it back to be checked again (a review takes well under a second).
"""
from __future__ import annotations

from urllib.parse import quote

from flask import Blueprint, Response, current_app, render_template, request

from indexer import SUPPORTED_SUFFIXES, ImportLimits, PolicyKBError, QueryError, UnknownChecklist, report_docx

from .context import get_kb
from .links import document_url
from .render import safe_snippet

bp = Blueprint("review", __name__)
MB = 1024 * 1024


def run_review(form, files):
    """Review what a request sent (a file, pasted text, or the text of an earlier report).

    :returns: the report.
    :raises PolicyKBError: with a Chinese sentence (unknown or broken checklist, unreadable file,
        nothing sent).
    """
    kb = get_kb()
    checklist_id = (form.get("checklist") or "").strip()
    if not checklist_id:
        raise UnknownChecklist("", sorted(kb.checklists()))
    kb.checklist(checklist_id)  # unknown or broken: say so before reading any file
    upload = files.get("file")
    max_mb = int(current_app.config["UPLOAD_MAX_MB"])
    if upload is not None and upload.filename:
        data = upload.read(max_mb * MB + 1)
        return kb.review(data, checklist_id, filename=upload.filename,
                         limits=ImportLimits(max_bytes=max_mb * MB))
    text = form.get("text") or ""
    if not text.strip():
        raise QueryError("没有收到方案：请选择要上传的文件，或把方案全文粘贴到文本框中。", "text")
    return kb.review(text, checklist_id, filename=(form.get("name") or "").strip()[:80],
                     markdown=form.get("format") == "md")


def _form_context(**extra) -> dict:
    kb = get_kb()
    checklists = sorted(kb.checklists().values(), key=lambda c: c.id != "shishi-fangan")
    return dict(checklists=checklists, suffixes=SUPPORTED_SUFFIXES,
                max_mb=current_app.config["UPLOAD_MAX_MB"], snippet=safe_snippet, **extra)


@bp.get("/review")
def page():
    """Show the upload form."""
    return render_template("review.html", **_form_context(chosen=request.args.get("checklist", "")))


@bp.post("/review")
def check():
    """Check the plan sent and show the report beside the form."""
    chosen = request.form.get("checklist", "")
    try:
        report = run_review(request.form, request.files)
    except PolicyKBError as exc:  # unknown or broken checklist, unreadable file, nothing sent
        if exc.status >= 500:
            raise  # the index is missing or busy: the site's error page says so
        return render_template("review.html", **_form_context(error=str(exc), chosen=chosen)), exc.status
    return render_template("review.html", **_form_context(report=report, chosen=chosen))


@bp.post("/review/report.docx")
def download():
    """Check the plan text of a report again and send the report as a Word file."""
    try:
        report = run_review(request.form, {})
    except PolicyKBError as exc:
        status = exc.status if exc.status < 500 else 400
        return render_template("review.html", **_form_context(error=str(exc))), status
    site = request.host_url.rstrip("/")
    data = report_docx(report, lambda doc_id, anchor: site + document_url(doc_id, anchor))
    name = f"方案对照检查报告-{report.plan_name}.docx"
    response = Response(data, mimetype="application/vnd.openxmlformats-officedocument.wordprocessingml.document")
    response.headers["Content-Disposition"] = f"attachment; filename=\"review.docx\"; filename*=UTF-8''{quote(name)}"
    return response
