"""index wing."""
from .damage import reads_index
from .reconcile import Reconciler
from .segcache import set_budget as set_segment_budget

__all__ = ["Reconciler", "reads_index", "set_segment_budget"]
