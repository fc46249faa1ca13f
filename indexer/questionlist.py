"""Evaluate an office's own questions: a JSON Lines question list asked of an existing knowledge base.

Each line is ``{"q": ..., "a": [...]}`` (optionally ``id``, ``doc``, ``split``, ``kind``).  Every
question goes through ``KnowledgeBase.ask``, as users ask it; the report gives accuracy@1/@3,
the right-document rate, the refusal rate, latency, accuracy per kind and every miss (a wrong
top answer, or a right one from another document than the expected one).
"""
from __future__ import annotations

import json
import time
from dataclasses import dataclass
from pathlib import Path

from . import qa
from .errors import QueryError
from .evaluate import EvalFileError, contains, percentile, read_text
from .kb import KnowledgeBase
from .search import QueryCompiler


@dataclass(frozen=True)
class GoldQuestion:
    """One line of a question list: the question, its gold answer fragments and optional labels."""

    line: int
    id: str
    question: str
    answers: tuple[str, ...]
    doc: str = ""
    split: str = ""
    kind: str = ""


def is_question_list(path: str | Path) -> bool:
    """Tell whether *path* is a JSON Lines question list: ``.jsonl``, or a first line ``{"q": ...}``."""
    path = Path(path)
    if path.suffix.lower() == ".jsonl":
        return True
    try:
        with path.open(encoding="utf-8-sig") as lines:
            first = next((line for line in lines if line.strip()), "")
        value = json.loads(first)
    except (OSError, ValueError):
        return False
    return isinstance(value, dict) and "q" in value


def load_questions(path: str | Path, split: str | None = None) -> list[GoldQuestion]:
    """Read a JSON Lines question list, keeping only *split* when given.

    :raises EvalFileError: naming the file and line of every malformed line, or when no
        question is left.
    """
    text = read_text(path)
    questions: list[GoldQuestion] = []
    problems: list[str] = []
    # split on newlines only: JSON strings may hold U+2028, which str.splitlines() breaks on
    for number, line in enumerate(text.split("\n"), 1):
        if line.strip():
            try:
                questions.append(_question_line(line, number))
            except ValueError as exc:
                problems.append(f"第 {number} 行{exc}")
    if problems:
        more = f"；另有 {len(problems) - 5} 行有错" if len(problems) > 5 else ""
        raise EvalFileError(f"评测文件 {path} 有 {len(problems)} 行格式错误：" + "；".join(problems[:5]) + more
                            + '。每行应为一个 JSON 对象，如 {"q": "问题", "a": ["答案片段"]}。')
    total = len(questions)
    if split:
        questions = [q for q in questions if q.split == split]
    if not questions:
        reason = f"共 {total} 题，没有 split 为 {split} 的题" if split and total else "文件中没有问题行"
        raise EvalFileError(f"评测文件 {path} 中没有可用的问题（{reason}）。")
    return questions


def _question_line(line: str, number: int) -> GoldQuestion:
    try:
        item = json.loads(line)
    except ValueError as exc:
        raise ValueError(f"不是 JSON（第 {getattr(exc, 'colno', '?')} 列附近出错）")
    if not isinstance(item, dict):
        raise ValueError("不是 JSON 对象")
    question = item.get("q")
    if not isinstance(question, str) or not question.strip():
        raise ValueError("缺少 q（问题文本）")
    if "a" not in item:
        raise ValueError("缺少 a（标准答案列表）")
    answers = item["a"]
    if not isinstance(answers, list) or not all(isinstance(a, str) for a in answers) \
            or not any(a.strip() for a in answers):
        raise ValueError("的 a 不是字符串列表（应为 [\"答案片段\", …]，至少一个非空）")
    labels = {}
    for name in ("id", "doc", "split", "kind"):
        value = item.get(name)
        if isinstance(value, bool) or not isinstance(value, (str, int, type(None))):
            raise ValueError(f"的 {name} 不是字符串")
        labels[name] = "" if value is None else str(value).strip()
    return GoldQuestion(line=number, id=labels["id"] or f"L{number}", question=question.strip(),
                        answers=tuple(a.strip() for a in answers if a.strip()), doc=labels["doc"],
                        split=labels["split"], kind=labels["kind"])


def evaluate_questions(kb: KnowledgeBase, questions: list[GoldQuestion], file: str | Path = "",
                       split: str | None = None, limit: int | None = None,
                       predictions: str | Path | None = None, baseline: bool = False,
                       on_start=None, progress=None) -> dict:
    """Ask every question of *kb* as ``policykb ask`` does and return the report (module docstring)."""
    items = questions[:limit] if limit else list(questions)
    if on_start:
        on_start(len(items))
    _ask(kb, items[0].question, limit=1)  # load the segmenter and open the searcher first
    compiler = QueryCompiler(kb.analyzer, kb.aliases()) if baseline else None
    stats, base_stats = _HitStats(), (_HitStats() if baseline else None)
    misses = []
    out = open(predictions, "w", encoding="utf-8") if predictions else None
    try:
        for item in items:
            started = time.perf_counter()
            result, error = _ask(kb, item.question, limit=3)
            took = (time.perf_counter() - started) * 1000
            answers = result.answers if result else ()
            top = answers[0] if answers else None
            at_1 = bool(top) and contains(top.text, item.answers)
            at_3 = any(contains(a.text, item.answers) for a in answers[:3])
            qtype = result.type if result else "other"
            kind = item.kind or qtype
            label = item.kind or f"{qa.TYPE_LABELS.get(qtype, qtype)}（自动识别）"
            answered = {"answer": top.text if top else "", "doc_id": top.doc_id if top else "",
                        "title": top.title if top else ""}
            right_doc = _right_doc(item, answered["doc_id"], answered["title"])
            stats.add(kind, label, at_1, at_3, right_doc, top is None, took)
            if not at_1 or right_doc is False:
                misses.append({"id": item.id, "line": item.line, "question": item.question,
                               "gold": list(item.answers), "doc": item.doc, "kind": kind, **answered,
                               "right_answer": at_1, "right_document": right_doc, "in_top_3": at_3,
                               **({"error": error} if error else {})})
            if out:
                out.write(json.dumps({"id": item.id, "question": item.question, "answer": answered["answer"],
                                      "doc_id": answered["doc_id"], "passage": top.passage if top else ""},
                                     ensure_ascii=False) + "\n")
            if base_stats is not None:
                searcher = kb.searcher()
                started = time.perf_counter()
                found = qa.baseline_answer(searcher, kb.analyzer, compiler, item.question)
                took = (time.perf_counter() - started) * 1000
                doc_id = found[0] if found else ""
                title = (searcher.document(doc_id=doc_id) or {}).get("meta", {}).get("title", "") if found else ""
                base_stats.add(kind, label, bool(found) and contains(found[2], item.answers), False,
                               _right_doc(item, doc_id, title), not found, took)
            if progress:
                progress()
    finally:
        if out:
            out.close()
    report = {"file": str(file), "format": "jsonl", "corpus": str(kb.corpus.root), "index": str(kb.index_dir),
              "split": split or "", "questions": stats.count, "qa": stats.summary(), "misses": misses}
    if base_stats is not None:
        summary = base_stats.summary()
        report["baseline"] = {k: summary[k] for k in ("accuracy_at_1", "right_document_rate", "refusal_rate",
                                                      "latency_ms_p50", "latency_ms_p95")}
    return report


def _ask(kb: KnowledgeBase, question: str, limit: int):
    """Return ``(AnswerSet, "")``, or ``(None, message)`` when the question is refused as invalid."""
    try:
        return kb.ask(question, limit=limit), ""
    except QueryError as exc:
        return None, str(exc)


def _right_doc(item: GoldQuestion, doc_id: str, title: str) -> bool | None:
    """Tell whether the answer came from the expected document; None when none is expected."""
    return item.doc in (doc_id, title) if item.doc else None


class _HitStats:
    def __init__(self):
        self.count = self.at_1 = self.at_3 = self.refused = 0
        self.docs: list[bool] = []
        self.times: list[float] = []
        self.by_kind: dict[str, list] = {}

    def add(self, kind: str, label: str, at_1: bool, at_3: bool, right_doc: bool | None, refused: bool,
            took: float) -> None:
        self.count += 1
        self.at_1 += at_1
        self.at_3 += at_3
        self.refused += refused
        if right_doc is not None:
            self.docs.append(right_doc)
        self.times.append(took)
        entry = self.by_kind.setdefault(kind, [label, 0, 0, 0])
        entry[1] += 1
        entry[2] += at_1
        entry[3] += at_3

    def summary(self) -> dict:
        n = max(1, self.count)
        return {
            "accuracy_at_1": round(self.at_1 / n, 4),
            "accuracy_at_3": round(self.at_3 / n, 4),
            "right_document_rate": round(sum(self.docs) / len(self.docs), 4) if self.docs else None,
            "questions_with_doc": len(self.docs),
            "refusal_rate": round(self.refused / n, 4),
            "latency_ms_p50": round(percentile(self.times, 0.5), 2),
            "latency_ms_p95": round(percentile(self.times, 0.95), 2),
            "by_kind": {k: {"label": label, "questions": c, "accuracy_at_1": round(a / c, 4),
                            "accuracy_at_3": round(b / c, 4)}
                        for k, (label, c, a, b) in sorted(self.by_kind.items(), key=lambda kv: -kv[1][1])},
        }
