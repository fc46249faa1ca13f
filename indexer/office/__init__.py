"""office wing: the importers (loaded at once: the import worker needs only them) and the workspace,
word tables and uploads (loaded on first use, as they bring the index)."""
import importlib

from .importers import SUPPORTED_SUFFIXES, ImportLimits, ImportRefused, convert_bytes
from .importers.guess import structure_plain_text

# name -> module of this wing, imported when the name is first asked for
_LAZY = {"OfficeLinks": "records", "TableProbe": "tablepreview", "Workspace": "workspace",
         "WordTables": "wordtables"}

__all__ = ["SUPPORTED_SUFFIXES", "ImportLimits", "ImportRefused", "convert_bytes", "structure_plain_text", *_LAZY]


def __getattr__(name: str):
    if name in _LAZY:
        return getattr(importlib.import_module(f"{__name__}.{_LAZY[name]}"), name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
