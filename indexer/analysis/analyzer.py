"""The Chinese analyzer shared by indexing, search, highlighting and Q&A.

Pipeline: fold widths (length-preserving) -> cut out special tokens (article references such as
第32条, 文号 cores such as [2004]17号, numbers, Latin words) -> segment the rest with jieba in
accurate mode -> drop punctuation and spaces.  Positions count tokens, so phrase queries work.
At index time each long word also emits the dictionary words inside it at the same position
(最高人民法院 -> 人民法院, 法院 ...), so a query for a shorter word finds the longer one.
"""
from __future__ import annotations

import hashlib
import re
import threading
import unicodedata
from pathlib import Path
from typing import Iterable, Iterator, NamedTuple

from whoosh.analysis import Analyzer, Token as WhooshToken

from ..settings import setting
from .textnorm import ARTICLE_RE, CN_NUMERAL_CHARS, DOC_NO_CORE_RE, article_token, doc_no_core_token, fold_width

ANALYZER_VERSION = "2"

_SPECIAL_RE = re.compile(
    "|".join([
        r"(?P<article>第\s*(?:[0-9]{1,4}|[" + CN_NUMERAL_CHARS + r"]{1,7})\s*[条章节款项编])",
        r"(?P<docno>[\[(]\s*(?:19|20)\d{2}\s*[\])]\s*第?\s*\d{1,5}\s*号)",
        r"(?P<number>\d+(?:\.\d+)?(?:%|万|亿)?)",
        r"(?P<latin>[A-Za-z][A-Za-z0-9_\-]*)",
    ])
)
_CJK_RE = re.compile(r"[\u3400-\u9fff\uf900-\ufaff]")


class Token(NamedTuple):
    """One analysed token: normalised text, character offsets in the original text, position."""

    text: str
    start: int
    end: int
    pos: int


_new_token = tuple.__new__  # building tokens in the hot loop without NamedTuple's __new__ overhead


def _is_word(text: str) -> bool:
    for char in text:
        if char.isalnum() or _CJK_RE.match(char):
            return True
    return False


def _special_token(match: re.Match) -> str | None:
    kind = match.lastgroup
    raw = match.group(0)
    if kind == "article":
        inner = ARTICLE_RE.fullmatch(raw)
        return article_token(inner.group(1), inner.group(2)) if inner else raw
    if kind == "docno":
        inner = DOC_NO_CORE_RE.fullmatch(raw)
        return doc_no_core_token(inner.group(1), inner.group(2)) if inner else raw
    if kind == "latin":
        return raw.lower()
    return raw


class Segmenter:
    """Word segmentation with jieba or its compiled port rjieba (identical dictionary and tokens).

    :param backend: ``"jieba"``, ``"rjieba"`` or ``"auto"`` (rjieba when installed).
    :param words: extra dictionary entries ``(word, freq, tag)`` from the corpus user dictionary.
    """

    def __init__(self, backend: str = "auto", words: Iterable[tuple[str, int, str]] = ()):
        self.backend = self._resolve(backend)
        self._words = list(words)
        self._lock = threading.Lock()
        self._impl = None

    @property
    def words(self) -> tuple[tuple[str, int, str], ...]:
        """The extra dictionary entries this segmenter was given."""
        return tuple(self._words)

    @staticmethod
    def _resolve(backend: str) -> str:
        backend = (backend or "auto").lower()
        if backend == "auto":
            try:
                import rjieba  # noqa: F401
                return "rjieba"
            except ImportError:
                return "jieba"
        if backend not in ("jieba", "rjieba"):
            raise ValueError(f"未知的分词后端：{backend}（可选 jieba、rjieba、auto）")
        return backend

    def _load(self):
        # Loading the dictionary takes 0.1–0.7 s: do it on first use, never at import time.
        with self._lock:
            if self._impl is not None:
                return self._impl
            if self.backend == "rjieba":
                import rjieba
                impl = rjieba.Jieba()
                for word, freq, tag in self._words:
                    impl.add_word(word, freq, tag or "n")
                self._tokenize = lambda text: impl.tokenize(text, mode="default", hmm=True)
                self._has_word = impl.has_word
            else:
                import logging

                import jieba
                jieba.setLogLevel(logging.WARNING)
                impl = jieba.Tokenizer()
                impl.initialize()
                for word, freq, tag in self._words:
                    impl.add_word(word, freq, tag or None)
                self._tokenize = lambda text: impl.tokenize(text, mode="default", HMM=True)
                freq_table = impl.FREQ
                self._has_word = lambda word: bool(freq_table.get(word))
            self._impl = impl
            return impl

    def tokenize(self, text: str) -> list[tuple[str, int, int]]:
        """Segment *text* in accurate mode into ``(word, start, end)`` triples."""
        if self._impl is None:
            self._load()
        return list(self._tokenize(text))

    def has_word(self, word: str) -> bool:
        """Tell whether *word* is in the dictionary (including the corpus user dictionary)."""
        if self._impl is None:
            self._load()
        return self._has_word(word)


def read_userdict(path: Path) -> list[tuple[str, int, str]]:
    """Read a jieba user dictionary (``word [freq] [tag]`` per line)."""
    words = []
    if not path.exists():
        return words
    for line in path.read_text(encoding="utf-8-sig").splitlines():
        parts = line.strip().split()
        if not parts or parts[0].startswith("#"):
            continue
        word = parts[0]
        freq = int(parts[1]) if len(parts) > 1 and parts[1].isdigit() else 10000
        tag = parts[2] if len(parts) > 2 else (parts[1] if len(parts) > 1 and not parts[1].isdigit() else "n")
        words.append((word, freq, tag))
    return words


class TextAnalyzer:
    """Turn text into normalised tokens with offsets and positions (see module docstring)."""

    def __init__(self, segmenter: Segmenter):
        self.segmenter = segmenter
        self._word_cache: dict[str, tuple] = {}

    def fingerprint(self, extra: str = "") -> str:
        """Return a hash that changes when tokenisation may change (version, dictionary)."""
        digest = hashlib.sha1(ANALYZER_VERSION.encode())
        for word, freq, tag in self.segmenter._words:
            digest.update(f"{word} {freq} {tag}\n".encode())
        digest.update(extra.encode())
        return digest.hexdigest()[:16]

    def tokens(self, text: str, subwords: bool = False) -> list[Token]:
        """Analyse *text*; with *subwords*, also emit dictionary words inside long words."""
        folded = fold_width(text)
        out: list[Token] = []
        pos = 0
        cursor = 0
        for match in _SPECIAL_RE.finditer(folded):
            if match.start() > cursor:
                pos = self._segment(folded, cursor, match.start(), pos, out, subwords)
            token = _special_token(match)
            if token:
                out.append(_new_token(Token, (token, match.start(), match.end(), pos)))
                if subwords and match.lastgroup == "number" and token[-1] in "万亿%":
                    # 103.5万 is one token; the bare number is found too.
                    out.append(_new_token(Token, (token[:-1], match.start(), match.end() - 1, pos)))
                pos += 1
            cursor = match.end()
        if cursor < len(folded):
            self._segment(folded, cursor, len(folded), pos, out, subwords)
        return out

    def term_positions(self, text: str, subwords: bool = True, base: int = 0,
                       terms: list[str] | None = None, positions: list[int] | None = None
                       ) -> tuple[list[str], list[int], int]:
        """Return ``tokens(text, subwords)`` as parallel term and position lists, for indexing.

        The same tokens in the same order as :meth:`tokens` (a test holds them equal), without
        offsets or tuple objects: the index needs only terms and positions.  Positions start at
        *base*; results are appended to *terms*/*positions* when given.  Also returns the
        position after the last token (*base* when there is none).
        """
        folded = fold_width(text)
        terms = [] if terms is None else terms
        positions = [] if positions is None else positions
        pos = base
        cursor = 0
        for match in _SPECIAL_RE.finditer(folded):
            mstart = match.start()
            if mstart > cursor:
                pos = self._segment_terms(folded[cursor:mstart], pos, terms, positions, subwords)
            token = _special_token(match)
            if token:
                terms.append(token)
                positions.append(pos)
                if subwords and match.lastgroup == "number" and token[-1] in "万亿%":
                    terms.append(token[:-1])
                    positions.append(pos)
                pos += 1
            cursor = match.end()
        if cursor < len(folded):
            pos = self._segment_terms(folded[cursor:], pos, terms, positions, subwords)
        return terms, positions, pos

    def _segment_terms(self, text: str, pos: int, terms: list[str], positions: list[int],
                       subwords: bool) -> int:
        cache = self._word_cache
        get = cache.get
        add_term = terms.append
        add_pos = positions.append
        for word, _, _ in self.segmenter.tokenize(text):
            info = get(word)
            if info is None:
                info = self._word_info(word)
            norm = info[0]
            if norm is None:
                continue
            add_term(norm)
            add_pos(pos)
            if subwords and info[1]:
                for sub, _ in info[1]:
                    add_term(sub)
                    add_pos(pos)
            pos += 1
        return pos

    def terms(self, text: str) -> list[str]:
        """Return the token texts of *text* (query side: no sub-words)."""
        return [t.text for t in self.tokens(text)]

    def _segment(self, text: str, start: int, end: int, pos: int, out: list[Token],
                 subwords: bool) -> int:
        cache = self._word_cache
        append = out.append
        for word, wstart, wend in self.segmenter.tokenize(text[start:end]):
            info = cache.get(word)
            if info is None:
                info = self._word_info(word)
            norm, subs = info
            if norm is None:
                continue
            begin = start + wstart
            append(_new_token(Token, (norm, begin, start + wend, pos)))
            if subwords and subs:
                for sub, offset in subs:
                    append(_new_token(Token, (sub, begin + offset, begin + offset + len(sub), pos)))
            pos += 1
        return pos

    def _word_info(self, word: str) -> tuple[str | None, tuple]:
        """Return (normalised word or None for punctuation, sub-words) for a segmented word."""
        if not _is_word(word):
            info = (None, ())
        elif _CJK_RE.match(word[0]):
            info = (word, self._subwords(word) if len(word) >= 3 else ())
        else:
            info = (unicodedata.normalize("NFKC", word).lower(), ())
        if len(self._word_cache) < 500_000:
            self._word_cache[word] = info
        return info

    def _subwords(self, word: str) -> tuple[tuple[str, int], ...]:
        # Only dictionary words that start or end the word, or start or end what is left after
        # cutting such a word off, count: 最高人民法院 yields 人民法院, 最高, 法院, 人民 but not the
        # straddling 民法; 保持共产党员先进性教育活动 yields 共产党员 after cutting off 保持.
        found: dict[tuple[str, int], None] = {}
        if _CJK_RE.match(word[0]):
            seen_parts = set()
            pending = [(word, 0)]
            while pending:
                part, base = pending.pop()
                if (part, base) in seen_parts:
                    continue
                seen_parts.add((part, base))
                n = len(part)
                for size in range(n - 1, 1, -1):
                    for offset, rest, rest_base in ((0, part[size:], base + size),
                                                    (n - size, part[:n - size], base)):
                        sub = part[offset:offset + size]
                        if not self.segmenter.has_word(sub):
                            continue
                        key = (sub, base + offset)
                        if key not in found:
                            found[key] = None
                            if size >= 3:
                                pending.append(key)
                        if len(rest) >= 2:
                            if self.segmenter.has_word(rest) and (rest, rest_base) not in found:
                                found[(rest, rest_base)] = None
                            if len(rest) >= 3:
                                pending.append((rest, rest_base))
        return tuple(found)


class PreAnalyzed(str):
    """A field value that carries its tokens, so text analysed once is not analysed again."""

    tokens: list[Token]

    def __new__(cls, text: str, tokens: list[Token]):
        obj = super().__new__(cls, text)
        obj.tokens = tokens
        return obj


class WhooshChineseAnalyzer(Analyzer):
    """Adapt :class:`TextAnalyzer` to whoosh's analyzer protocol."""

    def __init__(self, analyzer: TextAnalyzer):
        self.analyzer = analyzer

    def __eq__(self, other):
        return isinstance(other, WhooshChineseAnalyzer)

    def __getstate__(self):
        # The schema is pickled into the index; the analyzer is re-attached on open.
        return {}

    def __setstate__(self, state):
        self.analyzer = None

    def __call__(self, value, positions=False, chars=False, keeporiginal=False, removestops=True,
                 start_pos=0, start_char=0, tokenize=True, mode="", **kwargs) -> Iterator[WhooshToken]:
        if self.analyzer is None:
            raise RuntimeError("analyzer not attached: open the index through indexer.index.store")
        tokens = getattr(value, "tokens", None)
        if tokens is None:
            tokens = self.analyzer.tokens(value, subwords=(mode != "query"))
        token = WhooshToken(positions, chars, removestops=removestops, mode=mode, **kwargs)
        for item in tokens:
            token.text = item.text
            token.boost = 1.0
            token.stopped = False
            if keeporiginal:
                token.original = item.text
            if positions:
                token.pos = start_pos + item.pos
            if chars:
                token.startchar = start_char + item.start
                token.endchar = start_char + item.end
            yield token


def default_backend() -> str:
    """Return the segmenter backend chosen by the setting ``SEGMENTER`` (default ``auto``)."""
    return setting("SEGMENTER")
