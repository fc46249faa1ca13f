"""index wing."""
from .damage import reads_index

__all__ = ["reads_index"]
