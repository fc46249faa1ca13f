"""corpus wing."""
from .document import (ID_RE, KNOWN_FIELDS, content_hash, decode_bytes, derived_id, normalize_date, parse_document,
                       split_front_matter)
from .reader import Corpus, SourceFile, atomic_write
from .wording import WORDING_FACTOR, merged_wording
from .yamlread import load_yaml

__all__ = ["Corpus", "SourceFile", "atomic_write", "content_hash", "split_front_matter", "load_yaml",
           "ID_RE", "KNOWN_FIELDS", "decode_bytes", "derived_id", "normalize_date", "parse_document",
           "merged_wording", "WORDING_FACTOR"]
