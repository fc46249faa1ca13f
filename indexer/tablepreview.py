"""Previews for the word-table editor: what a sample question or search gets now and with a proposed table.

Moved out of ``indexer.office.wordtables``: a preview runs a search and an answer, which the office
wing may not import; this top module puts the office's table parsing together with the search and
Q&A wings (reached as ``qa.name``, loaded on first use).  Nothing is written.
"""
from __future__ import annotations

import tempfile
from dataclasses import dataclass
from pathlib import Path

from . import qa
from .analysis import Segmenter, read_userdict
from .corpus import Corpus
from .office import TableSpec, parse_table
from .search import Filters, QueryCompiler, parse_query, run_search


@dataclass(frozen=True)
class PreviewResult:
    label: str
    lines: tuple[str, ...]


def preview(kb, spec: TableSpec, proposed_text: str, sample: str) -> list[PreviewResult]:
    """Compare what *sample* gets now and with *proposed_text* as the table; never writes anything."""
    sample = (sample or "").replace("\x00", "").strip()[:200]
    if not sample:
        return []
    results = []
    if spec.name in ("wording", "aliases"):
        with tempfile.TemporaryDirectory(prefix="policykb-table-") as tmp:
            Path(tmp, spec.file).write_text(proposed_text, encoding="utf-8")
            corpus = Corpus(tmp)
            new = corpus.wording() if spec.name == "wording" else corpus.aliases()
        wording_now, aliases_now = kb.wording(), kb.aliases()
        for label, wording, aliases in (("现在", wording_now, aliases_now),
                                        ("保存后", new if spec.name == "wording" else wording_now,
                                         new if spec.name == "aliases" else aliases_now)):
            if kb.is_question(sample):
                results.append(PreviewResult(f"{label}的回答", tuple(_answers(kb, sample, wording, aliases))))
            else:
                page = run_search(kb.searcher(), QueryCompiler(kb.analyzer, aliases),
                                  parse_query(sample, Filters()), page=1, per_page=5, sort="relevance",
                                  with_facets=False)
                results.append(PreviewResult(f"{label}的检索结果（共 {page.total} 篇）",
                                             tuple(f"《{h.title}》" for h in page.hits) or ("没有结果。",)))
    if spec.dictionary:
        words_now = kb.analyzer.segmenter._words if hasattr(kb.analyzer.segmenter, "_words") else []
        now = [w for w, _s, _e in kb.analyzer.segmenter.tokenize(sample) if w.strip()]
        if spec.name == "userdict":
            extra = _userdict_words(proposed_text)
        else:
            extra = [(row.key, 20000, "n") for row in parse_table(spec, proposed_text).rows]
        known = {w for w, _, _ in words_now}
        after = Segmenter(kb.analyzer.segmenter.backend, list(words_now) + [w for w in extra if w[0] not in known])
        later = [w for w, _s, _e in after.tokenize(sample) if w.strip()]
        results.append(PreviewResult("分词（现在）", (" / ".join(now),)))
        results.append(PreviewResult("分词（保存后）", (" / ".join(later),)))
    return results


def _userdict_words(text: str) -> list[tuple[str, int, str]]:
    with tempfile.TemporaryDirectory(prefix="policykb-table-") as tmp:
        path = Path(tmp, "userdict.txt")
        path.write_text(text, encoding="utf-8")
        return read_userdict(path)


def _answers(kb, question: str, wording, aliases) -> list[str]:
    analyzed = qa.analyze_question(question, QueryCompiler(kb.analyzer, aliases), wording=wording, titles=kb.titles())
    answers, _ = qa.QuestionAnswerer(kb.searcher(), kb.analyzer).answer(analyzed, limit=3)
    return [f"{a.text}（《{a.title}》）" for a in answers] or ["未找到明确答案。"]
