"""An exclusive lock held across processes through a lock file (``flock`` on POSIX)."""
from __future__ import annotations

from contextlib import contextmanager
from pathlib import Path


@contextmanager
def exclusive(path: Path):
    """Hold an exclusive lock on *path* (created if missing) until the block ends.

    Where the OS has no ``flock`` (Windows) this only opens the file: one process serves the
    site there, and the callers' thread locks suffice.
    """
    path.parent.mkdir(parents=True, exist_ok=True)
    with open(path, "a+b") as handle:
        try:
            import fcntl
        except ImportError:
            fcntl = None
        if fcntl is not None:
            fcntl.flock(handle.fileno(), fcntl.LOCK_EX)
        yield
