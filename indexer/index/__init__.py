"""index wing."""
from .damage import reads_index
from .reconcile import Reconciler
from .segcache import set_budget as set_segment_budget
from .parallel import default_workers
from .resultcache import ResultCache
from .store import IndexChanged, IndexStore
from .listing import document_metas

__all__ = ["Reconciler", "reads_index", "set_segment_budget", "default_workers", "ResultCache", "IndexChanged", "IndexStore",
           "document_metas"]
