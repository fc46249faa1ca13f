"""policykb web site (Flask); talks to the knowledge base only through ``indexer``'s API."""
from __future__ import annotations

import os
import secrets
from pathlib import Path

from flask import Flask

from indexer import KnowledgeBase

# Settings: (name, default, help).  Each may also be set through the environment variable named
# in the README; ``create_app(config)`` overrides both.
SETTINGS = (
    ("CORPUS_DIR", "corpus", "语料目录（环境变量 POLICYKB_CORPUS）"),
    ("INDEX_DIR", os.path.join("var", "index"), "索引目录（环境变量 POLICYKB_INDEX）"),
    ("SECRET_KEY", None, "会话密钥（环境变量 POLICYKB_SECRET_KEY；缺省时生成并保存在实例目录）"),
    ("PER_PAGE", 10, "每页结果数"),
    ("MAX_CONTENT_LENGTH", None, "请求体上限（字节）；缺省为 UPLOAD_MAX_MB 与 UPLOAD_MAX_TOTAL_MB 中较大者加 1 MB"),
)


def create_app(config: dict | None = None) -> Flask:
    """Create the site; *config* may pass ``KB`` (a ready KnowledgeBase) and any setting above.

    :param config: settings overriding the environment and the defaults.
    :returns: the Flask application (one KnowledgeBase per application).
    """
    config = dict(config or {})
    instance = config.pop("INSTANCE_PATH", None) or os.environ.get("POLICYKB_INSTANCE") or "var"
    app = Flask(__name__, instance_path=str(Path(instance).resolve()), instance_relative_config=False)
    for name, default, _help in SETTINGS:
        app.config[name] = default
    app.config.update(
        CORPUS_DIR=os.environ.get("POLICYKB_CORPUS") or app.config["CORPUS_DIR"],
        INDEX_DIR=os.environ.get("POLICYKB_INDEX") or app.config["INDEX_DIR"],
        SECRET_KEY=os.environ.get("POLICYKB_SECRET_KEY") or None,
        SESSION_COOKIE_SAMESITE="Lax",
        SESSION_COOKIE_HTTPONLY=True,
        JSON_AS_ASCII=False,
    )
    app.json.ensure_ascii = False
    app.json.sort_keys = False
    app.config.update(config)
    if not app.config["SECRET_KEY"]:
        app.config["SECRET_KEY"] = _stored_secret_key(Path(app.instance_path))
    kb = app.config.get("KB") or KnowledgeBase(app.config["CORPUS_DIR"], app.config["INDEX_DIR"],
                                               instance_dir=app.instance_path)
    app.extensions["policykb"] = kb

    from . import advanced, api, browse, context, documents, errors, recovery, review, search
    context.init_app(app)
    errors.init_app(app)
    recovery.init_app(app)
    for module in (search, advanced, documents, browse, review, api):
        app.register_blueprint(module.bp)
    from . import admin, auth
    auth.init_app(app)
    app.register_blueprint(admin.bp)
    from . import feedback
    feedback.configure(app)
    return app


def _stored_secret_key(instance: Path) -> str:
    """Return the secret key kept in the instance directory, creating it on first start."""
    path = instance / "secret_key"
    try:
        key = path.read_text(encoding="ascii").strip()
        if len(key) >= 32:
            return key
    except OSError:
        pass
    instance.mkdir(parents=True, exist_ok=True)
    key = secrets.token_hex(32)
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w", encoding="ascii") as handle:
        handle.write(key)
    return key
