"""Rebuild a damaged index from the corpus while the site runs, instead of failing until a restart.

The index is derived from ``corpus/`` and can always be rebuilt.  When a request fails inside the
index (files truncated or deleted, a copy from another machine, a disk hiccup: the knowledge base
raises ``IndexDamaged``, or ``IndexMissing``), the site repairs it with ``KnowledgeBase.index`` and
answers the same request again: a reader sees the page, not an error.  Only GET and HEAD are answered again; anything else gets a Chinese sentence asking to
try once more (the repair has already happened by then).
"""
from __future__ import annotations

import logging
import threading

from flask import Flask, current_app, request

from indexer import IndexDamaged, IndexMissing

log = logging.getLogger(__name__)

REPAIRED_RETRY = "检索索引刚才出现损坏，已从语料库自动重建。您的操作没有完成，请返回上一页重新提交。"
REPAIR_FAILED = ("检索索引已损坏，自动重建没有成功。文档原文没有受影响；"
                 "请管理员在服务器上运行 policykb index --rebuild 后再试。")


class IndexUnavailable(Exception):
    """The index failed and could not be repaired; carries the Chinese sentence to show."""

    status = 503


REPAIRABLE = (IndexDamaged, IndexMissing)  # what the knowledge base raises for an index to rebuild


def from_index(error: BaseException) -> bool:
    """Tell whether *error* says the index is damaged or missing (a rebuild from the corpus helps)."""
    return isinstance(error, REPAIRABLE)


class IndexRepair:
    """Serialise repairs: one thread rebuilds, the others wait for it and then reuse the result."""

    def __init__(self, kb):
        self.kb = kb
        self._lock = threading.Lock()
        self.repairs = 0

    def repair(self, full: bool) -> bool:
        """Bring the index back from the corpus; return False when that failed.

        :param full: rebuild from scratch even when the index still opens (damaged segments).
        """
        seen = self.repairs
        token = self.kb.store.generation_token()
        with self._lock:
            if self.repairs != seen:
                return True  # another request repaired it while this one waited
            if self.kb.store.generation_token() != token:
                return True  # another process (a worker of the site) wrote a new index meanwhile
            try:
                report = self.kb.index(rebuild=full)
            except Exception:
                log.exception("index repair failed")
                return False
            log.warning("index repaired from the corpus (%s, %d files)",
                        "full rebuild" if report.rebuilt else "update", report.files)
            self.repairs += 1
            return True


def answer_again(error: BaseException):
    """Repair the index after *error* and answer the request again; return None if not an index error.

    :raises IndexUnavailable: the index could not be repaired, or still fails after a full rebuild.
    """
    if not from_index(error):
        return None
    repair: IndexRepair = current_app.extensions["policykb.repair"]
    log.warning("index error on %s: %r", request.path, error)
    if request.method not in ("GET", "HEAD"):
        if not repair.repair(full=True):
            raise IndexUnavailable(REPAIR_FAILED)
        raise IndexUnavailable(REPAIRED_RETRY)
    view = current_app.view_functions[request.endpoint]
    for full in (False, True):  # first the cheap reconcile, then a rebuild from scratch
        if not repair.repair(full=full):
            break
        try:
            return current_app.ensure_sync(view)(**(request.view_args or {}))
        except Exception as again:
            if not from_index(again):
                raise
            log.warning("index still failing after repair on %s: %r", request.path, again)
    raise IndexUnavailable(REPAIR_FAILED)


def init_app(app: Flask) -> None:
    app.extensions["policykb.repair"] = IndexRepair(app.extensions["policykb"])
