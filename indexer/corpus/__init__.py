"""corpus wing."""
from .reader import Corpus, SourceFile, atomic_write, content_hash, split_front_matter

__all__ = ["Corpus", "SourceFile", "atomic_write", "content_hash", "split_front_matter"]
