"""One table of settings: name, environment variable, default, type and help.

Read when a :class:`~indexer.kb.KnowledgeBase`, a command or the site is built (never at import),
so a test or a process that sets a variable first gets it.  The site reads every row into its
``app.config`` (a value passed to ``create_app`` wins over the environment, which wins over the
default); the README documents every row (``tests/test_settings.py`` checks).
"""
from __future__ import annotations

import logging
import os
from dataclasses import dataclass

log = logging.getLogger(__name__)

_TRUE = ("1", "true", "yes", "on", "是")


@dataclass(frozen=True)
class Setting:
    """One setting; ``default`` None means "decided at run time" (see the help)."""

    name: str
    env: str | None
    default: object
    type: type
    help: str
    minimum: float | None = None  # smaller values are raised to it

    def read(self, environ=None):
        """Return the value from the environment, else the default; a value that is not of the
        setting's type is logged (naming the variable) and the default used."""
        raw = (os.environ if environ is None else environ).get(self.env, "") if self.env else ""
        if not raw.strip():
            return self.default
        try:
            return self.parse(raw)
        except ValueError:
            log.warning("环境变量 %s 的值“%s”无效，改用缺省值 %s。", self.env, raw, self.default)
            return self.default

    def parse(self, raw: str):
        raw = raw.strip()
        if self.type is bool:
            return raw.lower() in _TRUE
        value = self.type(raw)
        if self.minimum is not None and value < self.minimum:
            value = self.type(self.minimum)
        return value


SETTINGS = (
    # -- the knowledge base and the commands --------------------------------------------------------
    Setting("CORPUS_DIR", "POLICYKB_CORPUS", "corpus", str, "语料目录（文档的唯一来源）"),
    Setting("INDEX_DIR", "POLICYKB_INDEX", os.path.join("var", "index"), str, "索引目录（可随时删除后重建）"),
    Setting("INSTANCE_DIR", "POLICYKB_INSTANCE", "var", str, "实例目录：账号、审计日志、历史版本、回收站、会话密钥"),
    Setting("RESULT_CACHE", "POLICYKB_RESULT_CACHE", 512, int, "每个进程记住的检索结果页和问答数；0 关闭", minimum=0),
    Setting("SEGMENT_CACHE_MB", "POLICYKB_SEGMENT_CACHE_MB", 1024.0, float, "每个进程最多保留多少 MB 索引段字节",
            minimum=0),
    Setting("INDEX_WORKERS", "POLICYKB_INDEX_WORKERS", None, int, "完整重建时并行的子进程数；缺省为 CPU 核数（最多 4）",
            minimum=1),
    Setting("SEGMENTER", "POLICYKB_SEGMENTER", "auto", str, "分词器：rjieba、jieba 或 auto"),
    Setting("LOCK_TIMEOUT", "POLICYKB_LOCK_TIMEOUT", 300.0, float, "命令等待另一进程的索引写锁的秒数", minimum=0),
    Setting("DEBUG", "POLICYKB_DEBUG", False, bool, "命令出错时显示程序内部的详细信息"),
    # -- the site --------------------------------------------------------------------------------
    Setting("SECRET_KEY", "POLICYKB_SECRET_KEY", None, str, "会话密钥；缺省时生成并保存在实例目录"),
    Setting("PER_PAGE", None, 10, int, "每页结果数"),
    Setting("MAX_CONTENT_LENGTH", None, None, int,
            "请求体上限（字节）；缺省为 UPLOAD_MAX_MB 与 UPLOAD_MAX_TOTAL_MB 中较大者加 1 MB"),
    # -- the office workspace ------------------------------------------------------------------------
    Setting("READ_REQUIRES_LOGIN", "POLICYKB_READ_REQUIRES_LOGIN", False, bool, "阅读和检索也需要登录"),
    Setting("UPLOAD_MAX_MB", "POLICYKB_UPLOAD_MAX_MB", 20, int, "上传文件大小上限（MB）"),
    Setting("UPLOAD_MAX_FILES", "POLICYKB_UPLOAD_MAX_FILES", 20, int, "一次最多上传的文件个数"),
    Setting("UPLOAD_MAX_TOTAL_MB", "POLICYKB_UPLOAD_MAX_TOTAL_MB", 50, int, "一次上传的文件合计大小上限（MB）"),
    Setting("SESSION_HOURS", "POLICYKB_SESSION_HOURS", 12, int, "登录有效时长（小时）"),
    Setting("LOGIN_MAX_FAILURES", None, 5, int, "同一用户名在锁定时间内允许的失败次数"),
    Setting("LOGIN_MAX_FAILURES_PER_ADDRESS", None, 20, int, "同一地址在锁定时间内允许的失败次数"),
    Setting("LOGIN_LOCK_MINUTES", None, 15, int, "失败计数的时间窗口和锁定时长（分钟）"),
    Setting("AUDIT_PER_PAGE", None, 50, int, "审计日志每页条数"),
    Setting("FEEDBACK_RETENTION_DAYS", "POLICYKB_FEEDBACK_RETENTION_DAYS", 180, int, "反馈和未答好的问题保留天数"),
    Setting("FEEDBACK_LOW_SCORE", None, 0.4, float, "首条答案的分数低于此值时记为“低分”"),
    Setting("FEEDBACK_PER_10_MINUTES", None, 20, int, "同一来源 10 分钟内最多提交的反馈次数"),
    Setting("QUESTION_SET", "POLICYKB_QUESTION_SET", "", str,
            "本单位问题集（policykb eval 的 JSON Lines 文件）；缺省为语料目录下的 questions.jsonl"),
)
SETTING_BY_NAME = {setting.name: setting for setting in SETTINGS}


def setting(name: str, environ=None):
    """Return the current value of the setting *name* (environment, else default)."""
    return SETTING_BY_NAME[name].read(environ)
