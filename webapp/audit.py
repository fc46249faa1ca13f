"""The audit log: who did what to which document, when and from where (SQLite, append-only)."""
from __future__ import annotations

import time
from dataclasses import dataclass

from .database import Database

ACTIONS = {
    "login": "登录成功", "login_failed": "登录失败", "login_blocked": "登录被限制", "logout": "退出登录",
    "create": "新建文档", "edit": "修改文档", "status": "更改状态", "delete": "移入回收站",
    "untrash": "从回收站恢复", "restore": "恢复历史版本",
    "table_edit": "修改对照表", "table_restore": "恢复对照表版本", "question_set": "加入问题集",
}


@dataclass(frozen=True)
class AuditEntry:
    id: int
    at: str
    user: str
    action: str
    doc_id: str
    detail: str
    remote_addr: str

    @property
    def action_label(self) -> str:
        return ACTIONS.get(self.action, self.action)


class AuditLog:
    """Append and page through audit entries, newest first."""

    def __init__(self, db: Database):
        self.db = db

    def record(self, user: str, action: str, *, doc_id: str = "", detail: str = "", remote_addr: str = "") -> None:
        with self.db.connect() as conn:
            conn.execute("INSERT INTO audit (at, user, action, doc_id, detail, remote_addr) VALUES (?, ?, ?, ?, ?, ?)",
                         (time.strftime("%Y-%m-%d %H:%M:%S"), user[:80], action, doc_id[:200], detail[:500],
                          (remote_addr or "")[:100]))

    def page(self, number: int = 1, per_page: int = 50, user: str = "", action: str = "") -> tuple[list[AuditEntry], int]:
        """Return (entries of page *number*, total count), optionally for one user or action."""
        where, args = [], []
        if user:
            where.append("user = ?")
            args.append(user)
        if action:
            where.append("action = ?")
            args.append(action)
        clause = ("WHERE " + " AND ".join(where)) if where else ""
        with self.db.connect() as conn:
            total = conn.execute(f"SELECT COUNT(*) FROM audit {clause}", args).fetchone()[0]
            rows = conn.execute(f"SELECT * FROM audit {clause} ORDER BY id DESC LIMIT ? OFFSET ?",
                                [*args, per_page, (max(number, 1) - 1) * per_page]).fetchall()
        return [AuditEntry(**dict(row)) for row in rows], total
