"""Judge a plan against a checklist, item by item, and find what the rules say about each part.

Text is compared after the analyzer's width folding (full-width letters and digits, bracket
variants) and in lower case; a phrase also counts in any spelling the alias table gives it (an
alias of it, or a full name it stands for), so 满意度测评 counts for 群众满意度测评.
"""
from __future__ import annotations

import datetime as _dt
import re
import time
from dataclasses import dataclass
from typing import Callable

from ..analysis import fold_width
from ..errors import PolicyKBError
from .checklist import Checklist, Item
from .numbers import find_quantities, format_value
from .plan import Plan, Sentence
from .report import (FAIL, MISSING, OK, Citation, Evidence, Finding, PartReview, Related, Report)

MAX_EVIDENCE = 5
MAX_RELATED_PARTS = 40     # parts given related passages (a 30-page plan has about 20–40)
RELATED_PER_PART = 3
QUERY_WORDS = 6
# a number in a clause with 其中 is a part of the whole; one right after 按/折合 is a conversion rate
# (每半天按3学时计算), not the amount asked about
_PARTIAL = ("其中",)
_RATE_BEFORE = ("按", "折合", "计为")
_CLAUSE_BREAK = re.compile(r"[，,；;：:、（(]")
_CJK_WORD = re.compile(r"^[\u4e00-\u9fff]{2,}$")
# words of every plan: they say nothing about which rule is meant
_COMMON = frozenset("""
开展 进行 工作 活动 教育 要求 以及 通过 加强 认真 做好 有关 相关 各级 各个 单位 我们 同志 一个 这次 组织 同时
按照 根据 结合 实际 情况 全面 主要 重点 具体 确保 切实 积极 深入 方面 问题 情况下 其中 党员 党组织 先进性 先进性教育活动
保持 共产党员 教育活动 企业 集团 公司 本单位 阶段 安排 时间 进一步 充分 广大 基础 一定 不断 重要 提高 坚持
""".split())


@dataclass(frozen=True)
class Knowledge:
    """What the review needs from the knowledge base (given by :class:`indexer.kb.KnowledgeBase`).

    :ivar aliases: the alias table (alias → full names).
    :ivar citation: ``(doc_id, anchor, quote) → Citation`` of a rule's passage.
    :ivar words: segmentation of a text into words (the analyzer's, query side).
    :ivar search: ``query → hits`` (:class:`indexer.models.Hit`), best first.
    """

    aliases: dict
    citation: Callable[[str, str, str], Citation]
    words: Callable[[str], list[str]] | None = None
    search: Callable[[str], list] | None = None


def normalize(text: str) -> str:
    """Fold widths and case, keeping the length (offsets stay valid in the original)."""
    return fold_width(text).lower()


def variants(phrase: str, aliases: dict) -> tuple[str, ...]:
    """Return *phrase* and its spellings in the alias table, normalised, longest first."""
    found = {phrase}
    found.update(aliases.get(phrase, ()))
    found.update(alias for alias, names in aliases.items() if phrase in names)
    return tuple(sorted({normalize(v) for v in found if v}, key=len, reverse=True))


def _spans(text: str, needles: tuple[str, ...]) -> list[tuple[int, int]]:
    spans = []
    for needle in needles:
        start = text.find(needle)
        while start != -1:
            spans.append((start, start + len(needle)))
            start = text.find(needle, start + 1)
    return spans


class Reviewer:
    """Review plans against checklists with one knowledge base."""

    def __init__(self, knowledge: Knowledge):
        self.knowledge = knowledge
        self._variants: dict[str, tuple[str, ...]] = {}

    def _forms(self, phrase: str) -> tuple[str, ...]:
        if phrase not in self._variants:
            self._variants[phrase] = variants(phrase, self.knowledge.aliases)
        return self._variants[phrase]

    def review(self, plan: Plan, checklist: Checklist, related: bool = True, today: str | None = None) -> Report:
        """Return the report of *plan* against every item of *checklist*."""
        started = time.perf_counter()
        folded = [normalize(s.text) for s in plan.sentences]
        findings = []
        for item in checklist.items:
            judge = getattr(self, "_" + item.kind)
            status, detail, evidence, extra = judge(item, plan, folded)
            citation = self.knowledge.citation(item.source.doc, item.source.anchor, item.source.quote)
            findings.append(Finding(item_id=item.id, requirement=item.requirement, kind=item.kind, status=status,
                                    detail=detail, citation=citation, evidence=tuple(evidence[:MAX_EVIDENCE]),
                                    **extra))
        parts = self._parts(plan, findings, related)
        return Report(plan_name=plan.name, plan_kind=plan.kind, checklist_id=checklist.id,
                      checklist_title=checklist.title, date=today or _dt.date.today().isoformat(),
                      findings=tuple(findings), parts=tuple(parts),
                      took_ms=(time.perf_counter() - started) * 1000, plan_body=plan.body)

    # -- the five kinds ---------------------------------------------------------------------
    def _match(self, phrase: str, folded: str) -> list[tuple[int, int]] | None:
        """Return the spans of *phrase* (``A+B``: every piece) in a sentence, or None."""
        spans = []
        for piece in phrase.split("+"):
            found = _spans(folded, self._forms(piece.strip()))
            if not found:
                return None
            spans.extend(found)
        return spans

    def _evidence(self, plan: Plan, n: int, marks, found: str = "") -> Evidence:
        sentence = plan.sentences[n]
        return Evidence(part=sentence.part, part_label=plan.parts[sentence.part].label, sentence=sentence.text,
                        marks=tuple(sorted(set(marks))), found=found)

    def _mentions(self, item: Item, plan: Plan, folded: list[str]):
        evidence, matched = [], []
        for n, text in enumerate(folded):
            marks = []
            for phrase in item.any:
                spans = self._match(phrase, text)
                if spans:
                    marks.extend(spans)
                    if phrase not in matched:
                        matched.append(phrase)
            if marks:
                evidence.append(self._evidence(plan, n, marks))
        if evidence:
            shown = "、".join(f"“{p.replace('+', '……')}”" for p in matched[:4])
            return OK, f"方案中有 {len(evidence)} 处提到{shown}。", evidence, {}
        shown = "、".join(p.replace("+", "……") for p in item.any[:5])
        return MISSING, f"方案中没有找到相关内容（查找了：{shown}等说法）。", [], {}

    def _at_least(self, item: Item, plan: Plan, folded: list[str]):
        return self._bound(item, plan, folded, lambda v: v >= item.value, "不少于")

    def _at_most(self, item: Item, plan: Plan, folded: list[str]):
        return self._bound(item, plan, folded, lambda v: v <= item.value, "不超过")

    def _bound(self, item: Item, plan: Plan, folded: list[str], ok: Callable[[float], bool], word: str):
        required = f"{word} {format_value(item.value)} {item.unit}"
        good, bad = [], []
        for n, text in enumerate(folded):
            near = [s for phrase in item.near for s in (self._match(phrase, text) or [])]
            if not near:
                continue
            best = None
            for quantity in find_quantities(plan.sentences[n].text):
                value = quantity.in_unit(item.unit)
                if value is None or _partial(text, quantity.start):
                    continue
                distance = min(abs(quantity.start - s) if quantity.start >= e else abs(s - quantity.end)
                               for s, e in near)
                if best is None or distance < best[0]:
                    best = (distance, quantity, value)
            if best is None:
                continue
            _, quantity, value = best
            shown = f"{format_value(quantity.value)} {quantity.unit}"
            if quantity.unit != item.unit:
                shown += f"（约 {format_value(round(value, 1))} {item.unit}）"
            evidence = self._evidence(plan, n, near + [(quantity.start, quantity.end)], shown)
            (good if ok(value) else bad).append(evidence)
        found = tuple(dict.fromkeys(e.found for e in bad + good))  # each value once
        extra = {"required": required, "found": found}
        if bad:
            return FAIL, f"方案写的是 {bad[0].found}，要求{required}。", bad + good, extra
        if good:
            return OK, f"方案写的是 {good[0].found}，要求{required}。", good, extra
        shown = "、".join(item.near[:4])
        return MISSING, f"方案中没有找到与“{shown}”相关的时间或学时（要求{required}）。", [], extra

    def _forbidden(self, item: Item, plan: Plan, folded: list[str]):
        evidence, used = [], []
        for n, text in enumerate(folded):
            marks = []
            for bad, good in item.terms:
                spans = _spans(text, (normalize(bad),))
                if spans:
                    marks.extend(spans)
                    if (bad, good) not in used:
                        used.append((bad, good))
            if marks:
                evidence.append(self._evidence(plan, n, marks))
        if not used:
            names = "、".join(f"“{bad}”" for bad, _ in item.terms)
            return OK, f"方案中没有使用{names}。", [], {}
        suggestion = "；".join(f"“{bad}”应改为“{good}”" for bad, good in used)
        return (FAIL, f"方案中有 {len(evidence)} 处使用了不规范的名称：" + "、".join(f"“{b}”" for b, _ in used) + "。",
                evidence, {"suggestion": suggestion + "。"})

    def _sections(self, item: Item, plan: Plan, folded: list[str]):
        starts = [self._section_start(section.any, plan, folded) for section in item.sections]
        names = [s.name for s in item.sections]
        missing = [name for name, start in zip(names, starts) if start is None]
        evidence = [self._evidence(plan, start, spans) for start, spans in (s for s in starts if s)]
        required = "、".join(names)
        if missing:
            return MISSING, f"方案中未见：{'、'.join(missing)}（应有：{required}）。", evidence, {"required": required}
        order = [s[0] for s in starts]
        if item.order and order != sorted(order):
            actual = "、".join(name for _, name in sorted(zip(order, names)))
            return FAIL, f"顺序不对：方案中是 {actual}，应为 {required}。", evidence, {"required": required}
        if item.each:
            lacking, each_evidence = [], []
            bounds = sorted(order) + [len(folded)]
            for name, start in zip(names, order):
                end = min(b for b in bounds if b > start)
                end = min(end, self._scope_end(plan, start))
                hit = None
                for n in range(start, end):
                    spans = [s for phrase in item.each for s in (self._match(phrase, folded[n]) or [])]
                    if spans:
                        hit = self._evidence(plan, n, spans)
                        break
                if hit is None:
                    lacking.append(name)
                else:
                    each_evidence.append(hit)
            also = "、".join(f"“{p.replace('+', '……')}”" for p in item.each[1:4])
            if lacking:
                return (MISSING, f"{'、'.join(lacking)} 部分未见“{item.each[0]}”" + (f"（也查找了{also}）。" if also else "。"),
                        each_evidence + evidence, {"required": required})
            return OK, f"{required} 各部分都有“{item.each[0]}”或相应的说法。", each_evidence, {"required": required}
        return OK, f"方案中依次有：{required}。", evidence, {"required": required}

    def _section_start(self, words: tuple[str, ...], plan: Plan, folded: list[str]):
        """Return (sentence number, spans) where a section opens.

        The shallowest heading naming it (a plan's stage headings sit above the units' own
        学习动员 items), the first of those; without such a heading, a sentence beginning with it.
        """
        best = None
        for n, text in enumerate(folded):
            if not plan.sentences[n].heading:
                continue
            spans = [s for word in words for s in (self._match(word, text) or [])]
            level = plan.parts[plan.sentences[n].part].level
            if spans and (best is None or level < best[0]):
                best = (level, n, spans)
        if best:
            return best[1], best[2]
        for n, text in enumerate(folded):
            spans = [s for word in words for s in (self._match(word, text) or [])]
            if spans and not plan.sentences[n].heading and min(s for s, _ in spans) <= 12:
                return n, spans
        return None

    @staticmethod
    def _scope_end(plan: Plan, start: int) -> int:
        """Return the sentence after the section opened at *start*: the next heading at its level or above."""
        sentence = plan.sentences[start]
        if not sentence.heading:
            return len(plan.sentences)
        level = plan.parts[sentence.part].level
        for n in range(start + 1, len(plan.sentences)):
            other = plan.sentences[n]
            if other.heading and plan.parts[other.part].level <= level:
                return n
        return len(plan.sentences)

    # -- parts and what the rules say about them ----------------------------------------------
    def _parts(self, plan: Plan, findings: list[Finding], related: bool) -> list[PartReview]:
        by_part: dict[int, list[str]] = {}
        for finding in findings:
            for evidence in finding.evidence:
                ids = by_part.setdefault(evidence.part, [])
                if finding.item_id not in ids:
                    ids.append(finding.item_id)
        out, searched = [], 0
        cache: dict[str, tuple[Related, ...]] = {}
        for part in plan.parts:
            text = part.text
            hits: tuple[Related, ...] = ()
            if related and self.knowledge.search and text.strip() and searched < MAX_RELATED_PARTS:
                query = self.query_for(part.heading, text)
                if query:
                    if query not in cache:
                        cache[query] = self._related(query)
                        searched += 1
                    hits = cache[query]
            excerpt = text[:120] + ("……" if len(text) > 120 else "")
            out.append(PartReview(part.number, part.label, excerpt, tuple(by_part.get(part.number, ())), hits))
        return out

    def query_for(self, heading: str, text: str) -> str:
        """Return the search words for a part: its heading's words first, then its most frequent words."""
        words = self.knowledge.words or (lambda t: [t])
        counts: dict[str, float] = {}
        for weight, source in ((3.0, re.sub(r"[（(][^）)]*[）)]", "", heading)), (1.0, text[:3000])):
            for word in words(source):
                if _CJK_WORD.match(word) and word not in _COMMON:
                    counts[word] = counts.get(word, 0.0) + weight
        ranked = sorted(counts, key=lambda w: (-counts[w], -len(w)))
        return " ".join(ranked[:QUERY_WORDS])

    def _related(self, query: str) -> tuple[Related, ...]:
        """Return the best passages for *query*; with fewer than wanted, also for its first words."""
        words = query.split()
        found: dict[str, Related] = {}
        for size in dict.fromkeys(n for n in (len(words), 3, 2) if n <= len(words)):
            if len(found) >= RELATED_PER_PART:
                break
            try:
                hits = self.knowledge.search(" ".join(words[:size]))
            except PolicyKBError:  # a query the search refuses only costs the sidebar of one part
                continue
            for h in hits:
                if h.id not in found and len(found) < RELATED_PER_PART:
                    found[h.id] = Related(h.id, h.title, h.level_label, h.section, h.passage, h.snippet)
        return tuple(found.values())


def _partial(folded: str, position: int) -> bool:
    """Whether the number at *position* is a part (其中…) or a conversion rate (按3学时计算)."""
    clause_start = 0
    for match in _CLAUSE_BREAK.finditer(folded, 0, position):
        clause_start = match.end()
    clause = folded[clause_start:position]
    return any(word in clause for word in _PARTIAL) or clause.rstrip().endswith(_RATE_BEFORE)


def citation_of(doc, anchor: str, quote: str = "") -> Citation:
    """Return the citation of passage *anchor* of *doc* (a PolicyDoc, or None when it is missing)."""
    if doc is None:
        return Citation("", "（出处文档不存在）", "", anchor, "", "", quote)
    passage = next((p for p in doc.passages if p.anchor == anchor), None)
    return Citation(doc.id, doc.title, doc.doc_no, anchor, passage.section if passage else "",
                    passage.text if passage else "", quote)
