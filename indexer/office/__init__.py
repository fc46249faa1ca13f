"""office wing: the importers (loaded at once: the import worker needs only them) and the workspace,
word tables, crash repair and bulk import (loaded on first use, as they bring the index, i.e. whoosh,
which the import worker, a fresh process per file, must not pay for)."""
import importlib

from .importers import SUPPORTED_SUFFIXES, ImportLimits, ImportRefused, convert_bytes, encoding_codec
from .importers.guess import structure_plain_text

# name -> module of this wing, imported when the name is first asked for
_LAZY = {"OfficeLinks": "records", "TableProbe": "tablepreview", "Workspace": "workspace",
         "WordTables": "wordtables", "TableSpec": "tablerows", "parse_table": "tablerows",
         "remove_tmp_files": "crashrepair", "UNLOCKED_TMP_AGE": "crashrepair", "import_paths": "bulk_import"}

__all__ = ["SUPPORTED_SUFFIXES", "ImportLimits", "ImportRefused", "convert_bytes", "encoding_codec",
           "structure_plain_text", *_LAZY]


def __getattr__(name: str):
    if name in _LAZY:
        value = globals()[name] = getattr(importlib.import_module(f"{__name__}.{_LAZY[name]}"), name)
        return value  # kept: the next use is a plain attribute
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
