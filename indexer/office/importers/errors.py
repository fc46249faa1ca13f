"""The one error an import raises: a Chinese sentence and an HTTP status, never a traceback."""
from __future__ import annotations

from ...errors import PolicyKBError


class ImportRefused(PolicyKBError):
    """A file cannot be imported; ``reason`` is a code, ``str()`` a Chinese sentence.

    Reasons: ``empty``, ``too_large``, ``unsupported``, ``encoding``, ``zip_bomb``, ``broken``,
    ``encrypted``, ``no_text``, ``timeout``, ``memory``.
    """

    status = 422
    STATUS = {"too_large": 413, "unsupported": 415}

    def __init__(self, reason: str, message: str, filename: str = ""):
        self.reason = reason
        self.filename = filename
        self.status = self.STATUS.get(reason, 422)
        super().__init__(f"{filename}：{message}" if filename else message)
        self.detail = message
