"""The corpus's side files (aliases, glossary, wording, reading lists), reloaded when they change.

Also the words they add to the segmenter's dictionary, and a key that changes with them.
"""
from __future__ import annotations

import logging
import os

from .analysis import read_userdict
from .corpus import merged_wording
from .errors import CorpusError
from .models import CorpusProblem

SIDE_FILES = ("aliases.yml", "glossary.yml", "wording.yml", "reading_lists.yml")
MAX_DICTIONARY_WORD = 16  # longer aliases and glossary terms are left to the segmenter
DICTIONARY_FREQ = 20000

log = logging.getLogger(__name__)


class SideFiles:
    """The side files of *corpus*, each read once per change (not thread-safe on its own)."""

    def __init__(self, corpus):
        self.corpus = corpus
        self._cache: dict[str, tuple[object, object, int]] = {}
        self._loads = 0
        self._problems: dict[str, CorpusProblem] = {}

    def load(self, name: str, loader, fallback):
        """Return side file *name* as *loader* reads it, reloaded when its mtime changes.

        A side file that cannot be read must not take the site down: its problem is kept (see
        :meth:`problems`, logged once) and the last table that could be read stays in use,
        or *fallback()* when there is none yet.
        """
        path = self.corpus.root / name
        try:
            st = os.stat(path)
            mtime = (st.st_mtime_ns, st.st_size, st.st_ino)  # an atomic replace always changes the inode
        except OSError:
            mtime = None
        cached = self._cache.get(name)
        if cached and cached[0] == mtime:
            return cached[1]
        try:
            value = loader()
        except CorpusError as exc:
            if cached:  # changed while running: say so where the site's operator looks
                log.warning("%s：%s（沿用上次读取的内容）", exc.path, exc.reason)
                self._problems[name] = CorpusProblem(exc.path, exc.field, exc.reason + "（沿用上次读取的内容）")
                self._cache[name] = (mtime, cached[1], cached[2])
                return cached[1]
            # at start the index and check reports list it
            self._problems[name] = CorpusProblem(exc.path, exc.field, exc.reason + "（该文件暂不使用）")
            value = fallback()
        else:
            self._problems.pop(name, None)
        self._loads += 1
        self._cache[name] = (mtime, value, self._loads)
        return value

    def serial(self, name: str) -> int:
        """Return a number that changes whenever side file *name* is loaded again."""
        cached = self._cache.get(name)
        return cached[2] if cached else 0

    def aliases(self) -> dict[str, tuple[str, ...]]:
        return self.load("aliases.yml", self.corpus.aliases, dict)

    def glossary(self) -> dict[str, dict]:
        return self.load("glossary.yml", self.corpus.glossary, dict)

    def wording(self) -> dict[str, tuple[str, ...]]:
        return self.load("wording.yml", self.corpus.wording, lambda: merged_wording({}))

    def reading_lists(self) -> list[dict]:
        return self.load("reading_lists.yml", self.corpus.reading_lists, list)

    def problems(self) -> list[CorpusProblem]:
        """Return the problems of side files that could not be read (each is loaded first)."""
        self.aliases(), self.glossary(), self.wording(), self.reading_lists()
        return [self._problems[name] for name in SIDE_FILES if name in self._problems]

    def dictionary_words(self) -> list[tuple[str, int, str]]:
        """Return the segmenter's extra words: userdict.txt, then the aliases and glossary terms."""
        words = read_userdict(self.corpus.userdict_path())
        known = {w for w, _, _ in words}
        aliases = self.aliases()
        extra = list(aliases) + [n for names in aliases.values() for n in names] + list(self.glossary())
        for word in extra:
            word = word.strip()
            if word and word not in known and " " not in word and len(word) <= MAX_DICTIONARY_WORD:
                words.append((word, DICTIONARY_FREQ, "n"))
                known.add(word)
        return words

    def dictionary_key(self) -> tuple:
        """Return a value that changes when a file feeding the dictionary changes (a few stats)."""
        self.aliases(), self.glossary()
        try:
            st = os.stat(self.corpus.userdict_path())
            userdict = (st.st_mtime_ns, st.st_size, st.st_ino)
        except OSError:
            userdict = None
        return (userdict, self.serial("aliases.yml"), self.serial("glossary.yml"))
