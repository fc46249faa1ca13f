"""Previews of a word-table change: what a sample question or search gets now and after the save.

The office imports neither search nor Q&A: the knowledge base hands in a :class:`TableProbe` whose
functions search, answer and segment (see :meth:`KnowledgeBase.workspace`).  Nothing is written.
"""
from __future__ import annotations

import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import Callable

from ..analysis import Segmenter, read_userdict
from ..corpus import Corpus
from .tablerows import TableSpec, parse_table

MAX_SAMPLE_CHARS = 200


@dataclass(frozen=True)
class TableProbe:
    """What a preview asks of the knowledge base, as functions the caller supplies."""

    wording: Callable[[], dict]  # the everyday-wording table in use now
    aliases: Callable[[], dict]  # the alias table in use now
    is_question: Callable[[str], bool]  # whether a text reads as a question
    answers: Callable[[str, dict, dict], list[tuple[str, str]]]  # (question, wording, aliases) → (sentence, title)
    search: Callable[[str, dict], tuple[int, list[str]]]  # (query, aliases) → (total, titles of the first hits)
    segmenter: Callable[[], Segmenter]  # the segmenter in use now


@dataclass(frozen=True)
class PreviewResult:
    label: str
    lines: tuple[str, ...]


def preview(probe: TableProbe, spec: TableSpec, proposed_text: str, sample: str) -> list[PreviewResult]:
    """Compare what *sample* gets now and with *proposed_text* as the table; never writes anything."""
    sample = (sample or "").replace("\x00", "").strip()[:MAX_SAMPLE_CHARS]
    if not sample:
        return []
    results = []
    if spec.name in ("wording", "aliases"):
        with tempfile.TemporaryDirectory(prefix="policykb-table-") as tmp:
            Path(tmp, spec.file).write_text(proposed_text, encoding="utf-8")
            corpus = Corpus(tmp)
            new = corpus.wording() if spec.name == "wording" else corpus.aliases()
        wording_now, aliases_now = probe.wording(), probe.aliases()
        for label, wording, aliases in (("现在", wording_now, aliases_now),
                                        ("保存后", new if spec.name == "wording" else wording_now,
                                         new if spec.name == "aliases" else aliases_now)):
            if probe.is_question(sample):
                answers = [f"{text}（《{title}》）" for text, title in probe.answers(sample, wording, aliases)]
                results.append(PreviewResult(f"{label}的回答", tuple(answers or ["未找到明确答案。"])))
            else:
                total, titles = probe.search(sample, aliases)
                results.append(PreviewResult(f"{label}的检索结果（共 {total} 篇）",
                                             tuple(f"《{title}》" for title in titles) or ("没有结果。",)))
    if spec.dictionary:
        segmenter = probe.segmenter()
        words_now = segmenter.words
        now = [w for w, _s, _e in segmenter.tokenize(sample) if w.strip()]
        if spec.name == "userdict":
            extra = _userdict_words(proposed_text)
        else:
            extra = [(row.key, 20000, "n") for row in parse_table(spec, proposed_text).rows]
        known = {w for w, _, _ in words_now}
        after = Segmenter(segmenter.backend, list(words_now) + [w for w in extra if w[0] not in known])
        later = [w for w, _s, _e in after.tokenize(sample) if w.strip()]
        results.append(PreviewResult("分词（现在）", (" / ".join(now),)))
        results.append(PreviewResult("分词（保存后）", (" / ".join(later),)))
    return results


def _userdict_words(text: str) -> list[tuple[str, int, str]]:
    with tempfile.TemporaryDirectory(prefix="policykb-table-") as tmp:
        path = Path(tmp, "userdict.txt")
        path.write_text(text, encoding="utf-8")
        return read_userdict(path)
