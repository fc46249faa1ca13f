"""index wing."""
from .damage import reads_index
from .segcache import set_budget as set_segment_budget

__all__ = ["reads_index", "set_segment_budget"]
