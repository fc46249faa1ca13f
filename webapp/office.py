"""The office workspace's state for one app: database, accounts, login throttle, audit log, workspace."""
from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from flask import Flask, current_app, g, request

from indexer import Workspace

from .accounts import Accounts, LoginThrottle, Sessions
from .audit import AuditLog
from .database import Database

MB = 1024 * 1024



@dataclass
class Office:
    db: Database
    accounts: Accounts
    throttle: LoginThrottle
    audit: AuditLog
    workspace: Workspace
    sessions: Sessions


def configure(app: Flask) -> None:
    """Derive the request size limit from the upload limits (settings: ``indexer.SETTINGS``)."""
    upload = max(int(app.config["UPLOAD_MAX_MB"]), int(app.config["UPLOAD_MAX_TOTAL_MB"])) * MB
    if not app.config.get("MAX_CONTENT_LENGTH"):
        # a multipart body carries the files plus the form fields: allow 1 MB for those
        app.config["MAX_CONTENT_LENGTH"] = upload + MB


def build(app: Flask, kb) -> Office:
    instance = Path(app.instance_path)
    db = Database(instance)
    workspace = kb.workspace_at(instance)
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
