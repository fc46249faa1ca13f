"""policykb knowledge-base core: corpus, Chinese analyzer, whoosh index, search and Q&A.

Only this package imports whoosh or jieba; callers get plain frozen dataclasses.
"""
from .errors import (CorpusError, DocumentNotFound, IndexBusy, IndexDamaged, IndexMissing, PolicyKBError,
                     QueryError)
from .models import FACET_BY_NAME, FACETS, LEVELS, Hit, IndexReport, PolicyDoc, SearchPage
from .settings import SETTING_BY_NAME, SETTINGS, Setting, setting

__all__ = ["KnowledgeBase", "PolicyDoc", "Hit", "SearchPage", "IndexReport", "LEVELS", "FACETS", "FACET_BY_NAME",
           "PolicyKBError", "CorpusError", "QueryError", "IndexMissing", "IndexBusy", "IndexDamaged",
           "DocumentNotFound", "SETTINGS", "SETTING_BY_NAME", "Setting", "setting"]


# The rest of the package face, loaded on first use: KnowledgeBase pulls in whoosh, and the import
# worker (a fresh process per file) needs none of it.  The site imports only these names.
_LAZY = {
    "KnowledgeBase": "kb",
    "CLIError": "cli_common", "command_line": "cli", "kb_options": "cli_common", "run_index": "cli_common",
    "setting_option": "cli_common",
    "STORE_LOCK_TIMEOUT": "index.store",
    "STATUSES": "models",
    "FIELD_LABELS": "office.form", "MAX_BODY_CHARS": "office.form", "FieldError": "office.form",
    "Workspace": "office.workspace", "DuplicateDocument": "office.workspace",
    "EditConflict": "office.workspace",
    "ENCODINGS": "office.importers", "OFFERED_ENCODINGS": "office.importers",
    "ImportLimits": "office.importers", "ImportRefused": "office.importers",
    "SUPPORTED_SUFFIXES": "office.importers", "convert_bytes": "office.importers",
    "ResultCache": "index.resultcache",
    "MAX_QUERY_CHARS": "search.query", "parse_query": "search.query",
    "TYPE_LABELS": "qa.question",
    "TABLES": "office.wordtables", "TableConflict": "office.wordtables", "TableError": "office.wordtables",
    "UnknownTable": "office.wordtables", "WordTables": "office.wordtables",
    "table_spec": "office.wordtables",
    "atomic_write": "corpus",
    "UnknownChecklist": "review", "BrokenChecklist": "review", "REVIEW_STATUSES": "review",
    "MAX_PLAN_CHARS": "review", "report_docx": "review",
    "BatchInterrupted": "office.uploads", "BatchInvalid": "office.uploads", "REVIEW_FIELDS": "office.uploads",
    "UploadBatches": "office.uploads", "convert_uploads": "office.uploads",
    "review_meta": "office.uploads", "save_batch": "office.uploads",
}
_RENAMED = {"STORE_LOCK_TIMEOUT": "LOCK_TIMEOUT", "command_line": "cli",
            "table_spec": "spec_of", "REVIEW_STATUSES": "STATUSES"}  # indexer.cli is the module


def __getattr__(name: str):
    if name in _LAZY:
        import importlib
        module = importlib.import_module(f"{__name__}.{_LAZY[name]}")
        return getattr(module, _RENAMED.get(name, name))
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
