"""One settings table (indexer.settings): documented in the README, read when things are built."""
from __future__ import annotations

import logging
from pathlib import Path

import pytest

import indexer.index.segcache as segcache
from indexer import SETTINGS, KnowledgeBase
from webapp import create_app

README = (Path(__file__).resolve().parent.parent / "README.md").read_text(encoding="utf-8")


@pytest.mark.parametrize("setting", SETTINGS, ids=[s.name for s in SETTINGS])
def test_every_setting_is_documented_in_the_readme(setting):
    assert f"`{setting.name}`" in README, setting.name
    if setting.env:
        assert f"`{setting.env}`" in README, setting.env


def test_the_knowledge_base_reads_its_settings_when_built(tmp_path, monkeypatch):
    """Set after every import, the variables still count: nothing is read at import time."""
    monkeypatch.setattr(segcache, "BUDGET", segcache.BUDGET)  # restored after the test
    monkeypatch.setenv("POLICYKB_RESULT_CACHE", "7")
    monkeypatch.setenv("POLICYKB_SEGMENT_CACHE_MB", "3")
    monkeypatch.setenv("POLICYKB_INDEX_WORKERS", "2")
    monkeypatch.setenv("POLICYKB_SEGMENTER", "jieba")
    kb = KnowledgeBase(tmp_path / "corpus", tmp_path / "index")
    assert kb._results.size == 7
    assert segcache.BUDGET == 3 * 1024 * 1024
    assert kb.index_workers == 2 and kb.segmenter_backend == "jieba"
    monkeypatch.setenv("POLICYKB_RESULT_CACHE", "0")
    assert KnowledgeBase(tmp_path / "corpus", tmp_path / "index")._results.size == 0


def test_the_site_reads_every_setting_config_first_then_environment_then_default(tmp_path, monkeypatch, sample_kb):
    monkeypatch.setenv("POLICYKB_UPLOAD_MAX_MB", "5")
    monkeypatch.setenv("POLICYKB_UPLOAD_MAX_TOTAL_MB", "8")
    monkeypatch.setenv("POLICYKB_FEEDBACK_RETENTION_DAYS", "30")
    monkeypatch.setenv("POLICYKB_READ_REQUIRES_LOGIN", "是")
    app = create_app({"KB": sample_kb, "INSTANCE_PATH": str(tmp_path), "FEEDBACK_RETENTION_DAYS": 90})
    assert app.config["UPLOAD_MAX_MB"] == 5 and app.config["MAX_CONTENT_LENGTH"] == (8 + 1) * 1024 * 1024
    assert app.config["FEEDBACK_RETENTION_DAYS"] == 90  # passed to create_app: wins over the environment
    assert app.config["READ_REQUIRES_LOGIN"] is True
    assert app.config["SESSION_HOURS"] == 12 and app.config["PER_PAGE"] == 10  # defaults
    assert {s.name for s in SETTINGS} - {"INSTANCE_DIR"} <= set(app.config)


def test_an_unreadable_value_names_the_variable_and_the_default_is_used(tmp_path, monkeypatch, caplog):
    monkeypatch.setenv("POLICYKB_SESSION_HOURS", "十二")
    with caplog.at_level(logging.WARNING, logger="indexer.settings"):
        app = create_app({"KB": KnowledgeBase(tmp_path / "c", tmp_path / "i"), "INSTANCE_PATH": str(tmp_path)})
    assert app.config["SESSION_HOURS"] == 12
    assert "POLICYKB_SESSION_HOURS" in caplog.text and "十二" in caplog.text
