"""index wing."""
from .damage import reads_index
from .filestate import signature
from .reconcile import Reconciler
from .resultcache import ResultCache
from .segcache import set_budget as set_segment_budget
from . import whoosh_fixes  # noqa: F401  (fixes whoosh bugs that change search results)
from .parallel import default_workers
from .store import IndexChanged, IndexStore
from .listing import document_metas

__all__ = ["Reconciler", "reads_index", "set_segment_budget", "signature", "default_workers", "ResultCache",
           "IndexChanged", "IndexStore", "document_metas"]
