"""Evaluate Q&A: a reading-comprehension file on a temporary index, or an office's own questions.

A CMRC 2018 or SQuAD-style file: index its passages, ask every question. Metrics: answer
accuracy@1 (the top answer's text contains a gold answer), passage recall@1/@5 and MRR (the
passage holding the gold answer among the ranked passages), latency p50/p95, and accuracy per
question type; the same for the plain baseline (the most overlapping sentence of the top BM25
passage) when asked.

A JSON Lines question list (``{"q": ..., "a": [...]}`` per line): ask every question of an
existing knowledge base through ``KnowledgeBase.ask``, as users do, and report accuracy@1/@3,
the right-document rate, the refusal rate, latency, accuracy per kind and every miss (a wrong
top answer, or a right one from another document than the expected one).
"""
from __future__ import annotations

import json
import re
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

import yaml

from .errors import PolicyKBError, QueryError
from .kb import KnowledgeBase
from .qa.baseline import baseline_answer
from .qa.answerer import QuestionAnswerer
from .qa.question import TYPE_LABELS, analyze_question
from .search.run import QueryCompiler

_ID_RE = re.compile(r"[^A-Za-z0-9_.-]+")


class EvalFileError(PolicyKBError):
    """The evaluation file cannot be read or has an unknown layout."""


@dataclass
class Context:
    id: str
    title: str
    text: str
    questions: list = field(default_factory=list)   # (question id, question, [gold answers])


def _read_text(path: str | Path) -> str:
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
    text = _read_text(path)
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


def _contains(text: str, answers: list[str]) -> bool:
    compact = "".join(text.split())
    return any("".join(a.split()) in compact for a in answers)


def _percentile(values: list[float], q: float) -> float:
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
        answerer = QuestionAnswerer(searcher, kb.analyzer)
        items = [(ctx, qid, q, answers) for ctx in contexts for qid, q, answers in ctx.questions]
        if limit:
            items = items[:limit]
        # warm up the segmenter and the searcher so latency is that of a running service
        answerer.answer(analyze_question(items[0][2] if items else "测试", compiler))
        stats = _Stats()
        base_stats = _Stats() if baseline else None
        out = open(predictions, "w", encoding="utf-8") if predictions else None
        try:
            for n, (ctx, qid, question, gold) in enumerate(items):
                gold_doc = ids[ctx.id]
                started = time.perf_counter()
                analyzed = analyze_question(question, compiler)
                answers, ranking = answerer.answer(analyzed)
                took = (time.perf_counter() - started) * 1000
                correct = bool(answers) and _contains(answers[0].text, gold)
                rank = next((i + 1 for i, c in enumerate(ranking)
                             if c.meta["id"] == gold_doc and _contains(c.passage[2], gold)), None)
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
                    result = baseline_answer(searcher, kb.analyzer, compiler, question)
                    took = (time.perf_counter() - started) * 1000
                    b_correct = bool(result) and _contains(result[2], gold)
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
            "latency_ms_p50": round(_percentile(self.times, 0.5), 2),
            "latency_ms_p95": round(_percentile(self.times, 0.95), 2),
            "by_type": {t: {"label": TYPE_LABELS.get(t, t), "questions": c, "accuracy_at_1": round(k / c, 4)}
                        for t, (c, k) in sorted(self.by_type.items(), key=lambda kv: -kv[1][0])},
        }


# -- an office's own questions (JSON Lines) ---------------------------------------------------
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
    text = _read_text(path)
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
            at_1 = bool(top) and _contains(top.text, item.answers)
            at_3 = any(_contains(a.text, item.answers) for a in answers[:3])
            qtype = result.type if result else "other"
            kind = item.kind or qtype
            label = item.kind or f"{TYPE_LABELS.get(qtype, qtype)}（自动识别）"
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
                found = baseline_answer(searcher, kb.analyzer, compiler, item.question)
                took = (time.perf_counter() - started) * 1000
                doc_id = found[0] if found else ""
                title = (searcher.document(doc_id=doc_id) or {}).get("meta", {}).get("title", "") if found else ""
                base_stats.add(kind, label, bool(found) and _contains(found[2], item.answers), False,
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
            "latency_ms_p50": round(_percentile(self.times, 0.5), 2),
            "latency_ms_p95": round(_percentile(self.times, 0.95), 2),
            "by_kind": {k: {"label": label, "questions": c, "accuracy_at_1": round(a / c, 4),
                            "accuracy_at_3": round(b / c, 4)}
                        for k, (label, c, a, b) in sorted(self.by_kind.items(), key=lambda kv: -kv[1][1])},
        }
