"""corpus wing."""
from .reader import atomic_write, content_hash, split_front_matter

__all__ = ["atomic_write", "content_hash", "split_front_matter"]
