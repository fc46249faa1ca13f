"""Score the sentences of one passage against a question (step 3 of :mod:`indexer.qa.answerer`).

Every sentence and pair of adjacent sentences gets a score: coverage of the question's words
weighted by global IDF times a *local* IDF (a word that every sentence of the passage repeats, such
as the subject of an encyclopaedia article, says little about which sentence answers),
character-bigram overlap, what it says beyond the question words, and whether it holds something
that looks like an answer of the question's type not already in the question; and its evidence,
the share of the question's weight it holds.
"""
from __future__ import annotations

import math
import re

from ..analysis import TextAnalyzer, fold_width
from .candidates import PassageCandidate, SentenceCandidate
from . import coverage
from .coverage import SUBSTRING_FACTOR, group_share, group_weight, holds_abbreviated, literal_tokens
from .question import AnalyzedQuestion
from .ranges import is_value_group, period_fit, question_periods, question_values, range_fit, spans_for_period
from .sentences import CONSEQUENCE_RE, TYPE_WEIGHT, split_sentences, type_matches
from .trimming import MAX_ANSWER_CHARS
from ..search import merge_spans

PAIR_FACTOR = 0.9
ARTICLE_CONTEXT = 0.8
# A span whose numbers are not in the unit asked for (几天 answered in 元) keeps this share of its
# answer-type credit.
UNIT_MISS = 0.3
# Question types whose answer has a recognisable form (a number, a date, an organ, 不得/可以), and
# the share of its evidence a sentence without such a form keeps.
TYPED_EVIDENCE = frozenset({"quantity", "time", "permission", "actor"})
UNTYPED_EVIDENCE = 0.7
UNIT_MISS_EVIDENCE = 0.5
UNIT_MISS_SCORE = 0.8
# A question word in the document title names the subject: it says little about which sentence
# answers (cap on its local IDF) and a sentence that leaves it out still speaks of it.
TITLE_LOCAL, TITLE_CREDIT = 0.3, 1.0
# Share of a word's weight kept when every sentence of the passage repeats it.
LOCAL_FLOOR = 0.2
# Weights of the sentence score (they sum to 1). No weight for how tightly the question words sit
# together: that favours sentences restating the question over those with the answer between
# the question words (以甲壳类、头足类和小鱼为食); dropping it gained 2 points on both halves.
W_LOCAL, W_BIGRAM, W_TYPE, W_CUE, W_NOVEL = 0.45, 0.2, 0.15, 0.1, 0.1
# Asked for a number, a date or whether something is allowed, the answer stands next to the words
# it is about (停工留薪期一般不超过12个月, 记分周期为十二个月): the question's words near the span that
# looks like the answer add this much, each counting 1 / (1 + d / PROX_CHARS) at d characters
# away. Added on top of the weights above (they still sum to 1), so a sentence without such a
# span keeps its score. Not for the encyclopaedia-like types (definition, list, actor), whose
# answer patterns are loose: there it cost CMRC 1.7 points.
W_PROX, PROX_CHARS = 0.15, 8.0
PROX_TYPES = frozenset({"quantity", "time", "permission"})
# A sentence whose range (满五年不足十年) holds the question's number (交了六年) scores this much
# more; one whose ranges all exclude it this much less.
RANGE_FIT = 1.3
RANGE_MISS = 0.6

_UNIT_RES: dict[str, re.Pattern] = {}
# a number, in digits or Chinese numerals
NUMBER_UNIT_RE = re.compile(r"[\d零〇一二两三四五六七八九十百千万半]")
_GLUE_CHARS = set("的了吗呢是有在和与及或等之一个这那什么怎如何哪谁几多少")


def unit_pattern(unit: str) -> re.Pattern:
    """Return the compiled pattern of a question's unit (天|日), compiled once."""
    found = _UNIT_RES.get(unit)
    if found is None:
        found = _UNIT_RES[unit] = re.compile(unit)
    return found


def score_sentences(searcher, analyzer: TextAnalyzer, question: AnalyzedQuestion, candidate: PassageCandidate,
                    idf: dict[str, float]) -> list[SentenceCandidate]:
    """Score every sentence and adjacent pair of sentences of one passage."""
    text = candidate.passage[2]
    folded = fold_width(text)
    spans = split_sentences(text)
    if not spans:
        return []
    tokens = analyzer.tokens(text, subwords=True)
    qtokens = question.tokens
    # tokens of each sentence
    sent_terms: list[set] = [set() for _ in spans]
    sent_matches: list[list] = [[] for _ in spans]
    index = 0
    for token in tokens:
        while index < len(spans) - 1 and token.start >= spans[index][1]:
            index += 1
        sent_terms[index].add(token.text)
        if token.text in qtokens:
            sent_matches[index].append((token.start, token.end))
    groups = question.groups
    n = len(spans)
    title_terms = {t.text for t in analyzer.tokens(candidate.meta.get("title", ""), subwords=True)}
    factors = question.factors
    in_title = [group_share(g, title_terms, factors) for g in groups]
    present = [[group_share(g, terms, factors) for g in groups] for terms in sent_terms]
    for i, (s, e) in enumerate(spans):
        sentence = folded[s:e]
        for gi, group in enumerate(groups):
            if present[i][gi] < SUBSTRING_FACTOR:
                for alt in group:
                    if alt and all(t in sentence for t in literal_tokens(alt)) and len(literal_tokens(alt)) == len(alt):
                        present[i][gi] = max(present[i][gi], factors.get(alt, 1.0) * SUBSTRING_FACTOR)
            shortened = coverage.ABBREVIATION_FACTOR
            if shortened and present[i][gi] < shortened:
                # a short form of a term the sentence spells out (年假: 年休假), as in groups_present
                for alt in group:
                    if alt and len(literal_tokens(alt)) == len(alt) and all(holds_abbreviated(t, sentence) for t in alt):
                        present[i][gi] = max(present[i][gi], factors.get(alt, 1.0) * shortened)
    global_w = [group_weight(g, idf) for g in groups]
    local_w = []
    for gi, weight in enumerate(global_w):
        count = sum(1 for row in present if row[gi])
        local = 1.0 if n == 1 or count == 0 else math.log(1 + n / count) / math.log(1 + n)
        if in_title[gi]:
            # the document's subject: every sentence is about it, named or not (本鱼, 该银行)
            local = min(local, TITLE_LOCAL)
        local_w.append(weight * (LOCAL_FLOOR + (1 - LOCAL_FLOOR) * local))
    total_global = sum(global_w) or 1.0
    total_local = sum(local_w) or 1.0
    token_weight: dict[str, float] = {}
    for group, weight in zip(groups, local_w):
        for alt in group:
            for token in alt:
                token_weight.setdefault(token, weight / total_local / len(alt))
    # character bigrams of the question, weighted by how rare they are among the sentences
    # sorted: summing in a fixed order gives every process (and hash seed) the same scores
    bigrams = sorted(b for b in question.bigrams if not (set(b) & _GLUE_CHARS))
    sent_texts = [folded[s:e] for s, e in spans]
    bigram_w = {}
    for b in bigrams:
        count = sum(1 for t in sent_texts if b in t)
        bigram_w[b] = 1.0 if n == 1 or count == 0 else math.log(1 + n / count) / math.log(1 + n)
    total_bigram = sum(bigram_w.values()) or 1.0
    core = question.core.replace(" ", "")

    unit_re = unit_pattern(question.unit) if question.unit else None
    values = question_values(fold_width(question.text))
    # 一个月最多……多少: the quota per month, asked with a number
    periods = question_periods(question.text) if question.qtype == "quantity" else set()
    # The most specific word of the question the corpus knows: a possible answer must say it.
    known = [gi for gi, g in enumerate(groups)
             if any(all(searcher.doc_frequency("content", t) for t in alt) for alt in g)]
    key_group = max(known, key=lambda gi: global_w[gi]) if known else None

    # the question's own numbers (七十多岁, 交了六年) are held by a rule whose range holds them
    number_groups = {gi for gi, g in enumerate(groups) if values and is_value_group(g)}

    group_of: dict[str, list[int]] = {}
    for gi, group in enumerate(groups):
        for alt in group:
            for token in alt:
                group_of.setdefault(token, []).append(gi)

    def score_span(first: int, last: int) -> SentenceCandidate:
        start, end = spans[first][0], spans[last][1]
        covered_local = covered_global = 0.0
        fit = range_fit(values, folded[start:end]) if values else 0
        if periods and fit <= 0:
            fit = period_fit(periods, folded[start:end]) or fit
        for gi in range(len(groups)):
            held = max(present[i][gi] for i in range(first, last + 1))
            if fit > 0 and gi in number_groups:
                held = 1.0
            if held:
                covered_local += held * local_w[gi]
                covered_global += held * global_w[gi]
            elif in_title[gi]:
                covered_local += TITLE_CREDIT * in_title[gi] * local_w[gi]
                covered_global += 0.5 * in_title[gi] * global_w[gi]
        span_text = folded[start:end]
        bigram = sum(w for b, w in bigram_w.items() if b in span_text) / total_bigram
        matched = [m for i in range(first, last + 1) for m in sent_matches[i]]
        answers = [(s, e) for s, e in type_matches(question.qtype, folded, start, end)
                   if folded[s:e] not in core]
        type_score = TYPE_WEIGHT.get(question.qtype, 0.0) if answers else 0.0
        typed = bool(answers)
        if unit_re is not None:
            # asked for days (几天), a span in days answers; a sum of money does not
            spans_any = answers + [(s, e) for s, e in type_matches("quantity", folded, start, end)
                                   if folded[s:e] not in core and (s, e) not in answers]
            fitting = [(s, e) for s, e in spans_any if unit_re.search(folded[s:e])]
            typed = bool(fitting)
            if fitting:
                # asked per month, mark 每月不得超过三十六小时, not 每日不得超过一小时
                answers = spans_for_period(periods, folded, fitting)
                type_score = max(type_score, TYPE_WEIGHT["quantity"])
            else:
                type_score *= UNIT_MISS
        if question.qtype == "reason" and CONSEQUENCE_RE.match(text[spans[first][0]:spans[first][1]]):
            type_score *= 0.3   # the cause is in the sentence before
        matched_chars = sum(e - s for s, e in merge_spans(matched))
        novelty = 1.0 - matched_chars / max(1, end - start)
        cue = 1.0 if question.cues and any(c in span_text for c in question.cues) else 0.0
        prox = (_proximity(answers, matched, folded, group_of, local_w) / total_local
                if answers and (unit_re is not None or question.qtype in PROX_TYPES) else 0.0)
        score = (W_LOCAL * covered_local / total_local + W_BIGRAM * bigram + W_TYPE * type_score
                 + W_CUE * cue + W_NOVEL * min(1.0, novelty * 2) + W_PROX * prox)
        if end - start < 6:
            score *= 0.7
        if fit:
            # 交了六年: the rule for 满五年不足十年 applies, not the one for 满一年不足五年
            score *= RANGE_FIT if fit > 0 else RANGE_MISS
        key_held = key_group is not None and (
            in_title[key_group] > 0 or any(present[i][key_group] for i in range(first, last + 1)))
        evidence = covered_global / total_global
        if unit_re is not None and not typed:
            evidence *= UNIT_MISS_EVIDENCE      # asked for a proportion, it gives months
            score *= UNIT_MISS_SCORE
        elif not typed and question.qtype in TYPED_EVIDENCE:
            # asked how many days, who or whether: a sentence with no such thing in it is weak
            # evidence however many question words it repeats
            evidence *= UNTYPED_EVIDENCE
        return SentenceCandidate(candidate, start, end, score, evidence,
                                 matched, answers, token_weight, key_held,
                                 typed or (unit_re is None and question.qtype not in TYPED_EVIDENCE))

    out = [score_span(i, i) for i in range(n)]
    for i in range(n - 1):
        if spans[i + 1][1] - spans[i][0] <= 2 * MAX_ANSWER_CHARS:
            pair = score_span(i, i + 1)
            pair.score *= PAIR_FACTOR
            out.append(pair)
    passage_factor = 0.35 + 0.65 * candidate.score
    # An article (第X条 with its 款 and 项) is one rule: the question's words in one of its items
    # are evidence for the sentence stating the rule's consequence (处五千元以上五万元以下罚款).
    context = ARTICLE_CONTEXT * candidate.coverage if str(candidate.passage[0]).startswith("art") else 0.0
    for item in out:
        item.score *= passage_factor
        if item.typed and context > item.evidence:
            item.evidence = context
    return out


def _proximity(answers, matched, folded: str, group_of: dict, local_w: list) -> float:
    """Weight of the question's groups near the answer: each held group counts its local weight
    times 1 / (1 + d / PROX_CHARS), d the characters between its nearest word and an answer span."""
    best: dict[int, float] = {}
    for ts, te in matched:
        groups = group_of.get(folded[ts:te])
        if not groups:
            continue
        d = min(max(0, a_s - te, ts - a_e) for a_s, a_e in answers)
        near = 1.0 / (1.0 + d / PROX_CHARS)
        for gi in groups:
            if near > best.get(gi, 0.0):
                best[gi] = near
    return sum(local_w[gi] * v for gi, v in best.items())
