"""Index damage as a type: what reading damaged index files raises becomes :class:`IndexDamaged`.

The site repairs a damaged index from the corpus (``webapp/recovery.py``) when it meets this type;
the command line prints its sentence.  Wrap the knowledge base's reading methods in
:func:`reads_index`.
"""
from __future__ import annotations

import functools
import pickle
import struct
import zlib

from whoosh.index import IndexError as WhooshIndexError

from ..errors import IndexDamaged, PolicyKBError

# What decoding damaged bytes raises, wherever it happens: whoosh's own check of the files, and the
# decoders whoosh and our postings use (pickle, zlib, struct, UTF-8, a file that ends too early).
DECODING_ERRORS = (WhooshIndexError, pickle.UnpicklingError, zlib.error, struct.error, EOFError,
                   UnicodeDecodeError)
# The code that reads index files.  Garbage bytes also make it fail in ordinary ways (a KeyError, an
# AttributeError on an unpickled object, a FileNotFoundError for a deleted segment): an error of
# any type raised there is the files' fault, not a bug of the caller.
READERS = ("whoosh.", "indexer.index.")


def is_damage(error: BaseException) -> bool:
    """Tell whether *error*, raised while reading the index, means the index files are damaged."""
    if isinstance(error, PolicyKBError):
        return False
    if isinstance(error, DECODING_ERRORS):
        return True
    tb = error.__traceback__
    while tb is not None and tb.tb_next is not None:
        tb = tb.tb_next
    origin = str(tb.tb_frame.f_globals.get("__name__", "")) if tb is not None else ""
    return origin.startswith(READERS)


def reads_index(method):
    """Decorate a KnowledgeBase method that reads the index: damage raises IndexDamaged."""
    @functools.wraps(method)
    def reading(self, *args, **kwargs):
        try:
            return method(self, *args, **kwargs)
        except Exception as error:
            if is_damage(error):
                raise IndexDamaged(self.index_dir, error) from error
            raise
    return reading
