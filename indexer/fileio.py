"""An exclusive lock held across processes through a lock file (``flock`` on POSIX).

An ``flock`` belongs to an open file description, and a forked child shares its parent's
descriptions: a child that outlives its parent keeps the parent's lock for ever (orphaned build
workers of a killed ``policykb index`` held the index lock that way, and every later writer hung).
Three rules keep a lock from outliving the process that took it:

* a forked child drops the locks its parent holds (:func:`os.register_at_fork`);
* the holder writes its process id into the lock file; a waiter that finds that process dead while
  the file is still locked moves the file aside and locks a fresh one (the stale lock is taken over);
* waiting is bounded: after *timeout* seconds :class:`LockTimeout` names the holder.
"""
from __future__ import annotations

import os
import time
from contextlib import contextmanager
from pathlib import Path

try:
    import fcntl
except ImportError:  # Windows: one process serves the site, the callers' thread locks suffice
    fcntl = None

POLL = 0.1
NOTICE_AFTER = 1.0  # seconds of waiting before *on_wait* is told who holds the lock

_held: set[int] = set()  # descriptors of the locks this process holds


class LockTimeout(Exception):
    """The lock stayed taken by a live process for longer than the caller would wait."""

    def __init__(self, path: Path, holder: int | None, waited: float):
        super().__init__(f"{path} held by {holder or 'unknown'} for {waited:.0f}s")
        self.path = path
        self.holder = holder
        self.waited = waited


def _drop_in_child() -> None:
    # Point the inherited descriptors at /dev/null: the lock's description loses this reference,
    # and the Python file objects still pointing at these numbers close something harmless.
    if not _held:
        return
    null = os.open(os.devnull, os.O_RDONLY)
    try:
        for fd in _held:
            os.dup2(null, fd)
    finally:
        os.close(null)
    _held.clear()


if hasattr(os, "register_at_fork"):
    os.register_at_fork(after_in_child=_drop_in_child)


def holder_of(path: Path) -> int | None:
    """Return the process id recorded in the lock file *path* (None when empty or unreadable)."""
    try:
        text = Path(path).read_text(encoding="ascii", errors="replace").strip()
    except OSError:
        return None
    return int(text) if text.isdigit() else None


def alive(pid: int) -> bool:
    """Tell whether process *pid* exists (a zombie counts as dead)."""
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True  # another user's process
    try:
        with open(f"/proc/{pid}/stat", encoding="ascii", errors="replace") as handle:
            return handle.read().rsplit(")", 1)[1].split()[0] != "Z"
    except (OSError, IndexError):
        return True


def describe(pid: int | None) -> str:
    """Return ``进程 1234（policykb index）`` for messages, with the command line where known."""
    if not pid:
        return "另一个进程"
    try:
        with open(f"/proc/{pid}/cmdline", "rb") as handle:
            words = [w.decode(errors="replace") for w in handle.read().split(b"\0") if w]
    except OSError:
        words = []
    words = [os.path.basename(w) if i == 0 or w.endswith("/policykb") else w for i, w in enumerate(words)]
    if len(words) > 1 and words[0].startswith("python") and words[1] == "policykb":
        words = words[1:]
    command = " ".join(words)[:80]
    return f"进程 {pid}（{command}）" if command else f"进程 {pid}"


def _take_over(path: Path, stale_inode: int) -> None:
    """Move a lock file aside whose recorded holder is dead (others may hold it by inheritance)."""
    with open(f"{path}.guard", "a+b") as guard:
        fcntl.flock(guard.fileno(), fcntl.LOCK_EX)  # held for a few system calls only
        _held.add(guard.fileno())
        try:
            try:
                if os.stat(path).st_ino == stale_inode:
                    os.unlink(path)
            except FileNotFoundError:
                pass
        finally:
            _held.discard(guard.fileno())


@contextmanager
def exclusive(path: Path, timeout: float | None = None, on_wait=None):
    """Hold an exclusive lock on *path* (created if missing) until the block ends.

    :param timeout: seconds to wait for a live holder (None: for ever).
    :param on_wait: called once, with the holder's process id (or None), when the wait is not short.
    :raises LockTimeout: when the holder kept the lock for *timeout* seconds.
    """
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    if fcntl is None:
        with open(path, "a+b"):
            yield
        return
    started = time.monotonic()
    told = False
    while True:
        handle = open(path, "a+b")
        try:
            fcntl.flock(handle.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            inode = os.fstat(handle.fileno()).st_ino
            handle.close()
            holder = holder_of(path)
            if holder is not None and holder != os.getpid() and not alive(holder):
                _take_over(path, inode)
                continue
            waited = time.monotonic() - started
            if timeout is not None and waited >= timeout:
                raise LockTimeout(path, holder, waited)
            if on_wait is not None and not told and waited >= NOTICE_AFTER:
                told = True
                on_wait(holder)
            time.sleep(POLL)
            continue
        except BaseException:
            handle.close()
            raise
        try:
            same = os.fstat(handle.fileno()).st_ino == os.stat(path).st_ino
        except FileNotFoundError:
            same = False
        if not same:  # taken over (moved aside) between our open and our lock: lock the new file
            handle.close()
            continue
        break
    fd = handle.fileno()
    _held.add(fd)
    try:
        handle.seek(0)
        handle.truncate()
        handle.write(f"{os.getpid()}\n".encode("ascii"))
        handle.flush()
        yield
    finally:
        try:
            handle.truncate(0)
        except OSError:
            pass
        _held.discard(fd)
        handle.close()
