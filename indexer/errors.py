"""Typed errors of the knowledge base; each carries a Chinese sentence for people."""
from __future__ import annotations


class PolicyKBError(Exception):
    """Base class: ``str(error)`` is a complete Chinese sentence; ``status`` an HTTP status."""

    status = 500

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message

    def __str__(self) -> str:
        return self.message


class CorpusError(PolicyKBError):
    """A corpus file cannot be read or has an invalid field."""

    status = 422

    def __init__(self, path, field: str | None, message: str):
        self.path = str(path)
        self.field = field
        where = f"{self.path}" + (f"：字段 {field}" if field else "")
        super().__init__(f"{where}：{message}")
        self.reason = message


class QueryError(PolicyKBError):
    """A search or question parameter is invalid."""

    status = 400

    def __init__(self, message: str, parameter: str | None = None):
        super().__init__(message)
        self.parameter = parameter


class IndexMissing(PolicyKBError):
    """The index has not been built yet."""

    status = 503

    def __init__(self, index_dir):
        super().__init__(f"索引尚未建立（{index_dir}）。请先运行：policykb index")


class IndexBusy(PolicyKBError):
    """Another process holds the index writer lock for too long."""

    status = 503

    def __init__(self, index_dir, holder: str = "", waited: float = 0.0):
        if holder:
            super().__init__(f"索引（{index_dir}）已被{holder}占用，等待 {waited:.0f} 秒后仍未释放，本次没有更新。"
                             "请等它结束后重试；如果该进程已无响应，请结束它后再运行 policykb index。")
        else:
            super().__init__(f"索引正在被另一个进程更新（{index_dir}），请稍后再试。")


class IndexDamaged(PolicyKBError):
    """Reading the index failed: its files are damaged, truncated, deleted or from another machine.

    The index is derived from the corpus, so a rebuild repairs it; ``cause`` is what reading raised.
    """

    status = 503

    def __init__(self, index_dir, cause: BaseException | None = None):
        super().__init__(f"检索索引已损坏（{index_dir}），请运行 policykb index --rebuild 从语料库重建；文档原文不受影响。")
        self.index_dir = str(index_dir)
        self.cause = cause


class DocumentNotFound(PolicyKBError):
    """No document has the requested id."""

    status = 404

    def __init__(self, doc_id: str):
        super().__init__(f"找不到文档“{doc_id}”。")
        self.doc_id = doc_id
