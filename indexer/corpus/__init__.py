"""corpus wing."""
from .reader import Corpus, SourceFile, atomic_write, content_hash, split_front_matter
from .yamlread import load_yaml
from .wording import WORDING_FACTOR

__all__ = ["Corpus", "SourceFile", "atomic_write", "content_hash", "split_front_matter", "load_yaml", "WORDING_FACTOR"]
