"""The misses log for the office: questions refused, weakly answered or marked 没用."""
from __future__ import annotations

from flask import Response, flash, redirect, render_template, request, url_for

from ..auth import login_required
from ..feedback import (EVENTS, add_to_question_set, grouping_key, question_log, question_set_path,
                        question_set_questions, misses_csv)
from ..office import record
from . import bp


def _groups():
    groups = question_log().groups()
    known = question_set_questions(question_set_path())
    for group in groups:
        group.in_set = any(grouping_key(w) in known for w in group.wordings)
    return groups


@bp.get("/misses")
@login_required
def misses():
    """List questions that went unanswered or were marked 没用, grouped by similar wording."""
    return render_template("admin/misses.html", groups=_groups(), EVENTS=EVENTS,
                           question_set=question_set_path())


@bp.get("/misses.csv")
@login_required
def misses_export():
    """Download the misses as CSV (UTF-8 with BOM, opens in Excel and WPS)."""
    return Response(misses_csv(_groups()), mimetype="text/csv; charset=utf-8",
                    headers={"Content-Disposition": "attachment; filename=misses.csv"})


@bp.post("/misses/question-set")
@login_required
def add_question():
    """Add a question with its correct answer to the office's question set (policykb eval)."""
    question = request.form.get("q", "").replace("\x00", "").strip()[:200]
    answer = request.form.get("a", "").replace("\x00", "").strip()[:200]
    doc = request.form.get("doc", "").replace("\x00", "").strip()[:120]
    if not question or not answer:
        flash("加入问题集：请填写标准答案（答案原文中的一段文字），" + ("问题不能为空。" if not question else "它不能为空。"), "error")
        return redirect(url_for("admin.misses"))
    path = question_set_path()
    qid = add_to_question_set(path, question, answer, doc)
    record("question_set", path.name, f"{qid}：{question}（答案：{answer}）")
    flash(f"已把“{question}”加入问题集 {path}（{qid}），policykb eval 从此会检查它。", "success")
    return redirect(url_for("admin.misses"))
