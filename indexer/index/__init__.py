"""index wing."""
from .damage import reads_index
from .filestate import signature
from .reconcile import Reconciler
from .segcache import set_budget as set_segment_budget

__all__ = ["Reconciler", "reads_index", "set_segment_budget", "signature"]
