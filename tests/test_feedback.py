"""Answer feedback and the misses log: grouping, retention, rate limit, CSV."""
from __future__ import annotations

import time

import pytest

from webapp import create_app
from webapp.database import Database
from webapp.feedback import QuestionLog, RateLimit, grouping_key

from admin_helpers import login, token
from conftest import write_doc


def test_similar_wordings_are_one_group_with_counts(tmp_path):
    log = QuestionLog(Database(tmp_path), 180)
    log.record("督导组需要录音吗？", "refused")
    log.record("请问督导组需要录音吗", "refused")
    log.record("督导组要录音吗？", "useless")
    log.record("学习培训多少学时？", "useful", "不少于40学时", "zy-1", 0.9)  # no miss: not listed
    groups = log.groups()
    assert [(g.question, g.counts["refused"], g.counts["useless"]) for g in groups] == [("请问督导组需要录音吗", 2, 1)]
    assert sorted(groups[0].wordings) == sorted(["督导组需要录音吗？", "请问督导组需要录音吗", "督导组要录音吗？"])
    assert grouping_key("请问督导组需要录音吗？") == grouping_key("督导组需要录音") == "督导组需要录音"


def test_rows_older_than_the_retention_are_not_listed_and_are_deleted(tmp_path):
    db = Database(tmp_path)
    log = QuestionLog(db, 1)
    log.record("督导组需要录音吗？", "refused")
    with db.connect() as conn:
        conn.execute("UPDATE question_log SET at = ?", (time.time() - 2 * 86400,))
    assert log.groups() == []
    log._purged = 0
    log.record("整改方案可以用电子版吗？", "refused")
    with db.connect() as conn:
        assert [r[0] for r in conn.execute("SELECT question FROM question_log")] == ["整改方案可以用电子版吗？"]


def test_the_rate_limit_counts_per_address():
    limit = RateLimit(2)
    assert [limit.allow("10.0.0.1") for _ in range(3)] == [True, True, False]
    assert limit.allow("10.0.0.2")


def test_feedback_is_limited_and_the_misses_export_as_csv(tmp_path):
    from indexer import KnowledgeBase
    root = tmp_path / "corpus"
    write_doc(root, "a.md", {"id": "rule-a", "title": "关于驻村督导的规定", "level": "group", "date": "2005-03-01"},
              "督导员每月向乡镇党委报告一次工作。\n")
    kb = KnowledgeBase(root, tmp_path / "index", instance_dir=tmp_path / "var")
    kb.index()
    app = create_app({"KB": kb, "INSTANCE_PATH": str(tmp_path / "var"), "FEEDBACK_PER_10_MINUTES": 2})
    with app.app_context():
        from webapp.office import get_office
        get_office().accounts.add("alice", "editor", "correct horse 9")
    reader = app.test_client()
    csrf = token(reader, "/search?q=督导组需要录音吗？")
    codes = [reader.post("/feedback", data={"csrf_token": csrf, "q": "督导组需要录音吗？", "verdict": "useless"}).status_code
             for _ in range(3)]
    assert codes == [302, 302, 429]
    editor = app.test_client()
    login(editor, "alice", "correct horse 9")
    response = editor.get("/admin/misses.csv")
    text = response.get_data(as_text=True)
    assert response.mimetype == "text/csv" and text.startswith("\ufeff问题,其他写法")
    assert "督导组需要录音吗？,,1,1,0,2,0" in text.replace("\r", "")
