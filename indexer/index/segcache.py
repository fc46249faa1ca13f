"""Share the bytes of index segment files between readers instead of copying them at every open.

whoosh 2.7.4 memory-maps a segment and then hands each sub-file to ``BufferFile``, whose
``BytesIO(memoryview)`` copies it: opening a reader of the law index copied both 32 MB postings
files (~70 of its ~90 ms), and an incremental update opens readers three times (the writer's
deletions, the commit, the searcher reopened for the next search).  Every thread's searcher also
held its own copy.

Segment files never change once written (a merge writes a new one under a new random name), so
the copied bytes are kept here, keyed by the segment file's identity (device, inode, size,
mtime, name), and later opens wrap the same ``bytes`` (``BytesIO`` shares an exact ``bytes``
object instead of copying it).  Readers see exactly the data they saw before.  At most
:data:`BUDGET` bytes are kept (least recently used first out; the setting ``SEGMENT_CACHE_MB``);
entries of segment files that were deleted or replaced are dropped when new ones are added.
"""
from __future__ import annotations

import os
import threading
from collections import OrderedDict
from io import BytesIO

from whoosh.filedb import compound
from whoosh.filedb.structfile import BufferFile

#: Sub-files smaller than this are copied as before (the copy costs nothing worth sharing).
MIN_BYTES = 256 * 1024
BUDGET = 1024 * 1024 * 1024  # bytes; a knowledge base sets it from its settings (set_budget)

_lock = threading.Lock()
_entries: "OrderedDict[tuple, bytes]" = OrderedDict()
_paths: dict[tuple, str] = {}    # segment identity -> path, to notice deleted segment files
_size = 0


def set_budget(megabytes: float) -> None:
    """Keep at most *megabytes* of segment bytes in this process (the setting ``SEGMENT_CACHE_MB``)."""
    global BUDGET
    BUDGET = int(megabytes * 1024 * 1024)


_original_init = compound.CompoundStorage.__init__
_original_open_file = compound.CompoundStorage.open_file


def _identity(dbfile) -> tuple | None:
    """Return (identity, path) of the real file under a whoosh StructFile, or None."""
    try:
        raw = dbfile.file
        st = os.fstat(raw.fileno())
        path = raw.name if isinstance(raw.name, str) else None
    except (AttributeError, OSError, ValueError, TypeError):
        return None
    if path is None:
        return None
    return (st.st_dev, st.st_ino, st.st_size, st.st_mtime_ns, os.path.basename(path)), path


def _init(self, dbfile, use_mmap=True, basepos=0):
    found = _identity(dbfile)
    _original_init(self, dbfile, use_mmap, basepos)
    self._policykb_identity = (found[0] + (basepos,), found[1]) if found else None


def _still_there(identity: tuple, path: str) -> bool:
    try:
        st = os.stat(path)
    except OSError:
        return False
    return (st.st_dev, st.st_ino, st.st_size, st.st_mtime_ns) == identity[:4]


def _shared(key: tuple, identity: tuple, path: str, make) -> bytes:
    global _size
    with _lock:
        data = _entries.get(key)
        if data is not None:
            _entries.move_to_end(key)
            return data
    data = make()
    with _lock:
        if key in _entries:
            return _entries[key]
        if identity not in _paths:  # a new segment: forget the ones deleted by merges/rebuilds
            for old, old_path in list(_paths.items()):
                if not _still_there(old, old_path):
                    del _paths[old]
                    for k in [k for k in _entries if k[0] == old]:
                        _size -= len(_entries.pop(k))
            _paths[identity] = path
        _entries[key] = data
        _size += len(data)
        while _size > BUDGET and len(_entries) > 1:
            _, dropped = _entries.popitem(last=False)
            _size -= len(dropped)
        return data


def _open_file(self, name, *args, **kwargs):
    found = getattr(self, "_policykb_identity", None)
    if found is None or self.is_closed or self._source is None:
        return _original_open_file(self, name, *args, **kwargs)
    offset, length = self.range(name)
    if length < MIN_BYTES:
        return _original_open_file(self, name, *args, **kwargs)
    identity, path = found
    source = self._source
    data = _shared((identity, name, offset, length), identity, path,
                   lambda: bytes(memoryview(source)[offset:offset + length]))
    f = BufferFile(b"", name=name)
    f._buf = memoryview(data)  # as whoosh's own memoryview over the map: slices, no copies
    f.file = BytesIO(data)     # shares *data* (an exact bytes object) rather than copying it
    return f


def clear() -> None:
    """Forget every shared segment (tests)."""
    global _size
    with _lock:
        _entries.clear()
        _paths.clear()
        _size = 0


def apply() -> None:
    """Patch whoosh's compound segment storage in place (idempotent)."""
    compound.CompoundStorage.__init__ = _init
    compound.CompoundStorage.open_file = _open_file


apply()
