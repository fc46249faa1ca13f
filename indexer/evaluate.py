"""Evaluate Q&A: a reading-comprehension file on a temporary index, or an office's own questions.

A CMRC 2018 or SQuAD-style file: index its passages, ask every question. Metrics: answer
accuracy@1 (the top answer's text contains a gold answer), passage recall@1/@5 and MRR (the
passage holding the gold answer among the ranked passages), latency p50/p95, and accuracy per
question type; the same for the plain baseline (the most overlapping sentence of the top BM25
passage) when asked.

A JSON Lines question list is evaluated by :mod:`indexer.questionlist`, with this module's file
reading and metrics.  The Q&A wing is reached as ``qa.name`` (it loads on first use: see
``indexer/qa/__init__.py``), so the commands start without it.
"""
from __future__ import annotations

import json
import re
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

import yaml

from . import qa
from .errors import PolicyKBError
from .kb import KnowledgeBase
from .search import QueryCompiler

_ID_RE = re.compile(r"[^A-Za-z0-9_.-]+")


class EvalFileError(PolicyKBError):
    """The evaluation file cannot be read or has an unknown layout."""


@dataclass
class Context:
    id: str
    title: str
    text: str
    questions: list = field(default_factory=list)   # (question id, question, [gold answers])


def read_text(path: str | Path) -> str:
    """Return the file's UTF-8 text, or raise :class:`EvalFileError` with a sentence naming it."""
    path = Path(path)
    try:
        data = path.read_bytes()
    except FileNotFoundError:
        raise EvalFileError(f"找不到评测文件 {path}。") from None
    except IsADirectoryError:
        raise EvalFileError(f"{path} 是文件夹，请给出评测文件（.json 或 .jsonl）。") from None
    except PermissionError:
        raise EvalFileError(f"没有权限读取评测文件 {path}。") from None
    except OSError as exc:
        raise EvalFileError(f"无法读取评测文件 {path}（{exc.strerror or '读取出错'}）。") from None
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise EvalFileError(f"评测文件 {path} 不是 UTF-8 编码的文本。") from None


def load_contexts(path: str | Path) -> list[Context]:
    """Read a CMRC 2018 list or a SQuAD / SQuAD 2.0 ``{"data": ...}`` file.

    Unanswerable (``is_impossible``, also written as the string "true" as in CJRC) and YES/NO
    items are skipped.

    :raises EvalFileError: when the file is unreadable, in neither layout or has no usable question.
    """
    text = read_text(path)
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        raise EvalFileError(f"评测文件 {path} 不是合法的 JSON：第 {exc.lineno} 行第 {exc.colno} 列有错。")
    contexts: list[Context] = []
    skipped = {"impossible": 0, "yes_no": 0, "total": 0}
    if isinstance(data, list):
        for n, item in enumerate(data):
            if not isinstance(item, dict) or "context_text" not in item:
                raise EvalFileError(f"评测文件 {path} 第 {n + 1} 项缺少 context_text，不是 CMRC 2018 格式。")
            ctx = Context(str(item.get("context_id") or f"ctx{n}"), str(item.get("title") or ""),
                          str(item["context_text"]))
            for q in item.get("qas", []):
                answers = _span_answers(q.get("answers", []), skipped)
                if answers:
                    ctx.questions.append((str(q.get("query_id", "")), str(q.get("query_text", "")), answers))
            contexts.append(ctx)
    elif isinstance(data, dict) and isinstance(data.get("data"), list):
        n = 0
        for article in data["data"]:
            for paragraph in article.get("paragraphs", []):
                n += 1
                ctx = Context(f"ctx{n}", str(article.get("title") or ""), str(paragraph.get("context", "")))
                for q in paragraph.get("qas", []):
                    if _flag(q.get("is_impossible"), path, q.get("id", "")):
                        skipped["total"] += 1
                        skipped["impossible"] += 1
                        continue
                    answers = _span_answers(q.get("answers", []), skipped)
                    if answers:
                        ctx.questions.append((str(q.get("id", "")), str(q.get("question", "")), answers))
                contexts.append(ctx)
    else:
        raise EvalFileError(f"评测文件 {path} 既不是 CMRC 2018 格式（列表），也不是 SQuAD 格式（含 data 字段）。")
    contexts = [c for c in contexts if c.text.strip()]
    if not any(c.questions for c in contexts):
        raise EvalFileError(f"评测文件 {path} 中没有可用的问题（共 {skipped['total']} 题，其中无答案"
                            f" {skipped['impossible']} 题、YES/NO 题 {skipped['yes_no']} 题已跳过）。")
    return contexts


def _span_answers(answers, skipped: dict) -> list[str]:
    """Return the span answers of one question, counting it in *skipped* when it has none."""
    texts = [_answer_text(a) for a in answers]
    spans = [a for a in texts if a and a.upper() not in ("YES", "NO")]
    skipped["total"] += 1
    if not spans:
        skipped["yes_no" if any(texts) else "impossible"] += 1
    return spans


def _answer_text(answer) -> str:
    if isinstance(answer, dict):
        answer = answer.get("text", "")
    return str(answer or "").strip()


_TRUE, _FALSE = ("true", "1"), ("false", "0", "")


def _flag(value, path, qid) -> bool:
    """Read a boolean written as JSON true/false, 0/1 or a string such as "true" or "False"."""
    if value is None or isinstance(value, bool):
        return bool(value)
    text = str(value).strip().lower()
    if text in _TRUE or text in _FALSE:
        return text in _TRUE
    raise EvalFileError(f"评测文件 {path} 中问题 {qid} 的 is_impossible 值“{value}”无法识别"
                        "（应为 true/false 或 1/0）。")


def build_corpus(contexts: list[Context], root: Path) -> dict[str, str]:
    """Write one corpus document per context; return context id → document id."""
    docs = root / "documents"
    docs.mkdir(parents=True, exist_ok=True)
    ids: dict[str, str] = {}
    used: set[str] = set()
    for n, ctx in enumerate(contexts):
        doc_id = _ID_RE.sub("-", ctx.id).strip("-.") or f"ctx{n}"
        while doc_id in used:
            doc_id += f"-{n}"
        used.add(doc_id)
        ids[ctx.id] = doc_id
        front = {"id": doc_id, "title": ctx.title or doc_id, "level": "unclassified", "doc_type": "评测段落",
                 "issuer": "评测集", "date": "2018"}
        body = "\n".join(line.strip() for line in ctx.text.splitlines() if line.strip())
        text = "---\n" + yaml.safe_dump(front, allow_unicode=True, sort_keys=False) + "---\n" + body + "\n"
        (docs / f"{n:05d}.md").write_text(text, encoding="utf-8")
    return ids


def contains(text: str, answers: list[str]) -> bool:
    compact = "".join(text.split())
    return any("".join(a.split()) in compact for a in answers)


def percentile(values: list[float], q: float) -> float:
    if not values:
        return 0.0
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(q * (len(ordered) - 1))))]


def evaluate(path: str | Path, limit: int | None = None, predictions: str | Path | None = None,
             baseline: bool = False, progress=None) -> dict:
    """Run the evaluation and return the report (see module docstring)."""
    contexts = load_contexts(path)
    with tempfile.TemporaryDirectory(prefix="policykb-eval-") as tmp:
        root = Path(tmp)
        ids = build_corpus(contexts, root / "corpus")
        kb = KnowledgeBase(root / "corpus", root / "index")
        report = kb.index()
        searcher = kb.searcher()
        compiler = QueryCompiler(kb.analyzer, kb.aliases())
        answerer = qa.QuestionAnswerer(searcher, kb.analyzer)
        items = [(ctx, qid, q, answers) for ctx in contexts for qid, q, answers in ctx.questions]
        if limit:
            items = items[:limit]
        # warm up the segmenter and the searcher so latency is that of a running service
        answerer.answer(qa.analyze_question(items[0][2] if items else "测试", compiler))
        stats = _Stats()
        base_stats = _Stats() if baseline else None
        out = open(predictions, "w", encoding="utf-8") if predictions else None
        try:
            for n, (ctx, qid, question, gold) in enumerate(items):
                gold_doc = ids[ctx.id]
                started = time.perf_counter()
                analyzed = qa.analyze_question(question, compiler)
                answers, ranking = answerer.answer(analyzed)
                took = (time.perf_counter() - started) * 1000
                correct = bool(answers) and contains(answers[0].text, gold)
                rank = next((i + 1 for i, c in enumerate(ranking)
                             if c.meta["id"] == gold_doc and contains(c.passage[2], gold)), None)
                if rank is None:
                    rank = next((i + 1 for i, c in enumerate(ranking) if c.meta["id"] == gold_doc), None)
                stats.add(analyzed.qtype, correct, rank, took)
                if out:
                    top = answers[0] if answers else None
                    out.write(json.dumps({"id": qid, "question": question, "answer": top.text if top else "",
                                          "doc_id": top.doc_id if top else "",
                                          "passage": top.passage if top else ""}, ensure_ascii=False) + "\n")
                if base_stats is not None:
                    started = time.perf_counter()
                    result = qa.baseline_answer(searcher, kb.analyzer, compiler, question)
                    took = (time.perf_counter() - started) * 1000
                    b_correct = bool(result) and contains(result[2], gold)
                    b_rank = 1 if result and result[0] == gold_doc else None
                    base_stats.add(analyzed.qtype, b_correct, b_rank, took)
                if progress:
                    progress(n + 1, len(items))
        finally:
            if out:
                out.close()
            searcher.close()
    result = {"file": str(path), "contexts": len(contexts), "questions": stats.count,
              "index_seconds": round(report.seconds, 2), "qa": stats.summary()}
    if base_stats is not None:
        result["baseline"] = base_stats.summary()
    return result


class _Stats:
    def __init__(self):
        self.count = 0
        self.correct = 0
        self.ranks: list[int | None] = []
        self.times: list[float] = []
        self.by_type: dict[str, list[int]] = {}

    def add(self, qtype: str, correct: bool, rank: int | None, took: float) -> None:
        self.count += 1
        self.correct += correct
        self.ranks.append(rank)
        self.times.append(took)
        entry = self.by_type.setdefault(qtype, [0, 0])
        entry[0] += 1
        entry[1] += correct

    def summary(self) -> dict:
        n = max(1, self.count)
        return {
            "accuracy_at_1": round(self.correct / n, 4),
            "passage_recall_at_1": round(sum(1 for r in self.ranks if r == 1) / n, 4),
            "passage_recall_at_5": round(sum(1 for r in self.ranks if r and r <= 5) / n, 4),
            "mrr": round(sum(1 / r for r in self.ranks if r) / n, 4),
            "latency_ms_p50": round(percentile(self.times, 0.5), 2),
            "latency_ms_p95": round(percentile(self.times, 0.95), 2),
            "by_type": {t: {"label": qa.TYPE_LABELS.get(t, t), "questions": c, "accuracy_at_1": round(k / c, 4)}
                        for t, (c, k) in sorted(self.by_type.items(), key=lambda kv: -kv[1][0])},
        }
