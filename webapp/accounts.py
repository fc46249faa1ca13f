"""Editor and administrator accounts: salted scrypt password hashes in the site's SQLite database.

scrypt (werkzeug's default, ``scrypt:32768:8:1``) is slow *and* memory-hard (32 MB per hash), so
guessing on GPUs is expensive; pbkdf2 is used only where Python's OpenSSL lacks scrypt.
"""
from __future__ import annotations

import hashlib
import re
import secrets
import time
from dataclasses import dataclass

from werkzeug.security import check_password_hash, generate_password_hash

from indexer import PolicyKBError

from .database import Database

ROLES = {"editor": "编辑", "admin": "管理员"}
NAME_RE = re.compile(r"^[\w.\-]{1,40}$")
MIN_PASSWORD = 8


class AccountError(PolicyKBError):
    """An account cannot be created or changed; the message says why in Chinese."""

    status = 400


@dataclass(frozen=True)
class User:
    name: str
    role: str
    created_at: str
    password_changed_at: str
    password_hash: str = ""

    @property
    def role_label(self) -> str:
        return ROLES.get(self.role, self.role)

    @property
    def is_admin(self) -> bool:
        return self.role == "admin"

    @property
    def session_stamp(self) -> str:
        """A value kept in the session: changing the password logs out every other session."""
        return hashlib.sha256(self.password_hash.encode()).hexdigest()[:16]


def _hash_method() -> str:
    return "scrypt" if hasattr(hashlib, "scrypt") else "pbkdf2:sha256:1000000"


def _now() -> str:
    return time.strftime("%Y-%m-%d %H:%M:%S")


def check_password(password: str) -> str:
    """Return *password* if acceptable, else raise AccountError."""
    if len(password) < MIN_PASSWORD:
        raise AccountError(f"密码至少需要 {MIN_PASSWORD} 个字符。")
    if len(password) > 200:
        raise AccountError("密码太长（最多 200 个字符）。")
    return password


class Accounts:
    """Create, list and check accounts."""

    def __init__(self, db: Database):
        self.db = db

    def add(self, name: str, role: str, password: str) -> User:
        """Create an account.

        :raises AccountError: bad name, role or password, or the name is taken.
        """
        name = (name or "").strip()
        if not NAME_RE.match(name):
            raise AccountError("用户名只能包含文字、字母、数字、点、下划线和连字符，最多 40 个字符。")
        if role not in ROLES:
            raise AccountError(f"角色“{role}”无效，可选：editor（编辑）、admin（管理员）。")
        digest = generate_password_hash(check_password(password), method=_hash_method())
        now = _now()
        with self.db.connect() as conn:
            if conn.execute("SELECT 1 FROM users WHERE name = ?", (name,)).fetchone():
                raise AccountError(f"用户“{name}”已存在。修改密码请用 policykb user passwd {name}。")
            conn.execute("INSERT INTO users VALUES (?, ?, ?, ?, ?)", (name, role, digest, now, now))
        return self.get(name)

    def set_password(self, name: str, password: str) -> User:
        """Change a password (every existing session of that user ends)."""
        digest = generate_password_hash(check_password(password), method=_hash_method())
        with self.db.connect() as conn:
            changed = conn.execute("UPDATE users SET password_hash = ?, password_changed_at = ? WHERE name = ?",
                                   (digest, _now(), name)).rowcount
        if not changed:
            raise AccountError(f"没有用户“{name}”。")
        return self.get(name)

    def get(self, name: str) -> User | None:
        with self.db.connect() as conn:
            row = conn.execute("SELECT * FROM users WHERE name = ?", (name or "",)).fetchone()
        return User(**dict(row)) if row else None

    def all(self) -> list[User]:
        with self.db.connect() as conn:
            rows = conn.execute("SELECT * FROM users ORDER BY name").fetchall()
        return [User(**dict(row)) for row in rows]

    def verify(self, name: str, password: str) -> User | None:
        """Return the user when *password* is right; spend the same time when the name is unknown."""
        user = self.get(name)
        if user is None:
            check_password_hash(_DUMMY_HASH(), password or "")
            return None
        return user if check_password_hash(user.password_hash, password or "") else None


_dummy: list[str] = []


def _DUMMY_HASH() -> str:
    # Checking a dummy hash for unknown names keeps response time from revealing which names exist.
    if not _dummy:
        _dummy.append(generate_password_hash("not-a-password", method=_hash_method()))
    return _dummy[0]


class LoginThrottle:
    """Refuse logins after repeated failures, per user name and per address (kept in SQLite).

    Stored in the database so the count survives restarts and is shared by all waitress threads.
    """

    def __init__(self, db: Database, per_user: int = 5, per_address: int = 20, window: int = 900):
        self.db = db
        self.per_user = per_user
        self.per_address = per_address
        self.window = window

    def _keys(self, name: str, address: str) -> list[tuple[str, int]]:
        return [(f"user:{name.strip().lower()}", self.per_user), (f"addr:{address}", self.per_address)]

    def _wait(self, conn, name: str, address: str, now: float) -> int:
        wait = 0
        for key, limit in self._keys(name, address):
            rows = conn.execute("SELECT at FROM login_failures WHERE key = ? AND at > ? ORDER BY at DESC",
                                (key, now - self.window)).fetchall()
            if len(rows) >= limit:
                # locked until the oldest failure that keeps the count at the limit leaves the window
                wait = max(wait, int(rows[limit - 1]["at"] + self.window - now) + 1)
        return wait

    def attempt(self, name: str, address: str) -> tuple[int, list[int]]:
        """Count a login attempt as a failure before the password is checked; return (wait, ticket).

        Checking the count and recording the failure in one write transaction keeps parallel
        attempts from all passing the check before any of them is recorded (16 parallel wrong
        passwords got 10 checks with a limit of 5).  *wait* > 0 means refused (nothing recorded);
        after a correct password :meth:`succeeded` takes the *ticket* back.
        """
        now = time.time()
        with self.db.connect() as conn:
            conn.execute("BEGIN IMMEDIATE")
            wait = self._wait(conn, name, address, now)
            if wait:
                return wait, []
            ticket = [conn.execute("INSERT INTO login_failures VALUES (?, ?)", (key, now)).lastrowid
                      for key, _ in self._keys(name, address)]
            conn.execute("DELETE FROM login_failures WHERE at < ?", (now - self.window,))
        return 0, ticket

    def succeeded(self, name: str, ticket: list[int] = ()) -> None:
        """Forget the user name's failures and this attempt's own records (its *ticket*)."""
        with self.db.connect() as conn:
            conn.execute("DELETE FROM login_failures WHERE key = ?", (f"user:{name.strip().lower()}",))
            conn.executemany("DELETE FROM login_failures WHERE rowid = ?", [(rowid,) for rowid in ticket])


class Sessions:
    """Server-side record of each login, so that logging out ends it even if the cookie was copied.

    The session cookie is signed but lives in the browser; without this table a cookie taken
    from a shared office computer would stay valid for SESSION_HOURS after 退出.
    """

    def __init__(self, db: Database, max_age: int):
        self.db = db
        self.max_age = max_age

    @staticmethod
    def _key(session_id: str) -> str:
        return hashlib.sha256(session_id.encode("utf-8")).hexdigest()

    def start(self, user: str) -> str:
        """Record a new login and return its id (kept in the signed cookie)."""
        session_id = secrets.token_urlsafe(32)
        now = time.time()
        with self.db.connect() as conn:
            conn.execute("DELETE FROM sessions WHERE started < ?", (now - self.max_age,))
            conn.execute("INSERT INTO sessions VALUES (?, ?, ?)", (self._key(session_id), user, now))
        return session_id

    def alive(self, session_id: str | None, user: str) -> bool:
        """Tell whether *session_id* is a current login of *user*."""
        if not session_id:
            return False
        with self.db.connect() as conn:
            row = conn.execute("SELECT started FROM sessions WHERE id = ? AND user = ?",
                               (self._key(str(session_id)), user)).fetchone()
        return bool(row) and row["started"] >= time.time() - self.max_age

    def end(self, session_id: str | None) -> None:
        """Forget one login (退出)."""
        if session_id:
            with self.db.connect() as conn:
                conn.execute("DELETE FROM sessions WHERE id = ?", (self._key(str(session_id)),))
