"""analysis wing."""
from .background import is_content_word, specificity
from .textnorm import DOC_NO_RE, cn_to_int, fold_width, normalize_doc_no

__all__ = ["cn_to_int", "fold_width", "Segmenter", "TextAnalyzer", "default_backend", "read_userdict",
           "background_table", "is_content_word", "specificity", "DOC_NO_RE", "normalize_doc_no"]

# Indexes built before the wings (issue 12) pickled indexer.analysis.WhooshChineseAnalyzer.
_LEGACY = {"WhooshChineseAnalyzer": "analyzer"}
# Door names loaded on first use (they pull in whoosh; the import worker needs only textnorm).
_LEGACY.update({"Segmenter": "analyzer", "TextAnalyzer": "analyzer", "default_backend": "analyzer",
                "read_userdict": "analyzer", "background_table": "background"})
_RENAMED = {"background_table": "table"}


def __getattr__(name: str):
    if name in _LEGACY:
        import importlib
        return getattr(importlib.import_module(f"{__name__}.{_LEGACY[name]}"), _RENAMED.get(name, name))
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
