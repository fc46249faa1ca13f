"""The everyday-to-official wording table (``corpus/wording.yml``).

People ask in everyday words (老板, 辞退, 报上去, 最多); rules are written in official ones
(用人单位, 解除劳动合同, 报告, 不得超过).  Question analysis adds the official words of an everyday
word as alternatives that count for less than the word typed (``WORDING_FACTOR``), so a sentence
using the question's own words still wins over one that only matches the translation.

The file is a list of entries ``{everyday: [...], official: [...]}``; an everyday word may stand
in one entry only.  Problems are reported as ``wording.yml：第 N 项：reason``.
"""
from __future__ import annotations

from functools import lru_cache
from pathlib import Path

from ..errors import CorpusError
from .yamlread import load_yaml

FILE = "wording.yml"
# The general table every corpus starts from (labour, traffic, courts, ...); a corpus's own
# wording.yml adds to it, and its entry wins for an everyday word both have.
DEFAULT_FILE = Path(__file__).with_name("wording_default.yml")
# How much an official word found for an everyday word counts, against 1.0 for the word itself.
WORDING_FACTOR = 0.7
MAX_WORD_CHARS = 20


def _words(value, n: int, name: str, file: str = FILE) -> list[str]:
    if isinstance(value, str):
        value = [value]
    if not isinstance(value, list) or not value:
        raise CorpusError(file, f"第 {n} 项", f"{name} 应为词语列表，如 [老板, 公司]。")
    out = []
    for word in value:
        if not isinstance(word, (str, int)) or not str(word).strip():
            raise CorpusError(file, f"第 {n} 项", f"{name} 中有空的或不是文字的词语。")
        word = str(word).strip()
        if len(word) > MAX_WORD_CHARS or any(c.isspace() for c in word):
            raise CorpusError(file, f"第 {n} 项", f"{name} 中的“{word[:MAX_WORD_CHARS]}”过长或含空格（每个词不超过 {MAX_WORD_CHARS} 字）。")
        out.append(word)
    return out


@lru_cache(maxsize=1)
def default_wording() -> dict[str, tuple[str, ...]]:
    """Return the built-in general table (``indexer/corpus/wording_default.yml``)."""
    return parse_wording(load_yaml(DEFAULT_FILE.read_text(encoding="utf-8"), DEFAULT_FILE.name), DEFAULT_FILE.name)


def merged_wording(corpus_table: dict[str, tuple[str, ...]]) -> dict[str, tuple[str, ...]]:
    """Return the built-in table with the corpus's own entries on top."""
    table = dict(default_wording())
    table.update(corpus_table)
    return table


def parse_wording(data, name: str = FILE) -> dict[str, tuple[str, ...]]:
    """Validate the loaded YAML of ``wording.yml``; return everyday word → official words.

    :raises CorpusError: naming the entry and what is wrong with it.
    """
    if data is None:
        return {}
    if not isinstance(data, list):
        raise CorpusError(name, None, "应为列表，每项写成“- everyday: [日常说法]”和“official: [规范用语]”两行。")
    table: dict[str, tuple[str, ...]] = {}
    where: dict[str, int] = {}
    for n, entry in enumerate(data, 1):
        if not isinstance(entry, dict) or "everyday" not in entry or "official" not in entry:
            raise CorpusError(name, f"第 {n} 项", "缺少 everyday（日常说法）或 official（规范用语）。")
        unknown = sorted(set(map(str, entry)) - {"everyday", "official", "note"})
        if unknown:
            raise CorpusError(name, f"第 {n} 项", f"未知字段：{'、'.join(unknown)}（只能有 everyday、official、note）。")
        everyday = _words(entry["everyday"], n, "everyday", name)
        official = tuple(dict.fromkeys(_words(entry["official"], n, "official", name)))
        for word in everyday:
            if word in official:
                raise CorpusError(name, f"第 {n} 项", f"“{word}”同时出现在日常说法和规范用语中。")
            if word in where:
                raise CorpusError(name, f"第 {n} 项", f"日常说法“{word}”已在第 {where[word]} 项中出现。")
            where[word] = n
            table[word] = official
    return table
