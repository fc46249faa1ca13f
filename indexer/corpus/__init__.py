"""corpus wing."""
from .reader import atomic_write, content_hash

__all__ = ["atomic_write", "content_hash"]
