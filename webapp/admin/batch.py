"""Several files in one upload: a review list (one row per file), saved only when the office confirms."""
from __future__ import annotations

from pathlib import Path

from flask import current_app, flash, g, redirect, render_template, request, url_for

from indexer import (REVIEW_FIELDS, BatchInterrupted, BatchInvalid, ImportLimits, PolicyKBError, UploadBatches,
                     convert_uploads, save_batch)

from ..auth import login_required
from ..office import MB, get_office, record
from . import bp
from .forms import DOC_TYPES, LEVEL_CHOICES


class BatchGone(PolicyKBError):
    """The review list was saved, discarded, expired or belongs to someone else."""

    status = 404


def batches() -> UploadBatches:
    return UploadBatches(Path(current_app.instance_path) / "upload-batches")


def upload_limits() -> dict:
    """Return the upload limits the page states and the request is checked against."""
    config = current_app.config
    return {"max_mb": int(config["UPLOAD_MAX_MB"]), "max_files": int(config["UPLOAD_MAX_FILES"]),
            "max_total_mb": int(config["UPLOAD_MAX_TOTAL_MB"])}


def refuse_count(count: int) -> str:
    """Return why *count* files in one upload are too many ('' when allowed)."""
    limit = upload_limits()["max_files"]
    if count > limit:
        return f"一次选择了 {count} 个文件，超过上限 {limit} 个，没有转换任何文件。请分几次上传。"
    return ""


def start_batch(uploads, level: str, encoding: str | None):
    """Convert every uploaded file, keep the drafts for review and go to the review list.

    :returns: a redirect to the review list, or the Chinese sentence refusing the whole upload.
    """
    limits = upload_limits()
    max_bytes = limits["max_mb"] * MB
    files = []
    for upload in uploads:
        data = upload.read(max_bytes + 1)  # one byte over the limit is enough for the importer to refuse it
        upload.close()  # a spooled temporary file: give it back now, not at garbage collection
        files.append((upload.filename, data))
    total = sum(len(data) for _name, data in files)
    if total > limits["max_total_mb"] * MB:
        return (f"这些文件合计约 {total / MB:.1f} MB，超过一次上传的上限 {limits['max_total_mb']} MB，"
                "没有转换任何文件。请分几次上传。")
    items = convert_uploads(files, ImportLimits(max_bytes=max_bytes), level, encoding)
    batch_id = batches().put(g.user.name, items)
    return redirect(url_for("admin.batch_review", batch_id=batch_id))


def _rows(items, values=None, problems=None, duplicates=None, forced=()):
    """Return what each row of the review list shows."""
    values, problems, duplicates = values or {}, problems or {}, duplicates or {}
    rows = []
    for item in items:
        shown = {name: str(item.meta.get(name) or "") for name in REVIEW_FIELDS}
        shown.update(values.get(item.number, {}))
        rows.append({"item": item, "fields": shown, "chosen": item.importable and (
            not values or item.number in values), "problem": problems.get(item.number, ""),
            "duplicate": duplicates.get(item.number, ""), "forced": item.number in forced})
    return rows


def _page(batch_id, items, status=200, error="", **extra):
    importable = sum(1 for i in items if i.importable)
    return render_template("admin/batch.html", batch_id=batch_id, rows=_rows(items, **extra), total=len(items),
                           importable=importable, LEVEL_CHOICES=LEVEL_CHOICES, DOC_TYPES=DOC_TYPES,
                           error=error), status


def _items_or_404(batch_id: str):
    items = batches().get(batch_id, g.user.name)
    if items is None and batches().being_saved(batch_id, g.user.name):
        raise BatchGone("这次上传的审核列表正在保存，请稍后到“全部文档”中查看，不要重复提交。")
    if items is None:
        raise BatchGone("找不到这次上传的审核列表：它可能已经保存或放弃，或已超过 24 小时。请重新上传。")
    return items


@bp.get("/upload/review/<batch_id>")
@login_required
def batch_review(batch_id: str):
    """Show the review list of a multi-file upload (nothing is saved yet)."""
    return _page(batch_id, _items_or_404(batch_id))


@bp.post("/upload/review/<batch_id>")
@login_required
def batch_save(batch_id: str):
    """Save the chosen rows of the review list together, or discard the whole upload."""
    items = _items_or_404(batch_id)
    if request.form.get("do") == "discard":
        batches().discard(batch_id)
        flash(f"已放弃这次上传的 {len(items)} 个文件，没有保存任何东西。", "info")
        return redirect(url_for("admin.upload_form"))
    chosen, forced = {}, set()
    for item in items:
        prefix = f"f{item.number}-"
        if item.importable and request.form.get(prefix + "import"):
            chosen[item.number] = {name: request.form.get(prefix + name, "") for name in REVIEW_FIELDS}
            if request.form.get(prefix + "force"):
                forced.add(item.number)
    if not chosen:
        return _page(batch_id, items, 422, values={}, error="没有勾选要保存的文件。")
    store = batches()
    if store.claim(batch_id, g.user.name) is None:  # a second submit of the same list
        raise BatchGone("这次上传的审核列表正在保存，请稍后到“全部文档”中查看，不要重复提交。")
    try:
        results = save_batch(get_office().workspace, items, chosen, g.user.name, forced)
    except BatchInvalid as exc:
        store.release(batch_id)
        return _page(batch_id, items, 422, values=chosen, problems=exc.problems, duplicates=exc.duplicates,
                     forced=forced, error=str(exc))
    except BatchInterrupted as exc:
        saved_numbers = _record_saved(items, chosen, exc.results)
        store.keep(batch_id, g.user.name, [i for i in items if i.number not in saved_numbers])
        flash(str(exc), "error")
        return redirect(url_for("admin.batch_review", batch_id=batch_id))
    except BaseException:
        store.release(batch_id)
        raise
    _record_saved(items, chosen, results)
    store.discard(batch_id)
    flash(f"已保存 {len(results)} 篇文档，现在可以检索到。", "success")
    for result in results:
        if result.notice:
            flash(result.notice, "warning")
    return redirect(url_for("admin.dashboard"))


def _record_saved(items, chosen, results) -> set[int]:
    """Write the audit entries of the saved rows (in the order they were saved); return their numbers."""
    numbers = sorted(chosen)[:len(results)]
    by_number = {item.number: item for item in items}
    for number, result in zip(numbers, results):
        title = chosen[number].get("title") or by_number[number].meta.get("title", "")
        record("create", result.id, f"{title}（上传 {by_number[number].source_name}）")
    return set(numbers)
