"""analysis wing: text normalisation and word specificity (loaded at once) and the Chinese analyzer
(loaded on first use, as it brings whoosh: the import worker and the corpus reader need only the
normalisation)."""
import importlib

from .background import is_content_word, is_function_word, specificity
from .textnorm import DOC_NO_RE, cn_to_int, fold_width, normalize_doc_no

# name -> module of this wing, imported when the name is first asked for.  Indexes built before the
# wings (issue 12) pickled indexer.analysis.WhooshChineseAnalyzer, which this also resolves.
_LAZY = {"PreAnalyzed": "analyzer", "Segmenter": "analyzer", "TextAnalyzer": "analyzer", "Token": "analyzer",
         "WhooshChineseAnalyzer": "analyzer", "default_backend": "analyzer", "read_userdict": "analyzer",
         "background_table": "background"}
_RENAMED = {"background_table": "table"}

__all__ = ["DOC_NO_RE", "cn_to_int", "fold_width", "normalize_doc_no", "is_content_word", "is_function_word", "specificity", *_LAZY]


def __getattr__(name: str):
    if name in _LAZY:
        return getattr(importlib.import_module(f"{__name__}.{_LAZY[name]}"), _RENAMED.get(name, name))
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
