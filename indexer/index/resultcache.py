"""A bounded cache of search pages and answers, valid for one index generation.

The same least-recently-used map also keeps per-segment data (facet columns, stored metadata;
there the generation is None and the key names the segment) and rendered documents.

Supervisors in a training session type the same few questions again and again; a page served
from here costs microseconds instead of a ranking pass.  Every key starts with the index
generation token and the identity of the side files the query compiler reads (aliases), so any
change to the index — made by this process, another worker process or ``policykb index`` — or to
the alias table makes every older entry unreachable: a cached result is never staler than a
fresh one would be.
"""
from __future__ import annotations

import threading
from collections import OrderedDict
from typing import Callable, Hashable, TypeVar

from ..settings import setting

T = TypeVar("T")


def default_size() -> int:
    """Return the entry limit: the setting ``RESULT_CACHE`` (0 disables the cache)."""
    return setting("RESULT_CACHE")


class ResultCache:
    """A thread-safe least-recently-used map from a query key to its (immutable) result."""

    def __init__(self, size: int | None = None):
        self.size = default_size() if size is None else max(0, size)
        self._entries: OrderedDict[Hashable, object] = OrderedDict()
        self._generation: Hashable = None
        self._lock = threading.Lock()
        self.hits = 0
        self.misses = 0

    def get_or_compute(self, generation: Hashable, key: Hashable, compute: Callable[[], T]) -> T:
        """Return the cached value of *key* for *generation*, computing and storing it when absent.

        Two threads missing the same key both compute it; results are pure, so either may win.
        Exceptions from *compute* propagate and nothing is stored.
        """
        if not self.size:
            return compute()
        with self._lock:
            if generation != self._generation:
                self._entries.clear()  # older generations can never be asked for again
                self._generation = generation
            if key in self._entries:
                self._entries.move_to_end(key)
                self.hits += 1
                return self._entries[key]
            self.misses += 1
        value = compute()
        with self._lock:
            if generation == self._generation:
                self._entries[key] = value
                self._entries.move_to_end(key)
                while len(self._entries) > self.size:
                    self._entries.popitem(last=False)
        return value

    def clear(self) -> None:
        """Forget every entry."""
        with self._lock:
            self._entries.clear()
