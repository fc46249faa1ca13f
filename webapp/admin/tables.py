"""Edit the word tables in /admin: aliases, wording, glossary, reading lists, user dictionary."""
from __future__ import annotations

from flask import abort, current_app, flash, g, redirect, render_template, request, url_for

from indexer import TABLES, TableConflict, TableError, UnknownTable, WordTables
from indexer import table_spec as spec_of

from ..office import record
from ..auth import login_required
from . import bp


def get_tables() -> WordTables:
    """Return the word-table editor of the current app (one per app)."""
    tables = current_app.extensions.get("policykb.tables")
    if tables is None:
        kb = current_app.extensions["policykb"]
        tables = current_app.extensions["policykb.tables"] = kb.workspace_at(current_app.instance_path).tables
    return tables


def _spec(name: str):
    try:
        return spec_of(name)
    except UnknownTable:
        abort(404)


@bp.get("/tables")
@login_required
def tables():
    """List the word tables with their row counts."""
    listing = []
    for name, spec in TABLES.items():
        try:
            count = len(get_tables().rows(name)[1])
            problem = ""
        except TableError as exc:
            count, problem = 0, str(exc)
        listing.append((spec, count, problem))
    return render_template("admin/tables.html", listing=listing)


@bp.get("/tables/<name>")
@login_required
def table(name: str):
    """Show one table's rows with edit and delete buttons and the add form."""
    spec = _spec(name)
    try:
        _spec_, rows, version = get_tables().rows(name)
    except TableError as exc:
        flash(str(exc), "error")
        rows, version = [], ""
    q = request.args.get("q", "").strip()[:50]
    shown = [r for r in rows if not q or any(q in v for v in r.values.values())]
    prefill = {f.name: request.args.get(f.name, "")[:200] for f in spec.fields}
    return render_template("admin/table.html", spec=spec, rows=shown, total=len(rows), version=version, q=q,
                           values=prefill, errors={}, number=None, previews=[], sample=request.args.get("sample", "")[:200])


@bp.get("/tables/<name>/rows/<int:number>")
@login_required
def table_row(name: str, number: int):
    """Open one row for editing."""
    spec = _spec(name)
    _spec_, rows, version = get_tables().rows(name)
    if not 1 <= number <= len(rows):
        abort(404)
    return render_template("admin/table_row.html", spec=spec, number=number, row=rows[number - 1],
                           values=rows[number - 1].values, version=version, errors={}, previews=[], sample="")


@bp.post("/tables/<name>/rows")
@login_required
def add_row(name: str):
    """Add a row (or preview it with a sample question)."""
    return _submit(name, None)


@bp.post("/tables/<name>/rows/<int:number>")
@login_required
def save_row(name: str, number: int):
    """Save an edited row (or preview it)."""
    return _submit(name, number)


@bp.post("/tables/<name>/rows/<int:number>/delete")
@login_required
def delete_row(name: str, number: int):
    """Delete one row (recorded in the history; undo restores it)."""
    spec = _spec(name)
    try:
        outcome = get_tables().save_row(name, number, None, g.user.name, request.form.get("base_version", ""))
    except (TableError, TableConflict) as exc:
        flash(str(exc), "error")
        return redirect(url_for("admin.table", name=name))
    record("table_edit", spec.file, outcome.summary)
    flash(f"{spec.label}：已{outcome.summary}。可在“历史版本”中撤销。", "success")
    if outcome.notice:
        flash(outcome.notice, "warning")
    return redirect(url_for("admin.table", name=name))


def _submit(name: str, number: int | None):
    spec = _spec(name)
    tables = get_tables()
    values = {f.name: request.form.get(f.name, "") for f in spec.fields}
    base = request.form.get("base_version", "")
    sample = request.form.get("sample", "").strip()[:200]
    template = "admin/table_row.html" if number else "admin/table.html"

    def again(errors, previews=(), status=200):
        _s, rows, version = tables.rows(name)
        row = rows[number - 1] if number and number <= len(rows) else None
        return render_template(template, spec=spec, number=number, row=row, rows=rows, total=len(rows), q="",
                               values=values, version=base or version, errors=errors, previews=list(previews),
                               sample=sample), status
    try:
        if request.form.get("do") == "preview":
            _s, text, _summary = tables.proposed(name, number, values, base)
            previews = tables.preview(spec, text, sample)
            if not sample:
                flash("格式正确。在“试一试”中输入问题或检索词，可以看到保存前后的不同。", "info")
            return again({}, previews)
        outcome = tables.save_row(name, number, values, g.user.name, base)
    except TableError as exc:
        return again({exc.field or "form": str(exc)}, status=400)
    except TableConflict as exc:
        flash(str(exc), "error")
        return redirect(url_for("admin.table", name=name))
    if outcome.version:
        record("table_edit", spec.file, outcome.summary)
        flash(f"{spec.label}：已{outcome.summary}，检索和问答立即生效。可在“历史版本”中撤销。", "success")
    else:
        flash(outcome.notice, "info")
    if outcome.notice and outcome.version:
        flash(outcome.notice, "warning")
    return redirect(url_for("admin.table", name=name))


@bp.get("/tables/<name>/history")
@login_required
def table_history(name: str):
    """Show every version of a table with its diff and an undo button."""
    spec = _spec(name)
    entries = get_tables().history(name)
    return render_template("admin/table_history.html", spec=spec,
                           entries=entries)


@bp.post("/tables/<name>/history/<int:number>/restore")
@login_required
def table_restore(name: str, number: int):
    """Make an earlier version of a table current again (undo)."""
    spec = _spec(name)
    try:
        outcome = get_tables().restore(name, number, g.user.name)
    except TableError as exc:
        flash(str(exc), "error")
        return redirect(url_for("admin.table_history", name=name))
    if outcome.version:
        record("table_restore", spec.file, f"恢复为第 {number} 版（新版本 {outcome.version}）")
        flash(f"{spec.label}已恢复为第 {number} 版（记为第 {outcome.version} 版）。", "success")
    else:
        flash(outcome.notice, "info")
    return redirect(url_for("admin.table_history", name=name))
