"""corpus wing."""
from .reader import Corpus, SourceFile, atomic_write, content_hash, split_front_matter
from .yamlread import load_yaml
from .reader import derived_id
from .wording import WORDING_FACTOR, merged_wording

__all__ = ["Corpus", "SourceFile", "atomic_write", "content_hash", "split_front_matter", "load_yaml", "derived_id",
           "merged_wording", "WORDING_FACTOR"]
