"""Fixes for whoosh 2.7.4 bugs that change search results; applied when indexer.index loads.

``AndNotMatcher`` only skips its negative matcher on construction when both start on the same
document, so when the excluded term's first document comes earlier, the first positive document
is returned even if it contains the excluded term (whoosh-community/whoosh#419: "ANDNOT results
depend on order documents are added to index").  A user's ``学习 -补课`` then listed a document
containing 补课, depending on the order files were indexed in.
"""
from __future__ import annotations

from whoosh.matching import binary


def _find_first(self):
    if self.a.is_active() and self.b.is_active():
        self._find_next()


def apply() -> None:
    """Patch the whoosh classes in place (idempotent)."""
    binary.AndNotMatcher._find_first = _find_first


apply()
