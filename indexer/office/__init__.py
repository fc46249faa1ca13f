"""office wing."""
from .importers import SUPPORTED_SUFFIXES, ImportLimits, ImportRefused, convert_bytes, encoding_codec
from .importers.guess import structure_plain_text

# Door names loaded on first use: the workspace pulls in the index (whoosh), which the import
# worker (a fresh process per file, importing office.importers) must not pay for.
_LAZY = {"Workspace": "workspace", "remove_tmp_files": "crashrepair", "UNLOCKED_TMP_AGE": "crashrepair",
         "import_paths": "bulk_import", "TableSpec": "wordtables", "parse_table": "wordtables"}


def __getattr__(name: str):
    if name in _LAZY:
        import importlib
        value = globals()[name] = getattr(importlib.import_module(f"{__name__}.{_LAZY[name]}"), name)
        return value  # kept: the next use is a plain attribute
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


__all__ = ["SUPPORTED_SUFFIXES", "ImportLimits", "ImportRefused", "convert_bytes", "structure_plain_text", "Workspace",
           "remove_tmp_files", "UNLOCKED_TMP_AGE", "import_paths", "encoding_codec",
           "TableSpec", "parse_table"]
