"""Log in and out; who may see what (editors, admins, optionally readers); CSRF on every form."""
from __future__ import annotations

import functools
from datetime import timedelta
from urllib.parse import urlsplit

from flask import (Blueprint, Flask, abort, current_app, flash, g, redirect, render_template, request,
                   session, url_for)
from flask_wtf.csrf import CSRFError, CSRFProtect

from . import office as office_state
from .office import get_office, record

bp = Blueprint("auth", __name__, url_prefix="/admin")
csrf = CSRFProtect()

OPEN_ENDPOINTS = {"auth.login", "static"}


def login_required(view):
    """Send anonymous visitors to the login page, then back here."""
    @functools.wraps(view)
    def wrapped(*args, **kwargs):
        if g.user is None:
            return redirect(url_for("auth.login", next=request.full_path.rstrip("?")))
        return view(*args, **kwargs)
    return wrapped


def admin_required(view):
    """Allow administrators only (others get 403)."""
    @functools.wraps(view)
    @login_required
    def wrapped(*args, **kwargs):
        if not g.user.is_admin:
            abort(403)
        return view(*args, **kwargs)
    return wrapped


def _safe_next(target: str | None) -> str:
    """Return a local path to go to after login (never another site)."""
    if not target:
        return url_for("admin.dashboard")
    if any(ord(ch) < 32 or ord(ch) == 127 for ch in target):
        return url_for("admin.dashboard")  # CR/LF would split the Location header
    parts = urlsplit(target)
    if parts.scheme or parts.netloc or not target.startswith("/") or target.startswith("//") or "\\" in target:
        return url_for("admin.dashboard")
    return target


@bp.route("/login", methods=["GET", "POST"])
def login():
    """Show the login form; check the password, with a limit on repeated failures."""
    office = get_office()
    next_url = _safe_next(request.values.get("next"))
    if request.method == "GET":
        return render_template("admin/login.html", next=next_url, name="")
    name = request.form.get("name", "").strip()[:40]
    password = request.form.get("password", "")
    address = request.remote_addr or ""
    wait, ticket = office.throttle.attempt(name, address)
    if wait:
        record("login_blocked", detail=f"用户名“{name}”", user=name or "（空）")
        minutes = (wait + 59) // 60
        return render_template("admin/login.html", next=next_url, name=name,
                               error=f"登录失败次数过多，请 {minutes} 分钟后再试。"), 429
    user = office.accounts.verify(name, password)
    if user is None:  # the attempt is already counted as a failure
        record("login_failed", detail=f"用户名“{name}”", user=name or "（空）")
        return render_template("admin/login.html", next=next_url, name=name,
                               error="用户名或密码不正确。"), 401
    office.throttle.succeeded(name, ticket)
    session.clear()  # a fresh session (and CSRF token) after login: no session fixation
    session.permanent = True
    session["user"] = user.name
    session["stamp"] = user.session_stamp
    session["sid"] = office.sessions.start(user.name)
    g.user = user
    record("login", detail=user.role_label)
    flash(f"欢迎，{user.name}。", "success")
    return redirect(next_url)


@bp.post("/logout")
def logout():
    """End the session."""
    if g.user is not None:
        record("logout")
    get_office().sessions.end(session.get("sid"))
    session.clear()
    flash("已退出登录。", "success")
    return redirect(url_for("search.home"))


def _load_user() -> None:
    g.user = None
    name = session.get("user")
    if not name:
        return
    office = get_office()
    user = office.accounts.get(name)
    if user is None or session.get("stamp") != user.session_stamp or \
            not office.sessions.alive(session.get("sid"), user.name):
        session.clear()  # account removed, password changed elsewhere, or logged out (even if the cookie was copied)
        return
    g.user = user


def _gate():
    """Require login under /admin/, and everywhere when READ_REQUIRES_LOGIN is set."""
    if request.endpoint == "static":
        g.user = None  # style sheets and scripts need no account lookup
        return None
    _load_user()
    if g.user is not None or request.endpoint in OPEN_ENDPOINTS:
        return None
    if request.path.startswith("/admin/") or request.path == "/admin" or current_app.config["READ_REQUIRES_LOGIN"]:
        if request.path.startswith("/api/"):
            return {"error": "需要登录后才能访问。"}, 401
        return redirect(url_for("auth.login", next=request.full_path.rstrip("?")))
    return None


def _csrf_failed(error: CSRFError):
    message = "页面已过期或缺少安全令牌，操作没有执行。请刷新页面后重新提交。"
    if request.path.startswith("/admin/preview"):
        return {"error": message}, 400
    return render_template("error.html", status=400, title="请刷新页面", message=message, q=""), 400


def init_app(app: Flask) -> None:
    office_state.configure(app)
    office_state.build(app, app.extensions["policykb"])
    app.config.setdefault("WTF_CSRF_TIME_LIMIT", None)  # a token lives as long as the session:
    # an editor may spend hours on one document and must not lose the form to an expired token
    app.permanent_session_lifetime = timedelta(hours=int(app.config["SESSION_HOURS"]))
    csrf.init_app(app)
    app.before_request(_gate)
    app.register_error_handler(CSRFError, _csrf_failed)
    app.context_processor(lambda: {"current_user": g.get("user")})
    app.register_blueprint(bp)
