"""The office workspace's state for one app: database, accounts, login throttle, audit log, workspace."""
from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

from flask import Flask, current_app, g, request

from indexer import Workspace

from .accounts import Accounts, LoginThrottle, Sessions
from .audit import AuditLog
from .database import Database

MB = 1024 * 1024

# (name, environment variable, default, help) — documented in README's settings table.
OFFICE_SETTINGS = (
    ("READ_REQUIRES_LOGIN", "POLICYKB_READ_REQUIRES_LOGIN", False, "阅读和检索也需要登录"),
    ("UPLOAD_MAX_MB", "POLICYKB_UPLOAD_MAX_MB", 20, "上传文件大小上限（MB）"),
    ("UPLOAD_MAX_FILES", "POLICYKB_UPLOAD_MAX_FILES", 20, "一次最多上传的文件个数"),
    ("UPLOAD_MAX_TOTAL_MB", "POLICYKB_UPLOAD_MAX_TOTAL_MB", 50, "一次上传的文件合计大小上限（MB）"),
    ("SESSION_HOURS", "POLICYKB_SESSION_HOURS", 12, "登录有效时长（小时）"),
    ("LOGIN_MAX_FAILURES", None, 5, "同一用户名在锁定时间内允许的失败次数"),
    ("LOGIN_MAX_FAILURES_PER_ADDRESS", None, 20, "同一地址在锁定时间内允许的失败次数"),
    ("LOGIN_LOCK_MINUTES", None, 15, "失败计数的时间窗口和锁定时长（分钟）"),
    ("AUDIT_PER_PAGE", None, 50, "审计日志每页条数"),
)


@dataclass
class Office:
    db: Database
    accounts: Accounts
    throttle: LoginThrottle
    audit: AuditLog
    workspace: Workspace
    sessions: Sessions


def _env_value(raw: str, default):
    if isinstance(default, bool):
        return raw.strip().lower() in ("1", "true", "yes", "on", "是")
    if isinstance(default, int):
        return int(raw)
    return raw


def configure(app: Flask) -> None:
    """Apply office settings (explicit config, then environment, then default)."""
    for name, env, default, _help in OFFICE_SETTINGS:
        if name in app.config:
            continue
        raw = os.environ.get(env) if env else None
        app.config[name] = _env_value(raw, default) if raw not in (None, "") else default
    upload = max(int(app.config["UPLOAD_MAX_MB"]), int(app.config["UPLOAD_MAX_TOTAL_MB"])) * MB
    if not app.config.get("MAX_CONTENT_LENGTH"):
        # a multipart body carries the files plus the form fields: allow 1 MB for those
        app.config["MAX_CONTENT_LENGTH"] = upload + MB


def build(app: Flask, kb) -> Office:
    instance = Path(app.instance_path)
    db = Database(instance)
    same = Path(kb.instance_dir).resolve() == instance.resolve()
    workspace = kb.workspace if same else Workspace(kb, instance)
    lock = int(app.config["LOGIN_LOCK_MINUTES"]) * 60
    office = Office(db, Accounts(db), LoginThrottle(db, int(app.config["LOGIN_MAX_FAILURES"]),
                                                    int(app.config["LOGIN_MAX_FAILURES_PER_ADDRESS"]), lock),
                    AuditLog(db), workspace, Sessions(db, int(app.config["SESSION_HOURS"]) * 3600))
    app.extensions["policykb.office"] = office
    return office


def get_office() -> Office:
    """Return the office state of the current app."""
    return current_app.extensions["policykb.office"]


def record(action: str, doc_id: str = "", detail: str = "", user: str | None = None) -> None:
    """Write one audit entry for the current request (who, what, from where)."""
    who = user if user is not None else (g.user.name if getattr(g, "user", None) else "（匿名）")
    get_office().audit.record(who, action, doc_id=doc_id, detail=detail, remote_addr=request.remote_addr or "")
