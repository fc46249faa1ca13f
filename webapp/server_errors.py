"""Chinese pages for the errors waitress answers by itself, before the application sees a request.

Waitress refuses a request whose body exceeds ``max_request_body_size`` (checked against the
``Content-Length`` header before any of the body is read), whose headers exceed
``max_request_header_size``, or that it cannot parse; its own answers are English plain text.
:class:`Channel` swaps in :class:`ErrorPage`, which answers the same status with a Chinese page
(or ``{"error": ...}`` under ``/api/``).
"""
from __future__ import annotations

import html
import json

from waitress.channel import HTTPChannel
from waitress.task import ErrorTask

MB = 1024 * 1024

PAGES = {
    400: ("请求格式有误", "服务器无法理解这个请求，没有执行任何操作。请返回上一页重试。"),
    413: ("内容太大", "提交的内容超过了本站的上限（{limit}），服务器没有接收，也没有保存任何内容。"
                      "请缩小或拆分文件后重新上传。"),
    431: ("请求头太大", "请求头（通常是本站的 Cookie）超过了服务器的上限，请求没有执行。"
                        "请清除浏览器中本站的 Cookie 后重试。"),
    500: ("服务器内部错误", "服务器内部出错，请求没有完成。请稍后再试或联系管理员。"),
    501: ("不支持的请求", "服务器不支持这种请求的传输编码，请求没有执行。"),
}


class ErrorPage(ErrorTask):
    """Answer waitress's own errors with the same status and a Chinese page."""

    def execute(self):
        error = self.request.error
        code = getattr(error, "code", 500)
        title, message = PAGES.get(code, PAGES[400 if 400 <= code < 500 else 500])
        upload_mb = getattr(self.channel.server, "upload_mb", None)
        total_mb = getattr(self.channel.server, "upload_total_mb", None)
        limit = f"{upload_mb} MB" if upload_mb else f"{self.channel.server.adj.max_request_body_size // MB} MB"
        if upload_mb and total_mb and total_mb != upload_mb:
            limit = f"单个文件 {upload_mb} MB，一次上传合计 {total_mb} MB"
        message = message.format(limit=limit)
        # a request whose headers could not be parsed has no path yet (NUL in a header, no colon)
        if (getattr(self.request, "path", None) or "").startswith("/api/"):
            body = json.dumps({"error": message}, ensure_ascii=False).encode("utf-8")
            kind = "application/json"
        else:
            body = (f'<!doctype html><html lang="zh-CN"><head><meta charset="utf-8"><title>{title}</title></head>'
                    f'<body><h1>{title}</h1><p>{html.escape(message)}</p><p><a href="/">返回首页</a></p>'
                    f"</body></html>").encode("utf-8")
            kind = "text/html; charset=utf-8"
        self.status = f"{code} {error.reason}"
        self.response_headers.append(("Content-Type", kind))
        self.set_close_on_finish()
        self.content_length = len(body)
        self.write(body)


class Channel(HTTPChannel):
    """A waitress channel whose own error answers are Chinese."""

    error_task_class = ErrorPage
