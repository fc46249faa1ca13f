"""One error handler: a Chinese page for people, ``{"error": "..."}`` under /api/, never a traceback."""
from __future__ import annotations

import logging

from flask import Flask, jsonify, render_template, request
from werkzeug.exceptions import HTTPException

from indexer import PolicyKBError

from .recovery import REPAIRABLE, IndexUnavailable, answer_again

log = logging.getLogger(__name__)

HTTP_MESSAGES = {
    400: "请求参数有误。",
    403: "没有权限访问这个页面。",
    404: "找不到这个页面。",
    405: "不支持这种请求方式。",
    413: "上传的内容太大。",
    429: "请求过于频繁，请稍后再试。",
    500: "服务器内部错误，请稍后再试或联系管理员。",
    503: "服务暂时不可用，请稍后再试。",
}


class PageNotFound(PolicyKBError):
    """A page of the site (not a document) does not exist."""

    status = 404


TITLES = {400: "参数有误", 404: "找不到页面", 503: "暂时不可用"}


def describe(error: Exception) -> tuple[int, str]:
    """Return (HTTP status, Chinese sentence) for any exception."""
    if isinstance(error, (PolicyKBError, IndexUnavailable)):
        return error.status, str(error)
    if isinstance(error, HTTPException):
        status = error.code or 500
        # werkzeug's descriptions are English: people get our Chinese sentence instead.
        return status, HTTP_MESSAGES.get(status, "请求无法完成。")
    log.exception("unhandled error on %s", request.path)
    return 500, HTTP_MESSAGES[500]


def handle(error: Exception):
    if isinstance(error, REPAIRABLE) or not isinstance(error, (PolicyKBError, HTTPException)):
        try:
            answered = answer_again(error)
        except Exception as exc:  # IndexUnavailable, or the view failing in another way
            error = exc
        else:
            if answered is not None:
                return answered
    status, message = describe(error)
    if request.path.startswith("/api/"):
        response = jsonify(error=message)
        response.status_code = status
        return response
    title = TITLES.get(status, "出错了")
    return render_template("error.html", status=status, title=title, message=message,
                           q=request.args.get("q", "")[:200] if status != 400 else ""), status


def init_app(app: Flask) -> None:
    app.register_error_handler(Exception, handle)
