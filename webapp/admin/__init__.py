"""The office workspace under /admin/: add, upload, edit, retire, delete, restore; history; audit."""
from __future__ import annotations

from flask import Blueprint

bp = Blueprint("admin", __name__, url_prefix="/admin")

from . import batch, editor, lifecycle, misses, picker, tables  # noqa: E402,F401  (routes register on bp)
