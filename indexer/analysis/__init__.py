"""analysis wing."""
from .textnorm import cn_to_int, fold_width

__all__ = ["cn_to_int", "fold_width"]

# Indexes built before the wings (issue 12) pickled indexer.analysis.WhooshChineseAnalyzer.
_LEGACY = {"WhooshChineseAnalyzer": "analyzer"}


def __getattr__(name: str):
    if name in _LEGACY:
        import importlib
        return getattr(importlib.import_module(f"{__name__}.{_LEGACY[name]}"), name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
